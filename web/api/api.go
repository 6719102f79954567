// Package api is Tribune's JSON API under /api/v1: articles and comments for site backends
// (API keys), the review queue and decisions for moderators (sessions), stateless scoring,
// and the change feed. It transports; every decision is taken by moderation.Service.
package api

import (
	"github.com/gin-gonic/gin"

	"github.com/tribune/tribune/moderation"
	"github.com/tribune/tribune/web/internal/httpx"
)

// Handler serves the JSON API.
type Handler struct {
	*httpx.Core
	// feed serves GET /api/v1/changes; nil answers it 404.
	feed *moderation.Changes
}

// New returns the JSON API over core; changes may be nil.
func New(core *httpx.Core, changes *moderation.Changes) *Handler {
	return &Handler{Core: core, feed: changes}
}

// Register adds the API's routes under /api/v1 to e.
func (s *Handler) Register(e *gin.Engine) {
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
	site.POST("/comments/:id/reports", s.postReport)
	site.GET("/changes", s.changes)
	api.POST("/score", s.requireAPIKey(moderation.ScopeScore), s.score)

	// Moderators, with sessions.
	mod := api.Group("", s.requireModerator)
	mod.GET("/queue", s.queue)
	mod.POST("/queue/claim", s.claim)
	mod.DELETE("/queue/claims/:id", s.release)
	mod.POST("/comments/:id/decision", s.decide)
}
