package httpx

import (
	"math"
	"sync"
	"time"
)

// DefaultKeyRatePerMinute is an API key's request rate when neither the key nor the server
// sets one: far above what a site backend sends (one request per comment), low enough that a
// leaked key cannot keep both cores busy scoring.
const DefaultKeyRatePerMinute = 3000

// keyBurstSeconds is how many seconds of a key's rate it may spend at once.
const keyBurstSeconds = 10

// keyLimiter is a token bucket per API key: each key earns rate/60 tokens a second up to a
// burst of keyBurstSeconds' worth, and every request spends tokens in proportion to its size
// (requestCost), because scoring costs CPU in proportion to the text: a rate counts 1 KiB
// requests, and a maximal Perspective request costs as much as sixty small ones. Buckets live in memory, per
// process: an instance enforces its own share, which is what bounds its own CPU.
type keyLimiter struct {
	mu      sync.Mutex
	now     func() time.Time
	buckets map[int64]*bucket
}

type bucket struct {
	tokens float64
	last   time.Time
	rate   int
}

// maxBuckets bounds the limiter's memory; a server has a handful of keys.
const maxBuckets = 10_000

func newKeyLimiter(now func() time.Time) *keyLimiter {
	return &keyLimiter{now: now, buckets: map[int64]*bucket{}}
}

// requestCost is what a request of n body bytes spends: one token per started KiB. An unknown
// length (chunked) is charged as the largest body.
func requestCost(n, maxBody int64) float64 {
	if n < 0 {
		n = maxBody
	}
	return float64(1 + n/1024)
}

// take spends cost tokens of key id's bucket (rate per minute), or says how long until they
// are earned. A cost above the burst is capped at the burst, so every request can pass.
func (l *keyLimiter) take(id int64, ratePerMinute int, cost float64) (ok bool, retryAfter time.Duration) {
	if ratePerMinute <= 0 {
		return true, 0
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	now := l.now()
	perSecond := float64(ratePerMinute) / 60
	burst := math.Max(1, perSecond*keyBurstSeconds)
	b, found := l.buckets[id]
	if !found || b.rate != ratePerMinute {
		if len(l.buckets) >= maxBuckets {
			clear(l.buckets)
		}
		b = &bucket{tokens: burst, last: now, rate: ratePerMinute}
		l.buckets[id] = b
	}
	if elapsed := now.Sub(b.last).Seconds(); elapsed > 0 {
		b.tokens = math.Min(burst, b.tokens+elapsed*perSecond)
	}
	b.last = now
	cost = math.Min(math.Max(cost, 1), burst)
	if b.tokens >= cost {
		b.tokens -= cost
		return true, 0
	}
	return false, time.Duration((cost - b.tokens) / perSecond * float64(time.Second))
}
