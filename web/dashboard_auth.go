package web

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"math"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/tribune/tribune/moderation"
)

// Login rate limit: after loginMaxFailures failed logins within loginWindow from one IP
// address, or for one account name, further attempts get 429 until the oldest failure ages
// out. Per name stops a distributed guess at one account; per IP stops one client spraying
// many names.
const (
	loginMaxFailures = 5
	loginWindow      = time.Minute
)

// loginCookie carries the nonce the login form's CSRF token is bound to: before logging in
// there is no session to bind it to (login CSRF would log a victim into the attacker's account).
const loginCookie = "tribune_login"

// csrfField is the form field (or X-CSRF-Token header, for scripts) carrying the CSRF token.
const csrfField = "csrf"

// errCSRF is a state-changing request without the token of the caller's session.
var errCSRF = &requestError{kind: moderation.ErrForbidden,
	message: "The form has expired or did not come from this site. Reload the page and try again."}

// errAdminOnly is a moderator on an admin page.
var errAdminOnly = &requestError{kind: moderation.ErrForbidden, message: "Only admins may open the settings."}

// mac is HMAC-SHA256 of the parts under the dashboard's key, base64url: a CSRF token.
func (d *dashboard) mac(parts ...string) string {
	h := hmac.New(sha256.New, d.csrfKey)
	for _, p := range parts {
		h.Write([]byte(p))
		h.Write([]byte{0})
	}
	return base64.RawURLEncoding.EncodeToString(h.Sum(nil))
}

// sessionCSRF is the synchronizer token of the caller's session: an HMAC of the session token,
// which only this server can compute and only the session's owner can obtain (the cookie is
// HttpOnly and SameSite=Strict).
func (d *dashboard) sessionCSRF(c *gin.Context) string {
	token, err := c.Cookie(SessionCookie)
	if err != nil || token == "" {
		return ""
	}
	return d.mac("session", token)
}

// checkCSRF refuses a state-changing request whose token does not match the session's.
func (d *dashboard) checkCSRF(c *gin.Context) {
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
func (d *dashboard) secureCookies(c *gin.Context) bool {
	return d.s.opts.SecureCookies || c.Request.TLS != nil
}

func (d *dashboard) setCookie(c *gin.Context, name, value, path string, maxAge int) {
	http.SetCookie(c.Writer, &http.Cookie{
		Name: name, Value: value, Path: path, MaxAge: maxAge,
		HttpOnly: true, Secure: d.secureCookies(c), SameSite: http.SameSiteStrictMode,
	})
}

// requireSession admits logged-in moderators. Pages send everyone else to the login form;
// the JSON count endpoint answers 401.
func (d *dashboard) requireSession(c *gin.Context) {
	token, _ := c.Cookie(SessionCookie)
	m, err := d.svc.SessionModerator(c.Request.Context(), token)
	if errors.Is(err, moderation.ErrUnauthenticated) {
		if strings.HasSuffix(c.Request.URL.Path, "/count") {
			d.s.fail(c, err)
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
	c.Set(moderatorKey, m)
	c.Next()
}

// requireAdmin admits admins only.
func (d *dashboard) requireAdmin(c *gin.Context) {
	if !currentModerator(c).IsAdmin() {
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
func (d *dashboard) loginPage(c *gin.Context) {
	d.renderLogin(c, http.StatusOK, loginView{Next: localPath(c.Query("next"), "/queue")})
}

func (d *dashboard) renderLogin(c *gin.Context, status int, v loginView) {
	var b [24]byte
	_, _ = rand.Read(b[:])
	nonce := base64.RawURLEncoding.EncodeToString(b[:])
	d.setCookie(c, loginCookie, nonce, "/login", 3600)
	v.page = page{Title: "Log in", CSRF: d.mac("login", nonce)}
	d.render(c, status, "login", v)
}

// loginSubmit checks the form's CSRF token and the rate limit, then the password.
func (d *dashboard) loginSubmit(c *gin.Context) {
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
	// RemoteIP, not ClientIP: X-Forwarded-For is the client's to forge unless trusted proxies
	// are configured, and a forged address would dodge the per-IP limit.
	keys := []string{"ip:" + c.RemoteIP(), "name:" + strings.ToLower(name)}
	if wait := d.limiter.retryAfter(keys...); wait > 0 {
		secs := int(math.Ceil(wait.Seconds()))
		c.Header("Retry-After", strconv.Itoa(secs))
		v.Error = "Too many failed attempts. Try again in " + strconv.Itoa(secs) + " seconds."
		d.renderLogin(c, http.StatusTooManyRequests, v)
		return
	}
	token, _, err := d.svc.Login(c.Request.Context(), name, password)
	if errors.Is(err, moderation.ErrUnauthenticated) {
		d.limiter.fail(keys...)
		v.Error = "Wrong name or password."
		d.renderLogin(c, http.StatusUnauthorized, v)
		return
	}
	if err != nil {
		d.fail(c, err)
		return
	}
	d.setCookie(c, loginCookie, "", "/login", -1)
	d.setCookie(c, SessionCookie, token, "/", int(moderation.SessionTTL.Seconds()))
	c.Redirect(http.StatusSeeOther, v.Next)
}

// logoutSubmit ends the session in the database and clears the cookie.
func (d *dashboard) logoutSubmit(c *gin.Context) {
	token, _ := c.Cookie(SessionCookie)
	if err := d.svc.Logout(c.Request.Context(), token); err != nil {
		d.fail(c, err)
		return
	}
	d.setCookie(c, SessionCookie, "", "/", -1)
	c.Redirect(http.StatusSeeOther, "/login")
}

// loginLimiter counts failed logins per key in a sliding window. It is in memory: limits
// reset on restart, which is acceptable for slowing down online guessing against bcrypt.
type loginLimiter struct {
	mu     sync.Mutex
	max    int
	window time.Duration
	now    func() time.Time
	fails  map[string][]time.Time
}

// maxLimiterKeys bounds the limiter's memory: past it, keys with no live failure are dropped.
const maxLimiterKeys = 10_000

func newLoginLimiter(max int, window time.Duration, now func() time.Time) *loginLimiter {
	return &loginLimiter{max: max, window: window, now: now, fails: map[string][]time.Time{}}
}

// retryAfter returns how long until every key is under the limit again (0: allowed now).
func (l *loginLimiter) retryAfter(keys ...string) time.Duration {
	l.mu.Lock()
	defer l.mu.Unlock()
	now := l.now()
	var wait time.Duration
	for _, k := range keys {
		live := l.live(k, now)
		if len(live) >= l.max {
			// The attempt is allowed again when the oldest failure that keeps it at the limit
			// leaves the window.
			if w := live[len(live)-l.max].Add(l.window).Sub(now); w > wait {
				wait = w
			}
		}
	}
	return wait
}

// fail records a failed attempt under every key.
func (l *loginLimiter) fail(keys ...string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	now := l.now()
	if len(l.fails) > maxLimiterKeys {
		for k := range l.fails {
			if len(l.live(k, now)) == 0 {
				delete(l.fails, k)
			}
		}
	}
	for _, k := range keys {
		live := append(l.live(k, now), now)
		if len(live) > l.max {
			live = live[len(live)-l.max:]
		}
		l.fails[k] = live
	}
}

// live returns k's failures still inside the window, pruning the rest. l.mu is held.
func (l *loginLimiter) live(k string, now time.Time) []time.Time {
	ts := l.fails[k]
	i := 0
	for i < len(ts) && !ts[i].After(now.Add(-l.window)) {
		i++
	}
	if i == len(ts) {
		delete(l.fails, k)
		return nil
	}
	ts = ts[i:]
	l.fails[k] = ts
	return ts
}
