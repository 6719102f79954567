package wordpiece

import (
	"hash/maphash"
	"slices"
	"sync"
)

// cacheShards is the number of independently locked parts of the cache; with
// more shards than cores, goroutines rarely wait on each other's locks.
const cacheShards = 64

// cache remembers the pieces of words that are not whole vocabulary tokens.
// It is bounded: a full shard is emptied before the next insertion, which
// keeps memory fixed without bookkeeping on the hot path. Entries are never
// modified after insertion, so readers can use them without holding a lock.
type cache struct {
	seed     maphash.Seed
	perShard int
	shards   [cacheShards]cacheShard
}

// cacheShard is one lock and map, padded so that neighbouring shards' locks
// do not share a cache line.
type cacheShard struct {
	mu sync.RWMutex
	m  map[string][]piece
	_  [64]byte
}

// newCache returns a cache for about size words.
func newCache(size int) *cache {
	c := &cache{seed: maphash.MakeSeed(), perShard: max(1, (size+cacheShards-1)/cacheShards)}
	for i := range c.shards {
		c.shards[i].m = make(map[string][]piece)
	}
	return c
}

// shard returns the shard responsible for word w.
func (c *cache) shard(w []byte) *cacheShard {
	return &c.shards[maphash.Bytes(c.seed, w)%cacheShards]
}

// get returns the cached pieces of w.
func (c *cache) get(w []byte) ([]piece, bool) {
	s := c.shard(w)
	s.mu.RLock()
	ps, ok := s.m[string(w)]
	s.mu.RUnlock()
	return ps, ok
}

// put stores a copy of the pieces ps of w.
func (c *cache) put(w []byte, ps []piece) {
	key, val := string(w), slices.Clone(ps)
	s := c.shard(w)
	s.mu.Lock()
	if len(s.m) >= c.perShard {
		clear(s.m)
	}
	s.m[key] = val
	s.mu.Unlock()
}
