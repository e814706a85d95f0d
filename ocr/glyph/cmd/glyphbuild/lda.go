package main

import (
	"math"
	"sync"

	"github.com/xiaozhi-kiosk/xiaozhi/ocr/glyph/internal/linalg"
)

// ldaResult is the learned projection: y = (x−mean)·proj.
type ldaResult struct {
	mean []float32
	proj []float32 // dim×out row-major
	out  int
}

// fitLDA learns a linear discriminant projection from labelled samples.
// The within-class scatter is shrunk towards its diagonal by alpha: the
// build fonts show less style variation than unseen fonts will, and the
// shrinkage keeps the projection from trusting directions that merely
// happened to be stable across them.
func fitLDA(samples []sample, k, dim, out int, alpha float64, workers int) ldaResult {
	means := make([][]float64, k)
	counts := make([]int, k)
	for i := range means {
		means[i] = make([]float64, dim)
	}
	for _, s := range samples {
		counts[s.class]++
		m := means[s.class]
		for d, v := range s.x {
			m[d] += float64(v)
		}
	}
	gmean := make([]float64, dim)
	present := 0
	for c := range means {
		if counts[c] == 0 {
			continue
		}
		present++
		for d := range means[c] {
			means[c][d] /= float64(counts[c])
			gmean[d] += means[c][d]
		}
	}
	for d := range gmean {
		gmean[d] /= float64(present)
	}
	// Within-class scatter, accumulated in parallel over sample blocks.
	sw := make([]float64, dim*dim)
	var mu sync.Mutex
	var wg sync.WaitGroup
	per := (len(samples) + workers - 1) / workers
	for w := 0; w < workers; w++ {
		lo, hi := w*per, min((w+1)*per, len(samples))
		wg.Add(1)
		go func() {
			defer wg.Done()
			local := make([]float64, dim*dim)
			dev := make([]float64, dim)
			for _, s := range samples[lo:hi] {
				m := means[s.class]
				for d := range dev {
					dev[d] = float64(s.x[d]) - m[d]
				}
				for i, a := range dev {
					if a == 0 {
						continue
					}
					row := local[i*dim : i*dim+i+1]
					for j := range row {
						row[j] += a * dev[j]
					}
				}
			}
			mu.Lock()
			for i := range sw {
				sw[i] += local[i]
			}
			mu.Unlock()
		}()
	}
	wg.Wait()
	n := float64(len(samples))
	for i := 0; i < dim; i++ {
		for j := 0; j <= i; j++ {
			v := sw[i*dim+j] / n
			sw[i*dim+j], sw[j*dim+i] = v, v
		}
	}
	for i := 0; i < dim; i++ {
		sw[i*dim+i] *= 1 + alpha
		sw[i*dim+i] += 1e-9
	}
	sb := make([]float64, dim*dim)
	dev := make([]float64, dim)
	for c := range means {
		if counts[c] == 0 {
			continue
		}
		for d := range dev {
			dev[d] = means[c][d] - gmean[d]
		}
		for i, a := range dev {
			row := sb[i*dim : i*dim+i+1]
			for j := range row {
				row[j] += a * dev[j]
			}
		}
	}
	for i := 0; i < dim; i++ {
		for j := 0; j <= i; j++ {
			v := sb[i*dim+j] / float64(present)
			sb[i*dim+j], sb[j*dim+i] = v, v
		}
	}
	// Whiten the within-class scatter, then diagonalise the between-class
	// scatter in the whitened space.
	lw, vw := linalg.SymEig(sw, dim)
	white := make([]float64, dim*dim) // dim×dim: column j = v_j/sqrt(λ_j)
	for i := 0; i < dim; i++ {
		for j := 0; j < dim; j++ {
			white[i*dim+j] = vw[i*dim+j] / math.Sqrt(math.Max(lw[j], 1e-12))
		}
	}
	sbw := mulTAB(white, mulAB(sb, white, dim), dim) // Wᵀ·Sb·W
	_, vb := linalg.SymEig(sbw, dim)
	res := ldaResult{mean: make([]float32, dim), proj: make([]float32, dim*out), out: out}
	for d := range gmean {
		res.mean[d] = float32(gmean[d])
	}
	// Eigenvalues ascend: the last out columns are the most discriminant,
	// stored largest first.
	for o := 0; o < out; o++ {
		col := dim - 1 - o
		for i := 0; i < dim; i++ {
			var s float64
			for j := 0; j < dim; j++ {
				s += white[i*dim+j] * vb[j*dim+col]
			}
			res.proj[i*out+o] = float32(s)
		}
	}
	return res
}

func mulAB(a, b []float64, n int) []float64 {
	c := make([]float64, n*n)
	for i := 0; i < n; i++ {
		ci := c[i*n : (i+1)*n]
		for k := 0; k < n; k++ {
			av := a[i*n+k]
			if av == 0 {
				continue
			}
			bk := b[k*n : (k+1)*n]
			for j, bv := range bk {
				ci[j] += av * bv
			}
		}
	}
	return c
}

func mulTAB(a, b []float64, n int) []float64 {
	c := make([]float64, n*n)
	for k := 0; k < n; k++ {
		ak := a[k*n : (k+1)*n]
		bk := b[k*n : (k+1)*n]
		for i, av := range ak {
			if av == 0 {
				continue
			}
			ci := c[i*n : (i+1)*n]
			for j, bv := range bk {
				ci[j] += av * bv
			}
		}
	}
	return c
}

// project maps x with the learned projection.
func (l ldaResult) project(x []float32) []float32 {
	y := make([]float32, l.out)
	for i, v := range x {
		v -= l.mean[i]
		row := l.proj[i*l.out : (i+1)*l.out]
		for d, p := range row {
			y[d] += v * p
		}
	}
	return y
}
