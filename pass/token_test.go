package pass

import (
	"bytes"
	"crypto/ed25519"
	"encoding/base64"
	"image/png"
	"regexp"
	"strconv"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	qrcode "github.com/skip2/go-qrcode"
)

func mustSigner(tb testing.TB, kid string, b byte) *Signer {
	tb.Helper()
	s, err := NewSigner(kid, bytes.Repeat([]byte{b}, ed25519.SeedSize))
	if err != nil {
		tb.Fatal(err)
	}
	return s
}

var day = time.Date(2026, 11, 26, 0, 0, 0, 0, time.FixedZone("CST", 8*3600))

func truckClaims() Claims {
	return Claims{Kind: KindTruck, Number: "TP20261126ABCDEF012345", Plate: "浙B12345", Zone: "core",
		Hours: "off_peak", NotBefore: day, NotAfter: day.AddDate(0, 0, 30), IssuedAt: day.Add(-time.Hour)}
}

func TestSignVerify(t *testing.T) {
	s := mustSigner(t, "k1", 1)
	tok, err := s.Sign(truckClaims())
	if err != nil {
		t.Fatal(err)
	}
	if !regexp.MustCompile(`^[A-Za-z0-9_-]+$`).MatchString(tok) || len(tok) > 250 {
		t.Fatalf("token %q (%d chars) is not compact base64url", tok, len(tok))
	}
	ring := Keyring{"k1": s.PublicKey()}
	noneRevoked := func(string) bool { return false }
	tests := []struct {
		name    string
		now     time.Time
		revoked func(string) bool
		want    Status
	}{
		{"valid at start", day, noneRevoked, Valid},
		{"valid on last day", day.AddDate(0, 0, 30).Add(-time.Second), nil, Valid},
		{"expired at end", day.AddDate(0, 0, 30), nil, Expired},
		{"not yet valid", day.Add(-time.Second), nil, NotYetValid},
		{"revoked", day, func(n string) bool { return n == "TP20261126ABCDEF012345" }, Revoked},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, st := ring.Verify(tok, tt.now, tt.revoked)
			if st != tt.want {
				t.Fatalf("status %s, want %s", st, tt.want)
			}
			want := truckClaims()
			want.KeyID = "k1"
			if diff := cmp.Diff(want.Number, c.Number); diff != "" || !c.NotAfter.Equal(want.NotAfter) || c.Plate != want.Plate || c.KeyID != "k1" {
				t.Fatalf("claims %+v, want %+v", c, want)
			}
		})
	}
}

func TestForgedNeverVerifies(t *testing.T) {
	s := mustSigner(t, "k1", 1)
	tok, err := s.Sign(truckClaims())
	if err != nil {
		t.Fatal(err)
	}
	ring := Keyring{"k1": s.PublicKey()}
	raw, _ := base64.RawURLEncoding.DecodeString(tok)
	// Every single-bit change anywhere in the token must fail.
	for i := range raw {
		for bit := 0; bit < 8; bit++ {
			alt := bytes.Clone(raw)
			alt[i] ^= 1 << bit
			if _, st := ring.Verify(base64.RawURLEncoding.EncodeToString(alt), day, nil); st != Forged {
				t.Fatalf("byte %d bit %d flipped: status %s", i, bit, st)
			}
		}
	}
	other := mustSigner(t, "k1", 2) // same key ID, another key: a forger's
	forged, _ := other.Sign(truckClaims())
	if _, st := ring.Verify(forged, day, nil); st != Forged {
		t.Fatalf("token of an unknown key: %s", st)
	}
	stranger := mustSigner(t, "k9", 1)
	unknown, _ := stranger.Sign(truckClaims())
	if _, st := ring.Verify(unknown, day, nil); st != Forged {
		t.Fatalf("unknown key ID: %s", st)
	}
	for _, bad := range []string{"", "x", tok + "A", tok[:len(tok)-1], "!!!!", tok + "=="} {
		if _, st := ring.Verify(bad, day, nil); st != Forged {
			t.Fatalf("%q: status %s", bad, st)
		}
	}
}

func TestKeyRotation(t *testing.T) {
	old, cur := mustSigner(t, "2025", 1), mustSigner(t, "2026", 2)
	ring, err := ParseKeyring(FormatPublicKey(old.KeyID(), old.PublicKey()) + "," + FormatPublicKey(cur.KeyID(), cur.PublicKey()))
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range []*Signer{old, cur} {
		tok, _ := s.Sign(truckClaims())
		if c, st := ring.Verify(tok, day, nil); st != Valid || c.KeyID != s.KeyID() {
			t.Fatalf("key %s: %s %q", s.KeyID(), st, c.KeyID)
		}
	}
	if _, err := ParseKeyring("a:" + base64.StdEncoding.EncodeToString(old.PublicKey()) + ",a:" + base64.StdEncoding.EncodeToString(cur.PublicKey())); err == nil {
		t.Fatal("two keys under one ID accepted")
	}
	for _, bad := range []string{"nokid", "k:***", "k:" + base64.StdEncoding.EncodeToString([]byte("short")), ":abc"} {
		if _, err := ParseKeyring(bad); err == nil {
			t.Fatalf("%q accepted", bad)
		}
	}
}

func TestSignRefusesBadClaims(t *testing.T) {
	s := mustSigner(t, "k1", 1)
	c := truckClaims()
	c.Plate = string(bytes.Repeat([]byte("a"), 256))
	if _, err := s.Sign(c); err == nil {
		t.Fatal("256-byte field signed")
	}
	c = truckClaims()
	c.NotBefore = time.Unix(-1, 0)
	if _, err := s.Sign(c); err == nil {
		t.Fatal("time before 1970 signed")
	}
	if _, err := NewSigner("a,b", make([]byte, 32)); err == nil {
		t.Fatal("key ID with a comma accepted")
	}
	if _, err := ParseSeed("AAAA"); err == nil {
		t.Fatal("short seed accepted")
	}
}

func TestQRMatchesTheCode(t *testing.T) {
	tok, _ := mustSigner(t, "k1", 1).Sign(truckClaims())
	q, err := qrcode.New(tok, qrLevel)
	if err != nil {
		t.Fatal(err)
	}
	want := q.Bitmap()
	n := len(want)

	svg, err := QRSVG(tok)
	if err != nil {
		t.Fatal(err)
	}
	got := make([][]bool, n)
	for i := range got {
		got[i] = make([]bool, n)
	}
	for _, m := range regexp.MustCompile(`M(\d+) (\d+)h(\d+)v1h-(\d+)z`).FindAllStringSubmatch(string(svg), -1) {
		x, _ := strconv.Atoi(m[1])
		y, _ := strconv.Atoi(m[2])
		w, _ := strconv.Atoi(m[3])
		for i := x; i < x+w; i++ {
			got[y][i] = true
		}
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Fatalf("SVG modules differ from the code:\n%s", diff)
	}

	pngData, err := QRPNG(tok, n*4)
	if err != nil {
		t.Fatal(err)
	}
	img, err := png.Decode(bytes.NewReader(pngData))
	if err != nil {
		t.Fatal(err)
	}
	scale := img.Bounds().Dx() / n
	for y := 0; y < n; y++ {
		for x := 0; x < n; x++ {
			r, _, _, _ := img.At(x*scale+scale/2, y*scale+scale/2).RGBA()
			if dark := r < 0x8000; dark != want[y][x] {
				t.Fatalf("PNG module (%d,%d) dark=%v, want %v", x, y, dark, want[y][x])
			}
		}
	}
}

// FuzzVerify feeds arbitrary text to the parser: it must never panic, and nothing but the
// signer's own tokens may verify.
func FuzzVerify(f *testing.F) {
	s := mustSigner(f, "k1", 1)
	tok, _ := s.Sign(truckClaims())
	f.Add(tok)
	f.Add("")
	f.Add("AQJrMQ")
	ring := Keyring{"k1": s.PublicKey()}
	f.Fuzz(func(t *testing.T, in string) {
		c, st := ring.Verify(in, day, nil)
		if st == Forged {
			return
		}
		if in != tok {
			t.Fatalf("%q verified as %s with %+v", in, st, c)
		}
	})
}
