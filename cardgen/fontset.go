package cardgen

import (
	"fmt"
	"sort"
	"strings"
)

// Debian font locations: fonts-noto-cjk (+ -extra), fonts-wqy-zenhei, fonts-wqy-microhei,
// fonts-arphic-uming, fonts-arphic-ukai, fonts-ocr-b, fonts-dejavu-core; scripts/setup.sh
// installs them all.
const (
	notoDir   = "/usr/share/fonts/opentype/noto/"
	ocrbDir   = "/usr/share/fonts/opentype/ocr-b/"
	wqyDir    = "/usr/share/fonts/truetype/wqy/"
	arphicDir = "/usr/share/fonts/truetype/arphic/"
	dejavuDir = "/usr/share/fonts/truetype/dejavu/"

	notoSans     = notoDir + "NotoSansCJK-Regular.ttc#Noto Sans CJK SC"
	notoSansMed  = notoDir + "NotoSansCJK-Medium.ttc#Noto Sans CJK SC"
	notoSansBold = notoDir + "NotoSansCJK-Bold.ttc#Noto Sans CJK SC"
	notoSansDemi = notoDir + "NotoSansCJK-DemiLight.ttc#Noto Sans CJK SC"
	notoSerif    = notoDir + "NotoSerifCJK-Regular.ttc#Noto Serif CJK SC"
	notoSerifSB  = notoDir + "NotoSerifCJK-SemiBold.ttc#Noto Serif CJK SC"
	notoSerifB   = notoDir + "NotoSerifCJK-Bold.ttc#Noto Serif CJK SC"
	ocrb         = ocrbDir + "OCRB.otf"
	ocrbSharp    = ocrbDir + "OCRBS.otf"
	zenHei       = wqyDir + "wqy-zenhei.ttc#WenQuanYi Zen Hei"
	microHei     = wqyDir + "wqy-microhei.ttc#WenQuanYi Micro Hei"
	uming        = arphicDir + "uming.ttc#AR PL UMing CN"
	ukai         = arphicDir + "ukai.ttc#AR PL UKai CN"
	dejaVuSans   = dejavuDir + "DejaVuSans.ttf"
	dejaVuBold   = dejavuDir + "DejaVuSans-Bold.ttf"
	dejaVuSerif  = dejavuDir + "DejaVuSerif.ttf"
)

// fallbackSpecs render runes a role's font lacks. The sharp OCR-B cut comes first: it
// supplies the "8" that OCRB.otf has but x/image cannot load (see Font.Has); it has
// no CJK, so everything else falls through to the wide-coverage fonts.
var fallbackSpecs = []string{ocrbSharp, notoSans, zenHei, uming}

// fontSetSpecs are the named font sets, role by role. "noto" and "wqy" are for tuning
// a reader; "heldout" uses different faces for every role (the sharp OCR-B cut for
// the number) and should be kept out of tuning so that figures measured on it say
// something about unseen fonts; "kai" is a stress set with a 楷体 that no real card uses.
var fontSetSpecs = map[string][numRoles]string{
	"noto": {
		RoleIDLabel: notoSansMed, RoleIDValue: notoSans, RoleIDNumber: ocrb, RoleTitle: notoSerifB,
		RoleLicenceLabel: notoSans, RoleLicenceValue: uming, RoleLatin: dejaVuSans, RoleSeal: notoSerifB,
	},
	"wqy": {
		RoleIDLabel: zenHei, RoleIDValue: zenHei, RoleIDNumber: ocrb, RoleTitle: uming,
		RoleLicenceLabel: zenHei, RoleLicenceValue: microHei, RoleLatin: dejaVuBold, RoleSeal: uming,
	},
	"heldout": {
		RoleIDLabel: notoSansBold, RoleIDValue: microHei, RoleIDNumber: ocrbSharp, RoleTitle: notoSerifSB,
		RoleLicenceLabel: microHei, RoleLicenceValue: notoSerif, RoleLatin: dejaVuSerif, RoleSeal: notoSerif,
	},
	"kai": {
		RoleIDLabel: notoSansDemi, RoleIDValue: ukai, RoleIDNumber: ocrb, RoleTitle: ukai,
		RoleLicenceLabel: ukai, RoleLicenceValue: ukai, RoleLatin: dejaVuSans, RoleSeal: ukai,
	},
}

// FontSetNames lists the named font sets.
func FontSetNames() []string {
	names := make([]string, 0, len(fontSetSpecs))
	for n := range fontSetSpecs {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

// LoadFontSet loads a font set by spec: a set name ("noto", "wqy", "heldout", "kai"),
// optionally followed by role overrides, comma separated:
//
//	heldout,id_value=/usr/share/fonts/truetype/arphic/uming.ttc#AR PL UMing CN
func LoadFontSet(spec string) (*FontSet, error) {
	parts := strings.Split(spec, ",")
	specs, ok := fontSetSpecs[parts[0]]
	if !ok {
		return nil, fmt.Errorf("cardgen: unknown font set %q (have %s)", parts[0], strings.Join(FontSetNames(), ", "))
	}
	for _, p := range parts[1:] {
		role, path, ok := strings.Cut(p, "=")
		if !ok {
			return nil, fmt.Errorf("cardgen: font override %q is not role=path", p)
		}
		i := roleIndex(role)
		if i < 0 {
			return nil, fmt.Errorf("cardgen: unknown role %q (have %s)", role, strings.Join(roleNames[:], ", "))
		}
		specs[i] = path
	}
	fs := &FontSet{Name: spec}
	for i, s := range specs {
		f, err := LoadFont(s)
		if err != nil {
			return nil, err
		}
		fs.Fonts[i] = f
	}
	for _, s := range fallbackSpecs {
		f, err := LoadFont(s)
		if err != nil {
			return nil, err
		}
		fs.Fallback = append(fs.Fallback, f)
	}
	return fs, nil
}

func roleIndex(name string) int {
	for i, n := range roleNames {
		if n == name {
			return i
		}
	}
	return -1
}
