package store

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"fmt"
)

// Sealer protects personal data at rest: it encrypts values with AES-256-GCM and derives a
// keyed hash (HMAC-SHA-256) for looking them up, so an ID number is findable without being
// stored in plain text. Both keys are derived from one master key, so an operator manages a
// single secret.
type Sealer struct {
	aead    cipher.AEAD
	hashKey []byte
}

// KeySize is the length of a master key in bytes.
const KeySize = 32

// NewSealer derives the encryption and hashing keys from a 32-byte master key.
func NewSealer(master []byte) (*Sealer, error) {
	if len(master) != KeySize {
		return nil, fmt.Errorf("data key must be %d bytes, got %d", KeySize, len(master))
	}
	block, err := aes.NewCipher(derive(master, "xiaozhi/v1/encrypt"))
	if err != nil {
		return nil, err
	}
	aead, err := cipher.NewGCM(block)
	if err != nil {
		return nil, err
	}
	return &Sealer{aead: aead, hashKey: derive(master, "xiaozhi/v1/lookup")}, nil
}

// ParseKey decodes a master key given as standard base64 (what `openssl rand -base64 32`
// prints).
func ParseKey(s string) ([]byte, error) {
	k, err := base64.StdEncoding.DecodeString(s)
	if err != nil {
		return nil, errors.New("data key must be base64")
	}
	if len(k) != KeySize {
		return nil, fmt.Errorf("data key must decode to %d bytes, got %d", KeySize, len(k))
	}
	return k, nil
}

func derive(master []byte, label string) []byte {
	m := hmac.New(sha256.New, master)
	m.Write([]byte(label))
	return m.Sum(nil)
}

// Seal encrypts plaintext. aad binds the ciphertext to its place (table and key), so a value
// copied into another row fails to open.
func (s *Sealer) Seal(plaintext, aad []byte) []byte {
	nonce := make([]byte, s.aead.NonceSize(), s.aead.NonceSize()+len(plaintext)+s.aead.Overhead())
	if _, err := rand.Read(nonce); err != nil {
		panic("crypto/rand failed: " + err.Error())
	}
	return s.aead.Seal(nonce, nonce, plaintext, aad)
}

// Open decrypts what Seal produced with the same aad.
func (s *Sealer) Open(sealed, aad []byte) ([]byte, error) {
	n := s.aead.NonceSize()
	if len(sealed) < n+s.aead.Overhead() {
		return nil, errors.New("sealed value too short")
	}
	pt, err := s.aead.Open(nil, sealed[:n], sealed[n:], aad)
	if err != nil {
		return nil, errors.New("sealed value does not open with this key")
	}
	return pt, nil
}

// Hash returns the lookup hash of a value within a namespace, e.g. ("id_number", "3302…").
func (s *Sealer) Hash(namespace, value string) []byte {
	m := hmac.New(sha256.New, s.hashKey)
	m.Write([]byte(namespace))
	m.Write([]byte{0})
	m.Write([]byte(value))
	return m.Sum(nil)
}
