package api

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"io/fs"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/xiaozhi-kiosk/xiaozhi/kiosk"
	"github.com/xiaozhi-kiosk/xiaozhi/rules"
)

// KioskOptions configure the hall kiosk's routes and screen.
type KioskOptions struct {
	// Pages is the kiosk screen (index.html and its assets), served at /kiosk/.
	Pages fs.FS
	// DemoCredential, when set, is handed to the kiosk page at /kiosk/setup.json so that a
	// demo needs no setup. Only `serve --demo` sets it.
	DemoCredential string
	// DemoSMS, when set, shows the verification codes it "sends" on the kiosk screen.
	DemoSMS *kiosk.DemoSMS
	// Upload bounds the manual fallback's images; zero means DefaultUploadLimits.
	Upload UploadLimits
	// CaptureTimeout bounds one camera capture request; zero means 90 seconds.
	CaptureTimeout time.Duration
}

// kioskRoutes registers the kiosk screen and its API. Every API request carries the
// station's credential; the WebSocket authenticates with its first message (kiosk_ws.go).
func (s *Server) kioskRoutes() {
	s.router.GET("/kiosk", func(c *gin.Context) { c.Redirect(http.StatusMovedPermanently, "/kiosk/") })
	s.router.GET("/kiosk/*file", s.handle(s.handleKioskPage))

	g := s.router.Group("/api/v1/kiosk")
	g.GET("/ws", s.handle(s.handleKioskWS))
	g.Use(s.handle(s.stationAuth))
	g.GET("/matters", s.handle(s.handleKioskMatters))
	g.POST("/cases", s.handle(s.handleKioskCaseCreate))
	g.GET("/cases/:id", s.handle(s.handleKioskCaseGet))
	g.POST("/cases/:id/capture", s.handle(s.handleKioskCapture))
	g.POST("/cases/:id/documents", s.handle(s.handleKioskUpload))
	g.POST("/cases/:id/sms", s.handle(s.handleKioskSMS))
	g.POST("/cases/:id/submit", s.handle(s.handleKioskSubmit))
	g.POST("/cases/:id/cancel", s.handle(s.handleKioskCancel))
	g.POST("/cases/:id/rating", s.handle(s.handleKioskRating))
}

const kioskStationKey = "kiosk.station"

// stationAuth admits requests that carry an active station's credential as a bearer token.
// It asks the store every time, so a revoked station is refused from its next request on.
func (s *Server) stationAuth(c *gin.Context) error {
	cred, ok := strings.CutPrefix(c.GetHeader("Authorization"), "Bearer ")
	if !ok || cred == "" {
		return kiosk.Errorf(kiosk.EUNAUTHORIZED, "终端未登记或凭证缺失，请联系工作人员。")
	}
	st, err := s.station(c.Request.Context(), cred)
	if err != nil {
		return err
	}
	c.Set(kioskStationKey, st)
	c.Next()
	return nil
}

func (s *Server) station(ctx context.Context, cred string) (kiosk.Station, error) {
	if s.Stations == nil || s.Kiosk == nil {
		return kiosk.Station{}, kiosk.Errorf(kiosk.EUNAVAILABLE, "自助服务暂不可用。")
	}
	return s.Stations.StationByCredential(ctx, cred)
}

func kioskStationOf(c *gin.Context) kiosk.Station {
	st, _ := c.Get(kioskStationKey)
	return st.(kiosk.Station)
}

// kioskActor names a station in case events; it is also how a station's cases are told apart.
func kioskActor(st kiosk.Station) string { return "kiosk:" + st.ID }

// bindKioskJSON decodes a small JSON body into v, refusing unknown fields and trailing data.
func bindKioskJSON(c *gin.Context, v any) error {
	dec := json.NewDecoder(http.MaxBytesReader(c.Writer, c.Request.Body, 16<<10))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		if tooLarge(err) {
			return kiosk.Errorf(kiosk.ETOOLARGE, "请求内容太大。")
		}
		return kiosk.Errorf(kiosk.EINVALID, "请求格式不正确。")
	}
	if dec.More() {
		return kiosk.Errorf(kiosk.EINVALID, "请求格式不正确。")
	}
	return nil
}

// kioskCase loads a case that this station started. Another station's case, or a
// mini-program case, is "not found": a kiosk must not learn that it exists.
func (s *Server) kioskCase(c *gin.Context) (*kiosk.Case, error) {
	id := c.Param("id")
	notFound := kiosk.Errorf(kiosk.ENOTFOUND, "没有找到该业务。")
	if id == "" || len(id) > 64 || strings.ContainsFunc(id, func(r rune) bool {
		return !(r >= '0' && r <= '9' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r == '-' || r == '_')
	}) {
		return nil, notFound
	}
	ctx := c.Request.Context()
	cs, err := s.Kiosk.Case(ctx, id)
	if err != nil {
		return nil, err
	}
	evs, err := s.Kiosk.Cases.CaseEvents(ctx, id)
	if err != nil {
		return nil, err
	}
	if len(evs) == 0 || evs[0].Actor != kioskActor(kioskStationOf(c)) {
		return nil, notFound
	}
	s.screens.watch(kioskStationOf(c).ID, id)
	return cs, nil
}

func (s *Server) handleKioskMatters(c *gin.Context) error {
	var out []kioskMatterResponse
	for _, m := range s.Kiosk.Rules.Matters() {
		if slices.Contains(m.Channels, string(kiosk.ChannelKiosk)) {
			out = append(out, kioskMatterResponse{Code: m.Code, Title: m.Title, Documents: m.Documents})
		}
	}
	c.JSON(http.StatusOK, gin.H{"matters": out})
	return nil
}

func (s *Server) handleKioskCaseCreate(c *gin.Context) error {
	var req struct {
		Matter string `json:"matter"`
	}
	if err := bindKioskJSON(c, &req); err != nil {
		return err
	}
	st := kioskStationOf(c)
	cs, err := s.Kiosk.StartCase(c.Request.Context(), req.Matter, kiosk.ChannelKiosk, kioskActor(st))
	if err != nil {
		return err
	}
	s.screens.watch(st.ID, cs.ID)
	c.JSON(http.StatusCreated, s.kioskCaseView(cs))
	return nil
}

func (s *Server) handleKioskCaseGet(c *gin.Context) error {
	cs, err := s.kioskCase(c)
	if err != nil {
		return err
	}
	c.JSON(http.StatusOK, s.kioskCaseView(cs))
	return nil
}

// kioskDocKind reads a concrete document kind from a request value.
func kioskDocKind(v string) (kiosk.DocKind, error) {
	k := kiosk.DocKind(v)
	if !k.Valid() {
		return "", kiosk.Errorf(kiosk.EINVALID, "未知的证件类型。")
	}
	return k, nil
}

func (s *Server) handleKioskCapture(c *gin.Context) error {
	var req struct {
		Kind string `json:"kind"`
	}
	if err := bindKioskJSON(c, &req); err != nil {
		return err
	}
	kind, err := kioskDocKind(req.Kind)
	if err != nil {
		return err
	}
	cs, err := s.kioskCase(c)
	if err != nil {
		return err
	}
	st := kioskStationOf(c)
	timeout := s.Kiosks.CaptureTimeout
	if timeout <= 0 {
		timeout = 90 * time.Second
	}
	// The capture ends with the request: a screen that goes away stops the camera waiting.
	ctx, cancel := context.WithTimeout(c.Request.Context(), timeout)
	defer cancel()
	cs, doc, err := s.Kiosk.Capture(ctx, cs.ID, kind, kioskActor(st), func(p kiosk.Prompt) {
		s.screens.send(st.ID, kioskPromptMessage(cs.ID, p))
	})
	if errors.Is(err, context.DeadlineExceeded) || errors.Is(err, context.Canceled) {
		return kiosk.Errorf(kiosk.EINVALID, "长时间没有拍到证件，请重新开始拍摄。")
	} else if err != nil {
		return err
	}
	c.JSON(http.StatusOK, s.kioskDocumentResult(cs, doc))
	return nil
}

// handleKioskUpload is the manual fallback when no camera is present: the screen sends an
// image of one document, through the same upload gate as the mini-program.
func (s *Server) handleKioskUpload(c *gin.Context) error {
	kind, err := kioskDocKind(c.Query("kind"))
	if err != nil {
		return err
	}
	cs, err := s.kioskCase(c)
	if err != nil {
		return err
	}
	if !cs.State.TakesDocuments() {
		return kiosk.Errorf(kiosk.ECONFLICT, "该业务已不再接收证件。")
	}
	lim := s.Kiosks.Upload
	if lim.MaxBytes == 0 {
		lim = DefaultUploadLimits
	}
	img, err := readImage(c, lim)
	if err != nil {
		return err
	}
	cs, doc, err := s.Kiosk.ReadDocument(c.Request.Context(), cs.ID, kind, img, kioskActor(kioskStationOf(c)))
	if err != nil {
		return err
	}
	c.JSON(http.StatusOK, s.kioskDocumentResult(cs, doc))
	return nil
}

func (s *Server) handleKioskSMS(c *gin.Context) error {
	var req struct {
		Phone string `json:"phone"`
	}
	if err := bindKioskJSON(c, &req); err != nil {
		return err
	}
	cs, err := s.kioskCase(c)
	if err != nil {
		return err
	}
	if err := s.Kiosk.SendCode(c.Request.Context(), cs.ID, req.Phone); err != nil {
		return err
	}
	c.JSON(http.StatusAccepted, gin.H{"sent_to": kioskMaskPhone(req.Phone)})
	return nil
}

// handleKioskSubmit takes the confirmed case with the verified contact number and decides
// it. Everything is checked before the case moves: the documents the matter needs, the
// number and its code; a refusal leaves the case as it was.
func (s *Server) handleKioskSubmit(c *gin.Context) error {
	var req struct {
		Phone   string         `json:"phone"`
		SMSCode string         `json:"sms_code"`
		Request *rules.Request `json:"request"`
	}
	if err := bindKioskJSON(c, &req); err != nil {
		return err
	}
	cs, err := s.kioskCase(c)
	if err != nil {
		return err
	}
	if !cs.State.TakesDocuments() {
		return kiosk.Errorf(kiosk.ECONFLICT, "该业务当前不能提交。")
	}
	if missing := s.kioskMissing(cs); len(missing) > 0 {
		return kiosk.Errorf(kiosk.ECONFLICT, "请先拍摄%s。", kioskDocTitles[missing[0]])
	}
	if !kiosk.ValidPhone(req.Phone) {
		return kiosk.Errorf(kiosk.EINVALID, "请输入正确的 11 位手机号码。")
	}
	if err := s.Kiosk.VerifyCode(cs.ID, req.Phone, req.SMSCode); err != nil {
		return err
	}
	var r rules.Request
	if req.Request != nil {
		r = *req.Request
	}
	r.SMSVerified = true
	if r.Phone == "" {
		r.Phone = req.Phone
	}
	cs, err = s.Kiosk.Submit(c.Request.Context(), cs.ID, r, req.Phone, kioskActor(kioskStationOf(c)))
	if err != nil {
		return err
	}
	c.JSON(http.StatusOK, s.kioskCaseView(cs))
	return nil
}

func (s *Server) handleKioskCancel(c *gin.Context) error {
	var req struct {
		Reason string `json:"reason"`
	}
	if c.Request.ContentLength != 0 {
		if err := bindKioskJSON(c, &req); err != nil {
			return err
		}
	}
	cs, err := s.kioskCase(c)
	if err != nil {
		return err
	}
	if cs.State == kiosk.StateCancelled {
		c.JSON(http.StatusOK, s.kioskCaseView(cs)) // cancelling twice is harmless
		return nil
	}
	if !cs.State.TakesDocuments() {
		return kiosk.Errorf(kiosk.ECONFLICT, "该业务已有结果，不能取消。")
	}
	// The reason lands in the audit trail: only fixed codes, never free text.
	reason := "applicant"
	if req.Reason == "timeout" {
		reason = "timeout"
	}
	cs, err = s.Kiosk.Cancel(c.Request.Context(), cs.ID, kioskActor(kioskStationOf(c)), reason)
	if err != nil {
		return err
	}
	c.JSON(http.StatusOK, s.kioskCaseView(cs))
	return nil
}

func (s *Server) handleKioskRating(c *gin.Context) error {
	var req struct {
		Rating int `json:"rating"`
	}
	if err := bindKioskJSON(c, &req); err != nil {
		return err
	}
	cs, err := s.kioskCase(c)
	if err != nil {
		return err
	}
	if cs.Rating != 0 {
		return kiosk.Errorf(kiosk.ECONFLICT, "已经评价过了，谢谢！")
	}
	cs, err = s.Kiosk.Rate(c.Request.Context(), cs.ID, req.Rating)
	if err != nil {
		return err
	}
	c.JSON(http.StatusOK, s.kioskCaseView(cs))
	return nil
}

// handleKioskPage serves the kiosk screen. setup.json hands a demo its credential.
func (s *Server) handleKioskPage(c *gin.Context) error {
	file := strings.TrimPrefix(c.Param("file"), "/")
	if file == "setup.json" {
		if s.Kiosks.DemoCredential == "" {
			return kiosk.Errorf(kiosk.ENOTFOUND, "请由工作人员设置终端凭证。")
		}
		c.Header("Cache-Control", "no-store")
		c.JSON(http.StatusOK, gin.H{"credential": s.Kiosks.DemoCredential, "demo": true})
		return nil
	}
	if s.Kiosks.Pages == nil {
		return kiosk.Errorf(kiosk.ENOTFOUND, "请求的地址不存在。")
	}
	if file == "" {
		file = "index.html"
	}
	f, err := s.Kiosks.Pages.Open(file)
	if err != nil {
		return kiosk.Errorf(kiosk.ENOTFOUND, "请求的地址不存在。")
	}
	defer f.Close()
	info, err := f.Stat()
	if err != nil || info.IsDir() {
		return kiosk.Errorf(kiosk.ENOTFOUND, "请求的地址不存在。")
	}
	rs, ok := f.(io.ReadSeeker)
	if !ok {
		return kiosk.Errorf(kiosk.EINTERNAL, "page not seekable")
	}
	// A kiosk runs for months: always revalidate, so an upgrade reaches the screen.
	c.Header("Cache-Control", "no-cache")
	c.Header("X-Content-Type-Options", "nosniff")
	http.ServeContent(c.Writer, c.Request, info.Name(), info.ModTime(), rs)
	return nil
}
