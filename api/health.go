package api

import (
	"context"
	"net/http"
	"time"

	"github.com/gin-gonic/gin"
)

// handleHealthz handles "GET /healthz": the process is alive and serving.
func (s *Server) handleHealthz(c *gin.Context) error {
	c.JSON(http.StatusOK, gin.H{"status": "ok"})
	return nil
}

type checkResult struct {
	Name   string `json:"name"`
	Status string `json:"status"`
	Error  string `json:"error,omitempty"`
}

// handleReadyz handles "GET /readyz": every dependency answers. A load balancer takes the
// replica out of rotation on 503; the body says which dependency failed.
func (s *Server) handleReadyz(c *gin.Context) error {
	ctx, cancel := context.WithTimeout(c.Request.Context(), 3*time.Second)
	defer cancel()
	status := http.StatusOK
	results := make([]checkResult, 0, len(s.Checks))
	for _, ch := range s.Checks {
		r := checkResult{Name: ch.Name, Status: "ok"}
		if err := ch.Check(ctx); err != nil {
			r.Status, r.Error = "down", err.Error()
			status = http.StatusServiceUnavailable
		}
		results = append(results, r)
	}
	overall := "ok"
	if status != http.StatusOK {
		overall = "down"
	}
	c.JSON(status, gin.H{"status": overall, "checks": results})
	return nil
}
