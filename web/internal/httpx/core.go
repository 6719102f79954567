package httpx

import (
	"log/slog"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/tribune/tribune/moderation"
)

// DefaultMaxBodyBytes bounds a request body. A comment is at most moderation.MaxCommentBytes;
// the rest leaves room for JSON escaping (\u00e9 is six bytes for two) and the other fields.
const DefaultMaxBodyBytes = 64 << 10

// Config configures a Core.
type Config struct {
	// Logger receives the detail of internal errors; nil means slog.Default().
	Logger *slog.Logger
	// MaxBodyBytes is the request body limit, which also prices a request in the key's rate;
	// 0 means DefaultMaxBodyBytes.
	MaxBodyBytes int64
	// KeyCacheTTL is how long an authenticated API key is trusted before the database is asked
	// again; 0 means DefaultKeyCacheTTL, a negative value turns the cache off.
	KeyCacheTTL time.Duration
	// KeyRatePerMinute is the request rate of API keys that set none of their own; 0 means
	// DefaultKeyRatePerMinute, a negative value no limit.
	KeyRatePerMinute int
	// Now is the clock of the key cache and the rate limiter; nil means time.Now. Tests
	// inject one to step over a cache lifetime without sleeping.
	Now func() time.Time
}

// Core is the state every front-end shares: the domain service, the logger, API-key
// authentication (cache and rate limiter) and the tarpit for rate-limited answers. One Core
// serves all front-ends of a server, so a key's rate is one budget across them.
type Core struct {
	Svc          *moderation.Service
	Log          *slog.Logger
	MaxBodyBytes int64

	keyRate   int
	now       func() time.Time
	keys      *keyCache
	rates     *keyLimiter
	tarpitted chan struct{}
}

// New returns the Core of a server over svc.
func New(svc *moderation.Service, cfg Config) *Core {
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	if cfg.MaxBodyBytes <= 0 {
		cfg.MaxBodyBytes = DefaultMaxBodyBytes
	}
	if cfg.KeyCacheTTL == 0 {
		cfg.KeyCacheTTL = DefaultKeyCacheTTL
	}
	if cfg.KeyRatePerMinute == 0 {
		cfg.KeyRatePerMinute = DefaultKeyRatePerMinute
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	return &Core{Svc: svc, Log: cfg.Logger, MaxBodyBytes: cfg.MaxBodyBytes, keyRate: cfg.KeyRatePerMinute, now: cfg.Now,
		keys: newKeyCache(cfg.KeyCacheTTL), rates: newKeyLimiter(cfg.Now), tarpitted: make(chan struct{}, maxTarpitted)}
}

// RequestIDKey is where the server's request-ID middleware leaves the request's ID.
const RequestIDKey = "request_id"

// RequestID is the ID of the request being served, as logged and echoed in X-Request-ID.
func RequestID(c *gin.Context) string { return c.GetString(RequestIDKey) }
