package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"strconv"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/tribune/tribune/internal/demo"
	"github.com/tribune/tribune/internal/registry"
	"github.com/tribune/tribune/moderation"
	"github.com/tribune/tribune/store"
	"github.com/tribune/tribune/web"
	"github.com/tribune/tribune/web/api"
)

// serveConfig is tribune serve's configuration, from flags over environment over defaults.
type serveConfig struct {
	Addr  string
	DB    string
	Model string
	Quiet bool
	Demo  bool
	// DemoForce lets --demo load into a database that holds other data.
	DemoForce bool
	// SecureCookies marks dashboard cookies Secure behind a TLS-terminating proxy.
	SecureCookies bool
	// LogFormat is json or text; Metrics serves GET /metrics; TrustedProxies (comma-separated
	// IPs or CIDRs) may name the client in X-Forwarded-For.
	LogFormat      string
	Metrics        bool
	TrustedProxies string
	// CORSOrigins (comma-separated origins, or *) may call the Perspective API from browsers.
	CORSOrigins string
	// KeyRate is the default per-key rate (requests a minute); 0 is web's default, <0 none.
	KeyRate int
}

// shutdownTimeout bounds how long in-flight requests may take to finish on SIGINT/SIGTERM.
const shutdownTimeout = 10 * time.Second

// runServe runs the HTTP service until ctx ends, then drains in-flight requests and closes the
// database. It prints "listening on http://ADDR" to stderr once it accepts connections (tests
// and scripts read the real address from there when --addr has port 0).
func runServe(ctx context.Context, args []string, e env) (err error) {
	cfg, err := parseServe(args, e)
	if err != nil {
		return err
	}
	existed := fileExists(cfg.DB)
	db, err := store.Open(ctx, cfg.DB)
	if err != nil {
		return err
	}
	defer func() { err = errors.Join(err, db.Close()) }()
	if !existed {
		fmt.Fprintf(e.stderr, "tribune: created database %s\n", cfg.DB)
	}
	clf, pinned, err := serveModel(ctx, db, cfg.Model, e)
	if err != nil {
		return err
	}
	svc, err := moderation.NewService(ctx, db, clf)
	if err != nil {
		return err
	}
	if cfg.Demo {
		if err := loadDemo(ctx, svc, db, cfg, e); err != nil {
			return err
		}
	}
	gin.SetMode(gin.ReleaseMode)
	logger, err := newLogger(cfg.LogFormat, e.stderr)
	if err != nil {
		return err
	}
	logger = logger.With("version", buildVersion())
	if !pinned {
		registry.Watch(ctx, db, svc, clf.Version(), logger) // follow "tribune model activate"
	}
	dispatcher := moderation.NewDispatcher(db, api.EncodeWebhookBody, logger)
	opts := web.Options{Logger: logger, SkipRequestLog: cfg.Quiet, SecureCookies: cfg.SecureCookies,
		Feedback: moderation.NewFeedbackService(db), Changes: moderation.NewChanges(db), Version: buildVersion(),
		TrustedProxies: splitList(cfg.TrustedProxies), WriteCheck: db.CheckWrite, KeyRatePerMinute: cfg.KeyRate,
		CORSOrigins: splitList(cfg.CORSOrigins)}
	if cfg.Metrics {
		opts.Metrics = newMetrics(svc, db, dispatcher, logger)
	}
	srv := web.New(svc, opts)
	dctx, stopDispatch := context.WithCancel(ctx)
	dispatched := make(chan struct{})
	go func() { defer close(dispatched); dispatcher.Run(dctx) }() // webhooks: see docs/operations.md
	defer func() { stopDispatch(); <-dispatched }()               // before the database closes
	go purgeSessions(ctx, svc, logger)

	fmt.Fprintf(e.stderr, "tribune: version %s, model %s, database %s\n", buildVersion(), clf.Version(), cfg.DB)
	return listenAndServe(ctx, cfg.Addr, srv.Handler(), logger, e)
}

// listenAndServe serves h on addr until ctx ends, then drains in-flight requests for at most
// shutdownTimeout.
func listenAndServe(ctx context.Context, addr string, h http.Handler, logger *slog.Logger, e env) error {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return fmt.Errorf("serve: %w", err)
	}
	hs := &http.Server{
		Handler:           h,
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       30 * time.Second,
		WriteTimeout:      30 * time.Second,
		IdleTimeout:       2 * time.Minute,
		ErrorLog:          slog.NewLogLogger(logger.Handler(), slog.LevelWarn),
	}
	fmt.Fprintf(e.stderr, "tribune: listening on http://%s\n", ln.Addr())
	errc := make(chan error, 1)
	go func() { errc <- hs.Serve(ln) }()
	select {
	case err := <-errc:
		return fmt.Errorf("serve: %w", err)
	case <-ctx.Done():
	}
	// The parent context is done; shutting down needs a fresh one with its own deadline.
	sctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), shutdownTimeout)
	defer cancel()
	if err := hs.Shutdown(sctx); err != nil {
		return fmt.Errorf("serve: shutdown: %w", err)
	}
	if err := <-errc; !errors.Is(err, http.ErrServerClosed) {
		return fmt.Errorf("serve: %w", err)
	}
	fmt.Fprintln(e.stderr, "tribune: stopped")
	return nil
}

// serveModel picks the model to serve: --model, else the registry's active model, else the
// embedded one. A broken active model must not keep the server down (it would on every
// restart): the embedded model is served instead, and the log says so loudly.
func serveModel(ctx context.Context, db *store.DB, path string, e env) (moderation.Classifier, bool, error) {
	clf, pinned, err := registry.Choose(ctx, db, path, registry.LoadRegistered)
	if errors.Is(err, registry.ErrActiveModel) {
		fmt.Fprintf(e.stderr, "tribune: %v; serving the embedded model instead (tribune model activate embedded, or activate another)\n", err)
		clf, err = registry.LoadClassifier("")
	}
	return clf, pinned, err
}

// loadDemo loads the demo data set for serve --demo, into a database that holds no other
// data unless --demo-force.
func loadDemo(ctx context.Context, svc *moderation.Service, db *store.DB, cfg serveConfig, e env) error {
	if !cfg.DemoForce {
		if err := demo.CheckTarget(ctx, db, cfg.DB); err != nil {
			return err
		}
	}
	_, err := demo.Load(ctx, svc, db, e.stderr)
	return err
}

// sessionPurgeInterval is how often serve deletes expired sessions and old login failures.
const sessionPurgeInterval = 10 * time.Minute

// purgeSessions deletes expired sessions and old login failures now and then until ctx ends.
func purgeSessions(ctx context.Context, svc *moderation.Service, log *slog.Logger) {
	t := time.NewTicker(sessionPurgeInterval)
	defer t.Stop()
	for {
		if n, err := svc.PurgeSessions(ctx); err != nil && ctx.Err() == nil {
			log.Error("purge sessions", "error", err.Error())
		} else if n > 0 {
			log.Info("purged expired sessions", "count", n)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// parseServe reads serve's flags, with TRIBUNE_ADDR, TRIBUNE_DB and TRIBUNE_MODEL as defaults.
func parseServe(args []string, e env) (serveConfig, error) {
	fs := newFlagSet("serve", e)
	cfg := serveConfig{}
	fs.StringVar(&cfg.Addr, "addr", envOr(e, "TRIBUNE_ADDR", "127.0.0.1:8080"), "listen on `HOST:PORT` (env TRIBUNE_ADDR)")
	fs.StringVar(&cfg.DB, "db", envOr(e, "TRIBUNE_DB", "tribune.db"), "SQLite database `file`, created when missing (env TRIBUNE_DB)")
	fs.StringVar(&cfg.Model, "model", e.getenv("TRIBUNE_MODEL"), "model `file` (env TRIBUNE_MODEL; default: the embedded model)")
	fs.BoolVar(&cfg.Quiet, "quiet", false, "do not log every request")
	fs.BoolVar(&cfg.SecureCookies, "secure-cookies", false, "mark dashboard cookies Secure (behind a TLS-terminating proxy)")
	fs.BoolVar(&cfg.Demo, "demo", false, "load the demo data set into its own database ("+demo.DB+" unless --db is given) and print a demo admin's login (idempotent)")
	fs.StringVar(&cfg.LogFormat, "log-format", envOr(e, "TRIBUNE_LOG_FORMAT", "json"), "log `format`: json or text (env TRIBUNE_LOG_FORMAT)")
	fs.BoolVar(&cfg.Metrics, "metrics", envOr(e, "TRIBUNE_METRICS", "true") == "true", "serve Prometheus metrics at /metrics (env TRIBUNE_METRICS=false turns it off)")
	fs.StringVar(&cfg.TrustedProxies, "trusted-proxies", e.getenv("TRIBUNE_TRUSTED_PROXIES"), "comma-separated `IPs or CIDRs` of reverse proxies whose X-Forwarded-For names the client (env TRIBUNE_TRUSTED_PROXIES)")
	fs.StringVar(&cfg.CORSOrigins, "cors-origins", e.getenv("TRIBUNE_CORS_ORIGINS"), "comma-separated `origins` (or *) whose pages may call the Perspective-compatible API from a browser (env TRIBUNE_CORS_ORIGINS)")
	fs.BoolVar(&cfg.DemoForce, "demo-force", false, "let --demo load into a database that already holds other comments or API keys")
	fs.IntVar(&cfg.KeyRate, "key-rate", envInt(e, "TRIBUNE_KEY_RATE", 0),
		"requests per `minute` for API keys that set no rate of their own; 0 = 3000, -1 = unlimited (env TRIBUNE_KEY_RATE)")
	if err := parseFlags(fs, args); err != nil {
		return cfg, err
	}
	if cfg.Demo && e.getenv("TRIBUNE_DB") == "" && !flagSet(fs, "db") {
		cfg.DB = demo.DB // the demo never lands in the default (real) database by accident
	}
	return cfg, nil
}

// newLogger returns the server's structured logger writing format ("json" or "text") to w.
func newLogger(format string, w io.Writer) (*slog.Logger, error) {
	switch format {
	case "json":
		return slog.New(slog.NewJSONHandler(w, nil)), nil
	case "text":
		return slog.New(slog.NewTextHandler(w, nil)), nil
	}
	return nil, fmt.Errorf("serve: --log-format must be json or text, not %q", format)
}

// flagSet reports whether the command line set the flag name.
func flagSet(fs *flag.FlagSet, name string) bool {
	set := false
	fs.Visit(func(f *flag.Flag) { set = set || f.Name == name })
	return set
}

// envInt returns the environment variable name as an integer, or def when it is unset or not
// a number.
func envInt(e env, name string, def int) int {
	if n, err := strconv.Atoi(e.getenv(name)); err == nil {
		return n
	}
	return def
}

// envOr returns the environment variable name, or def when it is unset or empty.
func envOr(e env, name, def string) string {
	if v := e.getenv(name); v != "" {
		return v
	}
	return def
}
