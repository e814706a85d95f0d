// Package model defines the glyph model file: a linear projection of
// character features into a discriminant space, one or more quantised
// prototypes per character in that space, and the confidence calibration.
package model

import (
	"bufio"
	"compress/gzip"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math"
)

const magic = "XZGLYPH3"

// Model is the decoded content of a model file.
type Model struct {
	Meta   string    // free-form provenance (JSON): fonts, options
	Dim    int       // feature length
	LDA    int       // projected length
	Mean   []float32 // Dim: subtracted before projecting
	Proj   []float32 // Dim×LDA row-major: y = (x−Mean)·Proj
	Runes  []rune    // K classes
	Levels []uint8   // K: level in the 通用规范汉字表 (1–3), 0 outside it
	Per    int       // prototypes per class
	// Protos holds K×Per×LDA coordinates. Classes with fewer distinct
	// prototypes repeat one.
	Protos []float32
	// Width holds, per class, the mean and standard deviation of the ink
	// width in line-band heights (K×2).
	Width []float32
	// Calib maps the best distance d1 and the runner-up distance d2 to a
	// confidence: sigmoid(Calib[0] + Calib[1]·(d2−d1) + Calib[2]·d1).
	Calib [3]float32
}

// Write encodes m gzip-compressed, with prototypes quantised to int8 per
// dimension.
func (m *Model) Write(w io.Writer) error {
	if err := m.check(); err != nil {
		return err
	}
	zw, err := gzip.NewWriterLevel(w, gzip.BestCompression)
	if err != nil {
		return err
	}
	bw := bufio.NewWriter(zw)
	le := binary.LittleEndian
	put := func(v any) {
		if err == nil {
			err = binary.Write(bw, le, v)
		}
	}
	put([]byte(magic))
	put(uint32(len(m.Meta)))
	put([]byte(m.Meta))
	put([]uint32{uint32(m.Dim), uint32(m.LDA), uint32(len(m.Runes)), uint32(m.Per)})
	put(m.Mean)
	put(m.Proj)
	runes := make([]int32, len(m.Runes))
	for i, r := range m.Runes {
		runes[i] = int32(r)
	}
	put(runes)
	put(m.Levels)
	scale := make([]float32, m.LDA)
	for i, v := range m.Protos {
		d := i % m.LDA
		scale[d] = max(scale[d], float32(math.Abs(float64(v)))/127)
	}
	q := make([]int8, len(m.Protos))
	for i, v := range m.Protos {
		if s := scale[i%m.LDA]; s > 0 {
			q[i] = int8(math.Round(float64(v / s)))
		}
	}
	put(scale)
	put(q)
	put(m.Width)
	put(m.Calib)
	if err != nil {
		return fmt.Errorf("model: write: %w", err)
	}
	if err := bw.Flush(); err != nil {
		return fmt.Errorf("model: write: %w", err)
	}
	return zw.Close()
}

// Read decodes a model written by Write.
func Read(r io.Reader) (*Model, error) {
	zr, err := gzip.NewReader(r)
	if err != nil {
		return nil, fmt.Errorf("model: read: %w", err)
	}
	br := bufio.NewReader(zr)
	le := binary.LittleEndian
	get := func(v any) {
		if err == nil {
			err = binary.Read(br, le, v)
		}
	}
	var mg [8]byte
	get(&mg)
	if err == nil && string(mg[:]) != magic {
		return nil, errors.New("model: read: not a glyph model")
	}
	var n uint32
	get(&n)
	if err == nil && n > 1<<20 {
		return nil, errors.New("model: read: corrupt header")
	}
	if err != nil {
		return nil, fmt.Errorf("model: read: %w", err)
	}
	meta := make([]byte, n)
	get(meta)
	var hdr [4]uint32
	get(&hdr)
	if err != nil {
		return nil, fmt.Errorf("model: read: %w", err)
	}
	m := &Model{Meta: string(meta), Dim: int(hdr[0]), LDA: int(hdr[1]), Per: int(hdr[3])}
	k := int(hdr[2])
	if m.Dim <= 0 || m.Dim > 1<<14 || m.LDA <= 0 || m.LDA > m.Dim || k <= 0 || k > 1<<17 || m.Per <= 0 || m.Per > 64 {
		return nil, errors.New("model: read: corrupt header")
	}
	m.Mean = make([]float32, m.Dim)
	m.Proj = make([]float32, m.Dim*m.LDA)
	runes := make([]int32, k)
	m.Levels = make([]uint8, k)
	scale := make([]float32, m.LDA)
	q := make([]int8, k*m.Per*m.LDA)
	get(m.Mean)
	get(m.Proj)
	get(runes)
	get(m.Levels)
	get(scale)
	get(q)
	m.Width = make([]float32, 2*k)
	get(m.Width)
	get(&m.Calib)
	if err != nil {
		return nil, fmt.Errorf("model: read: %w", err)
	}
	m.Runes = make([]rune, k)
	for i, r := range runes {
		m.Runes[i] = rune(r)
	}
	m.Protos = make([]float32, len(q))
	for i, v := range q {
		m.Protos[i] = float32(v) * scale[i%m.LDA]
	}
	return m, m.check()
}

func (m *Model) check() error {
	k := len(m.Runes)
	switch {
	case len(m.Mean) != m.Dim, len(m.Proj) != m.Dim*m.LDA:
		return errors.New("model: projection size mismatch")
	case len(m.Levels) != k, len(m.Protos) != k*m.Per*m.LDA, len(m.Width) != 2*k:
		return errors.New("model: class table size mismatch")
	}
	return nil
}
