// Package render draws CJK text lines and single glyphs with installed fonts.
// The glyph model builder, the benchmark and the tests use it to produce
// images whose ground truth is known.
package render

import (
	"errors"
	"fmt"
	"io/fs"
	"strings"

	"golang.org/x/image/font"
	"golang.org/x/image/font/sfnt"

	"github.com/xiaozhi-kiosk/xiaozhi/internal/fontfile"
)

// FontSpec names one face inside a font file on a Debian system.
type FontSpec struct {
	Name   string // short name used on command lines
	Path   string
	Family string // family name to select inside a collection
	Style  string // "hei", "song" or "kai": the look the face imitates
}

const (
	noto = "/usr/share/fonts/opentype/noto/"
	wqy  = "/usr/share/fonts/truetype/wqy/"
	arpl = "/usr/share/fonts/truetype/arphic/"
	// dejavu holds Latin-only fonts.
	dejavu = "/usr/share/fonts/truetype/dejavu/"
)

// Fonts lists the faces this package knows by short name. The Noto CJK files
// hold one face per region; the SC face carries the mainland glyph forms.
var Fonts = []FontSpec{
	{"noto-sans-thin", noto + "NotoSansCJK-Thin.ttc", "Noto Sans CJK SC", "hei"},
	{"noto-sans-light", noto + "NotoSansCJK-Light.ttc", "Noto Sans CJK SC", "hei"},
	{"noto-sans-demilight", noto + "NotoSansCJK-DemiLight.ttc", "Noto Sans CJK SC", "hei"},
	{"noto-sans-regular", noto + "NotoSansCJK-Regular.ttc", "Noto Sans CJK SC", "hei"},
	{"noto-sans-medium", noto + "NotoSansCJK-Medium.ttc", "Noto Sans CJK SC", "hei"},
	{"noto-sans-bold", noto + "NotoSansCJK-Bold.ttc", "Noto Sans CJK SC", "hei"},
	{"noto-sans-black", noto + "NotoSansCJK-Black.ttc", "Noto Sans CJK SC", "hei"},
	{"noto-serif-extralight", noto + "NotoSerifCJK-ExtraLight.ttc", "Noto Serif CJK SC", "song"},
	{"noto-serif-light", noto + "NotoSerifCJK-Light.ttc", "Noto Serif CJK SC", "song"},
	{"noto-serif-regular", noto + "NotoSerifCJK-Regular.ttc", "Noto Serif CJK SC", "song"},
	{"noto-serif-medium", noto + "NotoSerifCJK-Medium.ttc", "Noto Serif CJK SC", "song"},
	{"noto-serif-semibold", noto + "NotoSerifCJK-SemiBold.ttc", "Noto Serif CJK SC", "song"},
	{"noto-serif-bold", noto + "NotoSerifCJK-Bold.ttc", "Noto Serif CJK SC", "song"},
	{"wqy-zenhei", wqy + "wqy-zenhei.ttc", "WenQuanYi Zen Hei", "hei"},
	{"wqy-microhei", wqy + "wqy-microhei.ttc", "WenQuanYi Micro Hei", "hei"},
	{"uming", arpl + "uming.ttc", "AR PL UMing CN", "song"},
	{"ukai", arpl + "ukai.ttc", "AR PL UKai CN", "kai"},
	// Latin-only faces: digits and capitals on cards come from many fonts.
	{"dejavu-sans", dejavu + "DejaVuSans.ttf", "DejaVu Sans", "hei"},
	{"dejavu-sans-bold", dejavu + "DejaVuSans-Bold.ttf", "DejaVu Sans", "hei"},
	{"dejavu-sans-condensed", dejavu + "DejaVuSansCondensed.ttf", "DejaVu Sans", "hei"},
	{"dejavu-serif", dejavu + "DejaVuSerif.ttf", "DejaVu Serif", "song"},
	{"ocr-b", "/usr/share/fonts/opentype/ocr-b/OCRB.otf", "OCR B", "hei"},
}

// LookupFont returns the spec with the given short name.
func LookupFont(name string) (FontSpec, error) {
	for _, f := range Fonts {
		if f.Name == name {
			return f, nil
		}
	}
	names := make([]string, len(Fonts))
	for i, f := range Fonts {
		names[i] = f.Name
	}
	return FontSpec{}, fmt.Errorf("render: unknown font %q (known: %s)", name, strings.Join(names, ", "))
}

// Font is a parsed face ready for drawing. A Font is not safe for
// concurrent use: open one per goroutine.
type Font struct {
	Spec  FontSpec
	f     *fontfile.Font
	faces map[float64]font.Face
	// Fallback draws the runes this face lacks, as a text engine would.
	Fallback *Font
}

// OpenFont parses the face named by spec: the member whose family is
// spec.Family, or a non-Mono member whose family extends it ("WenQuanYi Zen
// Hei Sharp").
func OpenFont(spec FontSpec) (*Font, error) {
	f, err := fontfile.Open(spec.Path, func(f *sfnt.Font) bool {
		fam, _ := fontfile.Family(f)
		return fam == spec.Family || (strings.HasPrefix(fam, spec.Family+" ") && !strings.Contains(fam, "Mono"))
	})
	var pe *fs.PathError
	switch {
	case errors.As(err, &pe):
		return nil, fmt.Errorf("render: %w", err)
	case errors.Is(err, fontfile.ErrNoMatch):
		return nil, fmt.Errorf("render: %s: no face %q", spec.Path, spec.Family)
	case err != nil:
		return nil, fmt.Errorf("render: %s: %w", spec.Path, err)
	}
	return &Font{Spec: spec, f: f}, nil
}

// Has reports whether the face draws r: it maps r to a glyph whose outline
// loads.
func (f *Font) Has(r rune) bool { return f.f.Has(r) }
