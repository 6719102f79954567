package api

import (
	"errors"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/tribune/tribune/moderation"
	"github.com/tribune/tribune/web/internal/httpx"
)

// Valid credentials on the wrong kind of endpoint are 403s that say what to use instead.
var (
	errAPIKeyOnModeratorRoute = &httpx.RequestError{Kind: moderation.ErrForbidden,
		Message: "this endpoint needs a moderator session (POST /api/v1/login); API keys cannot use it"}
	errSessionOnSiteRoute = &httpx.RequestError{Kind: moderation.ErrForbidden,
		Message: "this endpoint needs an API key (tribune apikey create); moderator sessions cannot use it"}
)

// requireAPIKey admits site backends: a valid, unrevoked API key with scope as bearer token,
// within its rate limit.
func (s *Handler) requireAPIKey(scope moderation.Scope) gin.HandlerFunc {
	return func(c *gin.Context) {
		token := httpx.Bearer(c)
		k, err := s.AuthenticateKey(c, token)
		if errors.Is(err, moderation.ErrUnauthenticated) && token != "" {
			// Tell a moderator who sent their session why it does not work here.
			if _, merr := s.Svc.SessionModerator(c.Request.Context(), token); merr == nil {
				err = errSessionOnSiteRoute
			}
		}
		if err == nil {
			err = s.AdmitKey(c, k, scope)
		}
		if err != nil {
			s.Fail(c, err)
			return
		}
		c.Next()
	}
}

// apiKeyScope is the idempotency scope of the calling API key: retries are deduplicated per key.
func apiKeyScope(c *gin.Context) string {
	return "key:" + strconv.FormatInt(httpx.CurrentKey(c).ID, 10)
}

// currentSite is the site of the admitted API key.
func currentSite(c *gin.Context) int64 { return httpx.CurrentKey(c).SiteID }

// requireModerator admits moderators: a session token as bearer token, or (safe methods only)
// in httpx.SessionCookie. An API key gets 403: it is valid, just not for this.
func (s *Handler) requireModerator(c *gin.Context) {
	token := httpx.Bearer(c)
	if token == "" && (c.Request.Method == http.MethodGet || c.Request.Method == http.MethodHead) {
		token, _ = c.Cookie(httpx.SessionCookie)
	}
	m, err := s.Svc.SessionModerator(c.Request.Context(), token)
	if errors.Is(err, moderation.ErrUnauthenticated) && strings.HasPrefix(token, "trb_") {
		if _, kerr := s.AuthenticateKey(c, token); kerr == nil {
			err = errAPIKeyOnModeratorRoute
		}
	}
	if err != nil {
		s.Fail(c, err)
		return
	}
	httpx.SetModerator(c, m)
	c.Next()
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

// login opens a moderator session, behind the same login limiter as the dashboard's form.
// ClientIP is the TCP peer unless the peer is one of Options.TrustedProxies: only those may
// name the client in X-Forwarded-For, which anyone else could forge to dodge the per-address
// limit.
func (s *Handler) login(c *gin.Context) {
	var req loginRequest
	if err := httpx.BindJSON(c, &req); err != nil {
		s.Fail(c, err)
		return
	}
	token, m, err := s.Svc.LoginFrom(c.Request.Context(), c.ClientIP(), req.Name, req.Password)
	if err != nil {
		s.Fail(c, err)
		return
	}
	c.JSON(http.StatusOK, loginResponse{Token: token, ExpiresAt: time.Now().UTC().Add(moderation.SessionTTL).Truncate(time.Second),
		Moderator: moderatorJSON(m)})
}

// logout ends the caller's session.
func (s *Handler) logout(c *gin.Context) {
	if err := s.Svc.Logout(c.Request.Context(), httpx.Bearer(c)); err != nil {
		s.Fail(c, err)
		return
	}
	c.Status(http.StatusNoContent)
}
