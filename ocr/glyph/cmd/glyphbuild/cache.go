package main

import (
	"bufio"
	"encoding/binary"
	"errors"
	"io"
	"os"

	"github.com/xiaozhi-kiosk/xiaozhi/ocr/glyph/internal/feat"
)

// loadCache returns the samples stored under key, or nil when there is no
// cache file or it was made with other settings.
func loadCache(path, key string) ([]sample, error) {
	if path == "" {
		return nil, nil
	}
	f, err := os.Open(path)
	if errors.Is(err, os.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	defer f.Close()
	r := bufio.NewReaderSize(f, 1<<20)
	var n uint32
	if err := binary.Read(r, binary.LittleEndian, &n); err != nil {
		return nil, err
	}
	k := make([]byte, n)
	if _, err := io.ReadFull(r, k); err != nil {
		return nil, err
	}
	if string(k) != key {
		return nil, nil
	}
	var count uint32
	if err := binary.Read(r, binary.LittleEndian, &count); err != nil {
		return nil, err
	}
	out := make([]sample, count)
	for i := range out {
		var hdr [2]int32
		if err := binary.Read(r, binary.LittleEndian, &hdr); err != nil {
			return nil, err
		}
		x := make([]float32, feat.Dim)
		if err := binary.Read(r, binary.LittleEndian, x); err != nil {
			return nil, err
		}
		out[i] = sample{class: int(hdr[0]), font: int(hdr[1]), x: x}
	}
	return out, nil
}

func saveCache(path, key string, samples []sample) error {
	if path == "" {
		return nil
	}
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	w := bufio.NewWriterSize(f, 1<<20)
	binary.Write(w, binary.LittleEndian, uint32(len(key)))
	w.WriteString(key)
	binary.Write(w, binary.LittleEndian, uint32(len(samples)))
	for _, s := range samples {
		binary.Write(w, binary.LittleEndian, [2]int32{int32(s.class), int32(s.font)})
		binary.Write(w, binary.LittleEndian, s.x)
	}
	if err := w.Flush(); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}
