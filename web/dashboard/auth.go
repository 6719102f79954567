package dashboard

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"fmt"
	"math"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/tribune/tribune/moderation"
	"github.com/tribune/tribune/web/internal/httpx"
)

// loginCookie carries the nonce the login form's CSRF token is bound to: before logging in
// there is no session to bind it to (login CSRF would log a victim into the attacker's account).
const loginCookie = "tribune_login"

// csrfField is the form field (or X-CSRF-Token header, for scripts) carrying the CSRF token.
const csrfField = "csrf"

// errCSRF is a state-changing request without the token of the caller's session.
var errCSRF = &httpx.RequestError{Kind: moderation.ErrForbidden,
	Message: "The form has expired or did not come from this site. Reload the page and try again."}

// errAdminOnly is a moderator on an admin page.
var errAdminOnly = &httpx.RequestError{Kind: moderation.ErrForbidden, Message: "Only admins may open the settings."}

// mac is HMAC-SHA256 of the parts under the dashboard's key, base64url: a CSRF token.
func (d *Handler) mac(parts ...string) string {
	h := hmac.New(sha256.New, d.csrfKey)
	for _, p := range parts {
		h.Write([]byte(p))
		h.Write([]byte{0})
	}
	return base64.RawURLEncoding.EncodeToString(h.Sum(nil))
}

// sessionCSRF is the synchronizer token of the caller's session: an HMAC of the session token,
// which only this server can compute and only the session's owner can obtain (the cookie is
// HttpOnly; pages that show the token are same-origin only).
func (d *Handler) sessionCSRF(c *gin.Context) string {
	token, err := c.Cookie(httpx.SessionCookie)
	if err != nil || token == "" {
		return ""
	}
	return d.mac("session", token)
}

// checkCSRF refuses a state-changing request whose token does not match the session's.
func (d *Handler) checkCSRF(c *gin.Context) {
	// Parse first: an oversized form fails here, and is a 413, not a missing token's 403.
	if err := c.Request.ParseForm(); err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			d.fail(c, &httpx.RequestError{Kind: httpx.ErrTooLarge,
				Message: fmt.Sprintf("The form is larger than %d bytes.", tooBig.Limit)})
			return
		}
		d.fail(c, &httpx.RequestError{Kind: httpx.ErrBadBody, Message: "The form could not be read."})
		return
	}
	got := c.PostForm(csrfField)
	if got == "" {
		got = c.GetHeader("X-CSRF-Token")
	}
	want := d.sessionCSRF(c)
	if got == "" || want == "" || !hmac.Equal([]byte(got), []byte(want)) {
		d.fail(c, errCSRF)
		return
	}
	c.Next()
}

// secureCookies reports whether cookies get the Secure flag: on TLS, or when the server sits
// behind a TLS-terminating proxy and was told so.
func (d *Handler) secureCookies(c *gin.Context) bool {
	return d.alwaysSecure || c.Request.TLS != nil
}

// setCookie sets an HttpOnly cookie. The session cookie is SameSite=Lax so that a moderator
// who opens a comment link from chat or e-mail arrives logged in; Lax still withholds it from
// cross-site POSTs, and every state change also needs the session's CSRF token. The login
// nonce, which no link needs, stays Strict.
func (d *Handler) setCookie(c *gin.Context, name, value, path string, maxAge int) {
	same := http.SameSiteStrictMode
	if name == httpx.SessionCookie {
		same = http.SameSiteLaxMode
	}
	http.SetCookie(c.Writer, &http.Cookie{
		Name: name, Value: value, Path: path, MaxAge: maxAge,
		HttpOnly: true, Secure: d.secureCookies(c), SameSite: same,
	})
}

// requireSession admits logged-in moderators. Pages send everyone else to the login form;
// the JSON count endpoint and the page's script (which asks for JSON) get a 401, so that the
// script can keep a pending decision and say it was not recorded.
func (d *Handler) requireSession(c *gin.Context) {
	token, _ := c.Cookie(httpx.SessionCookie)
	m, err := d.Svc.SessionModerator(c.Request.Context(), token)
	if errors.Is(err, moderation.ErrUnauthenticated) {
		if strings.HasSuffix(c.Request.URL.Path, "/count") || wantsJSON(c) || c.Query("fragment") == "1" {
			d.Fail(c, err)
			return
		}
		next := c.Request.URL.Path
		if c.Request.Method != http.MethodGet {
			next = "/queue"
		} else if q := c.Request.URL.RawQuery; q != "" {
			next += "?" + q
		}
		c.Redirect(http.StatusSeeOther, "/login?next="+url.QueryEscape(next))
		c.Abort()
		return
	}
	if err != nil {
		d.fail(c, err)
		return
	}
	httpx.SetModerator(c, m)
	c.Next()
}

// requireAdmin admits admins only.
func (d *Handler) requireAdmin(c *gin.Context) {
	if !httpx.CurrentModerator(c).IsAdmin() {
		d.fail(c, errAdminOnly)
		return
	}
	c.Next()
}

// loginView is the login page.
type loginView struct {
	page
	Next  string
	Name  string
	Error string
}

// loginPage shows the login form, binding its CSRF token to a fresh nonce cookie.
func (d *Handler) loginPage(c *gin.Context) {
	d.renderLogin(c, http.StatusOK, loginView{Next: localPath(c.Query("next"), "/queue")})
}

func (d *Handler) renderLogin(c *gin.Context, status int, v loginView) {
	var b [24]byte
	_, _ = rand.Read(b[:])
	nonce := base64.RawURLEncoding.EncodeToString(b[:])
	d.setCookie(c, loginCookie, nonce, "/login", 3600)
	v.page = page{Title: "Log in", CSRF: d.mac("login", nonce)}
	d.render(c, status, "login", v)
}

// loginSubmit checks the form's CSRF token and the rate limit, then the password.
func (d *Handler) loginSubmit(c *gin.Context) {
	nonce, _ := c.Cookie(loginCookie)
	got := c.PostForm(csrfField)
	if nonce == "" || got == "" || !hmac.Equal([]byte(got), []byte(d.mac("login", nonce))) {
		d.fail(c, errCSRF)
		return
	}
	name, password := strings.TrimSpace(c.PostForm("name")), c.PostForm("password")
	v := loginView{Next: localPath(c.PostForm("next"), "/queue"), Name: name}
	if len(name) > moderation.MaxNameBytes {
		name = name[:moderation.MaxNameBytes]
	}
	// ClientIP trusts X-Forwarded-For only from Options.TrustedProxies (see Server.login).
	token, _, err := d.Svc.LoginFrom(c.Request.Context(), c.ClientIP(), name, password)
	var limited *moderation.RateLimitError
	if errors.As(err, &limited) {
		d.Tarpit(c, limited.RetryAfter)
		secs := max(1, int(math.Ceil(limited.RetryAfter.Seconds())))
		c.Header("Retry-After", strconv.Itoa(secs))
		v.Error = "Too many failed attempts. Try again in " + strconv.Itoa(secs) + " seconds."
		d.renderLogin(c, http.StatusTooManyRequests, v)
		return
	}
	if errors.Is(err, moderation.ErrUnauthenticated) {
		v.Error = "Wrong name or password."
		d.renderLogin(c, http.StatusUnauthorized, v)
		return
	}
	if err != nil {
		d.fail(c, err)
		return
	}
	d.setCookie(c, loginCookie, "", "/login", -1)
	d.setCookie(c, httpx.SessionCookie, token, "/", int(moderation.SessionTTL.Seconds()))
	c.Redirect(http.StatusSeeOther, v.Next)
}

// logoutSubmit ends the session in the database and clears the cookie.
func (d *Handler) logoutSubmit(c *gin.Context) {
	token, _ := c.Cookie(httpx.SessionCookie)
	if err := d.Svc.Logout(c.Request.Context(), token); err != nil {
		d.fail(c, err)
		return
	}
	d.setCookie(c, httpx.SessionCookie, "", "/", -1)
	c.Redirect(http.StatusSeeOther, "/login")
}
