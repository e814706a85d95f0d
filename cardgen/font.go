package cardgen

import (
	"errors"
	"fmt"
	"io/fs"
	"strings"
	"sync"

	"golang.org/x/image/font"
	"golang.org/x/image/font/sfnt"
	"golang.org/x/image/math/fixed"

	"github.com/xiaozhi-kiosk/xiaozhi/internal/fontfile"
)

// Font is one parsed font face design (one member of a collection) with the name
// ground truth gives it. It is safe for concurrent use: sized faces, which carry
// scratch buffers, are made per render.
type Font struct {
	// Name identifies the font in ground truth, e.g. "NotoSansCJK-Regular.ttc#Noto Sans CJK SC".
	Name string
	*fontfile.Font
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
	ff, err := fontfile.Open(path, func(f *sfnt.Font) bool {
		if family == "" {
			return true
		}
		// Weighted members keep the plain family as the typographic one; accept either.
		fam, typo := fontfile.Family(f)
		return fam == family || typo == family
	})
	var pe *fs.PathError
	switch {
	case errors.As(err, &pe):
		return nil, fmt.Errorf("cardgen: load font: %w", err)
	case errors.Is(err, fontfile.ErrNoMatch):
		return nil, fmt.Errorf("cardgen: font %s has no family %q", path, family)
	case err != nil:
		return nil, fmt.Errorf("cardgen: parse font %s: %w", path, err)
	}
	base := path[strings.LastIndex(path, "/")+1:]
	name := base
	if family != "" {
		name += "#" + family
	}
	v, _ := fontCache.LoadOrStore(spec, &Font{Name: name, Font: ff})
	return v.(*Font), nil
}

// face returns a new sized face; px is the em size in pixels.
func (f *Font) face(px float64) font.Face {
	fc, err := f.NewFace(px)
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
