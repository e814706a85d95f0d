package api

import (
	"encoding/json"
	"net/http"
	"slices"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/gorilla/websocket"

	"github.com/xiaozhi-kiosk/xiaozhi/kiosk"
)

// mpCaseResponse is a case as its driver sees it: where it stands, what is still missing, and
// the outcome with reasons, or the pass.
type mpCaseResponse struct {
	ID        string          `json:"id"`
	Matter    string          `json:"matter"`
	State     string          `json:"state"`
	Version   int             `json:"version"`
	Message   string          `json:"message"`
	Documents []string        `json:"documents"`
	Missing   []string        `json:"missing"`
	Outcome   string          `json:"outcome,omitempty"`
	Reasons   []mpReason      `json:"reasons,omitempty"`
	Notes     []string        `json:"notes,omitempty"`
	Pass      *mpPassResponse `json:"pass,omitempty"`
	CreatedAt time.Time       `json:"created_at"`
	UpdatedAt time.Time       `json:"updated_at"`
}

type mpReason struct {
	Code    string `json:"code"`
	Message string `json:"message"`
}

// stateMessages say where a case stands, for the mini-program to show as it is.
var stateMessages = map[kiosk.State]string{
	kiosk.StateStarted:   "请依次上传身份证人像面、国徽面、驾驶证和行驶证照片。",
	kiosk.StateCapturing: "证件照片已收到，请上传其余证件后提交申请。",
	kiosk.StateReviewing: "请核对识别结果后提交申请。",
	kiosk.StateDeciding:  "正在审核，请稍候。",
	kiosk.StateApproved:  "审核通过，正在签发电子通行证。",
	kiosk.StateIssued:    "审核通过，电子通行证已签发。",
	kiosk.StateRejected:  "很抱歉，申请未通过，原因见下。",
	kiosk.StateEscalated: "申请已转工作人员审核，结果将在此显示，请耐心等待。",
	kiosk.StateClaimed:   "工作人员正在审核您的申请。",
	kiosk.StateCancelled: "申请已取消。",
}

func (s *Server) newMPCaseResponse(c *kiosk.Case) mpCaseResponse {
	r := mpCaseResponse{ID: c.ID, Matter: c.Matter, State: string(c.State), Version: c.Version,
		Message: stateMessages[c.State], Documents: []string{}, Missing: []string{},
		CreatedAt: c.CreatedAt, UpdatedAt: c.UpdatedAt}
	for _, k := range kiosk.DocKinds {
		if _, ok := c.Documents[k]; ok {
			r.Documents = append(r.Documents, string(k))
		}
	}
	if info, ok := s.Kiosk.Rules.Matter(c.Matter); ok {
		for _, k := range info.Documents {
			if !slices.Contains(r.Documents, k) {
				r.Missing = append(r.Missing, k)
			}
		}
	}
	// A decision is shown once it is final for the driver; an escalated case's reasons are
	// for staff until a clerk decides.
	if d := c.Decision; d != nil && c.State != kiosk.StateEscalated && c.State != kiosk.StateClaimed {
		r.Outcome = string(d.Outcome)
		for _, x := range d.Reasons {
			r.Reasons = append(r.Reasons, mpReason{Code: x.Code, Message: x.Message})
		}
		r.Notes = d.Notes
	}
	if c.Issuance != nil {
		r.Pass = passFromIssuance(c)
	}
	return r
}

// mpCaseCreateRequest is the body of POST /api/v1/mp/cases.
type mpCaseCreateRequest struct {
	Matter string `json:"matter"`
}

// handleMPCaseCreate handles "POST /api/v1/mp/cases": starts a case for the driver. With the
// same Idempotency-Key and body, a retry gets the same case.
func (s *Server) handleMPCaseCreate(c *gin.Context) error {
	body, err := readBody(c)
	if err != nil {
		return err
	}
	return s.idempotent(c, body, func() (int, any, error) {
		var req mpCaseCreateRequest
		if err := decodeJSON(body, &req); err != nil {
			return 0, nil, err
		}
		if req.Matter == "" {
			return 0, nil, kiosk.Errorf(kiosk.EINVALID, "请选择要办理的业务（matter）。")
		}
		ctx := c.Request.Context()
		// The owner is stored with the case: a crash cannot leave a case nobody may read.
		cs, err := s.Kiosk.StartOwnedCase(ctx, req.Matter, kiosk.ChannelMiniProgram, driverOf(c), driverActor(c))
		if err != nil {
			return 0, nil, err
		}
		return http.StatusCreated, s.newMPCaseResponse(cs), nil
	})
}

// handleMPCaseGet handles "GET /api/v1/mp/cases/:id": the case's status, for polling. Most
// polls find nothing changed, so with a store that reports versions the rendered status is
// kept per case and version: a poll then costs one small query instead of opening and
// decoding the sealed case data and encoding the response again.
func (s *Server) handleMPCaseGet(c *gin.Context) error {
	vs, ok := s.Kiosk.Cases.(caseVersions)
	if !ok {
		cs, err := s.ownedCase(c)
		if err != nil {
			return err
		}
		c.JSON(http.StatusOK, s.newMPCaseResponse(cs))
		return nil
	}
	id, err := s.ownedCaseID(c)
	if err != nil {
		return err
	}
	ctx := c.Request.Context()
	v, err := vs.CaseVersion(ctx, id)
	if err != nil {
		return err
	}
	body, ok := s.MP.status.get(id, v)
	if !ok {
		cs, err := s.Kiosk.Case(ctx, id)
		if err != nil {
			return err
		}
		if body, err = json.Marshal(s.newMPCaseResponse(cs)); err != nil {
			return err
		}
		s.MP.status.put(id, cs.Version, body)
	}
	c.Data(http.StatusOK, "application/json; charset=utf-8", body)
	return nil
}

// handleMPCaseSubmit handles "POST /api/v1/mp/cases/:id/submit": the driver's request for the
// matter; the case is decided at once and the response says how.
func (s *Server) handleMPCaseSubmit(c *gin.Context) error {
	id, err := s.ownedCaseID(c)
	if err != nil {
		return err
	}
	body, err := readBody(c)
	if err != nil {
		return err
	}
	return s.idempotent(c, body, func() (int, any, error) {
		cs, err := s.Kiosk.Case(c.Request.Context(), id)
		if err != nil {
			return 0, nil, err
		}
		req, phone, err := parseSubmit(body, cs.Matter, s.MP.now())
		if err != nil {
			return 0, nil, err
		}
		if cs, err = s.Kiosk.Submit(c.Request.Context(), id, req, phone, driverActor(c)); err != nil {
			return 0, nil, err
		}
		return http.StatusOK, s.newMPCaseResponse(cs), nil
	})
}

// mpDocumentResponse is what was read from one photo. ID numbers are masked: the driver only
// needs to recognise their own.
type mpDocumentResponse struct {
	Kind       string             `json:"kind"`
	Fields     map[string]string  `json:"fields"`
	Confidence map[string]float64 `json:"confidence"`
	Flags      []string           `json:"flags"`
	Retake     string             `json:"retake,omitempty"`
	Message    string             `json:"message"`
}

// retakeMessages ask for another photo, by the quality flag that asks for it.
var retakeMessages = map[string]string{
	kiosk.FlagBlurred:   "照片模糊，请对焦后重新拍摄。",
	kiosk.FlagGlare:     "照片有反光，请避开灯光重新拍摄。",
	kiosk.FlagTooDark:   "照片太暗，请在光线充足处重新拍摄。",
	kiosk.FlagCropped:   "证件没有拍全，请让证件四角都在画面内。",
	kiosk.FlagTooSmall:  "证件在画面中太小，请靠近一些重新拍摄。",
	kiosk.FlagNotACard:  "没有找到证件，请对准证件重新拍摄。",
	kiosk.FlagWrongSide: "拍摄的证件或面不对，请按提示拍摄。",
}

// handleMPDocumentPut handles "PUT /api/v1/mp/cases/:id/documents/:kind": one photo through the
// upload gate, stripped of its metadata, read by the same reader as the kiosk's.
func (s *Server) handleMPDocumentPut(c *gin.Context) error {
	id, err := s.ownedCaseID(c)
	if err != nil {
		return err
	}
	kind := kiosk.DocKind(c.Param("kind"))
	if !kind.Valid() && kind != kiosk.KindAuto {
		return kiosk.Errorf(kiosk.EINVALID, "未知的证件类型，应为 id_card_front、id_card_back、driving_licence、vehicle_licence 或 auto。")
	}
	img, err := readImage(c, s.MP.uploads())
	if err != nil {
		return err
	}
	if img, err = reencode(img); err != nil {
		return err
	}
	_, doc, err := s.Kiosk.ReadDocument(c.Request.Context(), id, kind, img, driverActor(c))
	if err != nil {
		return err
	}
	if !doc.Kind.Valid() {
		return kiosk.Errorf(kiosk.EUNREADABLE, "没有认出照片中的证件，请对准证件重新拍摄。")
	}
	r := mpDocumentResponse{Kind: string(doc.Kind), Fields: map[string]string{}, Confidence: doc.Confidence,
		Flags: doc.Flags, Retake: kiosk.NeedsRetake(doc), Message: "已读取。"}
	for k, v := range doc.Fields {
		if k == "id_number" || k == "licence_number" {
			v = maskID(v)
		}
		r.Fields[k] = v
	}
	if r.Flags == nil {
		r.Flags = []string{}
	}
	if r.Confidence == nil {
		r.Confidence = map[string]float64{}
	}
	if r.Retake != "" {
		r.Message = retakeMessages[r.Retake]
	}
	c.JSON(http.StatusOK, r)
	return nil
}

// maskID keeps the region and the last four characters: 3302**********123X.
func maskID(s string) string {
	if len(s) < 9 {
		return "****"
	}
	b := []byte(s)
	for i := 4; i < len(b)-4; i++ {
		b[i] = '*'
	}
	return string(b)
}

// handleMPDocumentGet handles "GET /api/v1/mp/cases/:id/documents/:kind": the stored photo
// (metadata already stripped), until retention purges it.
func (s *Server) handleMPDocumentGet(c *gin.Context) error {
	id, err := s.ownedCaseID(c)
	if err != nil {
		return err
	}
	kind := kiosk.DocKind(c.Param("kind"))
	if !kind.Valid() {
		return kiosk.Errorf(kiosk.ENOTFOUND, "没有该证件照片。")
	}
	img, err := s.Kiosk.Cases.Image(c.Request.Context(), id, kind)
	if err != nil {
		return err
	}
	c.Header("Cache-Control", "private, no-store")
	c.Data(http.StatusOK, "image/jpeg", img)
	return nil
}

// handleMPCaseEvents handles "GET /api/v1/mp/cases/:id/events": a WebSocket that sends the
// case's status now and after every change, and closes once the case is finished.
func (s *Server) handleMPCaseEvents(c *gin.Context) error {
	cs, err := s.ownedCase(c)
	if err != nil {
		return err
	}
	// Subscribe before upgrading, so that no transition between the read and the
	// subscription is lost.
	sub := s.Kiosk.Feed.Subscribe(func(ev kiosk.Event) bool { return ev.CaseID == cs.ID }, 16)
	defer sub.Close()
	ws, err := s.upgrade(c, wsOptions{ReadLimit: 512, SendBuffer: 8})
	if err != nil {
		if kiosk.ErrorCode(err) == kiosk.EFORBIDDEN {
			return err
		}
		return nil // the upgrader has answered
	}
	ctx := c.Request.Context()
	send := func(cs *kiosk.Case) bool {
		return ws.Send(s.newMPCaseResponse(cs))
	}
	if !send(cs) {
		return nil
	}
	for !finished(cs.State) {
		select {
		case <-ws.Done():
			return nil
		case _, ok := <-ws.Incoming(): // clients have nothing to say; reading keeps pongs flowing
			if !ok {
				return nil
			}
		case _, ok := <-sub.C:
			if !ok { // fell behind: the client reconnects and reads the status afresh
				ws.Close(websocket.CloseTryAgainLater, "resubscribe")
				return nil
			}
			if cs, err = s.Kiosk.Case(ctx, cs.ID); err != nil || !send(cs) {
				ws.Close(websocket.CloseInternalServerErr, "")
				return nil
			}
		}
	}
	ws.Close(websocket.CloseNormalClosure, "finished")
	return nil
}

// finished reports whether a case will not change again for its driver.
func finished(s kiosk.State) bool {
	return s == kiosk.StateIssued || s == kiosk.StateRejected || s == kiosk.StateCancelled
}
