package api

import (
	_ "embed"
	"net/http"

	"github.com/gin-gonic/gin"
)

// openAPIDocument describes the mini-program and pass verification API (OpenAPI 3.0). It is
// written by hand and kept honest by tests: every route under /api/v1/mp and /api/v1/passes
// is in it and nothing else, and its examples validate against its schemas.
//
//go:embed openapi.json
var openAPIDocument []byte

// handleOpenAPI serves the document.
func (s *Server) handleOpenAPI(c *gin.Context) {
	c.Data(http.StatusOK, "application/json; charset=utf-8", openAPIDocument)
}
