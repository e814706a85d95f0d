package api

import (
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/xiaozhi-kiosk/xiaozhi/kiosk"
)

// statusCodes is the only place where error codes become HTTP status codes.
var statusCodes = map[string]int{
	kiosk.EINVALID:      http.StatusBadRequest,
	kiosk.EUNAUTHORIZED: http.StatusUnauthorized,
	kiosk.EFORBIDDEN:    http.StatusForbidden,
	kiosk.ENOTFOUND:     http.StatusNotFound,
	kiosk.ECONFLICT:     http.StatusConflict,
	kiosk.ETOOLARGE:     http.StatusRequestEntityTooLarge,
	kiosk.EUNSUPPORTED:  http.StatusUnsupportedMediaType,
	kiosk.EUNREADABLE:   http.StatusUnprocessableEntity,
	kiosk.ERATELIMIT:    http.StatusTooManyRequests,
	kiosk.EUNAVAILABLE:  http.StatusServiceUnavailable,
	kiosk.EINTERNAL:     http.StatusInternalServerError,
}

// errorResponse is the body of every error: a stable code for programs, a message for people
// (in Chinese, safe to show and to speak), and the request ID to quote to support.
type errorResponse struct {
	Error errorBody `json:"error"`
}

type errorBody struct {
	Code      string `json:"code"`
	Message   string `json:"message"`
	RequestID string `json:"request_id,omitempty"`
}

// handle adapts an error-returning handler to gin and renders its error in one place.
func (s *Server) handle(h func(c *gin.Context) error) gin.HandlerFunc {
	return func(c *gin.Context) {
		if err := h(c); err != nil {
			s.renderError(c, err)
		}
	}
}

// renderError writes err as JSON with its status. Internal errors are logged with their
// detail here, once; the client sees only a generic message.
func (s *Server) renderError(c *gin.Context, err error) {
	code := kiosk.ErrorCode(err)
	status, ok := statusCodes[code]
	if !ok {
		status = http.StatusInternalServerError
	}
	if status >= 500 && code != kiosk.EUNAVAILABLE {
		s.Logger.ErrorContext(c.Request.Context(), "request failed",
			"err", err, "request_id", requestIDFrom(c), "route", c.FullPath())
	}
	c.AbortWithStatusJSON(status, errorResponse{Error: errorBody{
		Code:      code,
		Message:   kiosk.ErrorMessage(err),
		RequestID: requestIDFrom(c),
	}})
}

func (s *Server) handleNoRoute(c *gin.Context) error {
	return kiosk.Errorf(kiosk.ENOTFOUND, "请求的地址不存在。")
}

func (s *Server) handleNoMethod(c *gin.Context) error {
	// 405 is not one of the domain's codes; answer it directly in the same shape.
	c.AbortWithStatusJSON(http.StatusMethodNotAllowed, errorResponse{Error: errorBody{
		Code: "method_not_allowed", Message: "不支持该请求方法。", RequestID: requestIDFrom(c),
	}})
	return nil
}
