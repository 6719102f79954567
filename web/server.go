// Package web builds Tribune's HTTP server: one gin engine with the shared middleware (recovery,
// request ID, request log and metrics, body limit, timeout), the health and metrics endpoints,
// and the three front-ends it wires side by side: the JSON API (web/api), the
// Perspective-compatible API (web/perspective) and the moderator dashboard (web/dashboard).
// Every decision is taken by moderation.Service.
package web

import (
	"context"
	"log/slog"
	"net/http"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/prometheus/client_golang/prometheus"

	"github.com/tribune/tribune/moderation"
	"github.com/tribune/tribune/web/dashboard"
	"github.com/tribune/tribune/web/internal/httpx"
	"github.com/tribune/tribune/web/perspective"
)

// DefaultMaxBodyBytes bounds a request body (see httpx.DefaultMaxBodyBytes).
const DefaultMaxBodyBytes = httpx.DefaultMaxBodyBytes

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
	core   *httpx.Core
	engine *gin.Engine
	log    *slog.Logger
	opts   Options
	http   *httpMetrics // nil without Options.Metrics
	persp  *perspective.Handler
	dash   *dashboard.Handler
}

// DefaultKeyCacheTTL is how long an authenticated API key is trusted without asking the
// database again.
const DefaultKeyCacheTTL = httpx.DefaultKeyCacheTTL

// DefaultKeyRatePerMinute is the request rate of an API key that sets none of its own.
const DefaultKeyRatePerMinute = httpx.DefaultKeyRatePerMinute

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
	if opts.RequestTimeout <= 0 {
		opts.RequestTimeout = DefaultRequestTimeout
	}
	core := httpx.New(svc, httpx.Config{Logger: opts.Logger, MaxBodyBytes: opts.MaxBodyBytes,
		KeyCacheTTL: opts.KeyCacheTTL, KeyRatePerMinute: opts.KeyRatePerMinute})
	s := &Server{core: core, log: opts.Logger, opts: opts}
	if opts.Metrics != nil {
		s.http = newHTTPMetrics(opts.Metrics)
	}
	s.engine = core.Engine(httpx.EngineOptions{TrustedProxies: opts.TrustedProxies, SkipRequestLog: opts.SkipRequestLog,
		Observe: s.http.observer(), BodyLimit: s.bodyLimit, RequestTimeout: opts.RequestTimeout})
	s.persp = perspective.New(core, perspective.Options{CORSOrigins: opts.CORSOrigins,
		TrustedProxies: opts.TrustedProxies, Feedback: opts.Feedback})
	s.routes()
	return s
}

// Handler returns the server's http.Handler.
func (s *Server) Handler() http.Handler { return s.engine }

// bodyLimit is the body limit of a request path: the Perspective API takes larger bodies.
func (s *Server) bodyLimit(path string) int64 {
	if perspective.IsPath(path) {
		return max(s.opts.MaxBodyBytes, perspective.MaxBodyBytes)
	}
	return s.opts.MaxBodyBytes
}
