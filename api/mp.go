package api

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"sync"
	"sync/atomic"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/xiaozhi-kiosk/xiaozhi/ident"
	"github.com/xiaozhi-kiosk/xiaozhi/kiosk"
	"github.com/xiaozhi-kiosk/xiaozhi/pass"
)

// MiniProgram is what the truck drivers' API needs besides the kiosk service: how drivers log
// in, who owns which case, recorded responses for idempotent submissions, the passes issued
// and the keys that verify them. Set Server.MP before serving; without it the routes answer
// 503.
type MiniProgram struct {
	Login LoginVerifier // nil: logins are refused
	// DriverID turns a login subject into the opaque driver ID tokens and cases carry; it must
	// be a keyed hash, so that the ID does not reveal an ID number.
	DriverID func(subject string) string
	TokenKey []byte        // HMAC key of driver tokens
	TokenTTL time.Duration // zero: 2 hours

	Owners      CaseOwners
	Idempotency IdempotencyStore
	Passes      PassRecords
	Keys        pass.Keyring // public keys that verify pass tokens, by key ID

	Uploads   UploadLimits // zero: MPUploadLimits
	PerIP     Rate         // per client address, every route here; zero rate: unlimited
	PerDriver Rate         // per driver, every authenticated route
	Now       func() time.Time

	once           sync.Once
	byIP, byDriver *limiter
	// owners remembers case owners, which never change, so that polling costs one query.
	owners     sync.Map
	ownersSize atomic.Int64
	// status keeps the last rendered status of polled cases (handleMPCaseGet).
	status statusCache
}

// MPUploadLimits fit phone photos of a card: a mini-program compresses photos to well under
// 8 MB, and 24 MP is more than any phone's main camera needs to frame a card.
var MPUploadLimits = UploadLimits{MaxBytes: 8 << 20, MaxPixels: 24_000_000, MinSide: 480}

// DefaultPerIP and DefaultPerDriver bound what one client can ask: a driver polls status
// every second or two and uploads four photos; an address may front a fleet's drivers.
var (
	DefaultPerIP     = Rate{PerSecond: 50, Burst: 100}
	DefaultPerDriver = Rate{PerSecond: 10, Burst: 30}
)

// CaseOwners tells which driver owns which case. The owner is recorded with the case itself
// (kiosk.Service.StartOwnedCase).
type CaseOwners interface {
	// CaseDriver returns a case's owner, or ENOTFOUND.
	CaseDriver(ctx context.Context, caseID string) (string, error)
}

// IdempotencyStore records responses by (scope, Idempotency-Key).
type IdempotencyStore interface {
	// Begin claims a key for a request hash: status 0 means the caller runs the request and
	// then calls Finish or Abandon; otherwise it is the recorded response to replay. A key
	// reused with another hash is EUNREADABLE; a duplicate still running past ctx, EUNAVAILABLE.
	Begin(ctx context.Context, scope, key string, hash []byte) (status int, body []byte, err error)
	Finish(ctx context.Context, scope, key string, status int, body []byte) error
	Abandon(ctx context.Context, scope, key string) error
}

// PassRecords reads issued passes and their revocations.
type PassRecords interface {
	// CasePass returns a case's pass, or ENOTFOUND.
	CasePass(ctx context.Context, caseID string) (*kiosk.Pass, error)
	// Revoked reports whether the pass with this number is revoked.
	Revoked(ctx context.Context, number string) (bool, error)
	// RevokedPasses lists the numbers of revoked passes still valid on or after today.
	RevokedPasses(ctx context.Context, today ident.Date) ([]string, error)
}

func (m *MiniProgram) now() time.Time {
	if m.Now == nil {
		return time.Now()
	}
	return m.Now()
}

func (m *MiniProgram) tokenTTL() time.Duration {
	if m.TokenTTL <= 0 {
		return 2 * time.Hour
	}
	return m.TokenTTL
}

func (m *MiniProgram) uploads() UploadLimits {
	if m.Uploads.MaxBytes == 0 {
		return MPUploadLimits
	}
	return m.Uploads
}

func (m *MiniProgram) limiters() (byIP, byDriver *limiter) {
	m.once.Do(func() {
		m.byIP, m.byDriver = newLimiter(m.PerIP, m.now), newLimiter(m.PerDriver, m.now)
	})
	return m.byIP, m.byDriver
}

// mpRoutes registers the truck drivers' API and the pass verification routes.
func (s *Server) mpRoutes() {
	r := s.router
	r.GET("/api/v1/openapi.json", s.handleOpenAPI)

	v1 := r.Group("/api/v1", s.handle(s.mpReady), s.handle(s.limitIP))
	v1.GET("/passes/verify", s.handle(s.handlePassVerify))
	v1.GET("/passes/keys", s.handle(s.handlePassKeys))
	v1.GET("/passes/revoked", s.handle(s.handlePassRevoked))

	mp := v1.Group("/mp")
	mp.POST("/login", s.handle(s.handleMPLogin))
	mp.GET("/matters", s.handle(s.handleMPMatters))

	d := mp.Group("", s.handle(s.mpAuth), s.handle(s.limitDriver))
	d.POST("/cases", s.handle(s.handleMPCaseCreate))
	d.GET("/cases/:id", s.handle(s.handleMPCaseGet))
	d.GET("/cases/:id/events", s.handle(s.handleMPCaseEvents))
	d.PUT("/cases/:id/documents/:kind", s.handle(s.handleMPDocumentPut))
	d.GET("/cases/:id/documents/:kind", s.handle(s.handleMPDocumentGet))
	d.POST("/cases/:id/submit", s.handle(s.handleMPCaseSubmit))
	d.GET("/cases/:id/pass", s.handle(s.handleMPPassGet))
	d.GET("/cases/:id/pass/qr.png", s.handle(s.handleMPPassQRPNG))
	d.GET("/cases/:id/pass/qr.svg", s.handle(s.handleMPPassQRSVG))
}

// mpReady refuses the mini-program routes on a server not configured for them.
func (s *Server) mpReady(c *gin.Context) error {
	if s.MP == nil || s.Kiosk == nil {
		return kiosk.Errorf(kiosk.EUNAVAILABLE, "小程序服务未启用。")
	}
	return nil
}

// limitIP limits by the connection's address. It deliberately ignores X-Forwarded-For, which a
// client can write; a deployment behind a proxy limits at the proxy.
func (s *Server) limitIP(c *gin.Context) error {
	byIP, _ := s.MP.limiters()
	if ok, wait := byIP.allow(c.RemoteIP()); !ok {
		return errRateLimited(c, wait)
	}
	return nil
}

func (s *Server) limitDriver(c *gin.Context) error {
	_, byDriver := s.MP.limiters()
	if ok, wait := byDriver.allow(driverOf(c)); !ok {
		return errRateLimited(c, wait)
	}
	return nil
}

// maxJSONBody bounds JSON request bodies; the largest, a hazmat submission, is under 1 KB.
const maxJSONBody = 16 << 10

// readBody reads a JSON request body up to maxJSONBody.
func readBody(c *gin.Context) ([]byte, error) {
	b, err := io.ReadAll(http.MaxBytesReader(c.Writer, c.Request.Body, maxJSONBody))
	if tooLarge(err) {
		return nil, kiosk.Errorf(kiosk.ETOOLARGE, "请求内容过大。")
	} else if err != nil {
		return nil, kiosk.Errorf(kiosk.EINVALID, "请求内容不完整，请重试。")
	}
	return b, nil
}

// decodeJSON decodes one JSON object strictly: unknown fields and trailing data are errors, so
// a misspelt field is reported instead of silently ignored.
func decodeJSON(b []byte, v any) error {
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		var ute *json.UnmarshalTypeError
		if errors.As(err, &ute) && ute.Field != "" {
			return kiosk.Errorf(kiosk.EINVALID, "字段 %s 的类型不正确。", ute.Field)
		}
		return kiosk.Errorf(kiosk.EINVALID, "请求格式不正确，须为 JSON 对象，且只含规定的字段。")
	}
	if dec.More() {
		return kiosk.Errorf(kiosk.EINVALID, "请求格式不正确，须为单个 JSON 对象。")
	}
	return nil
}

func bindJSON(c *gin.Context, v any) error {
	b, err := readBody(c)
	if err != nil {
		return err
	}
	return decodeJSON(b, v)
}

var errCaseNotFound = kiosk.Errorf(kiosk.ENOTFOUND, "找不到该业务。")

// ownedCaseID returns the :id of the route if the requesting driver owns that case. Another
// driver's case is ENOTFOUND, exactly like a case that does not exist, so IDs cannot be probed.
func (s *Server) ownedCaseID(c *gin.Context) (string, error) {
	id := c.Param("id")
	if !validToken(id) {
		return "", errCaseNotFound
	}
	owner, err := s.MP.caseDriver(c.Request.Context(), id)
	if kiosk.ErrorCode(err) == kiosk.ENOTFOUND || err == nil && owner != driverOf(c) {
		return "", errCaseNotFound
	}
	return id, err
}

// maxOwnersCached bounds the owner cache: about 10 MB, a day of a large city's applications.
const maxOwnersCached = 100_000

// caseDriver returns a case's owner, from memory when it was looked up before.
func (m *MiniProgram) caseDriver(ctx context.Context, id string) (string, error) {
	if v, ok := m.owners.Load(id); ok {
		return v.(string), nil
	}
	owner, err := m.Owners.CaseDriver(ctx, id)
	if err != nil {
		return "", err
	}
	if m.ownersSize.Add(1) > maxOwnersCached {
		m.owners.Clear()
		m.ownersSize.Store(1)
	}
	m.owners.Store(id, owner)
	return owner, nil
}

// ownedCase returns the route's case if the requesting driver owns it.
func (s *Server) ownedCase(c *gin.Context) (*kiosk.Case, error) {
	id, err := s.ownedCaseID(c)
	if err != nil {
		return nil, err
	}
	return s.Kiosk.Case(c.Request.Context(), id)
}

func driverActor(c *gin.Context) string { return "driver:" + driverOf(c) }

type matterResponse struct {
	Code      string   `json:"code"`
	Title     string   `json:"title"`
	Documents []string `json:"documents"`
}

// handleMPMatters handles "GET /api/v1/mp/matters": the matters a driver can apply for here.
func (s *Server) handleMPMatters(c *gin.Context) error {
	out := []matterResponse{}
	for _, m := range s.Kiosk.Rules.Matters() {
		for _, ch := range m.Channels {
			if ch == string(kiosk.ChannelMiniProgram) {
				out = append(out, matterResponse{Code: m.Code, Title: m.Title, Documents: m.Documents})
			}
		}
	}
	c.JSON(http.StatusOK, gin.H{"matters": out})
	return nil
}
