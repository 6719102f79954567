package web

import (
	"github.com/gin-gonic/gin"

	"github.com/tribune/tribune/moderation"
)

// routes registers every route. The JSON API lives under /api/v1; the dashboard and the
// Perspective-compatible API get groups of their own here, beside it, not under it.
func (s *Server) routes() {
	e := s.engine
	e.NoRoute(func(c *gin.Context) {
		if isPerspectivePath(c.Request.URL.Path) {
			s.perspectiveNoRoute(c)
			return
		}
		s.fail(c, errRouteNotFound)
	})
	e.NoMethod(func(c *gin.Context) {
		if isPerspectivePath(c.Request.URL.Path) {
			s.perspectiveNoRoute(c)
			return
		}
		s.fail(c, errMethodNotAllowed)
	})

	e.GET("/healthz", s.health)
	if s.opts.Metrics != nil {
		e.GET("/metrics", metricsHandler(s.opts.Metrics))
	}

	api := e.Group("/api/v1")
	api.POST("/login", s.login)
	api.POST("/logout", s.requireModerator, s.logout)

	// Site backends, with API keys: the site scope reaches the key's own site only (another
	// site's articles and comments answer 404, exactly as ids that do not exist); the score
	// scope is stateless scoring.
	site := api.Group("", s.requireAPIKey(moderation.ScopeSite))
	site.PUT("/articles/:id", s.putArticle)
	site.GET("/articles/:id", s.getArticle)
	site.GET("/articles/:id/comments", s.listComments)
	site.POST("/comments", s.postComment)
	site.GET("/comments/:id", s.getComment)
	site.GET("/changes", s.changes)
	api.POST("/score", s.requireAPIKey(moderation.ScopeScore), s.score)

	// Moderators, with sessions.
	mod := api.Group("", s.requireModerator)
	mod.GET("/queue", s.queue)
	mod.POST("/queue/claim", s.claim)
	mod.DELETE("/queue/claims/:id", s.release)
	mod.POST("/comments/:id/decision", s.decide)

	s.perspectiveRoutes() // POST /v1alpha1/comments:analyze, comments:suggestscore; GET /$discovery/rest

	s.dashboardRoutes()
}
