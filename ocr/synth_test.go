package ocr

import (
	"bytes"
	"image"
	"image/color"
	"image/jpeg"
	"math"
	"math/rand/v2"
	"sync"
	"testing"

	"gocv.io/x/gocv"

	"github.com/xiaozhi-kiosk/xiaozhi/cardgen"
	"github.com/xiaozhi-kiosk/xiaozhi/kiosk"
)

// shot describes how a synthetic card is photographed for the tests.
type shot struct {
	turns int     // quarter turns clockwise: 0, 1, 2, 3
	skew  float64 // corner jitter as a fraction of the card's long side
	blur  float64 // Gaussian sigma in pixels, 0 for none
	dark  float64 // exposure factor (1 = unchanged)
	jpegQ int     // 0 means 90
}

var fontSets sync.Map // name → *cardgen.FontSet

func mustFontSet(tb testing.TB, name string) *cardgen.FontSet {
	tb.Helper()
	if fs, ok := fontSets.Load(name); ok {
		return fs.(*cardgen.FontSet)
	}
	fs, err := cardgen.LoadFontSet(name)
	if err != nil {
		tb.Skipf("font set %s: %v", name, err)
	}
	fontSets.Store(name, fs)
	return fs
}

// mustGenerate regenerates the cardgen sample of a reference set (kind, condition and the
// image's own seed, as its truth file records them) and returns it as the JPEG the set holds.
func mustGenerate(tb testing.TB, kind kiosk.DocKind, condition string, seed uint64, quality int) ([]byte, cardgen.Truth) {
	tb.Helper()
	s, err := cardgen.Generate(cardgen.Spec{Kind: cardgen.Kind(kind), Condition: condition, Fonts: mustFontSet(tb, "heldout"), Seed: seed})
	if err != nil {
		tb.Fatal(err)
	}
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, s.Image, &jpeg.Options{Quality: quality}); err != nil {
		tb.Fatal(err)
	}
	return buf.Bytes(), s.Truth
}

// mustSynth renders the record of seed as kind with the font set, photographs it on a textured
// background as s says, and returns the JPEG bytes and the ground truth.
func mustSynth(tb testing.TB, kind kiosk.DocKind, seed uint64, fontSet string, s shot) ([]byte, map[string]string) {
	tb.Helper()
	rec := cardgen.NewRecord(seed, cardgen.RecordOptions{})
	c, err := cardgen.Render(cardgen.Kind(kind), &rec, cardgen.RenderOptions{Fonts: mustFontSet(tb, fontSet), Seed: seed})
	if err != nil {
		tb.Fatal(err)
	}
	return photograph(tb, c.Image, seed, s), c.Fields
}

func photograph(tb testing.TB, card *image.RGBA, seed uint64, s shot) []byte {
	tb.Helper()
	r := rand.New(rand.NewPCG(seed, 77))
	const fw, fh = 1600, 1200
	bg := image.NewRGBA(image.Rect(0, 0, fw, fh))
	for y := 0; y < fh; y++ {
		for x := 0; x < fw; x++ {
			v := 70 + 25*math.Sin(float64(x)/37+float64(y)/91) + float64(r.IntN(20))
			bg.SetRGBA(x, y, color.RGBA{uint8(v * 0.9), uint8(v * 0.8), uint8(v * 0.7), 255})
		}
	}
	frame, err := gocv.ImageToMatRGB(bg)
	if err != nil {
		tb.Fatal(err)
	}
	defer frame.Close()
	src, err := gocv.ImageToMatRGB(card)
	if err != nil {
		tb.Fatal(err)
	}
	defer src.Close()

	cw, ch := float64(card.Rect.Dx()), float64(card.Rect.Dy())
	long := 1250.0
	if s.turns%2 == 1 {
		long = 1050
	}
	sw, sh := long, long*ch/cw
	cx, cy := fw/2+r.Float64()*60-30, fh/2+r.Float64()*60-30
	corners := []gocv.Point2f{{X: -1, Y: -1}, {X: 1, Y: -1}, {X: 1, Y: 1}, {X: -1, Y: 1}}
	dst := make([]gocv.Point2f, 4)
	for i, p := range corners {
		x, y := float64(p.X)*sw/2, float64(p.Y)*sh/2
		for t := 0; t < s.turns; t++ {
			x, y = -y, x
		}
		x += (r.Float64()*2 - 1) * s.skew * long
		y += (r.Float64()*2 - 1) * s.skew * long
		dst[i] = gocv.Point2f{X: float32(cx + x), Y: float32(cy + y)}
	}
	sp := gocv.NewPoint2fVectorFromPoints([]gocv.Point2f{{X: 0, Y: 0}, {X: float32(cw), Y: 0}, {X: float32(cw), Y: float32(ch)}, {X: 0, Y: float32(ch)}})
	defer sp.Close()
	dp := gocv.NewPoint2fVectorFromPoints(dst)
	defer dp.Close()
	m := gocv.GetPerspectiveTransform2f(sp, dp)
	defer m.Close()
	gocv.WarpPerspectiveWithParams(src, &frame, m, image.Pt(fw, fh), gocv.InterpolationLinear, gocv.BorderTransparent, color.RGBA{})
	if s.blur > 0 {
		gocv.GaussianBlur(frame, &frame, image.Pt(0, 0), s.blur, s.blur, gocv.BorderDefault)
	}
	if s.dark > 0 && s.dark != 1 {
		frame.ConvertToWithParams(&frame, frame.Type(), float32(s.dark), 0)
	}
	q := s.jpegQ
	if q == 0 {
		q = 90
	}
	buf, err := gocv.IMEncodeWithParams(gocv.JPEGFileExt, frame, []int{gocv.IMWriteJpegQuality, q})
	if err != nil {
		tb.Fatal(err)
	}
	defer buf.Close()
	return append([]byte(nil), buf.GetBytes()...)
}
