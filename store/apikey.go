package store

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"time"

	"github.com/tribune/tribune/moderation"
)

// CreateAPIKey stores an API key by its hash; a zero CreatedAt is set from the clock. A
// duplicate hash is ErrConflict.
func (db *DB) CreateAPIKey(ctx context.Context, k moderation.APIKey, keyHash string) (moderation.APIKey, error) {
	if k.CreatedAt.IsZero() {
		k.CreatedAt = db.now()
	}
	k.CreatedAt = k.CreatedAt.UTC()
	var revoked sql.NullString
	if k.RevokedAt != nil {
		revoked = sql.NullString{String: formatTime(*k.RevokedAt), Valid: true}
		t := k.RevokedAt.UTC()
		k.RevokedAt = &t
	}
	err := db.withTx(ctx, func(ctx context.Context, tx *sql.Tx) error {
		if k.SiteID == 0 {
			k.SiteID = moderation.DefaultSiteID
		}
		var n int
		if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM sites WHERE id = ?`, k.SiteID).Scan(&n); err != nil {
			return err
		}
		if n == 0 {
			return fmt.Errorf("site %d: %w", k.SiteID, moderation.ErrNotFound)
		}
		res, err := tx.ExecContext(ctx, `INSERT INTO api_keys (name, prefix, key_hash, created_at, revoked_at,
			site_id, scopes, rate_per_minute) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
			k.Name, k.Prefix, keyHash, formatTime(k.CreatedAt), revoked, k.SiteID, formatScopes(k.Scopes), k.RatePerMinute)
		if err != nil {
			return translate(err)
		}
		k.ID, err = res.LastInsertId()
		return err
	})
	if err != nil {
		return moderation.APIKey{}, fmt.Errorf("create api key %q: %w", k.Name, err)
	}
	return k, nil
}

const apiKeyColumns = `id, name, prefix, created_at, revoked_at, site_id, scopes, rate_per_minute`

func formatScopes(scopes []moderation.Scope) string {
	parts := make([]string, len(scopes))
	for i, sc := range scopes {
		parts[i] = string(sc)
	}
	return strings.Join(parts, " ")
}

func scanAPIKey(scan func(...any) error) (moderation.APIKey, error) {
	var k moderation.APIKey
	var created, scopes string
	var revoked sql.NullString
	if err := scan(&k.ID, &k.Name, &k.Prefix, &created, &revoked, &k.SiteID, &scopes, &k.RatePerMinute); err != nil {
		return k, translate(err)
	}
	for _, f := range strings.Fields(scopes) {
		k.Scopes = append(k.Scopes, moderation.Scope(f))
	}
	var err error
	if k.CreatedAt, err = parseTime(created); err != nil {
		return k, err
	}
	if revoked.Valid {
		t, err := parseTime(revoked.String)
		if err != nil {
			return k, err
		}
		k.RevokedAt = &t
	}
	return k, nil
}

// APIKeyByHash returns the key with the given hash, revoked or not (the caller checks
// RevokedAt), or ErrNotFound.
func (db *DB) APIKeyByHash(ctx context.Context, keyHash string) (moderation.APIKey, error) {
	k, err := scanAPIKey(db.read.QueryRowContext(ctx, `SELECT `+apiKeyColumns+` FROM api_keys WHERE key_hash = ?`, keyHash).Scan)
	if err != nil {
		return moderation.APIKey{}, fmt.Errorf("api key by hash: %w", err)
	}
	return k, nil
}

// APIKeys lists every API key, revoked ones included, in creation order.
func (db *DB) APIKeys(ctx context.Context) ([]moderation.APIKey, error) {
	out, err := queryList(ctx, db.read, func(rows *sql.Rows) (moderation.APIKey, error) { return scanAPIKey(rows.Scan) },
		`SELECT `+apiKeyColumns+` FROM api_keys ORDER BY id`)
	if err != nil {
		return nil, fmt.Errorf("list api keys: %w", err)
	}
	return out, nil
}

// RevokeAPIKey marks a key revoked at at; revoking a revoked key keeps the first time.
// ErrNotFound for an unknown ID.
func (db *DB) RevokeAPIKey(ctx context.Context, id int64, at time.Time) error {
	err := db.withTx(ctx, func(ctx context.Context, tx *sql.Tx) error {
		return execOne(ctx, tx, `UPDATE api_keys SET revoked_at = coalesce(revoked_at, ?) WHERE id = ?`,
			formatTime(at), id)
	})
	if err != nil {
		return fmt.Errorf("revoke api key %d: %w", id, err)
	}
	return nil
}
