// Package dashboard is the moderators' web interface: server-rendered pages (html/template and
// embedded static files) for the review queue, articles, comments, the overview and the admin
// settings, with session cookies and CSRF-protected forms. It decides nothing itself: every
// action is a call to moderation.Service.
package dashboard

import (
	"bytes"
	"context"
	"crypto/rand"
	"embed"
	"fmt"
	"html/template"
	"io/fs"
	"math"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/tribune/tribune/moderation"
	"github.com/tribune/tribune/web/internal/httpx"
)

// The dashboard's templates and static files, embedded so the binary is self-contained.
var (
	//go:embed templates/*.html
	templateFS embed.FS
	//go:embed static
	staticFS embed.FS
)

// contentSecurityPolicy allows nothing but the dashboard's own scripts, styles and images:
// no inline script or style, no plugins, no framing, forms only to itself. Comment text is
// escaped by html/template; this is the second wall if an escaping bug ever slips through.
const contentSecurityPolicy = "default-src 'self'; script-src 'self'; style-src 'self'; " +
	"img-src 'self' data:; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'"

// Handler serves the moderators' web pages.
type Handler struct {
	*httpx.Core
	tmpl    *template.Template
	csrfKey []byte
	// pollInterval is how often the pages refresh the waiting count.
	pollInterval time.Duration
	// alwaysSecure marks cookies Secure even on plain HTTP (behind a TLS-terminating proxy).
	alwaysSecure bool
}

// Options configures a Handler.
type Options struct {
	// SecureCookies marks the dashboard's cookies Secure even on plain HTTP requests, for a
	// server behind a TLS-terminating proxy (requests that arrive over TLS always get it).
	SecureCookies bool
}

// Register adds the dashboard's pages and static files to e, beside the APIs.
func (d *Handler) Register(e *gin.Engine) {
	e.SetHTMLTemplate(d.tmpl)
	static, err := fs.Sub(staticFS, "static")
	if err != nil {
		panic(err) // the directory is embedded above: a programmer error
	}
	e.Group("", gzipResponses).StaticFS("/static", noListing{http.FS(static)})

	pages := e.Group("", d.securityHeaders, gzipResponses)
	pages.GET("/", func(c *gin.Context) { c.Redirect(http.StatusSeeOther, "/queue") })
	pages.GET("/login", d.loginPage)
	pages.POST("/login", d.loginSubmit)

	mod := pages.Group("", d.requireSession)
	mod.POST("/logout", d.checkCSRF, d.logoutSubmit)
	mod.GET("/queue", d.queuePage)
	mod.GET("/queue/count", d.queueCount)
	mod.POST("/queue/claim", d.checkCSRF, d.claimSubmit)
	mod.POST("/queue/decide", d.checkCSRF, d.decideSubmit)
	mod.POST("/queue/bulk", d.checkCSRF, d.bulkSubmit)
	mod.POST("/queue/release", d.checkCSRF, d.releaseSubmit)
	mod.GET("/articles", d.articlesPage)
	mod.GET("/articles/:id", d.articlePage)
	mod.GET("/comments/:id", d.commentPage)
	mod.GET("/overview", d.overviewPage)
	mod.POST("/queue/undo", d.checkCSRF, d.undoSubmit)
	mod.POST("/articles/:id/mode", d.checkCSRF, d.articleModeSubmit)
	mod.GET("/authors/:id", d.authorPage)
	mod.POST("/authors/:id/status", d.checkCSRF, d.authorStatusSubmit)
	mod.POST("/authors/:id/note", d.checkCSRF, d.authorNoteSubmit)
	mod.GET("/search", d.searchPage)

	admin := mod.Group("/settings", d.requireAdmin)
	admin.GET("", d.settingsPage)
	admin.POST("/policy", d.checkCSRF, d.policySubmit)
	admin.POST("/moderators", d.checkCSRF, d.addModeratorSubmit)
	admin.POST("/moderators/password", d.checkCSRF, d.passwordSubmit)
	admin.POST("/moderators/account", d.checkCSRF, d.accountSubmit)
	admin.POST("/apikeys", d.checkCSRF, d.createKeySubmit)
	admin.POST("/apikeys/revoke", d.checkCSRF, d.revokeKeySubmit)
}

// New returns the dashboard over core. Its templates are parsed here.
func New(core *httpx.Core, opts Options) *Handler {
	// The CSRF key lives in the database, so forms stay valid across a restart and on every
	// instance behind one load balancer. If it cannot be read, a per-process key still
	// protects the forms; only those open across a restart fail once.
	key, err := core.Svc.ServerSecret(context.Background(), "csrf")
	if err != nil {
		core.Log.Error("read the CSRF key from the database; using a per-process key", "error", err.Error())
		key = make([]byte, 32)
		_, _ = rand.Read(key) // crypto/rand.Read never fails (Go 1.24+)
	}
	return &Handler{
		Core:         core,
		tmpl:         parseTemplates(),
		csrfKey:      key,
		pollInterval: 3 * time.Second,
		alwaysSecure: opts.SecureCookies,
	}
}

// parseTemplates parses every page once, at startup; a template that does not parse is a
// programmer error, so it panics.
func parseTemplates() *template.Template {
	return template.Must(template.New("").Funcs(templateFuncs).ParseFS(templateFS, "templates/*.html"))
}

var templateFuncs = template.FuncMap{
	"pct": func(part, total int) string {
		if total == 0 {
			return "0%"
		}
		return fmt.Sprintf("%.0f%%", 100*float64(part)/float64(total))
	},
	"score": moderation.FormatScore,
	// step rounds a score in [0, 1] to twentieths, for a bar drawn by CSS classes w0…w20
	// (the Content-Security-Policy forbids inline style attributes).
	"step": func(p float64) int { return int(math.Round(math.Max(0, math.Min(1, p)) * 20)) },
	"weight": func(w float64) string {
		return fmt.Sprintf("%+.2f", w)
	},
	"when": func(t time.Time) string {
		if t.IsZero() {
			return "—"
		}
		return t.UTC().Format("2006-01-02 15:04 UTC")
	},
	"ago": ago,
	// pathseg escapes an ID as one path segment: article IDs may be URLs, whose slashes
	// html/template would otherwise leave as path separators, and may hold '?', '#' or '%',
	// which its URL normaliser leaves alone.
	"pathseg": url.PathEscape,
	"sub":     func(a, b int) int { return a - b },
	// verdicts reads a count by verdict name (templates cannot spell a moderation.Verdict).
	"verdicts": func(m map[moderation.Verdict]int, v string) int { return m[moderation.Verdict(v)] },
	"label":    func(s any) string { return strings.ReplaceAll(fmt.Sprint(s), "_", " ") },
	"shown":    shownStatus,
}

// ago writes a duration since t the way a moderator reads it at a glance.
func ago(t time.Time) string {
	if t.IsZero() {
		return "—"
	}
	d := time.Since(t)
	switch {
	case d < time.Minute:
		return "just now"
	case d < time.Hour:
		return fmt.Sprintf("%d min ago", int(d.Minutes()))
	case d < 48*time.Hour:
		return fmt.Sprintf("%d h ago", int(d.Hours()))
	}
	return fmt.Sprintf("%d days ago", int(math.Round(d.Hours()/24)))
}

// render executes a page into a buffer before sending it, so that a template error becomes a
// logged 500 rather than half a page with a 200 status (gin's c.HTML streams).
func (d *Handler) render(c *gin.Context, status int, name string, data any) {
	var buf bytes.Buffer
	if err := d.tmpl.ExecuteTemplate(&buf, name, data); err != nil {
		d.Log.Error("render page", "id", httpx.RequestID(c), "template", name, "error", err.Error())
		c.String(http.StatusInternalServerError, "internal error rendering the page (request id %s)", httpx.RequestID(c))
		c.Abort()
		return
	}
	c.Data(status, "text/html; charset=utf-8", buf.Bytes())
}

// securityHeaders sets the headers every dashboard page carries.
func (d *Handler) securityHeaders(c *gin.Context) {
	h := c.Writer.Header()
	h.Set("Content-Security-Policy", contentSecurityPolicy)
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Referrer-Policy", "same-origin")
	h.Set("X-Frame-Options", "DENY")
	// Pages show comments and secrets (a new API key); no cache may keep them.
	h.Set("Cache-Control", "no-store")
	c.Next()
}

// page is what every dashboard page shows around its content.
type page struct {
	Title     string
	Nav       string
	Me        moderation.Moderator
	CSRF      string
	QueueSize int
	PollMS    int64
	Flash     string
}

// base fills the page frame for the logged-in moderator.
func (d *Handler) base(c *gin.Context, title, nav string) page {
	p := page{Title: title, Nav: nav, Me: httpx.CurrentModerator(c), CSRF: d.sessionCSRF(c),
		PollMS: d.pollInterval.Milliseconds()}
	// The count in the header is a nicety: a failure here must not fail the page.
	if n, err := d.Svc.QueueSize(c.Request.Context()); err == nil {
		p.QueueSize = n
	}
	return p
}

// errorPage is the body of a failed dashboard request.
type errorPage struct {
	page
	Status  int
	Message string
}

// fail is the dashboard's error responder: an error page whose status and message come from
// httpx's one classification (only messages written for users are shown; internal errors are
// logged, not shown). The page's script asks for JSON and gets the API's error body instead.
func (d *Handler) fail(c *gin.Context, err error) {
	if wantsJSON(c) {
		d.Fail(c, err)
		return
	}
	pr := d.problem(c, err)
	// The header's count is left empty unless it can be read (the failure may be the
	// database's): an error page must not say "Queue 0".
	p := page{Title: http.StatusText(pr.Status), Me: httpx.CurrentModerator(c), PollMS: d.pollInterval.Milliseconds(), QueueSize: -1}
	if p.Me.ID != 0 {
		p.CSRF = d.sessionCSRF(c)
		if n, err := d.Svc.QueueSize(c.Request.Context()); err == nil {
			p.QueueSize = n
		}
	}
	d.render(c, pr.Status, "error", errorPage{page: p, Status: pr.Status, Message: pr.Message})
	c.Abort()
}

// ErrorPage answers err as the dashboard's error page (JSON for the page's script). The server
// uses it for unknown routes a browser navigates to (WantsPage), which would otherwise get
// the JSON API's error body.
func (d *Handler) ErrorPage(c *gin.Context, err error) { d.fail(c, err) }

// WantsPage reports whether a request is a browser navigation, which expects HTML.
func WantsPage(c *gin.Context) bool {
	return strings.Contains(c.GetHeader("Accept"), "text/html")
}

// problem classifies err for a moderator, in the dashboard's wording for internal errors.
func (d *Handler) problem(c *gin.Context, err error) httpx.Problem {
	pr := d.Problem(c, err)
	if pr.Internal {
		pr.Message = "Something went wrong; it has been logged (request id " + httpx.RequestID(c) + ")."
	}
	return pr
}

// errBadForm is a form field the dashboard could not read.
func errBadForm(field, msg string) error {
	return &httpx.RequestError{Kind: moderation.ErrInvalid, Field: field, Message: field + ": " + msg}
}

// localPath returns next when it is a path on this site, else def: redirect targets come
// from forms and must not send a moderator elsewhere ("//evil.example" is another host).
func localPath(next, def string) string {
	// Browsers drop tabs and line breaks from URLs and read a backslash as a slash, so
	// "/\t/evil.example" would become "//evil.example": refuse every control character and
	// backslash, then anything that is not a plain path on this host.
	for _, r := range next {
		if r < 0x20 || r == 0x7f || r == '\\' {
			return def
		}
	}
	if !strings.HasPrefix(next, "/") || strings.HasPrefix(next, "//") {
		return def
	}
	if u, err := url.Parse(next); err != nil || u.Scheme != "" || u.Host != "" {
		return def
	}
	return next
}

// noListing serves files but not directory listings (which would show what /static holds).
type noListing struct{ fs http.FileSystem }

// Open implements http.FileSystem, answering "not found" for directories.
func (n noListing) Open(name string) (http.File, error) {
	f, err := n.fs.Open(name)
	if err != nil {
		return nil, err
	}
	st, err := f.Stat()
	if err != nil || st.IsDir() {
		_ = f.Close()
		return nil, fs.ErrNotExist
	}
	return f, nil
}
