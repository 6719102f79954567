package perspective

import (
	"net/http"
	"slices"
	"strings"

	"github.com/gin-gonic/gin"
)

// CORS for the Perspective-compatible API, so that a page on an allowed origin can call it
// from the browser as it called Perspective. Origins are configured (Options.CORSOrigins);
// none are allowed by default. The API key travels in the query string or X-Goog-Api-Key, never
// in a cookie, so credentials are not allowed.

// corsAllowedHeaders are the request headers Perspective's browser clients send.
const corsAllowedHeaders = "Content-Type, X-Goog-Api-Key, X-Goog-Api-Client, X-Goog-Request-Reason"

// corsAllowed reports whether origin may call the API.
func (s *Handler) corsAllowed(origin string) bool {
	return origin != "" && (slices.Contains(s.corsOrigins, "*") ||
		slices.ContainsFunc(s.corsOrigins, func(o string) bool { return strings.EqualFold(strings.TrimRight(o, "/"), origin) }))
}

// perspectiveCORS adds the CORS response headers for an allowed origin. Answers vary by
// Origin, so caches keep one per origin.
func (s *Handler) perspectiveCORS(c *gin.Context) {
	c.Writer.Header().Add("Vary", "Origin")
	origin := c.GetHeader("Origin")
	if !s.corsAllowed(origin) {
		return
	}
	if slices.Contains(s.corsOrigins, "*") {
		c.Header("Access-Control-Allow-Origin", "*")
	} else {
		c.Header("Access-Control-Allow-Origin", origin)
	}
	c.Header("Access-Control-Expose-Headers", "Retry-After")
}

// perspectivePreflight answers a CORS preflight (OPTIONS): 204 with the methods and headers
// allowed for an allowed origin, 403 in Google's shape for any other.
func (s *Handler) perspectivePreflight(c *gin.Context) {
	if !s.corsAllowed(c.GetHeader("Origin")) {
		s.fail(c, perspectiveErr(http.StatusForbidden, "PERMISSION_DENIED",
			"This origin may not call this Tribune server from a browser: add it to Tribune's CORS origins."))
		return
	}
	c.Header("Access-Control-Allow-Methods", "GET, POST, OPTIONS")
	c.Header("Access-Control-Allow-Headers", corsAllowedHeaders)
	c.Header("Access-Control-Max-Age", "3600")
	c.Status(http.StatusNoContent)
}
