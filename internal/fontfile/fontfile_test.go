package fontfile

import (
	"errors"
	"io/fs"
	"testing"

	"golang.org/x/image/font/sfnt"
)

// open opens a Debian font or skips the test when it is not installed.
func open(t *testing.T, path string, keep func(*sfnt.Font) bool) *Font {
	t.Helper()
	f, err := Open(path, keep)
	if errors.Is(err, fs.ErrNotExist) {
		t.Skipf("font not installed: %v", err)
	}
	if err != nil {
		t.Fatal(err)
	}
	return f
}

func family(name string) func(*sfnt.Font) bool {
	return func(f *sfnt.Font) bool { fam, _ := Family(f); return fam == name }
}

// The WenQuanYi and AR PL collections have unaligned tables; their members
// must still open and draw.
func TestUnalignedCollectionMembers(t *testing.T) {
	for _, c := range []struct{ path, family string }{
		{"/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc", "WenQuanYi Zen Hei"},
		{"/usr/share/fonts/truetype/arphic/uming.ttc", "AR PL UMing CN"},
	} {
		f := open(t, c.path, family(c.family))
		have, missing := f.Coverage([]rune{'国', '\U0010FFFD'})
		if string(have) != "国" || string(missing) != "\U0010FFFD" {
			t.Errorf("%s: have %q missing %q", c.family, string(have), string(missing))
		}
		if _, err := f.NewFace(24); err != nil {
			t.Errorf("%s: %v", c.family, err)
		}
	}
}

func TestNoMatch(t *testing.T) {
	_, err := Open("/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc", family("No Such Family"))
	if errors.Is(err, fs.ErrNotExist) {
		t.Skip("font not installed")
	}
	if !errors.Is(err, ErrNoMatch) {
		t.Fatalf("err = %v, want ErrNoMatch", err)
	}
}

// OCRB.otf maps "8" to a glyph whose CFF outline x/image cannot load; Has
// must say no so that callers take it from a fallback.
func TestHasChecksOutline(t *testing.T) {
	f := open(t, "/usr/share/fonts/opentype/ocr-b/OCRB.otf", nil)
	if !f.Has('7') {
		t.Fatal("OCR-B lacks 7")
	}
	if f.Has('8') {
		t.Skip("this OCR-B loads its 8")
	}
}
