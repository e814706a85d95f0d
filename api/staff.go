package api

import (
	"net/http"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/xiaozhi-kiosk/xiaozhi/kiosk"
)

// staffCookie holds the console's session token: HttpOnly so page scripts never see it,
// SameSite=Strict so no other site can make the browser send it.
const staffCookie = "xz_staff"

const staffSessionKey = "staff_session"

// staffRoutes lists the staff console's routes: the page, login, the queue and its cases,
// the live WebSocket, and account administration.
func (s *Server) staffRoutes() {
	r := s.router
	r.GET("/console", func(c *gin.Context) { c.Redirect(http.StatusMovedPermanently, "/console/") })
	r.GET("/console/*file", s.handleConsolePage())

	g := r.Group("/api/v1/staff", s.handle(s.staffReady), s.handle(s.sameOrigin))
	g.POST("/login", s.handle(s.handleStaffLogin))

	a := g.Group("", s.handle(s.staffAuth))
	a.POST("/logout", s.handle(s.handleStaffLogout))
	a.GET("/me", s.handle(s.handleStaffMe))
	a.GET("/ws", s.handle(s.handleConsoleWS))
	a.GET("/queue", s.handle(s.handleQueueList))
	a.GET("/cases/:id", s.handle(s.handleStaffCaseGet))
	a.GET("/cases/:id/images/:kind", s.handle(s.handleStaffImageGet))
	a.POST("/cases/:id/claim", s.handle(s.handleStaffClaim))
	a.POST("/cases/:id/renew", s.handle(s.handleStaffRenew))
	a.POST("/cases/:id/release", s.handle(s.handleStaffRelease))
	a.POST("/cases/:id/decision", s.handle(s.handleStaffDecision))
	a.POST("/cases/:id/reassign", s.handle(s.handleStaffReassign))
	a.GET("/accounts", s.handle(s.handleStaffAccounts))
	a.POST("/accounts/:name/disable", s.handle(s.handleStaffDisable))
}

// staffReady answers 503 on a server built without the staff side (tests, tools).
func (s *Server) staffReady(c *gin.Context) error {
	if s.Desk == nil || s.StaffAuth == nil {
		return kiosk.Errorf(kiosk.EUNAVAILABLE, "工作人员服务未启用。")
	}
	return nil
}

// sameOrigin refuses state-changing requests from other origins. SameSite=Strict already
// keeps the cookie off cross-site requests; this also refuses requests without an Origin,
// which a browser always sends on a POST, so a missing one means a forged or odd client.
func (s *Server) sameOrigin(c *gin.Context) error {
	if c.Request.Method == http.MethodGet || c.Request.Method == http.MethodHead {
		return nil
	}
	if !s.originAllowed(c.Request, true) {
		return kiosk.Errorf(kiosk.EFORBIDDEN, "来源不被允许。")
	}
	return nil
}

// staffAuth requires a live session and puts it in the context.
func (s *Server) staffAuth(c *gin.Context) error {
	token, _ := c.Cookie(staffCookie)
	sess, err := s.StaffAuth.Authenticate(c.Request.Context(), token)
	if err != nil {
		if kiosk.ErrorCode(err) == kiosk.EUNAUTHORIZED {
			s.clearStaffCookie(c)
		}
		return err
	}
	c.Set(staffSessionKey, sess)
	return nil
}

func sessionOf(c *gin.Context) kiosk.Session {
	sess, _ := c.MustGet(staffSessionKey).(kiosk.Session)
	return sess
}

func staffOf(c *gin.Context) kiosk.Staff { return sessionOf(c).Staff }

type loginRequest struct {
	Name     string `json:"name"`
	Password string `json:"password"`
}

type staffResponse struct {
	ID   string `json:"id"`
	Name string `json:"name"`
	Role string `json:"role"`
	// Disabled is set in account lists only.
	Disabled bool `json:"disabled,omitempty"`
}

func newStaffResponse(st kiosk.Staff) staffResponse {
	return staffResponse{ID: st.ID, Name: st.Name, Role: string(st.Role), Disabled: !st.Active()}
}

// handleStaffLogin handles "POST /api/v1/staff/login".
func (s *Server) handleStaffLogin(c *gin.Context) error {
	var req loginRequest
	if err := c.ShouldBindJSON(&req); err != nil || req.Name == "" || req.Password == "" || len(req.Password) > 512 {
		return kiosk.Errorf(kiosk.EINVALID, "请输入用户名和密码。")
	}
	token, sess, err := s.StaffAuth.Login(c.Request.Context(), req.Name, req.Password)
	if err != nil {
		return err
	}
	http.SetCookie(c.Writer, &http.Cookie{
		Name: staffCookie, Value: token, Path: "/", HttpOnly: true, SameSite: http.SameSiteStrictMode,
		Secure: isHTTPS(c.Request),
	})
	c.JSON(http.StatusOK, gin.H{"staff": newStaffResponse(sess.Staff)})
	return nil
}

func isHTTPS(r *http.Request) bool {
	return r.TLS != nil || r.Header.Get("X-Forwarded-Proto") == "https"
}

func (s *Server) clearStaffCookie(c *gin.Context) {
	http.SetCookie(c.Writer, &http.Cookie{Name: staffCookie, Value: "", Path: "/", MaxAge: -1, Expires: time.Unix(0, 0),
		HttpOnly: true, SameSite: http.SameSiteStrictMode, Secure: isHTTPS(c.Request)})
}

// handleStaffLogout handles "POST /api/v1/staff/logout"; the session's consoles close.
func (s *Server) handleStaffLogout(c *gin.Context) error {
	if err := s.StaffAuth.Logout(c.Request.Context(), sessionOf(c)); err != nil {
		return err
	}
	s.clearStaffCookie(c)
	c.Status(http.StatusNoContent)
	return nil
}

// handleStaffMe handles "GET /api/v1/staff/me".
func (s *Server) handleStaffMe(c *gin.Context) error {
	c.JSON(http.StatusOK, gin.H{"staff": newStaffResponse(staffOf(c)), "lease_seconds": int(s.Desk.Lease.Seconds())})
	return nil
}

// handleStaffAccounts handles "GET /api/v1/staff/accounts": supervisors see who is on duty
// (for reassignment), admins manage the accounts.
func (s *Server) handleStaffAccounts(c *gin.Context) error {
	if !staffOf(c).Can(kiosk.RoleSupervisor) {
		return kiosk.Errorf(kiosk.EFORBIDDEN, "无权查看工作人员名单。")
	}
	list, err := s.Desk.Staff.ListStaff(c.Request.Context())
	if err != nil {
		return err
	}
	out := make([]staffResponse, len(list))
	for i, st := range list {
		out[i] = newStaffResponse(st)
	}
	c.JSON(http.StatusOK, gin.H{"accounts": out})
	return nil
}

// handleStaffDisable handles "POST /api/v1/staff/accounts/:name/disable": the account's
// sessions end and its consoles close at once, on every replica.
func (s *Server) handleStaffDisable(c *gin.Context) error {
	me := staffOf(c)
	if !me.Can(kiosk.RoleAdmin) {
		return kiosk.Errorf(kiosk.EFORBIDDEN, "只有管理员可以停用账号。")
	}
	st, err := s.StaffAuth.SetDisabled(c.Request.Context(), me.Actor(), c.Param("name"), true)
	if err != nil {
		return err
	}
	c.JSON(http.StatusOK, gin.H{"staff": newStaffResponse(st)})
	return nil
}
