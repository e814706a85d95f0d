package cardgen

import (
	"errors"
	"fmt"
	"os"
	"strings"
	"sync"

	"golang.org/x/image/font"
	"golang.org/x/image/font/opentype"
	"golang.org/x/image/font/sfnt"
	"golang.org/x/image/math/fixed"
)

// Font is one parsed font face design (one member of a collection). It is safe for
// concurrent use: sized faces, which carry scratch buffers, are made per render.
type Font struct {
	// Name identifies the font in ground truth, e.g. "NotoSansCJK-Regular.ttc#Noto Sans CJK SC".
	Name string
	f    *sfnt.Font
	mu   sync.Mutex
	buf  sfnt.Buffer
	has  map[rune]bool // answers of Has, which loads the glyph
}

// fontCache keeps parsed files: the Noto CJK collections are ~20 MB each and parsing
// them per card would dominate generation time.
var fontCache sync.Map // spec string → *Font

// LoadFont loads one font. spec is a file path, optionally followed by "#" and the
// family name of a collection member ("/usr/share/fonts/.../NotoSansCJK-Regular.ttc#Noto Sans CJK SC");
// without a family the first member is used. Fonts are cached by spec.
func LoadFont(spec string) (*Font, error) {
	if v, ok := fontCache.Load(spec); ok {
		return v.(*Font), nil
	}
	path, family, _ := strings.Cut(spec, "#")
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("cardgen: load font: %w", err)
	}
	var buf sfnt.Buffer
	chosen, err := parseMembers(data, func(f *sfnt.Font) bool {
		if family == "" {
			return true
		}
		// Weighted members name their family "Noto Sans CJK SC Medium" and keep
		// "Noto Sans CJK SC" as the typographic family; accept either.
		fam, _ := f.Name(&buf, sfnt.NameIDFamily)
		typo, _ := f.Name(&buf, sfnt.NameIDTypographicFamily)
		return fam == family || typo == family
	})
	if err != nil {
		return nil, fmt.Errorf("cardgen: parse font %s: %w", path, err)
	}
	if chosen == nil {
		return nil, fmt.Errorf("cardgen: font %s has no family %q", path, family)
	}
	base := path[strings.LastIndex(path, "/")+1:]
	name := base
	if family != "" {
		name += "#" + family
	}
	ft := &Font{Name: name, f: chosen}
	v, _ := fontCache.LoadOrStore(spec, ft)
	return v.(*Font), nil
}

// Has reports whether the font renders r: it maps r to a real glyph (fonts answer
// glyph 0, .notdef, for runes they lack, e.g. level-3 characters in CJK Extension B)
// and that glyph's outline loads. The second check matters: x/image/font/sfnt does
// not implement every CFF operator, and OCRB.otf draws its "8" with flex1, which it
// rejects; such glyphs would otherwise vanish silently.
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

// face returns a new sized face; px is the em size in pixels.
func (f *Font) face(px float64) font.Face {
	fc, err := opentype.NewFace(f.f, &opentype.FaceOptions{Size: px, DPI: 72, Hinting: font.HintingNone})
	if err != nil {
		// NewFace fails only for invalid options, which px > 0 never produces.
		panic(err)
	}
	return fc
}

// ErrMissingGlyph is returned when no font of a role (nor its fallbacks) has a rune.
var ErrMissingGlyph = errors.New("cardgen: no font has a glyph for the rune")

// Role names a text role on a card; a FontSet assigns a font to each.
type Role int

// Text roles. ID cards print labels and values in 黑体-like fonts and the number in
// OCR-B; licences print titles and labels on a pre-printed form and values from an
// office printer, so each is a separate role.
const (
	RoleIDLabel      Role = iota // blue labels on the ID front, black bold labels on the back
	RoleIDValue                  // name, address, authority …
	RoleIDNumber                 // the 18-char number, OCR-B
	RoleTitle                    // 中华人民共和国 / 居民身份证 / licence titles, 宋体-like
	RoleLicenceLabel             // pre-printed bilingual labels
	RoleLicenceValue             // values from the issuing office's printer
	RoleLatin                    // English label lines and Latin title
	RoleSeal                     // text inside red seals
	numRoles
)

var roleNames = [numRoles]string{"id_label", "id_value", "id_number", "title", "licence_label", "licence_value", "latin", "seal"}

// String returns the role's ground-truth name.
func (r Role) String() string {
	if r < 0 || r >= numRoles {
		return fmt.Sprintf("role(%d)", int(r))
	}
	return roleNames[r]
}

// FontSet assigns a font to every text role, with fallbacks for runes the role's font
// lacks (rare characters). Rendering the same record with another FontSet tests that
// a reader does not depend on one font's metrics.
type FontSet struct {
	Name     string
	Fonts    [numRoles]*Font
	Fallback []*Font
}

// pick returns the font that renders r for role: the role's font, else the first
// fallback that has it.
func (fs *FontSet) pick(role Role, r rune) (*Font, error) {
	if f := fs.Fonts[role]; f != nil && (f.Has(r) || isSpace(r)) {
		return f, nil
	}
	for _, f := range fs.Fallback {
		if f.Has(r) {
			return f, nil
		}
	}
	return nil, fmt.Errorf("%w: %q (U+%04X) for %s in font set %s", ErrMissingGlyph, r, r, role, fs.Name)
}

// Covers reports the runes of s that no font of role (nor a fallback) can render.
func (fs *FontSet) Covers(role Role, s string) (missing []rune) {
	for _, r := range s {
		if _, err := fs.pick(role, r); err != nil {
			missing = append(missing, r)
		}
	}
	return missing
}

// Describe lists the font of every role, for ground truth.
func (fs *FontSet) Describe() map[string]string {
	m := make(map[string]string, numRoles)
	for i, f := range fs.Fonts {
		if f != nil {
			m[Role(i).String()] = f.Name
		}
	}
	return m
}

func isSpace(r rune) bool { return r == ' ' || r == '\u3000' }

// fixedToF converts a 26.6 fixed-point value to float64 pixels.
func fixedToF(v fixed.Int26_6) float64 { return float64(v) / 64 }
