package web

import (
	"errors"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/tribune/tribune/moderation"
)

// SessionCookie is the cookie that carries a moderator's session token in browsers (the
// dashboard). The JSON API reads it only on safe methods: a state-changing API call must send
// the token in the Authorization header, which a cross-site form cannot set, so the API needs
// no CSRF token.
const SessionCookie = "tribune_session"

// Keys under which the authentication middleware leaves the caller in the gin context.
const (
	apiKeyKey    = "api_key"
	moderatorKey = "moderator"
)

// Valid credentials on the wrong kind of endpoint are 403s that say what to use instead.
var (
	errAPIKeyOnModeratorRoute = &requestError{kind: moderation.ErrForbidden,
		message: "this endpoint needs a moderator session (POST /api/v1/login); API keys cannot use it"}
	errSessionOnSiteRoute = &requestError{kind: moderation.ErrForbidden,
		message: "this endpoint needs an API key (tribune apikey create); moderator sessions cannot use it"}
)

// bearer returns the token of an "Authorization: Bearer TOKEN" header, or "".
func bearer(c *gin.Context) string {
	scheme, token, ok := strings.Cut(c.GetHeader("Authorization"), " ")
	if !ok || !strings.EqualFold(scheme, "Bearer") {
		return ""
	}
	return strings.TrimSpace(token)
}

// requireAPIKey admits site backends: a valid, unrevoked API key as bearer token.
func (s *Server) requireAPIKey(c *gin.Context) {
	token := bearer(c)
	now := time.Now()
	if k, ok := s.keys.get(token, now); ok {
		c.Set(apiKeyKey, k)
		c.Next()
		return
	}
	k, err := s.svc.AuthenticateKey(c.Request.Context(), token)
	if errors.Is(err, moderation.ErrUnauthenticated) && token != "" {
		// Tell a moderator who sent their session why it does not work here.
		if _, merr := s.svc.SessionModerator(c.Request.Context(), token); merr == nil {
			err = errSessionOnSiteRoute
		}
	}
	if err != nil {
		s.fail(c, err)
		return
	}
	s.keys.put(token, k, now)
	c.Set(apiKeyKey, k)
	c.Next()
}

// requireModerator admits moderators: a session token as bearer token, or (safe methods only)
// in SessionCookie. An API key gets 403: it is valid, just not for this.
func (s *Server) requireModerator(c *gin.Context) {
	token := bearer(c)
	if token == "" && (c.Request.Method == http.MethodGet || c.Request.Method == http.MethodHead) {
		token, _ = c.Cookie(SessionCookie)
	}
	m, err := s.svc.SessionModerator(c.Request.Context(), token)
	if errors.Is(err, moderation.ErrUnauthenticated) && strings.HasPrefix(token, "trb_") {
		if _, kerr := s.svc.AuthenticateKey(c.Request.Context(), token); kerr == nil {
			err = errAPIKeyOnModeratorRoute
		}
	}
	if err != nil {
		s.fail(c, err)
		return
	}
	c.Set(moderatorKey, m)
	c.Next()
}

// apiKeyScope is the idempotency scope of the calling API key: retries are deduplicated per key.
func apiKeyScope(c *gin.Context) string {
	k, _ := c.Get(apiKeyKey)
	key, _ := k.(moderation.APIKey)
	return "key:" + strconv.FormatInt(key.ID, 10)
}

// currentModerator is the moderator requireModerator admitted.
func currentModerator(c *gin.Context) moderation.Moderator {
	m, _ := c.Get(moderatorKey)
	mod, _ := m.(moderation.Moderator)
	return mod
}

// loginRequest is the body of POST /api/v1/login.
type loginRequest struct {
	Name     string `json:"name"`
	Password string `json:"password"`
}

// loginResponse carries the session token, to send as "Authorization: Bearer TOKEN".
type loginResponse struct {
	Token     string            `json:"token"`
	ExpiresAt time.Time         `json:"expires_at"`
	Moderator moderatorResponse `json:"moderator"`
}

// moderatorResponse is a moderator as the API shows them.
type moderatorResponse struct {
	ID   int64  `json:"id"`
	Name string `json:"name"`
	Role string `json:"role"`
}

func moderatorJSON(m moderation.Moderator) moderatorResponse {
	return moderatorResponse{ID: m.ID, Name: m.Name, Role: string(m.Role)}
}

// login opens a moderator session.
func (s *Server) login(c *gin.Context) {
	var req loginRequest
	if err := bindJSON(c, &req); err != nil {
		s.fail(c, err)
		return
	}
	token, m, err := s.svc.Login(c.Request.Context(), req.Name, req.Password)
	if err != nil {
		s.fail(c, err)
		return
	}
	c.JSON(http.StatusOK, loginResponse{Token: token, ExpiresAt: time.Now().UTC().Add(moderation.SessionTTL).Truncate(time.Second),
		Moderator: moderatorJSON(m)})
}

// logout ends the caller's session.
func (s *Server) logout(c *gin.Context) {
	if err := s.svc.Logout(c.Request.Context(), bearer(c)); err != nil {
		s.fail(c, err)
		return
	}
	c.Status(http.StatusNoContent)
}
