package httpx

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"log/slog"
	"net/http"
	"runtime/debug"
	"time"

	"github.com/gin-gonic/gin"
)

// EngineOptions configures the gin engine every front-end is registered on.
type EngineOptions struct {
	// TrustedProxies are the reverse proxies whose X-Forwarded-For names the client.
	TrustedProxies []string
	// SkipRequestLog turns the per-request log line off.
	SkipRequestLog bool
	// Observe, when set, is told of every answered request (the request metrics).
	Observe func(route, method string, status int, elapsed time.Duration)
	// BodyLimit is the body limit of a request path; nil means Core.MaxBodyBytes everywhere.
	BodyLimit func(path string) int64
	// RequestTimeout bounds a request's work: its context is cancelled after it.
	RequestTimeout time.Duration
}

// Engine returns a gin engine with Tribune's middleware: panic recovery, request IDs, the
// request log, the body limit and the request timeout. Front-ends register their routes on it.
func (k *Core) Engine(opts EngineOptions) *gin.Engine {
	m := &middleware{k: k, opts: opts}
	e := gin.New()
	// gin's default 404 and 405 are plain text; ours go through the error responders.
	e.HandleMethodNotAllowed = true
	e.RedirectTrailingSlash = false
	e.RedirectFixedPath = false
	e.ContextWithFallback = true
	// Route on the escaped path, so an ID with an escaped slash (an article ID that is a URL,
	// https%3A%2F%2F...) stays one path parameter; gin unescapes the parameter's value.
	e.UseRawPath = true
	e.UnescapePathValues = true
	// gin trusts every proxy by default, which lets any client forge its address in logs.
	if err := e.SetTrustedProxies(opts.TrustedProxies); err != nil {
		k.Log.Error("trusted proxies ignored", "error", err.Error())
		_ = e.SetTrustedProxies(nil)
	}
	e.Use(m.recovery, requestID)
	if !opts.SkipRequestLog || opts.Observe != nil {
		e.Use(m.requestLog)
	}
	e.Use(m.limitBody)
	if opts.RequestTimeout > 0 {
		e.Use(m.timeout)
	}
	return e
}

type middleware struct {
	k    *Core
	opts EngineOptions
}

// requestID takes the client's X-Request-ID when it looks sane, or makes one, and echoes it.
func requestID(c *gin.Context) {
	id := c.GetHeader("X-Request-ID")
	if !saneRequestID(id) {
		var b [8]byte
		_, _ = rand.Read(b[:]) // crypto/rand.Read never fails (Go 1.24+).
		id = hex.EncodeToString(b[:])
	}
	c.Set(RequestIDKey, id)
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
// SkipRequestLog), and reports it to Observe. The line names the caller (API key ID and name,
// or moderator) but never a credential.
func (m *middleware) requestLog(c *gin.Context) {
	start := time.Now()
	c.Next()
	elapsed := time.Since(start)
	route := c.FullPath()
	if route == "" {
		route = "(no route)"
	}
	if m.opts.Observe != nil {
		m.opts.Observe(route, c.Request.Method, c.Writer.Status(), elapsed)
	}
	if m.opts.SkipRequestLog {
		return
	}
	attrs := []slog.Attr{
		slog.String("id", RequestID(c)),
		slog.String("method", c.Request.Method),
		slog.String("route", route),
		slog.Int("status", c.Writer.Status()),
		slog.Int("bytes", c.Writer.Size()),
		slog.Float64("duration_ms", float64(elapsed.Microseconds())/1000),
		slog.String("client", c.ClientIP()),
	}
	if k := CurrentKey(c); k.ID != 0 {
		attrs = append(attrs, slog.Int64("api_key_id", k.ID), slog.String("api_key_name", k.Name))
	}
	if mod := CurrentModerator(c); mod.ID != 0 {
		attrs = append(attrs, slog.String("moderator", mod.Name))
	}
	m.k.Log.LogAttrs(c.Request.Context(), slog.LevelInfo, "request", attrs...)
}

// recovery turns a panic into a logged 500. Handlers do not panic by design; this is the last
// resort that keeps one bad request from taking the process down.
func (m *middleware) recovery(c *gin.Context) {
	defer func() {
		p := recover()
		if p == nil {
			return
		}
		if p == http.ErrAbortHandler {
			panic(p) // net/http's way to abort a response; it must reach the server.
		}
		m.k.Log.Error("panic serving request", "id", RequestID(c),
			"path", c.Request.URL.Path, "panic", fmt.Sprint(p), "stack", string(debug.Stack()))
		if !c.Writer.Written() {
			m.k.Fail(c, fmt.Errorf("panic: %v", p))
		}
		c.Abort()
	}()
	c.Next()
}

// limitBody caps every request body, so an oversized one fails while being read (413) instead
// of being buffered whole.
func (m *middleware) limitBody(c *gin.Context) {
	if c.Request.Body != nil && c.Request.Body != http.NoBody {
		limit := m.k.MaxBodyBytes
		if m.opts.BodyLimit != nil {
			limit = m.opts.BodyLimit(c.Request.URL.Path)
		}
		c.Request.Body = http.MaxBytesReader(c.Writer, c.Request.Body, limit)
	}
	c.Next()
}

// timeout cancels the request's context after RequestTimeout (and when the client goes away,
// which net/http already does), so that work checking it stops instead of burning CPU for an
// answer nobody will read.
func (m *middleware) timeout(c *gin.Context) {
	ctx, cancel := context.WithTimeout(c.Request.Context(), m.opts.RequestTimeout)
	defer cancel()
	c.Request = c.Request.WithContext(ctx)
	c.Next()
}
