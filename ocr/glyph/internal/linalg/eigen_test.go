package linalg

import (
	"math"
	"math/rand/v2"
	"testing"
)

func TestSymEigReconstructs(t *testing.T) {
	const n = 40
	rng := rand.New(rand.NewPCG(1, 2))
	a := make([]float64, n*n)
	for i := 0; i < n; i++ {
		for j := 0; j <= i; j++ {
			v := rng.NormFloat64()
			a[i*n+j], a[j*n+i] = v, v
		}
	}
	vals, v := SymEig(a, n)
	for i := 1; i < n; i++ {
		if vals[i] < vals[i-1] {
			t.Fatalf("eigenvalues not ascending at %d", i)
		}
	}
	// A·v_k must equal λ_k·v_k for every column k.
	for k := 0; k < n; k++ {
		for i := 0; i < n; i++ {
			var s float64
			for j := 0; j < n; j++ {
				s += a[i*n+j] * v[j*n+k]
			}
			if d := math.Abs(s - vals[k]*v[i*n+k]); d > 1e-9 {
				t.Fatalf("column %d row %d: residual %g", k, i, d)
			}
		}
	}
}
