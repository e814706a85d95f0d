package cardgen

import (
	"bytes"
	"encoding/json"
	"fmt"
	"image"
	"image/jpeg"
	"math"
	"os"
	"path/filepath"
	"sort"
)

// Quality flags of CARDS.md §5 that a synthetic photograph can be expected to raise.
const (
	FlagBlurred         = "blurred"
	FlagGlare           = "glare"
	FlagTooDark         = "too_dark"
	FlagCropped         = "cropped"
	FlagTooSmall        = "too_small"
	FlagUpsideDown      = "upside_down"
	FlagScreenRecapture = "screen_recapture"
	FlagPhotocopy       = "photocopy"
)

// Thresholds behind the expected flags, from CARDS.md §5 where it gives one.
const (
	blurredSigma  = 1.4  // Gaussian σ on the 1200-px canvas at which 30–40 px glyphs stop being sharp
	glareFraction = 0.02 // saturated share of the card
	darkLuma      = 60   // mean card luma
	smallSide     = 600  // card long side in frame pixels
	smallArea     = 0.25 // card share of the frame
	borderMargin  = 2    // pixels from the frame edge that count as touching it
)

// Truth is the ground truth written beside each image as name.json.
type Truth struct {
	File      string            `json:"file"`
	Kind      Kind              `json:"kind"`
	Side      string            `json:"side"`
	Fields    map[string]string `json:"fields"`
	Flags     []string          `json:"flags"`
	Condition string            `json:"condition"`
	Seed      uint64            `json:"seed"`
	// Corners are the card's top-left, top-right, bottom-right, bottom-left corners
	// (in the card's own orientation) in image pixels; they may lie outside the image.
	Corners [4][2]float64 `json:"corners"`
	// Boxes are the ink boxes of the printed values, [x0, y0, x1, y1] in fractions of
	// the rectified canvas.
	Boxes       map[string][4]float64 `json:"boxes"`
	Canvas      [2]int                `json:"canvas"` // canonical canvas, e.g. [1200, 757]
	Image       [2]int                `json:"image"`  // image width and height
	Rotation    float64               `json:"rotation"`
	Layout      string                `json:"layout"`
	FontSet     string                `json:"font_set"`
	Fonts       map[string]string     `json:"fonts"`
	Invalid     Invalid               `json:"invalid,omitempty"` // the broken property, when this kind prints it
	JPEGQuality int                   `json:"jpeg_quality"`
}

// Spec says what to generate.
type Spec struct {
	Kind      Kind
	Condition string // a name from ConditionNames
	Fonts     *FontSet
	Seed      uint64 // drives the record, the layout and the photograph
	Record    RecordOptions
}

// Sample is a generated image with its ground truth.
type Sample struct {
	Image image.Image
	Truth Truth
}

// Generate renders and photographs one card.
func Generate(s Spec) (*Sample, error) {
	rec := NewRecord(s.Seed, s.Record)
	card, err := Render(s.Kind, &rec, RenderOptions{Fonts: s.Fonts, Seed: s.Seed ^ 0x9e3779b97f4a7c15})
	if err != nil {
		return nil, err
	}
	cw, ch := s.Kind.Size()
	t := Truth{Kind: s.Kind, Side: s.Kind.Side(), Fields: card.Fields, Flags: []string{},
		Condition: s.Condition, Seed: s.Seed, Boxes: map[string][4]float64{}, Canvas: [2]int{cw, ch},
		Layout: card.Layout, FontSet: s.Fonts.Name, Fonts: card.Fonts}
	if s.Record.Invalid.Shows(s.Kind) {
		t.Invalid = s.Record.Invalid
	}
	for k, b := range card.Boxes {
		t.Boxes[k] = [4]float64{round4(b.X0), round4(b.Y0), round4(b.X1), round4(b.Y1)}
	}
	if s.Condition == Flat {
		b := card.Image.Bounds()
		t.Corners = [4][2]float64{{0, 0}, {float64(b.Dx()), 0}, {float64(b.Dx()), float64(b.Dy())}, {0, float64(b.Dy())}}
		t.Image = [2]int{b.Dx(), b.Dy()}
		t.JPEGQuality = 95
		return &Sample{Image: card.Image, Truth: t}, nil
	}
	capt, err := NewCapture(s.Condition, s.Seed)
	if err != nil {
		return nil, err
	}
	shot := Photograph(card, capt.Photo)
	for i, c := range shot.Corners {
		t.Corners[i] = [2]float64{round2(c[0]), round2(c[1])}
	}
	t.Image = [2]int{shot.Image.Bounds().Dx(), shot.Image.Bounds().Dy()}
	t.Rotation = round2(capt.Photo.Rotation)
	t.JPEGQuality = capt.JPEGQuality
	t.Flags = expectedFlags(shot, capt.Photo, float64(card.Image.Bounds().Dx())/float64(cw))
	return &Sample{Image: shot.Image, Truth: t}, nil
}

// expectedFlags lists the CARDS.md §5 flags a correct reader raises on shot. Those
// with a measurable definition (dark, glare, cropped, small) are measured on the
// result; blur compares σ with the text size on the canonical canvas; the rest
// follow from the parameters. cardScale is card-image pixels per canonical pixel.
func expectedFlags(shot *Shot, ph Photo, cardScale float64) []string {
	var f []string
	w, h := float64(shot.Image.Bounds().Dx()), float64(shot.Image.Bounds().Dy())
	if ph.Blur > 0 && ph.Blur/(shot.Scale*cardScale) >= blurredSigma {
		f = append(f, FlagBlurred)
	}
	if shot.Saturated > glareFraction {
		f = append(f, FlagGlare)
	}
	if shot.MeanLuma < darkLuma {
		f = append(f, FlagTooDark)
	}
	for _, c := range shot.Corners {
		if c[0] <= borderMargin || c[1] <= borderMargin || c[0] >= w-1-borderMargin || c[1] >= h-1-borderMargin {
			f = append(f, FlagCropped)
			break
		}
	}
	if longSide(shot.Corners) < smallSide || quadArea(shot.Corners) < smallArea*w*h {
		f = append(f, FlagTooSmall)
	}
	if rot := math.Mod(math.Mod(ph.Rotation, 360)+360, 360); math.Abs(rot-180) <= 45 {
		f = append(f, FlagUpsideDown)
	}
	if ph.Screen {
		f = append(f, FlagScreenRecapture)
	}
	if ph.Photocopy {
		f = append(f, FlagPhotocopy)
	}
	sort.Strings(f)
	if f == nil {
		f = []string{}
	}
	return f
}

func round2(v float64) float64 { return math.Round(v*100) / 100 }
func round4(v float64) float64 { return math.Round(v*10000) / 10000 }

// EncodeJPEG encodes img at quality q.
func EncodeJPEG(img image.Image, q int) ([]byte, error) {
	var b bytes.Buffer
	if err := jpeg.Encode(&b, img, &jpeg.Options{Quality: q}); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

// Write saves s as dir/name.jpg and dir/name.json and sets s.Truth.File.
func (s *Sample) Write(dir, name string) error {
	data, err := EncodeJPEG(s.Image, s.Truth.JPEGQuality)
	if err != nil {
		return fmt.Errorf("cardgen: encode %s: %w", name, err)
	}
	s.Truth.File = name + ".jpg"
	if err := os.WriteFile(filepath.Join(dir, s.Truth.File), data, 0o644); err != nil {
		return err
	}
	js, err := json.MarshalIndent(s.Truth, "", "  ")
	if err != nil {
		return err
	}
	return os.WriteFile(filepath.Join(dir, name+".json"), append(js, '\n'), 0o644)
}

// TruthLine is one line of DIR/truth.jsonl, the index an evaluation reads.
type TruthLine struct {
	File      string            `json:"file"`
	Kind      Kind              `json:"kind"`
	Fields    map[string]string `json:"fields"`
	Flags     []string          `json:"flags"`
	Condition string            `json:"condition"`
}

// Line returns the truth.jsonl entry of t.
func (t *Truth) Line() TruthLine {
	return TruthLine{File: t.File, Kind: t.Kind, Fields: t.Fields, Flags: t.Flags, Condition: t.Condition}
}
