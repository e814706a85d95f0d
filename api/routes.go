package api

// routes is the table of contents of the HTTP API.
func (s *Server) routes() {
	r := s.router
	r.NoRoute(s.handle(s.handleNoRoute))
	r.NoMethod(s.handle(s.handleNoMethod))

	r.GET("/healthz", s.handle(s.handleHealthz))
	r.GET("/readyz", s.handle(s.handleReadyz))
	r.GET("/metrics", s.handleMetrics())
	s.staffRoutes()
	s.kioskRoutes()
	s.mpRoutes()
}
