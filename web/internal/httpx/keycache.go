package httpx

import (
	"sync"
	"time"

	"github.com/tribune/tribune/moderation"
)

// DefaultKeyCacheTTL is how long an authenticated API key is trusted without asking the
// database again. It bounds how long a revoked key keeps working (revocation may come from
// another process, tribune apikey revoke, so it cannot be pushed to this cache).
const DefaultKeyCacheTTL = 5 * time.Second

// keyCacheMax bounds the cache; a site has a handful of keys, so reaching it means someone is
// cycling through keys, and the cache simply starts over.
const keyCacheMax = 1024

// keyCache remembers recently authenticated API keys: it saves a database query (and a
// SHA-256) per request on the hot path. Failures are never cached.
type keyCache struct {
	ttl     time.Duration
	mu      sync.RWMutex
	entries map[string]cachedKey
}

type cachedKey struct {
	key     moderation.APIKey
	expires time.Time
}

func newKeyCache(ttl time.Duration) *keyCache {
	return &keyCache{ttl: ttl, entries: map[string]cachedKey{}}
}

// get returns the cached key for a presented secret, if it is still fresh.
func (kc *keyCache) get(secret string, now time.Time) (moderation.APIKey, bool) {
	if kc.ttl <= 0 {
		return moderation.APIKey{}, false
	}
	kc.mu.RLock()
	e, ok := kc.entries[secret]
	kc.mu.RUnlock()
	if !ok || now.After(e.expires) {
		return moderation.APIKey{}, false
	}
	return e.key, true
}

// put caches a successfully authenticated key.
func (kc *keyCache) put(secret string, k moderation.APIKey, now time.Time) {
	if kc.ttl <= 0 {
		return
	}
	kc.mu.Lock()
	defer kc.mu.Unlock()
	if len(kc.entries) >= keyCacheMax {
		clear(kc.entries)
	}
	kc.entries[secret] = cachedKey{key: k, expires: now.Add(kc.ttl)}
}
