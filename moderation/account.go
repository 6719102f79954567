package moderation

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
	"time"

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

// CreateAPIKey makes a new API key for a site backend. The secret is returned once; only its
// SHA-256 is stored (keys are 256 random bits, so a fast hash is safe and lookups stay cheap).
func (s *Service) CreateAPIKey(ctx context.Context, name string) (string, APIKey, error) {
	if err := checkText("name", name, MaxNameBytes, true); err != nil {
		return "", APIKey{}, err
	}
	secret, err := randomToken()
	if err != nil {
		return "", APIKey{}, err
	}
	key := apiKeyPrefix + secret
	k, err := s.store.CreateAPIKey(ctx, APIKey{Name: name, Prefix: key[:len(apiKeyPrefix)+6], CreatedAt: s.now()}, hashSecret(key))
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
	if err := checkText("name", name, MaxNameBytes, true); err != nil {
		return Moderator{}, err
	}
	if strings.ContainsAny(name, " \t\r\n") {
		return Moderator{}, invalid("name", "must not contain spaces")
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

// SetPassword changes a moderator's password.
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
// (for a cookie) and the moderator. Wrong name and wrong password give the same error.
func (s *Service) Login(ctx context.Context, name, password string) (string, Moderator, error) {
	m, hash, err := s.store.ModeratorByName(ctx, name)
	if errors.Is(err, ErrNotFound) {
		// Spend the same time as a real check, so response times do not reveal valid names.
		_ = bcrypt.CompareHashAndPassword(dummyHash, []byte(password))
		return "", Moderator{}, ErrUnauthenticated
	}
	if err != nil {
		return "", Moderator{}, fmt.Errorf("login: %w", err)
	}
	if bcrypt.CompareHashAndPassword([]byte(hash), []byte(password)) != nil {
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

// dummyHash is a bcrypt hash of a random password, compared against on unknown names.
var dummyHash, _ = bcrypt.GenerateFromPassword([]byte("tribune-no-such-user"), bcrypt.MinCost)

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
