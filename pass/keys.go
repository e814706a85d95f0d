package pass

import (
	"crypto/ed25519"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"fmt"
	"sort"
	"strings"
	"time"
)

// Signer signs pass tokens with one Ed25519 key under its key ID.
type Signer struct {
	kid string
	key ed25519.PrivateKey
}

// NewSigner returns a Signer for a 32-byte Ed25519 seed. The key ID names the key in every
// token, so that verifiers can hold the old and the new public key while keys rotate.
func NewSigner(kid string, seed []byte) (*Signer, error) {
	if err := checkKeyID(kid); err != nil {
		return nil, err
	}
	if len(seed) != ed25519.SeedSize {
		return nil, fmt.Errorf("pass key must be a %d-byte Ed25519 seed, got %d bytes", ed25519.SeedSize, len(seed))
	}
	return &Signer{kid: kid, key: ed25519.NewKeyFromSeed(seed)}, nil
}

func checkKeyID(kid string) error {
	if kid == "" || len(kid) > 32 || strings.ContainsAny(kid, ":, \t\n") {
		return fmt.Errorf("pass key ID %q: want 1 to 32 characters without colons, commas or spaces", kid)
	}
	return nil
}

// KeyID returns the signer's key ID.
func (s *Signer) KeyID() string { return s.kid }

// PublicKey returns the key that verifies the signer's tokens.
func (s *Signer) PublicKey() ed25519.PublicKey { return s.key.Public().(ed25519.PublicKey) }

// Sign returns the token for c, with c.KeyID set to the signer's.
func (s *Signer) Sign(c Claims) (string, error) {
	c.KeyID = s.kid
	signed, err := c.encode()
	if err != nil {
		return "", err
	}
	return base64.RawURLEncoding.EncodeToString(append(signed, ed25519.Sign(s.key, signed)...)), nil
}

// Keyring holds the public keys that verify tokens, by key ID.
type Keyring map[string]ed25519.PublicKey

// Verify checks a token's format and signature, then its validity at now and, if revoked is
// not nil, whether its pass number was revoked. The claims are returned for every status but
// Forged, so that an officer sees which pass expired.
func (k Keyring) Verify(token string, now time.Time, revoked func(number string) bool) (Claims, Status) {
	c, signed, sig, err := parse(token)
	if err != nil {
		return Claims{}, Forged
	}
	pub, ok := k[c.KeyID]
	if !ok || len(pub) != ed25519.PublicKeySize || !ed25519.Verify(pub, signed, sig) {
		return Claims{}, Forged
	}
	switch {
	case revoked != nil && revoked(c.Number):
		return c, Revoked
	case now.Before(c.NotBefore):
		return c, NotYetValid
	case !now.Before(c.NotAfter):
		return c, Expired
	}
	return c, Valid
}

// Add puts a public key under its ID, refusing a second, different key for the same ID.
func (k Keyring) Add(kid string, pub ed25519.PublicKey) error {
	if err := checkKeyID(kid); err != nil {
		return err
	}
	if len(pub) != ed25519.PublicKeySize {
		return fmt.Errorf("pass public key %s: want %d bytes, got %d", kid, ed25519.PublicKeySize, len(pub))
	}
	if old, ok := k[kid]; ok && !old.Equal(pub) {
		return fmt.Errorf("pass key ID %s names two different keys", kid)
	}
	k[kid] = pub
	return nil
}

// IDs returns the key IDs in order.
func (k Keyring) IDs() []string {
	ids := make([]string, 0, len(k))
	for id := range k {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	return ids
}

// ParseSeed decodes an Ed25519 seed given as standard base64 (openssl rand -base64 32).
func ParseSeed(s string) ([]byte, error) {
	b, err := base64.StdEncoding.DecodeString(strings.TrimSpace(s))
	if err != nil {
		return nil, errors.New("pass key must be base64")
	}
	if len(b) != ed25519.SeedSize {
		return nil, fmt.Errorf("pass key must decode to %d bytes, got %d", ed25519.SeedSize, len(b))
	}
	return b, nil
}

// ParseKeyring reads "kid:base64key,kid2:base64key" (standard base64 of 32-byte public keys),
// the form of the verification keys in configuration.
func ParseKeyring(s string) (Keyring, error) {
	k := Keyring{}
	for _, item := range strings.Split(s, ",") {
		item = strings.TrimSpace(item)
		if item == "" {
			continue
		}
		kid, b64, ok := strings.Cut(item, ":")
		if !ok {
			return nil, fmt.Errorf("pass public key %q: want KID:BASE64", item)
		}
		pub, err := base64.StdEncoding.DecodeString(b64)
		if err != nil {
			return nil, fmt.Errorf("pass public key %s: not base64", kid)
		}
		if err := k.Add(kid, pub); err != nil {
			return nil, err
		}
	}
	return k, nil
}

// FormatPublicKey renders a key in the form ParseKeyring reads.
func FormatPublicKey(kid string, pub ed25519.PublicKey) string {
	return kid + ":" + base64.StdEncoding.EncodeToString(pub)
}

// DemoSeed derives the development key from a fixed label. It is public: tokens signed with it
// prove nothing, and production configuration must name a key of its own.
func DemoSeed() []byte {
	sum := sha256.Sum256([]byte("xiaozhi demo pass key, not for production"))
	return sum[:]
}

// DemoKeyID is the key ID of DemoSeed.
const DemoKeyID = "demo"
