package cardgen

import "math"

// gaussianBlur blurs fr in place with a separable Gaussian of the given σ (pixels),
// clamping at the borders. Rows and columns run in parallel bands.
func gaussianBlur(fr *frame, sigma float64) {
	rad := int(math.Ceil(3 * sigma))
	k := make([]float32, 2*rad+1)
	var sum float32
	for i := range k {
		d := float64(i - rad)
		k[i] = float32(math.Exp(-d * d / (2 * sigma * sigma)))
		sum += k[i]
	}
	for i := range k {
		k[i] /= sum
	}
	w, h := fr.w, fr.h
	tmp := make([]float32, len(fr.pix))
	// Horizontal pass: fr → tmp.
	parallelRows(h, func(y0, y1 int) {
		for y := y0; y < y1; y++ {
			row := fr.pix[y*w*3 : (y+1)*w*3]
			out := tmp[y*w*3 : (y+1)*w*3]
			for x := 0; x < w; x++ {
				var r, g, b float32
				if x >= rad && x+rad < w {
					// Interior: no clamping, contiguous taps.
					src := row[(x-rad)*3 : (x+rad+1)*3]
					for j, kv := range k {
						r += src[j*3] * kv
						g += src[j*3+1] * kv
						b += src[j*3+2] * kv
					}
				} else {
					for j, kv := range k {
						xx := min(max(x+j-rad, 0), w-1) * 3
						r += row[xx] * kv
						g += row[xx+1] * kv
						b += row[xx+2] * kv
					}
				}
				out[x*3], out[x*3+1], out[x*3+2] = r, g, b
			}
		}
	})
	// Vertical pass: tmp → fr, accumulating whole rows for cache-friendly access.
	parallelRows(h, func(y0, y1 int) {
		for y := y0; y < y1; y++ {
			out := fr.pix[y*w*3 : (y+1)*w*3]
			clear(out)
			for j, kv := range k {
				yy := min(max(y+j-rad, 0), h-1)
				src := tmp[yy*w*3 : (yy+1)*w*3]
				for i := range out {
					out[i] += src[i] * kv
				}
			}
		}
	})
}
