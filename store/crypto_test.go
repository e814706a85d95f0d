package store_test

import (
	"bytes"
	"strings"
	"testing"

	"github.com/xiaozhi-kiosk/xiaozhi/store"
	"github.com/xiaozhi-kiosk/xiaozhi/store/storetest"
)

func TestSealer(t *testing.T) {
	s := storetest.MustSealer(t, 1)
	pt := []byte(`{"id_number":"330212198503121234","name":"张伟民"}`)
	sealed := s.Seal(pt, []byte("person"))
	if bytes.Contains(sealed, []byte("330212198503121234")) {
		t.Fatal("plaintext visible in sealed value")
	}
	if again := s.Seal(pt, []byte("person")); bytes.Equal(again, sealed) {
		t.Fatal("two seals of one value are equal: nonce reused")
	}
	got, err := s.Open(sealed, []byte("person"))
	if err != nil || !bytes.Equal(got, pt) {
		t.Fatalf("open: %q %v", got, err)
	}
	if _, err := s.Open(sealed, []byte("driver")); err == nil {
		t.Fatal("opened with the wrong associated data")
	}
	if _, err := storetest.MustSealer(t, 2).Open(sealed, []byte("person")); err == nil {
		t.Fatal("opened with another key")
	}
	tampered := append([]byte(nil), sealed...)
	tampered[len(tampered)-1] ^= 1
	if _, err := s.Open(tampered, []byte("person")); err == nil {
		t.Fatal("opened a tampered value")
	}
	if _, err := s.Open(sealed[:5], nil); err == nil {
		t.Fatal("opened a truncated value")
	}
}

func TestSealerHash(t *testing.T) {
	s := storetest.MustSealer(t, 1)
	h := s.Hash("id_number", "330212198503121234")
	if !bytes.Equal(h, s.Hash("id_number", "330212198503121234")) {
		t.Fatal("hash not deterministic")
	}
	if bytes.Equal(h, s.Hash("plate_number", "330212198503121234")) {
		t.Fatal("namespaces collide")
	}
	if bytes.Equal(h, storetest.MustSealer(t, 2).Hash("id_number", "330212198503121234")) {
		t.Fatal("hash does not depend on the key")
	}
}

func TestParseKey(t *testing.T) {
	if _, err := store.ParseKey("AQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQE="); err != nil {
		t.Fatal(err)
	}
	for _, bad := range []string{"", "not base64!", "AQEB"} {
		if _, err := store.ParseKey(bad); err == nil || !strings.Contains(err.Error(), "data key") {
			t.Errorf("ParseKey(%q) = %v", bad, err)
		}
	}
}
