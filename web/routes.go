package web

import (
	"github.com/gin-gonic/gin"

	"github.com/tribune/tribune/web/api"
	"github.com/tribune/tribune/web/dashboard"
	"github.com/tribune/tribune/web/internal/httpx"
	"github.com/tribune/tribune/web/perspective"
)

// routes registers every route: the server's own (health, metrics, unrouted requests) and
// the three front-ends'. The JSON API lives under /api/v1; the dashboard and the
// Perspective-compatible API sit beside it, not under it.
func (s *Server) routes() {
	e := s.engine
	e.NoRoute(s.noRoute(httpx.ErrRouteNotFound))
	e.NoMethod(s.noRoute(httpx.ErrMethodNotAllowed))

	e.GET("/healthz", s.health)
	if s.opts.Metrics != nil {
		e.GET("/metrics", metricsHandler(s.opts.Metrics))
	}
	api.New(s.core, s.opts.Changes).Register(e)
	// POST /v1alpha1/comments:analyze, comments:suggestscore; GET /$discovery/rest
	s.persp.Register(e)
	dashboard.New(s.core, dashboard.Options{SecureCookies: s.opts.SecureCookies}).Register(e)
}

// noRoute answers a request no route serves: in Google's shape under the Perspective API's
// paths, else as the JSON API answers errors.
func (s *Server) noRoute(kind error) gin.HandlerFunc {
	return func(c *gin.Context) {
		if perspective.IsPath(c.Request.URL.Path) {
			s.persp.NoRoute(c)
			return
		}
		s.core.Fail(c, kind)
	}
}
