package main

import (
	"context"
	"crypto/ed25519"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"time"

	"github.com/xiaozhi-kiosk/xiaozhi/api"
	"github.com/xiaozhi-kiosk/xiaozhi/ident"
	"github.com/xiaozhi-kiosk/xiaozhi/kiosk"
	"github.com/xiaozhi-kiosk/xiaozhi/pass"
	"github.com/xiaozhi-kiosk/xiaozhi/store"
)

// validatePass checks the pass keys: production must sign with a key of its own, because the
// demo key is public and a pass signed with it proves nothing.
func (c Config) validatePass() error {
	if c.PassKey == "" && c.Mode == "production" {
		return fmt.Errorf("XIAOZHI_PASS_KEY is required in production mode (an Ed25519 seed, base64: xiaozhi pass keygen)")
	}
	if c.PassKey != "" {
		if _, err := pass.ParseSeed(c.PassKey); err != nil {
			return fmt.Errorf("XIAOZHI_PASS_KEY: %v", err)
		}
		if c.PassKeyID == "" {
			return fmt.Errorf("XIAOZHI_PASS_KEY_ID is required with XIAOZHI_PASS_KEY: it names the key in every token")
		}
	}
	if _, _, _, err := c.passKeys(); err != nil {
		return err
	}
	if c.MPRateIP < 0 || c.MPRateDriver < 0 {
		return fmt.Errorf("--mp-rate-ip and --mp-rate-driver must not be negative (0 turns a limit off)")
	}
	return nil
}

// passKeys returns the signer, the keyring that verifies (the signer's key and the extra
// public keys), and whether the signer is the public demo key.
func (c Config) passKeys() (*pass.Signer, pass.Keyring, bool, error) {
	seed, kid, demo := pass.DemoSeed(), pass.DemoKeyID, true
	if c.PassKey != "" {
		s, err := pass.ParseSeed(c.PassKey)
		if err != nil {
			return nil, nil, false, fmt.Errorf("XIAOZHI_PASS_KEY: %v", err)
		}
		seed, kid, demo = s, c.PassKeyID, false
	}
	signer, err := pass.NewSigner(kid, seed)
	if err != nil {
		return nil, nil, demo, fmt.Errorf("XIAOZHI_PASS_KEY_ID: %v", err)
	}
	ring, err := pass.ParseKeyring(c.PassPublicKeys)
	if err != nil {
		return nil, nil, demo, fmt.Errorf("XIAOZHI_PASS_PUBLIC_KEYS: %v", err)
	}
	if err := ring.Add(signer.KeyID(), signer.PublicKey()); err != nil {
		return nil, nil, demo, fmt.Errorf("XIAOZHI_PASS_PUBLIC_KEYS: %v", err)
	}
	return signer, ring, demo, nil
}

// passSigner adapts pass.Signer to kiosk.PassSigner.
type passSigner struct{ s *pass.Signer }

func (ps passSigner) SignPass(p kiosk.Pass) (string, string, error) {
	kind := pass.KindTruck
	if p.Matter == kiosk.MatterHazmatPass {
		kind = pass.KindHazmat
	}
	from, until := p.Window()
	tok, err := ps.s.Sign(pass.Claims{Kind: kind, Number: p.Number, Plate: p.Plate, Zone: p.Zone, Hours: p.Hours,
		NotBefore: from, NotAfter: until, IssuedAt: p.IssuedAt})
	return ps.s.KeyID(), tok, err
}

// masterKey is the data key's bytes (the demo key in development), from which the driver
// tokens' key is derived, so that an operator manages one secret fewer.
func (c Config) masterKey() ([]byte, error) {
	k := c.DataKey
	if k == "" {
		k = demoDataKey
	}
	return store.ParseKey(k)
}

func derive(master []byte, label string) []byte {
	m := hmac.New(sha256.New, master)
	m.Write([]byte(label))
	return m.Sum(nil)
}

// wirePasses installs the pass issuer for M08 and M09, the pass counts for their facts, and
// the mini-program API. It runs before recovery, which may issue approved passes.
func (m *Main) wirePasses(cfg Config, sealer *store.Sealer) error {
	signer, ring, demo, err := cfg.passKeys()
	if err != nil {
		return err
	}
	if demo {
		m.Logger.Warn("passes are signed with the public demo key; set XIAOZHI_PASS_KEY for real use")
	}
	master, err := cfg.masterKey()
	if err != nil {
		return err
	}
	passes := store.NewPassStore(m.DB, sealer)
	issuer := &kiosk.PassIssuer{Ledger: passes, Signer: passSigner{signer}, Now: m.Kiosk.Now}
	m.Kiosk.Issuers[kiosk.MatterTruckPass] = issuer
	m.Kiosk.Issuers[kiosk.MatterHazmatPass] = issuer
	m.Kiosk.Passes = passes

	mp := &api.MiniProgram{
		DriverID: func(subject string) string {
			return hex.EncodeToString(sealer.Hash("mp/driver", subject)[:16])
		},
		TokenKey:    derive(master, "xiaozhi/v1/driver-token"),
		Owners:      passes,
		Idempotency: store.NewIdempotency(m.DB),
		Passes:      passes,
		Keys:        ring,
		PerIP:       api.Rate{PerSecond: float64(cfg.MPRateIP), Burst: 2 * cfg.MPRateIP},
		PerDriver:   api.Rate{PerSecond: float64(cfg.MPRateDriver), Burst: 3 * cfg.MPRateDriver},
	}
	if cfg.Mode == "development" {
		mp.Login = api.DevLogin{Now: time.Now}
	}
	m.HTTP.MP = mp
	return nil
}

const passUsage = `usage: xiaozhi pass verify [--at RFC3339] TOKEN   verify a pass token with the configured public keys
       xiaozhi pass keygen [KID]                    print a new signing key and its public key
       xiaozhi pass revoke NUMBER [REASON]          revoke a pass; verification reports it revoked
       xiaozhi pass demo-photos DIR                 write phone photos of the demo drivers' documents`

// runPass handles "xiaozhi pass …".
func runPass(ctx context.Context, e *env, args []string) error {
	if len(args) == 0 {
		fmt.Fprintln(e.Stderr, passUsage)
		return errUsage
	}
	switch args[0] {
	case "verify":
		return runPassVerify(ctx, e, args[1:])
	case "keygen":
		return runPassKeygen(e, args[1:])
	case "revoke":
		return runPassRevoke(ctx, e, args[1:])
	case "demo-photos":
		return runPassDemoPhotos(e, args[1:])
	}
	fmt.Fprintln(e.Stderr, passUsage)
	return errUsage
}

// runPassVerify verifies offline: only the public keys of the configuration are used, no
// database, as on an officer's device. Revocation needs the list, which the server has.
func runPassVerify(_ context.Context, e *env, args []string) error {
	var at string
	if len(args) >= 2 && args[0] == "--at" {
		at, args = args[1], args[2:]
	}
	cfg, rest, err := loadConfig("pass verify", e, args, "mode", "pass-key-id", "pass-public-keys")
	if err != nil {
		return err
	}
	if len(rest) != 1 {
		fmt.Fprintln(e.Stderr, passUsage)
		return errUsage
	}
	now := time.Now()
	if at != "" {
		if now, err = time.Parse(time.RFC3339, at); err != nil {
			return fmt.Errorf("--at %q: want RFC 3339, e.g. 2026-11-26T10:00:00+08:00", at)
		}
	}
	_, ring, _, err := cfg.passKeys()
	if err != nil {
		return err
	}
	c, st := ring.Verify(rest[0], now, nil)
	out := map[string]any{"status": st}
	if st != pass.Forged {
		out["number"], out["plate_number"], out["zone"], out["hours"], out["key_id"] = c.Number, c.Plate, c.Zone, c.Hours, c.KeyID
		out["not_before"], out["not_after"] = c.NotBefore.In(ident.Shanghai()), c.NotAfter.In(ident.Shanghai())
	}
	enc := json.NewEncoder(e.Stdout)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(out); err != nil {
		return err
	}
	if st != pass.Valid {
		return fmt.Errorf("pass is %s", st)
	}
	return nil
}

func runPassKeygen(e *env, args []string) error {
	kid := time.Now().UTC().Format("2006-01")
	if len(args) == 1 {
		kid = args[0]
	} else if len(args) > 1 {
		fmt.Fprintln(e.Stderr, passUsage)
		return errUsage
	}
	seed := make([]byte, ed25519.SeedSize)
	if _, err := rand.Read(seed); err != nil {
		return err
	}
	s, err := pass.NewSigner(kid, seed)
	if err != nil {
		return err
	}
	fmt.Fprintf(e.Stdout, "XIAOZHI_PASS_KEY_ID=%s\nXIAOZHI_PASS_KEY=%s\n", kid, base64.StdEncoding.EncodeToString(seed))
	fmt.Fprintf(e.Stderr, "Keep XIAOZHI_PASS_KEY secret. Verifiers need only the public key:\n%s\n",
		pass.FormatPublicKey(kid, s.PublicKey()))
	return nil
}

func runPassRevoke(ctx context.Context, e *env, args []string) error {
	cfg, rest, err := loadConfig("pass revoke", e, args, "database-url", "mode")
	if err != nil {
		return err
	}
	if len(rest) < 1 || len(rest) > 2 {
		fmt.Fprintln(e.Stderr, passUsage)
		return errUsage
	}
	reason := "revoked"
	if len(rest) == 2 {
		reason = rest[1]
	}
	sealer, _, err := cfg.sealer()
	if err != nil {
		return err
	}
	db := store.NewDB(cfg.DatabaseURL)
	if err := db.Open(ctx); err != nil {
		return err
	}
	defer db.Close()
	if err := store.NewPassStore(db, sealer).RevokePass(ctx, rest[0], reason); err != nil {
		return fmt.Errorf("%s", kiosk.ErrorMessage(err))
	}
	fmt.Fprintf(e.Stdout, "pass %s revoked\n", rest[0])
	return nil
}
