// Package fontfile opens TrueType and OpenType fonts and collections with
// golang.org/x/image and answers which runes a face can actually draw. The
// card generator and the glyph model's build tooling both render text with
// the fonts Debian installs, and both need the same two workarounds for
// x/image: collection members whose tables are not 4-byte aligned, and glyphs
// whose outlines x/image cannot load.
package fontfile

import (
	"encoding/binary"
	"errors"
	"fmt"
	"os"
	"sort"
	"sync"

	"golang.org/x/image/font"
	"golang.org/x/image/font/opentype"
	"golang.org/x/image/font/sfnt"
	"golang.org/x/image/math/fixed"
)

// ErrNoMatch is returned by Open when no face of the file is accepted.
var ErrNoMatch = errors.New("fontfile: no face matches")

// Font is one parsed face (one member of a collection). It is safe for
// concurrent use; sized faces, which carry scratch buffers, are made per
// caller with NewFace.
type Font struct {
	f   *sfnt.Font
	mu  sync.Mutex
	buf sfnt.Buffer
	has map[rune]bool // answers of Has, which loads the glyph
}

// Open reads the .ttf, .otf or .ttc file at path and returns its first face
// for which keep returns true; a nil keep takes the first face. A file that
// cannot be read yields the *os.PathError, so errors.Is(err, fs.ErrNotExist)
// tells a missing font apart; no accepted face yields ErrNoMatch.
func Open(path string, keep func(*sfnt.Font) bool) (*Font, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	f, err := parse(data, keep)
	if err != nil {
		return nil, err
	}
	return &Font{f: f}, nil
}

// parse is Open on the contents of a font file.
func parse(data []byte, keep func(*sfnt.Font) bool) (*sfnt.Font, error) {
	offsets := []uint32{0}
	if len(data) >= 12 && string(data[:4]) == "ttcf" {
		n := binary.BigEndian.Uint32(data[8:])
		if n == 0 || n > 64 || len(data) < 12+4*int(n) {
			return nil, errors.New("fontfile: bad collection header")
		}
		offsets = make([]uint32, n)
		for i := range offsets {
			offsets[i] = binary.BigEndian.Uint32(data[12+4*i:])
		}
	}
	// Parsing in place avoids copying the ~20 MB Noto CJK collections; only
	// members x/image rejects are repacked.
	coll, collErr := sfnt.ParseCollection(data)
	for i, off := range offsets {
		var f *sfnt.Font
		err := collErr
		if err == nil {
			f, err = coll.Font(i)
		}
		if err != nil {
			single, rerr := repack(data, int(off))
			if rerr != nil {
				return nil, fmt.Errorf("fontfile: member %d: %w", i, rerr)
			}
			if f, err = sfnt.Parse(single); err != nil {
				return nil, fmt.Errorf("fontfile: member %d: %w", i, err)
			}
		}
		if keep == nil || keep(f) {
			return f, nil
		}
	}
	return nil, ErrNoMatch
}

// repack copies the face whose offset table starts at off into a standalone
// font with 4-byte aligned tables. x/image/font/sfnt rejects tables that do
// not start on a 4-byte boundary (golang/go#46384), which the WenQuanYi and
// AR PL collections have. The directory is written sorted by tag, which
// x/image also requires.
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
		if uint64(recs[k].o)+uint64(recs[k].n) > uint64(len(data)) {
			return nil, fmt.Errorf("table %q out of range", recs[k].tag[:])
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

// Family returns a face's family name and its typographic family name.
// Weighted members of a collection name their family "Noto Sans CJK SC
// Medium" and keep "Noto Sans CJK SC" as the typographic family.
func Family(f *sfnt.Font) (family, typographic string) {
	var buf sfnt.Buffer
	family, _ = f.Name(&buf, sfnt.NameIDFamily)
	typographic, _ = f.Name(&buf, sfnt.NameIDTypographicFamily)
	return family, typographic
}

// Has reports whether the font renders r: it maps r to a real glyph (fonts
// answer glyph 0, .notdef, for runes they lack, e.g. level-3 characters in
// CJK Extension B) and that glyph's outline loads. The second check matters:
// x/image/font/sfnt does not implement every CFF operator, and OCRB.otf draws
// its "8" with flex1, which it rejects; such glyphs would otherwise vanish
// silently.
func (f *Font) Has(r rune) bool {
	f.mu.Lock()
	defer f.mu.Unlock()
	if ok, seen := f.has[r]; seen {
		return ok
	}
	gi, err := f.f.GlyphIndex(&f.buf, r)
	ok := err == nil && gi != 0
	if ok {
		_, err = f.f.LoadGlyph(&f.buf, gi, fixed.I(16), nil)
		ok = err == nil
	}
	if f.has == nil {
		f.has = map[rune]bool{}
	}
	f.has[r] = ok
	return ok
}

// Coverage splits runes into those the font can render and those it cannot,
// keeping their order.
func (f *Font) Coverage(runes []rune) (have, missing []rune) {
	for _, r := range runes {
		if f.Has(r) {
			have = append(have, r)
		} else {
			missing = append(missing, r)
		}
	}
	return have, missing
}

// NewFace returns a new unhinted face with an em of px pixels. Hinting is
// off so that glyph shapes scale with px alone.
func (f *Font) NewFace(px float64) (font.Face, error) {
	return opentype.NewFace(f.f, &opentype.FaceOptions{Size: px, DPI: 72, Hinting: font.HintingNone})
}
