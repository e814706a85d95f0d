package ocr

import (
	"fmt"

	"github.com/otiai10/gosseract/v2"
	"gocv.io/x/gocv"

	"github.com/xiaozhi-kiosk/xiaozhi/kiosk"
)

// Baseline reads a whole photo with one plain Tesseract call (chi_sim+eng, automatic page
// segmentation, no card detection). It exists to measure what the Reader's pipeline adds; it
// is not safe for concurrent use.
type Baseline struct {
	c *gosseract.Client
}

// NewBaseline loads chi_sim+eng from tessdata ("" for Tesseract's default).
func NewBaseline(tessdata string) (*Baseline, error) {
	c := gosseract.NewClient()
	if tessdata != "" {
		if err := c.SetTessdataPrefix(tessdata); err != nil {
			c.Close()
			return nil, err
		}
	}
	if err := c.SetLanguage("chi_sim", "eng"); err != nil {
		c.Close()
		return nil, err
	}
	_ = c.SetVariable("debug_file", "/dev/null")
	return &Baseline{c: c}, nil
}

// Close frees the client.
func (b *Baseline) Close() error { return b.c.Close() }

// Text returns all the text Tesseract finds in the photo. The photo is checked and decoded by
// the same rules as Reader.Read and handed over as PNG.
func (b *Baseline) Text(img []byte) (string, error) {
	m, _, err := decode(img, 40_000_000)
	if err != nil {
		return "", err
	}
	defer m.Close()
	buf, err := gocv.IMEncode(gocv.PNGFileExt, m)
	if err != nil {
		return "", kiosk.Errorf(kiosk.EUNREADABLE, msgNotImage)
	}
	defer buf.Close()
	if err := b.c.SetImageFromBytes(buf.GetBytes()); err != nil {
		return "", fmt.Errorf("ocr: baseline: %w", err)
	}
	_ = b.c.SetPageSegMode(gosseract.PSM_AUTO)
	return b.c.Text()
}
