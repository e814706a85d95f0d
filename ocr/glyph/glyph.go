package glyph

import (
	"bytes"
	_ "embed"
	"fmt"
	"image"
	"io"
	"math"
	"sync"

	"github.com/xiaozhi-kiosk/xiaozhi/ocr/glyph/internal/feat"
	"github.com/xiaozhi-kiosk/xiaozhi/ocr/glyph/internal/model"
)

// Threshold is the escalation threshold: a character read with a lower
// confidence must be confirmed by a person. The model is calibrated so that
// wrong characters rarely reach it.
const Threshold = 0.80

// Char is one recognised character.
type Char struct {
	Rune rune
	// Confidence is the calibrated probability that Rune is right, 0–1.
	Confidence float64
	// Box is the character's ink box in the coordinates of the input image.
	Box image.Rectangle
	// Alternatives are the next nearest characters, best first.
	Alternatives []Alternative
}

// Alternative is a runner-up reading of a character.
type Alternative struct {
	Rune rune
	// Score is the likelihood of this reading relative to the best one:
	// exp(−k·(d−d₁)) for discriminant distances d and d₁, with k the margin
	// weight of the confidence calibration; 1 for a tie, near 0 for a
	// distant runner-up.
	Score float64
}

// Line is the reading of one text line.
type Line struct {
	Text  string
	Chars []Char
}

// Confidence returns the lowest character confidence of the line, or 0 for
// an empty line: one doubtful character makes the whole value doubtful.
func (l Line) Confidence() float64 {
	if len(l.Chars) == 0 {
		return 0
	}
	c := 1.0
	for _, ch := range l.Chars {
		c = math.Min(c, ch.Confidence)
	}
	return c
}

// Recognizer reads single lines of printed CJK text. It is safe for
// concurrent use.
type Recognizer struct {
	cls     *classifier
	index   map[rune]int // class of each character
	scratch sync.Pool
	meta    string
}

// Load reads a model written by the glyphbuild command.
func Load(r io.Reader) (*Recognizer, error) {
	m, err := model.Read(r)
	if err != nil {
		return nil, fmt.Errorf("glyph: %w", err)
	}
	if m.Dim != feat.Dim {
		return nil, fmt.Errorf("glyph: model feature length %d, reader computes %d", m.Dim, feat.Dim)
	}
	c := newClassifier(m)
	rec := &Recognizer{cls: c, meta: m.Meta, index: make(map[rune]int, len(m.Runes))}
	for i, x := range m.Runes {
		rec.index[x] = i
	}
	rec.scratch.New = func() any { return c.newScratch() }
	return rec, nil
}

//go:embed model/glyph.model
var embedded []byte

var loadDefault = sync.OnceValues(func() (*Recognizer, error) {
	return Load(bytes.NewReader(embedded))
})

// Default returns the recogniser built from the model shipped in the
// package, loading it on first use (about 10 MB of memory).
func Default() (*Recognizer, error) { return loadDefault() }

// Chars returns the characters the model can read.
func (r *Recognizer) Chars() []rune {
	return append([]rune(nil), r.cls.m.Runes...)
}

// Level returns the level of r in the 通用规范汉字表 (1–3), or 0 when r is
// not in the table or not in the model.
func (r *Recognizer) Level(c rune) int {
	if i, ok := r.index[c]; ok {
		return int(r.cls.m.Levels[i])
	}
	return 0
}

// Meta returns the provenance recorded in the model: fonts and options used
// to build it, as JSON.
func (r *Recognizer) Meta() string { return r.meta }
