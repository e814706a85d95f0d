package api

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/xiaozhi-kiosk/xiaozhi/ident"
	"github.com/xiaozhi-kiosk/xiaozhi/kiosk"
)

// LoginVerifier exchanges a mini-program login code for the identity the platform vouches
// for. In production the code goes to the platform (WeChat's code-to-session exchange) and
// the subject is the user's stable platform ID; the driver's own ID number comes from the ID
// card they photograph.
type LoginVerifier interface {
	// VerifyLogin returns the subject for a login code; EUNAUTHORIZED for a code the platform
	// refuses, EUNAVAILABLE when it cannot be reached.
	VerifyLogin(ctx context.Context, code string) (subject string, err error)
}

// DevLogin is the development verifier: a code "dev:<ID number>" logs in as that person, with
// no check at all. It exists for the demo and tests; serve installs it only in development
// mode.
type DevLogin struct{ Now func() time.Time }

// VerifyLogin implements LoginVerifier.
func (d DevLogin) VerifyLogin(_ context.Context, code string) (string, error) {
	id, ok := strings.CutPrefix(code, "dev:")
	if !ok {
		return "", kiosk.Errorf(kiosk.EUNAUTHORIZED, "登录凭证无效，请重新登录。")
	}
	if _, err := ident.ParseIDNumber(id, ident.Today(d.Now())); err != nil {
		return "", kiosk.Errorf(kiosk.EUNAUTHORIZED, "登录凭证中的身份证号码无效。")
	}
	return "id:" + id, nil
}

const driverKey = "mp_driver"

// driverToken makes a bearer token for a driver: the opaque driver ID, the expiry, and an
// HMAC-SHA-256 over both. Stateless, so any replica with the key checks it without a lookup.
func driverToken(key []byte, driver string, exp time.Time) string {
	payload := driver + "." + strconv.FormatInt(exp.Unix(), 10)
	return payload + "." + base64.RawURLEncoding.EncodeToString(tokenMAC(key, payload))
}

func tokenMAC(key []byte, payload string) []byte {
	m := hmac.New(sha256.New, key)
	m.Write([]byte("xiaozhi/v1/driver\x00" + payload))
	return m.Sum(nil)
}

// parseDriverToken returns the driver a token names if its MAC holds and it has not expired.
func parseDriverToken(key []byte, tok string, now time.Time) (string, bool) {
	if len(tok) > 256 {
		return "", false
	}
	parts := strings.Split(tok, ".")
	if len(parts) != 3 || parts[0] == "" {
		return "", false
	}
	mac, err := base64.RawURLEncoding.DecodeString(parts[2])
	if err != nil || !hmac.Equal(mac, tokenMAC(key, parts[0]+"."+parts[1])) {
		return "", false
	}
	exp, err := strconv.ParseInt(parts[1], 10, 64)
	if err != nil || now.Unix() >= exp {
		return "", false
	}
	return parts[0], true
}

// mpLoginRequest is the body of POST /api/v1/mp/login.
type mpLoginRequest struct {
	Code string `json:"code"`
}

type mpLoginResponse struct {
	AccessToken string `json:"access_token"`
	TokenType   string `json:"token_type"`
	ExpiresIn   int    `json:"expires_in"`
	DriverID    string `json:"driver_id"`
}

// handleMPLogin handles "POST /api/v1/mp/login": a login code for a driver's bearer token.
func (s *Server) handleMPLogin(c *gin.Context) error {
	mp := s.MP
	if mp.Login == nil {
		return kiosk.Errorf(kiosk.EUNAVAILABLE, "小程序登录服务未配置。")
	}
	var req mpLoginRequest
	if err := bindJSON(c, &req); err != nil {
		return err
	}
	if req.Code == "" || len(req.Code) > 256 {
		return kiosk.Errorf(kiosk.EINVALID, "缺少登录凭证 code。")
	}
	subject, err := mp.Login.VerifyLogin(c.Request.Context(), req.Code)
	if err != nil {
		return err
	}
	driver := mp.DriverID(subject)
	exp := mp.now().Add(mp.tokenTTL())
	c.JSON(http.StatusOK, mpLoginResponse{AccessToken: driverToken(mp.TokenKey, driver, exp), TokenType: "Bearer",
		ExpiresIn: int(mp.tokenTTL().Seconds()), DriverID: driver})
	return nil
}

// mpAuth requires a valid driver token, from the Authorization header or, for the WebSocket
// (which browsers open without custom headers), the access_token query parameter.
func (s *Server) mpAuth(c *gin.Context) error {
	tok, ok := strings.CutPrefix(c.GetHeader("Authorization"), "Bearer ")
	if !ok && c.GetHeader("Upgrade") != "" {
		tok, ok = c.GetQuery("access_token")
	}
	if !ok || tok == "" {
		c.Header("WWW-Authenticate", `Bearer realm="xiaozhi"`)
		return kiosk.Errorf(kiosk.EUNAUTHORIZED, "请先登录。")
	}
	driver, ok := parseDriverToken(s.MP.TokenKey, tok, s.MP.now())
	if !ok {
		c.Header("WWW-Authenticate", `Bearer realm="xiaozhi", error="invalid_token"`)
		return kiosk.Errorf(kiosk.EUNAUTHORIZED, "登录已失效，请重新登录。")
	}
	c.Set(driverKey, driver)
	return nil
}

func driverOf(c *gin.Context) string { return c.GetString(driverKey) }
