package model

import (
	"bytes"
	"math"
	"math/rand/v2"
	"testing"
)

func TestWriteReadRoundTrip(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	m := &Model{Meta: `{"x":1}`, Dim: 6, LDA: 3, Per: 2, Runes: []rune("喆碶A"), Levels: []uint8{3, 3, 0}}
	for i := 0; i < m.Dim; i++ {
		m.Mean = append(m.Mean, rng.Float32())
	}
	for i := 0; i < m.Dim*m.LDA; i++ {
		m.Proj = append(m.Proj, rng.Float32()-0.5)
	}
	for i := 0; i < len(m.Runes)*m.Per*m.LDA; i++ {
		m.Protos = append(m.Protos, 10*(rng.Float32()-0.5))
	}
	m.Calib = [3]float32{-1, 2, -0.5}
	m.Width = []float32{0.9, 0.05, 0.95, 0.04, 0.5, 0.1}
	var buf bytes.Buffer
	if err := m.Write(&buf); err != nil {
		t.Fatal(err)
	}
	got, err := Read(&buf)
	if err != nil {
		t.Fatal(err)
	}
	if got.Meta != m.Meta || string(got.Runes) != string(m.Runes) || got.Calib != m.Calib || got.Per != m.Per || got.Width[4] != 0.5 {
		t.Fatalf("header mismatch: %+v", got)
	}
	for i, v := range m.Proj {
		if got.Proj[i] != v {
			t.Fatalf("projection[%d] = %v, want %v", i, got.Proj[i], v)
		}
	}
	// Prototypes are quantised to int8 per dimension: error ≤ half a step.
	for i, v := range m.Protos {
		if d := math.Abs(float64(got.Protos[i] - v)); d > 5.0/127/2+1e-6 {
			t.Fatalf("prototype[%d] = %v, want %v ± quantisation", i, got.Protos[i], v)
		}
	}
}

func TestReadRejectsGarbage(t *testing.T) {
	if _, err := Read(bytes.NewReader([]byte("not a model at all"))); err == nil {
		t.Fatal("Read accepted garbage")
	}
}
