package pass

import (
	"bytes"
	"fmt"

	qrcode "github.com/skip2/go-qrcode"
)

// Medium error correction survives a scratched phone screen or a crumpled printout and keeps
// a 200-character token at a version a phone camera still reads from a metre away.
const qrLevel = qrcode.Medium

// QRPNG renders text as a PNG QR code of size×size pixels.
func QRPNG(text string, size int) ([]byte, error) {
	q, err := qrcode.New(text, qrLevel)
	if err != nil {
		return nil, fmt.Errorf("pass: qr: %w", err)
	}
	return q.PNG(size)
}

// QRSVG renders text as an SVG QR code, one unit per module with the quiet zone, so it scales
// without blur. Adjacent dark modules in a row become one rectangle to keep the file small.
func QRSVG(text string) ([]byte, error) {
	q, err := qrcode.New(text, qrLevel)
	if err != nil {
		return nil, fmt.Errorf("pass: qr: %w", err)
	}
	bm := q.Bitmap() // includes the quiet zone
	n := len(bm)
	var b bytes.Buffer
	fmt.Fprintf(&b, `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 %d %d" shape-rendering="crispEdges">`, n, n)
	fmt.Fprintf(&b, `<rect width="%d" height="%d" fill="#fff"/><path fill="#000" d="`, n, n)
	for y, row := range bm {
		for x := 0; x < len(row); {
			if !row[x] {
				x++
				continue
			}
			start := x
			for x < len(row) && row[x] {
				x++
			}
			fmt.Fprintf(&b, "M%d %dh%dv1h-%dz", start, y, x-start, x-start)
		}
	}
	b.WriteString(`"/></svg>`)
	return b.Bytes(), nil
}
