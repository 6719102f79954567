package moderation

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"sync"
	"time"
	"unicode"

	"golang.org/x/crypto/bcrypt"
)

// Account settings.
const (
	// SessionTTL is how long a moderator stays logged in.
	SessionTTL = 12 * time.Hour
	// MinPasswordLength is the shortest password a moderator may choose.
	MinPasswordLength = 10
	// apiKeyPrefix marks Tribune keys, so they are recognisable in logs and secret scanners.
	apiKeyPrefix = "trb_"
)

// BcryptCost is the bcrypt work factor for moderator passwords. Tests lower it.
var BcryptCost = bcrypt.DefaultCost

// KeySpec describes a new API key.
type KeySpec struct {
	Name string
	// SiteID is the key's site; 0 means DefaultSiteID.
	SiteID int64
	// Scopes is what the key may do; empty means every scope.
	Scopes []Scope
	// RatePerMinute overrides the server's per-key rate limit; 0 keeps the default.
	RatePerMinute int
}

// MaxRatePerMinute bounds a key's configurable rate.
const MaxRatePerMinute = 1_000_000

// CreateAPIKey makes a new API key with every scope on the default site. See CreateSiteAPIKey.
func (s *Service) CreateAPIKey(ctx context.Context, name string) (string, APIKey, error) {
	return s.CreateSiteAPIKey(ctx, KeySpec{Name: name})
}

// CreateSiteAPIKey makes a new API key for a site backend. The secret is returned once; only
// its SHA-256 is stored (keys are 256 random bits, so a fast hash is safe and lookups stay
// cheap).
func (s *Service) CreateSiteAPIKey(ctx context.Context, spec KeySpec) (string, APIKey, error) {
	if err := checkText("name", spec.Name, MaxNameBytes, true); err != nil {
		return "", APIKey{}, err
	}
	if spec.SiteID == 0 {
		spec.SiteID = DefaultSiteID
	}
	if len(spec.Scopes) == 0 {
		spec.Scopes = []Scope{ScopeSite, ScopeScore}
	}
	for _, sc := range spec.Scopes {
		if !sc.Valid() {
			return "", APIKey{}, invalid("scope", "%q is not a scope (site, score)", sc)
		}
	}
	if spec.RatePerMinute < 0 || spec.RatePerMinute > MaxRatePerMinute {
		return "", APIKey{}, invalid("rate", "must be between 0 (server default) and %d per minute", MaxRatePerMinute)
	}
	secret, err := randomToken()
	if err != nil {
		return "", APIKey{}, err
	}
	key := apiKeyPrefix + secret
	k, err := s.store.CreateAPIKey(ctx, APIKey{Name: spec.Name, Prefix: key[:len(apiKeyPrefix)+6], CreatedAt: s.now(),
		SiteID: spec.SiteID, Scopes: spec.Scopes, RatePerMinute: spec.RatePerMinute}, hashSecret(key))
	if err != nil {
		return "", APIKey{}, fmt.Errorf("create api key: %w", err)
	}
	return key, k, nil
}

// AuthenticateKey returns the API key matching a presented secret, or ErrUnauthenticated.
func (s *Service) AuthenticateKey(ctx context.Context, key string) (APIKey, error) {
	if key == "" || len(key) > 200 {
		return APIKey{}, ErrUnauthenticated
	}
	k, err := s.store.APIKeyByHash(ctx, hashSecret(key))
	if errors.Is(err, ErrNotFound) || (err == nil && k.RevokedAt != nil) {
		return APIKey{}, ErrUnauthenticated
	}
	if err != nil {
		return APIKey{}, fmt.Errorf("authenticate key: %w", err)
	}
	return k, nil
}

// APIKeys lists every API key (secrets are never returned).
func (s *Service) APIKeys(ctx context.Context) ([]APIKey, error) { return s.store.APIKeys(ctx) }

// RevokeAPIKey stops a key from working.
func (s *Service) RevokeAPIKey(ctx context.Context, id int64) error {
	return s.store.RevokeAPIKey(ctx, id, s.now())
}

// AddModerator creates a moderator account with a bcrypt-hashed password.
func (s *Service) AddModerator(ctx context.Context, name, password string, role Role) (Moderator, error) {
	if err := checkName("name", name); err != nil {
		return Moderator{}, err
	}
	if !role.Valid() {
		return Moderator{}, invalid("role", "must be moderator or admin")
	}
	hash, err := hashPassword(password)
	if err != nil {
		return Moderator{}, err
	}
	return s.store.CreateModerator(ctx, Moderator{Name: name, Role: role, CreatedAt: s.now()}, hash)
}

// checkName validates a login or site name: printable, no spaces, no control or invisible
// (format) characters, so that two names that look the same are the same.
func checkName(field, name string) error {
	if err := checkText(field, name, MaxNameBytes, true); err != nil {
		return err
	}
	for _, r := range name {
		switch {
		case unicode.IsSpace(r):
			return invalid(field, "must not contain spaces")
		case unicode.IsControl(r) || unicode.Is(unicode.Cf, r) || !unicode.IsPrint(r):
			return invalid(field, "must not contain control or invisible characters (U+%04X)", r)
		}
	}
	return nil
}

// SetPassword changes a moderator's password and ends every session they have: whoever knew
// the old password (or held a session opened with it) is out.
func (s *Service) SetPassword(ctx context.Context, name, password string) error {
	hash, err := hashPassword(password)
	if err != nil {
		return err
	}
	return s.store.SetModeratorPassword(ctx, name, hash)
}

// Moderators lists every moderator.
func (s *Service) Moderators(ctx context.Context) ([]Moderator, error) {
	return s.store.Moderators(ctx)
}

// SetModeratorEnabled disables (ending every session) or re-enables a moderator. The last
// enabled admin cannot be disabled.
func (s *Service) SetModeratorEnabled(ctx context.Context, name string, enabled bool) error {
	var at *time.Time
	if !enabled {
		if err := s.keepOneAdmin(ctx, name); err != nil {
			return err
		}
		now := s.now()
		at = &now
	}
	return s.store.SetModeratorDisabled(ctx, name, at)
}

// SetRole changes a moderator's role; the change holds from their next request. The last
// enabled admin cannot be demoted.
func (s *Service) SetRole(ctx context.Context, name string, role Role) error {
	if !role.Valid() {
		return invalid("role", "must be moderator or admin")
	}
	if role != RoleAdmin {
		if err := s.keepOneAdmin(ctx, name); err != nil {
			return err
		}
	}
	return s.store.SetModeratorRole(ctx, name, role)
}

// RestrictModerator limits a moderator to some sites; no sites means every site.
func (s *Service) RestrictModerator(ctx context.Context, name string, sites []int64) error {
	for _, id := range sites {
		if id <= 0 {
			return invalid("site", "%d is not a site id", id)
		}
	}
	return s.store.SetModeratorSites(ctx, name, sites)
}

// RemoveModerator deletes a moderator who never decided anything. One with history
// (decisions, audit rows) is ErrConflict: disable them instead, so the audit log keeps naming
// who decided.
func (s *Service) RemoveModerator(ctx context.Context, name string) error {
	if err := s.keepOneAdmin(ctx, name); err != nil {
		return err
	}
	return s.store.DeleteModerator(ctx, name)
}

// keepOneAdmin refuses a change that would leave no enabled admin, when name is one.
func (s *Service) keepOneAdmin(ctx context.Context, name string) error {
	ms, err := s.store.Moderators(ctx)
	if err != nil {
		return err
	}
	admins, isAdmin := 0, false
	for _, m := range ms {
		if m.IsAdmin() && !m.Disabled() {
			admins++
			isAdmin = isAdmin || m.Name == name
		}
	}
	if isAdmin && admins == 1 {
		return &ConflictError{Reason: name + " is the only enabled admin; make another admin first"}
	}
	return nil
}

// PurgeSessions deletes expired sessions and forgotten login failures; it returns how many
// sessions went. The server runs it periodically.
func (s *Service) PurgeSessions(ctx context.Context) (int64, error) {
	now := s.now()
	n, err := s.store.PurgeSessions(ctx, now)
	if err != nil {
		return 0, fmt.Errorf("purge sessions: %w", err)
	}
	if err := s.store.PurgeLoginFailures(ctx, now.Add(-loginMemory)); err != nil {
		return n, fmt.Errorf("purge login failures: %w", err)
	}
	return n, nil
}

// ServerSecret returns a random secret kept in the database under name, creating it on first
// use, so every instance on the database shares it and it survives restarts.
func (s *Service) ServerSecret(ctx context.Context, name string) ([]byte, error) {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		return nil, fmt.Errorf("server secret: %w", err)
	}
	return s.store.Secret(ctx, name, b)
}

func hashPassword(password string) (string, error) {
	if len(password) < MinPasswordLength {
		return "", invalid("password", "must be at least %d characters", MinPasswordLength)
	}
	// bcrypt reads at most 72 bytes; refuse longer ones rather than silently ignoring the rest.
	if len(password) > 72 {
		return "", invalid("password", "must be at most 72 bytes")
	}
	h, err := bcrypt.GenerateFromPassword([]byte(password), BcryptCost)
	if err != nil {
		return "", fmt.Errorf("hash password: %w", err)
	}
	return string(h), nil
}

// Login checks a moderator's password and opens a session. It returns the session token
// (for a cookie) and the moderator. Wrong name, wrong password and a disabled account give
// the same error, after the same amount of work.
func (s *Service) Login(ctx context.Context, name, password string) (string, Moderator, error) {
	m, hash, err := s.store.ModeratorByName(ctx, name)
	if errors.Is(err, ErrNotFound) {
		// Spend the same time as a real check (same cost factor), so response times do not
		// reveal which names exist.
		_ = bcrypt.CompareHashAndPassword(dummyHash(), []byte(password))
		return "", Moderator{}, ErrUnauthenticated
	}
	if err != nil {
		return "", Moderator{}, fmt.Errorf("login: %w", err)
	}
	if bcrypt.CompareHashAndPassword([]byte(hash), []byte(password)) != nil || m.Disabled() {
		return "", Moderator{}, ErrUnauthenticated
	}
	token, err := randomToken()
	if err != nil {
		return "", Moderator{}, err
	}
	if err := s.store.CreateSession(ctx, hashSecret(token), m.ID, s.now().Add(SessionTTL)); err != nil {
		return "", Moderator{}, fmt.Errorf("login: %w", err)
	}
	return token, m, nil
}

// dummyHashes caches, per cost, a bcrypt hash of a random password, compared against on
// unknown names. It is made at the cost real hashes use, so both checks take as long.
var dummyHashes sync.Map // int -> []byte

func dummyHash() []byte {
	cost := BcryptCost
	if h, ok := dummyHashes.Load(cost); ok {
		return h.([]byte)
	}
	pw := make([]byte, 16)
	_, _ = rand.Read(pw) // crypto/rand.Read never fails (Go 1.24+)
	h, err := bcrypt.GenerateFromPassword(pw, cost)
	if err != nil {
		// Only an out-of-range cost fails; fall back to the default so the check still costs.
		h, _ = bcrypt.GenerateFromPassword(pw, bcrypt.DefaultCost)
	}
	actual, _ := dummyHashes.LoadOrStore(cost, h)
	return actual.([]byte)
}

// SessionModerator returns the moderator a session token belongs to, or ErrUnauthenticated.
func (s *Service) SessionModerator(ctx context.Context, token string) (Moderator, error) {
	if token == "" || len(token) > 200 {
		return Moderator{}, ErrUnauthenticated
	}
	m, err := s.store.SessionModerator(ctx, hashSecret(token), s.now())
	if errors.Is(err, ErrNotFound) {
		return Moderator{}, ErrUnauthenticated
	}
	return m, err
}

// Logout ends a session.
func (s *Service) Logout(ctx context.Context, token string) error {
	err := s.store.DeleteSession(ctx, hashSecret(token))
	if errors.Is(err, ErrNotFound) {
		return nil
	}
	return err
}

func randomToken() (string, error) {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		return "", fmt.Errorf("random token: %w", err)
	}
	return base64.RawURLEncoding.EncodeToString(b), nil
}

// hashSecret is how API keys and session tokens are stored: hex SHA-256.
func hashSecret(secret string) string {
	sum := sha256.Sum256([]byte(secret))
	return hex.EncodeToString(sum[:])
}
