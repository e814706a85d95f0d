// Package render draws CJK text lines and single glyphs with installed fonts.
// The glyph model builder, the benchmark and the tests use it to produce
// images whose ground truth is known.
package render

import (
	"encoding/binary"
	"errors"
	"fmt"
	"os"
	"sort"
	"strings"

	"golang.org/x/image/font"
	"golang.org/x/image/font/opentype"
	"golang.org/x/image/font/sfnt"
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
	f     *opentype.Font
	buf   sfnt.Buffer
	faces map[float64]font.Face
	// Fallback draws the runes this face lacks, as a text engine would.
	Fallback *Font
}

// OpenFont parses the face named by spec.
func OpenFont(spec FontSpec) (*Font, error) {
	data, err := os.ReadFile(spec.Path)
	if err != nil {
		return nil, fmt.Errorf("render: %w", err)
	}
	n, err := numFonts(data)
	if err != nil {
		return nil, fmt.Errorf("render: %s: %w", spec.Path, err)
	}
	var first *opentype.Font
	for i := 0; i < n; i++ {
		f, err := parseMember(data, i)
		if err != nil {
			return nil, fmt.Errorf("render: %s #%d: %w", spec.Path, i, err)
		}
		var b sfnt.Buffer
		fam, _ := f.Name(&b, sfnt.NameIDFamily)
		if first == nil {
			first = f
		}
		if fam == spec.Family || (strings.HasPrefix(fam, spec.Family+" ") && !strings.Contains(fam, "Mono")) {
			return &Font{Spec: spec, f: f}, nil
		}
	}
	return nil, fmt.Errorf("render: %s: no face %q", spec.Path, spec.Family)
}

// Has reports whether the face maps r to a glyph.
func (f *Font) Has(r rune) bool {
	g, err := f.f.GlyphIndex(&f.buf, r)
	return err == nil && g != 0
}

// numFonts returns how many faces a font file holds (1 for a plain font).
func numFonts(data []byte) (int, error) {
	if len(data) < 12 {
		return 0, errors.New("file too short")
	}
	if string(data[:4]) != "ttcf" {
		return 1, nil
	}
	return int(binary.BigEndian.Uint32(data[8:])), nil
}

// parseMember parses face i of a collection. Some Debian collections
// (WenQuanYi, AR PL) place tables at offsets that are not multiples of four,
// which x/image/font/sfnt rejects, so each face is first copied into a
// standalone font file with aligned tables.
func parseMember(data []byte, i int) (*opentype.Font, error) {
	off := 0
	if string(data[:4]) == "ttcf" {
		p := 12 + 4*i
		if p+4 > len(data) {
			return nil, errors.New("collection index out of range")
		}
		off = int(binary.BigEndian.Uint32(data[p:]))
	}
	single, err := repack(data, off)
	if err != nil {
		return nil, err
	}
	return opentype.Parse(single)
}

// repack copies the face whose offset table starts at off into a standalone
// font with 4-byte aligned tables.
func repack(data []byte, off int) ([]byte, error) {
	if off+12 > len(data) {
		return nil, errors.New("offset table out of range")
	}
	nt := int(binary.BigEndian.Uint16(data[off+4:]))
	if off+12+16*nt > len(data) {
		return nil, errors.New("table directory out of range")
	}
	type rec struct {
		tag       [4]byte
		sum, o, n uint32
	}
	recs := make([]rec, nt)
	for k := range recs {
		p := off + 12 + 16*k
		copy(recs[k].tag[:], data[p:p+4])
		recs[k].sum = binary.BigEndian.Uint32(data[p+4:])
		recs[k].o = binary.BigEndian.Uint32(data[p+8:])
		recs[k].n = binary.BigEndian.Uint32(data[p+12:])
		if int(recs[k].o)+int(recs[k].n) > len(data) {
			return nil, fmt.Errorf("table %s out of range", recs[k].tag[:])
		}
	}
	sort.Slice(recs, func(a, b int) bool { return string(recs[a].tag[:]) < string(recs[b].tag[:]) })
	head := 12 + 16*nt
	size := head
	for _, r := range recs {
		size += (int(r.n) + 3) &^ 3
	}
	out := make([]byte, size)
	copy(out, data[off:off+12])
	pos := head
	for k, r := range recs {
		p := 12 + 16*k
		copy(out[p:], r.tag[:])
		binary.BigEndian.PutUint32(out[p+4:], r.sum)
		binary.BigEndian.PutUint32(out[p+8:], uint32(pos))
		binary.BigEndian.PutUint32(out[p+12:], r.n)
		copy(out[pos:], data[r.o:r.o+r.n])
		pos += (int(r.n) + 3) &^ 3
	}
	return out, nil
}
