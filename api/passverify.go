package api

import (
	"net/http"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/xiaozhi-kiosk/xiaozhi/ident"
	"github.com/xiaozhi-kiosk/xiaozhi/kiosk"
	"github.com/xiaozhi-kiosk/xiaozhi/pass"
)

// passStatusMessages say what a verification found, for an officer's screen.
var passStatusMessages = map[pass.Status]string{
	pass.Valid:       "通行证有效。",
	pass.NotYetValid: "通行证尚未生效。",
	pass.Expired:     "通行证已过期。",
	pass.Revoked:     "通行证已被撤销。",
	pass.Forged:      "通行证无效：签名不符或内容被改动。",
}

// passVerifyResponse is the result of verifying a pass token. A forged token reports nothing
// but its status: its contents are whatever the forger wrote.
type passVerifyResponse struct {
	Status      string     `json:"status"`
	Message     string     `json:"message"`
	Number      string     `json:"number,omitempty"`
	Kind        string     `json:"kind,omitempty"`
	PlateNumber string     `json:"plate_number,omitempty"`
	Zone        string     `json:"zone,omitempty"`
	RouteZones  []string   `json:"route_zones,omitempty"`
	Hours       string     `json:"hours,omitempty"`
	NotBefore   *time.Time `json:"not_before,omitempty"`
	NotAfter    *time.Time `json:"not_after,omitempty"`
	KeyID       string     `json:"key_id,omitempty"`
}

// handlePassVerify handles "GET /api/v1/passes/verify?token=…": the same check an officer's
// device does offline, plus the live revocation list. Every verdict is a 200: "forged" is an
// answer about the token, not an error of the request.
func (s *Server) handlePassVerify(c *gin.Context) error {
	tok := c.Query("token")
	if tok == "" {
		return kiosk.Errorf(kiosk.EINVALID, "缺少参数 token（通行证二维码的内容）。")
	}
	if len(tok) > pass.MaxTokenLen {
		return kiosk.Errorf(kiosk.EINVALID, "token 过长，不是本系统的通行证。")
	}
	ctx := c.Request.Context()
	var lookupErr error
	claims, st := s.MP.Keys.Verify(tok, s.MP.now(), func(number string) bool {
		revoked, err := s.MP.Passes.Revoked(ctx, number)
		lookupErr = err
		return revoked
	})
	if lookupErr != nil {
		return lookupErr
	}
	r := passVerifyResponse{Status: string(st), Message: passStatusMessages[st]}
	if st != pass.Forged {
		nb, na := claims.NotBefore.In(ident.Shanghai()), claims.NotAfter.In(ident.Shanghai())
		r.Number, r.PlateNumber, r.Hours, r.KeyID = claims.Number, claims.Plate, claims.Hours, claims.KeyID
		r.NotBefore, r.NotAfter = &nb, &na
		switch claims.Kind {
		case pass.KindTruck:
			r.Kind, r.Zone = "truck_pass", claims.Zone
		case pass.KindHazmat:
			r.Kind, r.RouteZones = "hazmat_pass", splitZones(claims.Zone)
		}
	}
	c.Header("Cache-Control", "no-store")
	c.JSON(http.StatusOK, r)
	return nil
}

type passKey struct {
	KeyID     string `json:"key_id"`
	Algorithm string `json:"alg"`
	PublicKey []byte `json:"public_key"` // standard base64 in JSON
}

// handlePassKeys handles "GET /api/v1/passes/keys": the public keys an officer's device loads
// to verify passes offline.
func (s *Server) handlePassKeys(c *gin.Context) error {
	keys := []passKey{}
	for _, id := range s.MP.Keys.IDs() {
		keys = append(keys, passKey{KeyID: id, Algorithm: "Ed25519", PublicKey: s.MP.Keys[id]})
	}
	c.JSON(http.StatusOK, gin.H{"keys": keys})
	return nil
}

// handlePassRevoked handles "GET /api/v1/passes/revoked": the revocation list, as of now, of
// passes that are still within their validity.
func (s *Server) handlePassRevoked(c *gin.Context) error {
	now := s.MP.now()
	list, err := s.MP.Passes.RevokedPasses(c.Request.Context(), ident.Today(now))
	if err != nil {
		return err
	}
	c.JSON(http.StatusOK, gin.H{"as_of": now.UTC().Truncate(time.Second), "numbers": list})
	return nil
}
