package api

import (
	"context"
	"net/http"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/xiaozhi-kiosk/xiaozhi/kiosk"
	"github.com/xiaozhi-kiosk/xiaozhi/rules"
	"github.com/xiaozhi-kiosk/xiaozhi/web"
)

// handleConsolePage serves the staff console's page and assets from the binary.
func (s *Server) handleConsolePage() gin.HandlerFunc {
	files := http.StripPrefix("/console/", http.FileServer(http.FS(web.Console())))
	return func(c *gin.Context) {
		// Nothing on these pages is personal; the data comes from the API, never cached.
		c.Header("Cache-Control", "no-cache")
		c.Header("X-Frame-Options", "DENY")
		c.Header("Content-Security-Policy", "default-src 'self'; img-src 'self' blob:; connect-src 'self' ws: wss:; frame-ancestors 'none'")
		files.ServeHTTP(c.Writer, c.Request)
	}
}

// queueItemResponse is a case as the queue lists it: no personal data.
type queueItemResponse struct {
	ID         string     `json:"id"`
	Matter     string     `json:"matter"`
	Title      string     `json:"title"`
	Channel    string     `json:"channel"`
	State      string     `json:"state"`
	Version    int        `json:"version"`
	HolderID   string     `json:"holder_id,omitempty"`
	HolderName string     `json:"holder_name,omitempty"`
	LeaseUntil *time.Time `json:"lease_until,omitempty"`
	Since      *time.Time `json:"since,omitempty"`
	DueAt      *time.Time `json:"due_at,omitempty"`
	Overdue    int        `json:"overdue"`
	Reasons    []string   `json:"reasons"`
}

func (s *Server) newQueueItem(c *kiosk.Case, holder kiosk.Staff) queueItemResponse {
	out := queueItemResponse{ID: c.ID, Matter: c.Matter, Channel: string(c.Channel), State: string(c.State),
		Version: c.Version, HolderID: c.Holder, HolderName: holder.Name, Reasons: []string{}}
	if info, ok := s.Desk.Service.Rules.Matter(c.Matter); ok {
		out.Title = info.Title
	}
	if !c.LeaseUntil.IsZero() {
		l := c.LeaseUntil
		out.LeaseUntil = &l
	}
	if c.Decision != nil {
		for _, r := range c.Decision.Reasons {
			out.Reasons = append(out.Reasons, r.Code)
		}
	}
	return out
}

// handleQueueList handles "GET /api/v1/staff/queue": escalated and claimed cases, longest
// waiting first.
func (s *Server) handleQueueList(c *gin.Context) error {
	items, err := s.Desk.List(c.Request.Context())
	if err != nil {
		return err
	}
	out := make([]queueItemResponse, len(items))
	for i, it := range items {
		out[i] = s.newQueueItem(it.Case, it.Holder)
		since, due := it.Since, it.DueAt
		out[i].Since, out[i].DueAt, out[i].Overdue = &since, &due, it.Overdue
	}
	c.JSON(http.StatusOK, gin.H{"queue": out, "due_after_seconds": int(s.Desk.DueAfter.Seconds())})
	return nil
}

// staffCaseResponse is everything a clerk decides on: the documents read with confidences
// and quality flags, the applicant's request, the decision with its reasons and trace, the
// registry records the decision used, and the case's trail.
type staffCaseResponse struct {
	queueItemResponse
	CreatedAt time.Time          `json:"created_at"`
	Documents []staffDocResponse `json:"documents"`
	Request   rules.Request      `json:"request"`
	Phone     string             `json:"phone"`
	Decision  *rules.Decision    `json:"decision"`
	Registry  *rules.Registry    `json:"registry"`
	FactsAt   *time.Time         `json:"facts_at,omitempty"`
	Events    []eventResponse    `json:"events"`
}

type staffDocResponse struct {
	Kind       string             `json:"kind"`
	Fields     map[string]string  `json:"fields"`
	Confidence map[string]float64 `json:"confidence"`
	Flags      []string           `json:"flags"`
	Image      string             `json:"image"`
}

type eventResponse struct {
	Seq       int64     `json:"seq"`
	CaseID    string    `json:"case_id"`
	From      string    `json:"from"`
	To        string    `json:"to"`
	Actor     string    `json:"actor"`
	ActorName string    `json:"actor_name,omitempty"`
	Holder    string    `json:"holder_name,omitempty"`
	Reason    string    `json:"reason"`
	At        time.Time `json:"at"`
}

// handleStaffCaseGet handles "GET /api/v1/staff/cases/:id". The view is audited.
func (s *Server) handleStaffCaseGet(c *gin.Context) error {
	ctx := c.Request.Context()
	cs, err := s.Desk.View(ctx, c.Param("id"), staffOf(c))
	if err != nil {
		return err
	}
	evs, err := s.Desk.Service.Cases.CaseEvents(ctx, cs.ID)
	if err != nil {
		return err
	}
	out := staffCaseResponse{queueItemResponse: s.newQueueItem(cs, s.consoles.staff(ctx, s.Desk.Staff, cs.Holder)),
		CreatedAt: cs.CreatedAt, Documents: []staffDocResponse{}, Request: cs.Request, Phone: maskPhone(cs.Phone),
		Decision: cs.Decision, Events: make([]eventResponse, len(evs))}
	for _, k := range kiosk.DocKinds {
		d, ok := cs.Documents[k]
		if !ok {
			continue
		}
		out.Documents = append(out.Documents, staffDocResponse{Kind: string(k), Fields: d.Fields, Confidence: d.Confidence,
			Flags: nonNil(d.Flags), Image: "/api/v1/staff/cases/" + cs.ID + "/images/" + string(k)})
	}
	if cs.Facts != nil {
		out.Registry, out.FactsAt = &cs.Facts.Registry, &cs.Facts.Now
	}
	for i, ev := range evs {
		out.Events[i] = s.newEventResponse(ctx, ev)
	}
	c.Header("Cache-Control", "no-store")
	c.JSON(http.StatusOK, gin.H{"case": out})
	return nil
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

// maskPhone keeps what a clerk needs to recognise a number the citizen reads out.
func maskPhone(p string) string {
	if len(p) < 7 {
		return p
	}
	return p[:3] + strings.Repeat("*", len(p)-7) + p[len(p)-4:]
}

// handleStaffImageGet handles "GET /api/v1/staff/cases/:id/images/:kind". The view is audited.
func (s *Server) handleStaffImageGet(c *gin.Context) error {
	img, err := s.Desk.Image(c.Request.Context(), c.Param("id"), kiosk.DocKind(c.Param("kind")), staffOf(c))
	if err != nil {
		return err
	}
	c.Header("Cache-Control", "no-store")
	c.Data(http.StatusOK, http.DetectContentType(img), img)
	return nil
}

// handleStaffClaim handles "POST /api/v1/staff/cases/:id/claim": 409 names the holder.
func (s *Server) handleStaffClaim(c *gin.Context) error {
	return s.caseAction(c, s.Desk.Claim)
}

// handleStaffRenew handles "POST /api/v1/staff/cases/:id/renew".
func (s *Server) handleStaffRenew(c *gin.Context) error {
	return s.caseAction(c, s.Desk.Renew)
}

// handleStaffRelease handles "POST /api/v1/staff/cases/:id/release".
func (s *Server) handleStaffRelease(c *gin.Context) error {
	return s.caseAction(c, s.Desk.Release)
}

func (s *Server) caseAction(c *gin.Context, act func(context.Context, string, kiosk.Staff) (*kiosk.Case, error)) error {
	cs, err := act(c.Request.Context(), c.Param("id"), staffOf(c))
	if err != nil {
		return err
	}
	c.JSON(http.StatusOK, gin.H{"case": s.newQueueItem(cs, s.consoles.staff(c.Request.Context(), s.Desk.Staff, cs.Holder))})
	return nil
}

type decisionRequest struct {
	Outcome    string `json:"outcome"`
	ReasonCode string `json:"reason_code"`
	Message    string `json:"message"`
}

// handleStaffDecision handles "POST /api/v1/staff/cases/:id/decision".
func (s *Server) handleStaffDecision(c *gin.Context) error {
	var req decisionRequest
	if err := c.ShouldBindJSON(&req); err != nil {
		return kiosk.Errorf(kiosk.EINVALID, "请求格式不正确。")
	}
	cs, err := s.Desk.Decide(c.Request.Context(), c.Param("id"), staffOf(c), rules.Outcome(req.Outcome), req.ReasonCode, strings.TrimSpace(req.Message))
	if err != nil {
		return err
	}
	c.JSON(http.StatusOK, gin.H{"case": s.newQueueItem(cs, kiosk.Staff{})})
	return nil
}

type reassignRequest struct {
	StaffID string `json:"staff_id"`
}

// handleStaffReassign handles "POST /api/v1/staff/cases/:id/reassign" (supervisors).
func (s *Server) handleStaffReassign(c *gin.Context) error {
	var req reassignRequest
	if err := c.ShouldBindJSON(&req); err != nil || req.StaffID == "" {
		return kiosk.Errorf(kiosk.EINVALID, "请选择改派对象。")
	}
	cs, err := s.Desk.Reassign(c.Request.Context(), c.Param("id"), staffOf(c), req.StaffID)
	if err != nil {
		return err
	}
	c.JSON(http.StatusOK, gin.H{"case": s.newQueueItem(cs, s.consoles.staff(c.Request.Context(), s.Desk.Staff, cs.Holder))})
	return nil
}

// newEventResponse names the staff behind an event: the actor, and for a claim the holder
// (a supervisor's reassignment names the new holder in its reason).
func (s *Server) newEventResponse(ctx context.Context, ev kiosk.Event) eventResponse {
	out := eventResponse{Seq: ev.Seq, CaseID: ev.CaseID, From: string(ev.From), To: string(ev.To), Actor: ev.Actor,
		Reason: ev.Reason, At: ev.At}
	if id, ok := strings.CutPrefix(ev.Actor, "staff:"); ok {
		out.ActorName = s.consoles.staff(ctx, s.Desk.Staff, id).Name
		out.Holder = out.ActorName
	}
	if id, ok := strings.CutPrefix(ev.Reason, "assigned:"); ok && ev.To == kiosk.StateClaimed {
		out.Holder = s.consoles.staff(ctx, s.Desk.Staff, id).Name
	}
	if ev.To != kiosk.StateClaimed {
		out.Holder = ""
	}
	return out
}
