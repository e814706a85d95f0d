package api

import (
	"net/http"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/xiaozhi-kiosk/xiaozhi/kiosk"
	"github.com/xiaozhi-kiosk/xiaozhi/pass"
)

// mpPassResponse is an issued pass: what it allows, and the signed token its QR code carries.
type mpPassResponse struct {
	Number      string   `json:"number"`
	Document    string   `json:"document"`
	PlateNumber string   `json:"plate_number"`
	Zone        string   `json:"zone,omitempty"`
	RouteZones  []string `json:"route_zones,omitempty"`
	ValidFrom   string   `json:"valid_from"`
	ValidUntil  string   `json:"valid_until"`
	Hours       string   `json:"hours,omitempty"`
	TimeFrom    string   `json:"time_from,omitempty"`
	TimeTo      string   `json:"time_to,omitempty"`
	KeyID       string   `json:"key_id"`
	Token       string   `json:"token"`
	Revoked     bool     `json:"revoked"`
	QRPNG       string   `json:"qr_png"`
	QRSVG       string   `json:"qr_svg"`
}

// passFromIssuance describes the pass of an issued case from its issuance, without a lookup.
// Cases issued without a signed token (other matters) have no pass.
func passFromIssuance(c *kiosk.Case) *mpPassResponse {
	d := c.Issuance.Details
	str := func(k string) string { s, _ := d[k].(string); return s }
	if str("token") == "" {
		return nil
	}
	base := "/api/v1/mp/cases/" + c.ID + "/pass/"
	p := &mpPassResponse{Number: c.Issuance.Number, Document: c.Issuance.Document, PlateNumber: str("plate_number"),
		Zone: str("zone"), ValidFrom: str("valid_from"), ValidUntil: str("valid_until"), Hours: str("hours"),
		KeyID: str("key_id"), Token: str("token"), QRPNG: base + "qr.png", QRSVG: base + "qr.svg"}
	if c.Matter == kiosk.MatterHazmatPass {
		p.ValidFrom, p.ValidUntil = str("date"), str("date")
		p.TimeFrom, p.TimeTo = str("time_from"), str("time_to")
		switch z := d["route_zones"].(type) {
		case []string:
			p.RouteZones = z
		case []any:
			for _, x := range z {
				if s, ok := x.(string); ok {
					p.RouteZones = append(p.RouteZones, s)
				}
			}
		}
	}
	return p
}

// ownedPass returns the pass of the route's case, if the driver owns the case and it has one.
func (s *Server) ownedPass(c *gin.Context) (*kiosk.Pass, error) {
	id, err := s.ownedCaseID(c)
	if err != nil {
		return nil, err
	}
	p, err := s.MP.Passes.CasePass(c.Request.Context(), id)
	if kiosk.ErrorCode(err) == kiosk.ENOTFOUND {
		return nil, kiosk.Errorf(kiosk.ENOTFOUND, "该业务还没有签发通行证。")
	}
	return p, err
}

// handleMPPassGet handles "GET /api/v1/mp/cases/:id/pass": the pass with its token.
func (s *Server) handleMPPassGet(c *gin.Context) error {
	p, err := s.ownedPass(c)
	if err != nil {
		return err
	}
	cs, err := s.Kiosk.Case(c.Request.Context(), p.CaseID)
	if err != nil {
		return err
	}
	r := passFromIssuance(cs)
	if r == nil {
		return kiosk.Errorf(kiosk.ENOTFOUND, "该业务还没有签发通行证。")
	}
	r.Revoked = !p.RevokedAt.IsZero()
	c.JSON(http.StatusOK, r)
	return nil
}

// qrSize is the PNG's side in pixels: about 6 px per module for a version-9 code, crisp on a
// phone screen held up to an officer's scanner.
const qrSize = 360

// handleMPPassQRPNG handles "GET /api/v1/mp/cases/:id/pass/qr.png".
func (s *Server) handleMPPassQRPNG(c *gin.Context) error {
	p, err := s.ownedPass(c)
	if err != nil {
		return err
	}
	png, err := pass.QRPNG(p.Token, qrSize)
	if err != nil {
		return err
	}
	c.Header("Cache-Control", "private, max-age=300")
	c.Data(http.StatusOK, "image/png", png)
	return nil
}

// handleMPPassQRSVG handles "GET /api/v1/mp/cases/:id/pass/qr.svg".
func (s *Server) handleMPPassQRSVG(c *gin.Context) error {
	p, err := s.ownedPass(c)
	if err != nil {
		return err
	}
	svg, err := pass.QRSVG(p.Token)
	if err != nil {
		return err
	}
	c.Header("Cache-Control", "private, max-age=300")
	c.Data(http.StatusOK, "image/svg+xml", svg)
	return nil
}

// splitZones turns a hazmat pass's comma-separated route zones back into a list.
func splitZones(z string) []string {
	if z == "" {
		return nil
	}
	return strings.Split(z, ",")
}
