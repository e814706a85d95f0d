package api

import (
	"context"
	"crypto/sha256"
	"encoding/json"
	"net/http"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/xiaozhi-kiosk/xiaozhi/kiosk"
)

// idempotencyWait bounds how long a duplicate waits for the first request to finish before it
// is told to retry.
const idempotencyWait = 15 * time.Second

// idempotent runs a submission once per Idempotency-Key. The first request with a key runs and
// its response (success or a client error) is recorded; a repeat with the same key and body
// gets the recorded response, marked with Idempotent-Replayed; the same key with another body
// is 422. A server error is not recorded, so a retry runs again.
func (s *Server) idempotent(c *gin.Context, body []byte, run func() (int, any, error)) error {
	key := c.GetHeader("Idempotency-Key")
	if !validToken(key) {
		return kiosk.Errorf(kiosk.EINVALID, "请在 Idempotency-Key 请求头中提供 1–64 位字母、数字、- 或 _ 组成的键（如 UUID）。")
	}
	ctx := c.Request.Context()
	scope := driverOf(c) + " " + c.Request.Method + " " + c.Request.URL.Path
	sum := sha256.Sum256(body)
	waitCtx, cancel := context.WithTimeout(ctx, idempotencyWait)
	defer cancel()
	status, replay, err := s.MP.Idempotency.Begin(waitCtx, scope, key, sum[:])
	if kiosk.ErrorCode(err) == kiosk.EUNREADABLE {
		c.AbortWithStatusJSON(http.StatusUnprocessableEntity, errorResponse{Error: errorBody{
			Code: "idempotency_key_reused", Message: kiosk.ErrorMessage(err), RequestID: requestIDFrom(c)}})
		return nil
	} else if err != nil {
		return err
	}
	if status != 0 {
		c.Header("Idempotent-Replayed", "true")
		c.Data(status, "application/json; charset=utf-8", replay)
		return nil
	}

	// The record must be written even if the client has gone: its retry depends on it.
	bg := context.WithoutCancel(ctx)
	status, v, err := run()
	if err != nil {
		code := kiosk.ErrorCode(err)
		status = statusCodes[code]
		if status == 0 || status >= 500 {
			if aerr := s.MP.Idempotency.Abandon(bg, scope, key); aerr != nil {
				s.Logger.ErrorContext(ctx, "idempotency abandon failed", "err", aerr, "request_id", requestIDFrom(c))
			}
			return err
		}
		v = errorResponse{Error: errorBody{Code: code, Message: kiosk.ErrorMessage(err), RequestID: requestIDFrom(c)}}
	}
	out, merr := json.Marshal(v)
	if merr != nil {
		_ = s.MP.Idempotency.Abandon(bg, scope, key)
		return merr
	}
	if ferr := s.MP.Idempotency.Finish(bg, scope, key, status, out); ferr != nil {
		// The work is done; failing the response now would invite a retry that repeats it
		// anyway. The caller gets its answer; the log says the record is missing.
		s.Logger.ErrorContext(ctx, "idempotency record failed", "err", ferr, "request_id", requestIDFrom(c))
	}
	c.Data(status, "application/json; charset=utf-8", out)
	return nil
}
