// Package web is Tribune's HTTP interface: the JSON API under /api/v1 for site backends and
// moderators, and (beside it) the moderator dashboard and the Perspective-compatible API. It
// transports; every decision is taken by moderation.Service.
package web

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"runtime/debug"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/prometheus/client_golang/prometheus"

	"github.com/tribune/tribune/moderation"
)

// DefaultMaxBodyBytes bounds a request body. A comment is at most moderation.MaxCommentBytes;
// the rest leaves room for JSON escaping (\u00e9 is six bytes for two) and the other fields.
const DefaultMaxBodyBytes = 64 << 10

// Options configures a Server. The zero value is usable.
type Options struct {
	// Logger receives the request log and the detail of internal errors. Nil means
	// slog.Default().
	Logger *slog.Logger
	// MaxBodyBytes bounds request bodies; 0 means DefaultMaxBodyBytes.
	MaxBodyBytes int64
	// HealthCheck reports whether the database is reachable, for GET /healthz. Nil means a
	// cheap query through the service (the review queue's size).
	HealthCheck func(ctx context.Context) error
	// WriteCheck, when set, proves the database can be written, for GET /healthz: a failure
	// reports "degraded" (503).
	WriteCheck func(ctx context.Context) error
	// SkipRequestLog turns the per-request log line off (load tests, noisy embedders).
	SkipRequestLog bool
	// KeyCacheTTL is how long an authenticated API key is trusted before the database is asked
	// again, which is also how long a revoked key may keep working. 0 means
	// DefaultKeyCacheTTL; a negative value turns the cache off.
	KeyCacheTTL time.Duration
	// Metrics, when set, receives the request metrics and is served at GET /metrics in the
	// Prometheus text format (with whatever else is registered in it).
	Metrics *prometheus.Registry
	// TrustedProxies are the addresses (IPs or CIDRs) of reverse proxies whose
	// X-Forwarded-For names the client in the request log; none by default, so the log shows
	// the connection's address.
	TrustedProxies []string
	// Changes serves GET /api/v1/changes; nil answers it 404.
	Changes *moderation.Changes
	// Version is the running release, shown by GET /healthz.
	Version string
	// Feedback records Perspective comments:suggestscore suggestions; nil answers them 501.
	Feedback *moderation.FeedbackService
	// KeyRatePerMinute is the request rate of API keys that set none of their own; 0 means
	// DefaultKeyRatePerMinute, a negative value no limit.
	KeyRatePerMinute int
	// RequestTimeout bounds the work of one request: its context is cancelled after it, and
	// scoring loops stop. 0 means DefaultRequestTimeout.
	RequestTimeout time.Duration
	// CORSOrigins are the origins (like https://talk.example.org) whose pages may call the
	// Perspective-compatible API from a browser; "*" allows every origin. None by default.
	CORSOrigins []string
	// SecureCookies marks the dashboard's cookies Secure even on plain HTTP requests, for a
	// server behind a TLS-terminating proxy (requests that arrive over TLS always get it).
	SecureCookies bool
}

// Server is Tribune's HTTP server: a gin engine whose handlers call one moderation.Service.
type Server struct {
	svc    *moderation.Service
	engine *gin.Engine
	log    *slog.Logger
	opts   Options
	keys   *keyCache
	http   *httpMetrics // nil without Options.Metrics
	rates  *keyLimiter
	// tarpitted counts rate-limited answers being held back (tarpit).
	tarpitted chan struct{}
}

// DefaultRequestTimeout bounds a request's work; it matches the HTTP server's write timeout,
// after which nobody reads the answer.
const DefaultRequestTimeout = 30 * time.Second

// New returns a server for svc with every route registered.
func New(svc *moderation.Service, opts Options) *Server {
	if opts.Logger == nil {
		opts.Logger = slog.Default()
	}
	if opts.MaxBodyBytes <= 0 {
		opts.MaxBodyBytes = DefaultMaxBodyBytes
	}
	if opts.HealthCheck == nil {
		opts.HealthCheck = func(ctx context.Context) error {
			_, err := svc.QueueSize(ctx)
			return err
		}
	}
	if opts.KeyCacheTTL == 0 {
		opts.KeyCacheTTL = DefaultKeyCacheTTL
	}
	if opts.KeyRatePerMinute == 0 {
		opts.KeyRatePerMinute = DefaultKeyRatePerMinute
	}
	if opts.RequestTimeout <= 0 {
		opts.RequestTimeout = DefaultRequestTimeout
	}
	s := &Server{svc: svc, engine: gin.New(), log: opts.Logger, opts: opts, keys: newKeyCache(opts.KeyCacheTTL),
		rates: newKeyLimiter(time.Now), tarpitted: make(chan struct{}, maxTarpitted)}
	// gin's default 404 and 405 are plain text; ours go through the error responder.
	s.engine.HandleMethodNotAllowed = true
	s.engine.RedirectTrailingSlash = false
	s.engine.RedirectFixedPath = false
	s.engine.ContextWithFallback = true
	// Route on the escaped path, so an ID with an escaped slash (an article ID that is a URL,
	// https%3A%2F%2F...) stays one path parameter; gin unescapes the parameter's value.
	s.engine.UseRawPath = true
	s.engine.UnescapePathValues = true
	// gin trusts every proxy by default, which lets any client forge its address in logs.
	if err := s.engine.SetTrustedProxies(opts.TrustedProxies); err != nil {
		s.log.Error("trusted proxies ignored", "error", err.Error())
		_ = s.engine.SetTrustedProxies(nil)
	}
	if opts.Metrics != nil {
		s.http = newHTTPMetrics(opts.Metrics)
	}
	s.engine.Use(s.recovery, s.requestID)
	if !opts.SkipRequestLog || s.http != nil {
		s.engine.Use(s.requestLog)
	}
	s.engine.Use(s.limitBody, s.timeout)
	s.routes()
	return s
}

// Handler returns the server's http.Handler.
func (s *Server) Handler() http.Handler { return s.engine }

// requestIDKey is where requestID leaves the request's ID in the gin context.
const requestIDKey = "request_id"

// requestID takes the client's X-Request-ID when it looks sane, or makes one, and echoes it.
func (s *Server) requestID(c *gin.Context) {
	id := c.GetHeader("X-Request-ID")
	if !saneRequestID(id) {
		var b [8]byte
		_, _ = rand.Read(b[:]) // crypto/rand.Read never fails (Go 1.24+).
		id = hex.EncodeToString(b[:])
	}
	c.Set(requestIDKey, id)
	c.Header("X-Request-ID", id)
	c.Next()
}

// saneRequestID accepts short printable-ASCII IDs, so a client cannot inject log lines.
func saneRequestID(id string) bool {
	if id == "" || len(id) > 64 {
		return false
	}
	for i := 0; i < len(id); i++ {
		if id[i] <= ' ' || id[i] > '~' {
			return false
		}
	}
	return true
}

// requestLog writes one structured line per request once it is answered (unless
// SkipRequestLog), and records it in the request metrics. The line names the caller (API key
// ID and name, or moderator) but never a credential.
func (s *Server) requestLog(c *gin.Context) {
	start := time.Now()
	c.Next()
	elapsed := time.Since(start)
	route := c.FullPath()
	if route == "" {
		route = "(no route)"
	}
	if s.http != nil {
		s.http.observe(route, c.Request.Method, c.Writer.Status(), elapsed)
	}
	if s.opts.SkipRequestLog {
		return
	}
	attrs := []slog.Attr{
		slog.String("id", c.GetString(requestIDKey)),
		slog.String("method", c.Request.Method),
		slog.String("route", route),
		slog.Int("status", c.Writer.Status()),
		slog.Int("bytes", c.Writer.Size()),
		slog.Float64("duration_ms", float64(elapsed.Microseconds())/1000),
		slog.String("client", c.ClientIP()),
	}
	if v, ok := c.Get(apiKeyKey); ok {
		if k, ok := v.(moderation.APIKey); ok {
			attrs = append(attrs, slog.Int64("api_key_id", k.ID), slog.String("api_key_name", k.Name))
		}
	}
	if v, ok := c.Get(moderatorKey); ok {
		if m, ok := v.(moderation.Moderator); ok {
			attrs = append(attrs, slog.String("moderator", m.Name))
		}
	}
	s.log.LogAttrs(c.Request.Context(), slog.LevelInfo, "request", attrs...)
}

// recovery turns a panic into a logged 500. Handlers do not panic by design; this is the last
// resort that keeps one bad request from taking the process down.
func (s *Server) recovery(c *gin.Context) {
	defer func() {
		p := recover()
		if p == nil {
			return
		}
		if p == http.ErrAbortHandler {
			panic(p) // net/http's way to abort a response; it must reach the server.
		}
		s.log.Error("panic serving request", "id", c.GetString(requestIDKey),
			"path", c.Request.URL.Path, "panic", fmt.Sprint(p), "stack", string(debug.Stack()))
		if !c.Writer.Written() {
			s.fail(c, fmt.Errorf("panic: %v", p))
		}
		c.Abort()
	}()
	c.Next()
}

// limitBody caps every request body, so an oversized one fails while being read (413) instead
// of being buffered whole.
func (s *Server) limitBody(c *gin.Context) {
	if c.Request.Body != nil && c.Request.Body != http.NoBody {
		limit := s.opts.MaxBodyBytes
		if isPerspectivePath(c.Request.URL.Path) {
			limit = max(limit, perspectiveMaxBodyBytes)
		}
		c.Request.Body = http.MaxBytesReader(c.Writer, c.Request.Body, limit)
	}
	c.Next()
}

// timeout cancels the request's context after RequestTimeout (and when the client goes away,
// which net/http already does), so that work checking it stops instead of burning CPU for an
// answer nobody will read.
func (s *Server) timeout(c *gin.Context) {
	ctx, cancel := context.WithTimeout(c.Request.Context(), s.opts.RequestTimeout)
	defer cancel()
	c.Request = c.Request.WithContext(ctx)
	c.Next()
}

// readBody reads the whole (limited) request body, mapping an oversized one to errTooLarge.
func readBody(c *gin.Context) ([]byte, error) {
	if c.Request.Body == nil {
		return nil, nil
	}
	b, err := io.ReadAll(c.Request.Body)
	var tooBig *http.MaxBytesError
	if errors.As(err, &tooBig) {
		return nil, &requestError{kind: errTooLarge,
			message: fmt.Sprintf("request body is larger than %d bytes", tooBig.Limit)}
	}
	if err != nil {
		return nil, &requestError{kind: errBadBody, message: "could not read the request body"}
	}
	return b, nil
}
