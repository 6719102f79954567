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

// requireAPIKey admits site backends: a valid, unrevoked API key with scope as bearer token,
// within its rate limit.
func (s *Server) requireAPIKey(scope moderation.Scope) gin.HandlerFunc {
	return func(c *gin.Context) {
		k, err := s.authenticateKey(c, bearer(c))
		if errors.Is(err, moderation.ErrUnauthenticated) && bearer(c) != "" {
			// Tell a moderator who sent their session why it does not work here.
			if _, merr := s.svc.SessionModerator(c.Request.Context(), bearer(c)); merr == nil {
				err = errSessionOnSiteRoute
			}
		}
		if err == nil {
			err = s.admitKey(c, k, scope)
		}
		if err != nil {
			s.fail(c, err)
			return
		}
		c.Next()
	}
}

// authenticateKey finds the API key of a presented secret, through the short-lived cache.
func (s *Server) authenticateKey(c *gin.Context, token string) (moderation.APIKey, error) {
	now := time.Now()
	if k, ok := s.keys.get(token, now); ok {
		return k, nil
	}
	k, err := s.svc.AuthenticateKey(c.Request.Context(), token)
	if err != nil {
		return moderation.APIKey{}, err
	}
	s.keys.put(token, k, now)
	return k, nil
}

// admitKey checks an authenticated key's scope and rate and leaves it in the context. A key
// without the scope is 403: it is this key's own limit, and says nothing about other sites.
func (s *Server) admitKey(c *gin.Context, k moderation.APIKey, scope moderation.Scope) error {
	if !k.HasScope(scope) {
		return &requestError{kind: moderation.ErrForbidden,
			message: "this API key does not have the " + string(scope) + " scope (tribune apikey create --scope)"}
	}
	rate := k.RatePerMinute
	if rate == 0 {
		rate = s.opts.KeyRatePerMinute
	}
	if ok, wait := s.rates.take(k.ID, rate, requestCost(c.Request.ContentLength, s.opts.MaxBodyBytes)); !ok {
		return &moderation.RateLimitError{RetryAfter: wait,
			Reason: "this API key has used its request rate; retry after the time in Retry-After"}
	}
	c.Set(apiKeyKey, k)
	return nil
}

// currentKey is the API key requireAPIKey admitted.
func currentKey(c *gin.Context) moderation.APIKey {
	k, _ := c.Get(apiKeyKey)
	key, _ := k.(moderation.APIKey)
	return key
}

// currentSite is the site of the admitted API key.
func currentSite(c *gin.Context) int64 { return currentKey(c).SiteID }

// requireModerator admits moderators: a session token as bearer token, or (safe methods only)
// in SessionCookie. An API key gets 403: it is valid, just not for this.
func (s *Server) requireModerator(c *gin.Context) {
	token := bearer(c)
	if token == "" && (c.Request.Method == http.MethodGet || c.Request.Method == http.MethodHead) {
		token, _ = c.Cookie(SessionCookie)
	}
	m, err := s.svc.SessionModerator(c.Request.Context(), token)
	if errors.Is(err, moderation.ErrUnauthenticated) && strings.HasPrefix(token, "trb_") {
		if _, kerr := s.authenticateKey(c, token); kerr == nil {
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
	return "key:" + strconv.FormatInt(currentKey(c).ID, 10)
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

// login opens a moderator session, behind the same login limiter as the dashboard's form.
// ClientIP is the TCP peer unless the peer is one of Options.TrustedProxies: only those may
// name the client in X-Forwarded-For, which anyone else could forge to dodge the per-address
// limit.
func (s *Server) login(c *gin.Context) {
	var req loginRequest
	if err := bindJSON(c, &req); err != nil {
		s.fail(c, err)
		return
	}
	token, m, err := s.svc.LoginFrom(c.Request.Context(), c.ClientIP(), req.Name, req.Password)
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
