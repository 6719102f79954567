package httpx

import (
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/tribune/tribune/moderation"
)

// SessionCookie is the cookie that carries a moderator's session token in browsers (the
// dashboard). The JSON API reads it only on safe methods: a state-changing API call must send
// the token in the Authorization header, which a cross-site form cannot set, so the API needs
// no CSRF token.
const SessionCookie = "tribune_session"

// Keys under which authentication leaves the caller in the gin context.
const (
	apiKeyKey    = "api_key"
	moderatorKey = "moderator"
)

// Bearer returns the token of an "Authorization: Bearer TOKEN" header, or "".
func Bearer(c *gin.Context) string {
	scheme, token, ok := strings.Cut(c.GetHeader("Authorization"), " ")
	if !ok || !strings.EqualFold(scheme, "Bearer") {
		return ""
	}
	return strings.TrimSpace(token)
}

// AuthenticateKey finds the API key of a presented secret, through the short-lived cache.
func (k *Core) AuthenticateKey(c *gin.Context, token string) (moderation.APIKey, error) {
	now := k.now()
	if key, ok := k.keys.get(token, now); ok {
		return key, nil
	}
	key, err := k.Svc.AuthenticateKey(c.Request.Context(), token)
	if err != nil {
		return moderation.APIKey{}, err
	}
	k.keys.put(token, key, now)
	return key, nil
}

// AdmitKey checks an authenticated key's scope and rate and leaves it in the context. A key
// without the scope is 403: it is this key's own limit, and says nothing about other sites.
func (k *Core) AdmitKey(c *gin.Context, key moderation.APIKey, scope moderation.Scope) error {
	if !key.HasScope(scope) {
		return &RequestError{Kind: moderation.ErrForbidden,
			Message: "this API key does not have the " + string(scope) + " scope (tribune apikey create --scope)"}
	}
	rate := key.RatePerMinute
	if rate == 0 {
		rate = k.keyRate
	}
	if ok, wait := k.rates.take(key.ID, rate, requestCost(c.Request.ContentLength, k.MaxBodyBytes)); !ok {
		return &moderation.RateLimitError{RetryAfter: wait,
			Reason: "this API key has used its request rate; retry after the time in Retry-After"}
	}
	c.Set(apiKeyKey, key)
	return nil
}

// CurrentKey is the API key AdmitKey admitted, or the zero key.
func CurrentKey(c *gin.Context) moderation.APIKey {
	k, _ := c.Get(apiKeyKey)
	key, _ := k.(moderation.APIKey)
	return key
}

// SetModerator records the moderator a front-end's session check admitted.
func SetModerator(c *gin.Context, m moderation.Moderator) { c.Set(moderatorKey, m) }

// CurrentModerator is the moderator a session check admitted, or the zero moderator.
func CurrentModerator(c *gin.Context) moderation.Moderator {
	m, _ := c.Get(moderatorKey)
	mod, _ := m.(moderation.Moderator)
	return mod
}
