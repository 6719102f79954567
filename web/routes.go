package web

import (
	"strings"

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
	s.dash = dashboard.New(s.core, dashboard.Options{SecureCookies: s.opts.SecureCookies})
	s.dash.Register(e)
}

// noRoute answers a request no route serves: in Google's shape under the Perspective API's
// paths, as the dashboard's error page to a browser outside the JSON API, else as the JSON
// API answers errors.
func (s *Server) noRoute(kind error) gin.HandlerFunc {
	return func(c *gin.Context) {
		switch path := c.Request.URL.Path; {
		case perspective.IsPath(path):
			s.persp.NoRoute(c)
		case s.dash != nil && !strings.HasPrefix(path, "/api/") && dashboard.WantsPage(c):
			s.dash.ErrorPage(c, kind)
		default:
			s.core.Fail(c, kind)
		}
	}
}
