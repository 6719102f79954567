package moderation

import (
	"context"
	"errors"
	"fmt"
	"net/netip"
	"strings"
	"time"
)

// The login limiter. Failures are counted per (address, name) pair, so a guesser slows down
// only themselves: a moderator who logs in from anywhere else is never locked out by someone
// hammering their name. After loginFreeFailures failures a pair must wait, twice as long after
// each further failure (1 s, 2 s, 4 s, …, at most loginMaxBackoff). An address that fails
// loginAddressMax times within loginAddressWindow, whatever the names, waits too; that stops
// one client spraying many names. The state is in the database: it survives restarts and is
// shared by every instance on it.
const (
	loginFreeFailures  = 5
	loginMaxBackoff    = 15 * time.Minute
	loginAddressMax    = 50
	loginAddressWindow = 10 * time.Minute
	// loginMemory is how long a failure counts at all.
	loginMemory = time.Hour
	// loginPairLookback bounds the rows read per check; past it the backoff is at its cap.
	loginPairLookback = 32
)

// ErrRateLimited means the caller must wait before trying again.
var ErrRateLimited = errors.New("rate limited")

// RateLimitError is ErrRateLimited with how long to wait.
type RateLimitError struct {
	RetryAfter time.Duration
	Reason     string
}

// Error implements error.
func (e *RateLimitError) Error() string { return e.Reason }

// Unwrap makes errors.Is(err, ErrRateLimited) true.
func (e *RateLimitError) Unwrap() error { return ErrRateLimited }

// LoginLimitStore persists failed logins for the limiter.
type LoginLimitStore interface {
	// RecordLoginFailure stores one failure at at under every key.
	RecordLoginFailure(ctx context.Context, keys []string, at time.Time) error
	// LoginFailures returns up to limit of key's failures after since, newest first.
	LoginFailures(ctx context.Context, key string, since time.Time, limit int) ([]time.Time, error)
	// ClearLoginFailures forgets key's failures (after a successful login).
	ClearLoginFailures(ctx context.Context, key string) error
	// PurgeLoginFailures deletes failures at or before before.
	PurgeLoginFailures(ctx context.Context, before time.Time) error
}

// LoginFrom is Login for a client at address addr (an IP address), behind the login limiter.
// Every login route goes through it. A limited attempt is a *RateLimitError and does not
// check the password at all.
func (s *Service) LoginFrom(ctx context.Context, addr, name, password string) (string, Moderator, error) {
	addrKey := "ip:" + loginAddress(addr)
	pairKey := "ipname:" + loginAddress(addr) + " " + strings.ToLower(name)
	now := s.now()
	wait := max(s.blockedFor(pairKey, now), s.blockedFor(addrKey, now))
	if wait == 0 {
		var err error
		if wait, err = s.loginWait(ctx, pairKey, addrKey, now); err != nil {
			return "", Moderator{}, fmt.Errorf("login: %w", err)
		}
	}
	if wait > 0 {
		return "", Moderator{}, &RateLimitError{RetryAfter: wait,
			Reason: "too many failed logins; try again later"}
	}
	select {
	case s.passwordChecks <- struct{}{}:
		defer func() { <-s.passwordChecks }()
	case <-ctx.Done():
		return "", Moderator{}, fmt.Errorf("login: %w", context.Cause(ctx))
	}
	token, m, err := s.Login(ctx, name, password)
	switch {
	case errors.Is(err, ErrUnauthenticated):
		if rerr := s.store.RecordLoginFailure(ctx, []string{pairKey, addrKey}, now); rerr != nil {
			return "", Moderator{}, fmt.Errorf("login: %w", rerr)
		}
	case err == nil:
		if cerr := s.store.ClearLoginFailures(ctx, pairKey); cerr != nil {
			return "", Moderator{}, fmt.Errorf("login: %w", cerr)
		}
	}
	return token, m, err
}

// blockedFor is how long key is still known to be blocked in this process (0: ask the
// database).
func (s *Service) blockedFor(key string, now time.Time) time.Duration {
	v, ok := s.blocked.Load(key)
	if !ok {
		return 0
	}
	if until := v.(time.Time); until.After(now) {
		return until.Sub(now)
	}
	s.blocked.Delete(key)
	return 0
}

// maxBlocked bounds the in-process block list; past it, it starts over (the database still
// holds the truth).
const maxBlocked = 10_000

// loginWait is how long the pair and the address must still wait (0: go ahead), from the
// database; a wait is remembered in s.blocked.
func (s *Service) loginWait(ctx context.Context, pairKey, addrKey string, now time.Time) (time.Duration, error) {
	var wait time.Duration
	pair, err := s.store.LoginFailures(ctx, pairKey, now.Add(-loginMemory), loginPairLookback)
	if err != nil {
		return 0, err
	}
	if n := len(pair); n >= loginFreeFailures {
		backoff := loginMaxBackoff
		if shift := n - loginFreeFailures; shift < 20 {
			backoff = min(time.Second<<shift, loginMaxBackoff)
		}
		wait = max(wait, pair[0].Add(backoff).Sub(now))
	}
	addr, err := s.store.LoginFailures(ctx, addrKey, now.Add(-loginAddressWindow), loginAddressMax)
	if err != nil {
		return 0, err
	}
	addrWait := time.Duration(0)
	if len(addr) >= loginAddressMax {
		// Allowed again when the oldest failure that keeps the address at the limit leaves
		// the window.
		addrWait = addr[len(addr)-1].Add(loginAddressWindow).Sub(now)
	}
	s.remember(pairKey, now.Add(wait))
	s.remember(addrKey, now.Add(addrWait))
	return max(wait, addrWait, 0), nil
}

// remember notes that key is blocked until until, if that is in the future.
func (s *Service) remember(key string, until time.Time) {
	if !until.After(s.now()) {
		return
	}
	if s.blockedSize.Add(1) > maxBlocked {
		s.blocked.Clear()
		s.blockedSize.Store(0)
	}
	s.blocked.Store(key, until)
}

// loginAddress normalises a client address for the limiter: an IPv6 client usually holds a
// whole /64, so that is the unit; anything unparsable is kept as it is.
func loginAddress(addr string) string {
	ip, err := netip.ParseAddr(addr)
	if err != nil {
		return addr
	}
	ip = ip.Unmap()
	if ip.Is6() {
		p, err := ip.Prefix(64)
		if err == nil {
			return p.String()
		}
	}
	return ip.String()
}
