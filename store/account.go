package store

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"github.com/tribune/tribune/moderation"
)

// CreateModerator stores a moderator with a password hash; a zero CreatedAt is set from the
// clock. A taken name is ErrConflict. Names are compared byte for byte.
func (db *DB) CreateModerator(ctx context.Context, m moderation.Moderator, passwordHash string) (moderation.Moderator, error) {
	if m.CreatedAt.IsZero() {
		m.CreatedAt = db.now()
	}
	m.CreatedAt = m.CreatedAt.UTC()
	err := db.withTx(ctx, func(ctx context.Context, tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `INSERT INTO moderators (name, role, password_hash, created_at)
			VALUES (?, ?, ?, ?)`, m.Name, string(m.Role), passwordHash, formatTime(m.CreatedAt))
		if err != nil {
			return translate(err)
		}
		m.ID, err = res.LastInsertId()
		return err
	})
	if err != nil {
		return moderation.Moderator{}, fmt.Errorf("create moderator %q: %w", m.Name, err)
	}
	return m, nil
}

const moderatorColumns = `m.id, m.name, m.role, m.created_at`

func scanModerator(scan func(...any) error, extra ...any) (moderation.Moderator, error) {
	var m moderation.Moderator
	var role, created string
	if err := scan(append([]any{&m.ID, &m.Name, &role, &created}, extra...)...); err != nil {
		return m, translate(err)
	}
	m.Role = moderation.Role(role)
	var err error
	m.CreatedAt, err = parseTime(created)
	return m, err
}

// ModeratorByName returns a moderator and their password hash, or ErrNotFound.
func (db *DB) ModeratorByName(ctx context.Context, name string) (moderation.Moderator, string, error) {
	var hash string
	row := db.read.QueryRowContext(ctx, `SELECT `+moderatorColumns+`, m.password_hash FROM moderators m WHERE m.name = ?`, name)
	m, err := scanModerator(row.Scan, &hash)
	if err != nil {
		return moderation.Moderator{}, "", fmt.Errorf("moderator %q: %w", name, err)
	}
	return m, hash, nil
}

// Moderators lists every moderator by name.
func (db *DB) Moderators(ctx context.Context) ([]moderation.Moderator, error) {
	rows, err := db.read.QueryContext(ctx, `SELECT `+moderatorColumns+` FROM moderators m ORDER BY m.name`)
	if err != nil {
		return nil, fmt.Errorf("list moderators: %w", err)
	}
	defer rows.Close()
	out := []moderation.Moderator{}
	for rows.Next() {
		m, err := scanModerator(rows.Scan)
		if err != nil {
			return nil, fmt.Errorf("list moderators: %w", err)
		}
		out = append(out, m)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("list moderators: %w", err)
	}
	return out, nil
}

// SetModeratorPassword replaces a moderator's password hash; ErrNotFound for an unknown name.
func (db *DB) SetModeratorPassword(ctx context.Context, name, passwordHash string) error {
	err := db.withTx(ctx, func(ctx context.Context, tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE moderators SET password_hash = ? WHERE name = ?`, passwordHash, name)
		if err != nil {
			return err
		}
		return oneRow(res)
	})
	if err != nil {
		return fmt.Errorf("set password of moderator %q: %w", name, err)
	}
	return nil
}

// oneRow is ErrNotFound when res changed no row.
func oneRow(res sql.Result) error {
	n, err := res.RowsAffected()
	if err != nil {
		return err
	}
	if n == 0 {
		return moderation.ErrNotFound
	}
	return nil
}

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
		res, err := tx.ExecContext(ctx, `INSERT INTO api_keys (name, prefix, key_hash, created_at, revoked_at)
			VALUES (?, ?, ?, ?, ?)`, k.Name, k.Prefix, keyHash, formatTime(k.CreatedAt), revoked)
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

const apiKeyColumns = `id, name, prefix, created_at, revoked_at`

func scanAPIKey(scan func(...any) error) (moderation.APIKey, error) {
	var k moderation.APIKey
	var created string
	var revoked sql.NullString
	if err := scan(&k.ID, &k.Name, &k.Prefix, &created, &revoked); err != nil {
		return k, translate(err)
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
	rows, err := db.read.QueryContext(ctx, `SELECT `+apiKeyColumns+` FROM api_keys ORDER BY id`)
	if err != nil {
		return nil, fmt.Errorf("list api keys: %w", err)
	}
	defer rows.Close()
	out := []moderation.APIKey{}
	for rows.Next() {
		k, err := scanAPIKey(rows.Scan)
		if err != nil {
			return nil, fmt.Errorf("list api keys: %w", err)
		}
		out = append(out, k)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("list api keys: %w", err)
	}
	return out, nil
}

// RevokeAPIKey marks a key revoked at at; revoking a revoked key keeps the first time.
// ErrNotFound for an unknown ID.
func (db *DB) RevokeAPIKey(ctx context.Context, id int64, at time.Time) error {
	err := db.withTx(ctx, func(ctx context.Context, tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE api_keys SET revoked_at = coalesce(revoked_at, ?) WHERE id = ?`,
			formatTime(at), id)
		if err != nil {
			return err
		}
		return oneRow(res)
	})
	if err != nil {
		return fmt.Errorf("revoke api key %d: %w", id, err)
	}
	return nil
}

// CreateSession stores a session by its token hash. An unknown moderator is ErrNotFound, a
// duplicate hash ErrConflict.
func (db *DB) CreateSession(ctx context.Context, tokenHash string, moderatorID int64, expires time.Time) error {
	now := db.now()
	err := db.withTx(ctx, func(ctx context.Context, tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO sessions (token_hash, moderator_id, created_at, expires_at)
			VALUES (?, ?, ?, ?)`, tokenHash, moderatorID, formatTime(now), formatTime(expires))
		return translate(err)
	})
	if err != nil {
		return fmt.Errorf("create session for moderator %d: %w", moderatorID, err)
	}
	return nil
}

// SessionModerator returns the moderator of a session that has not expired at now
// (expires_at > now); ErrNotFound for unknown or expired sessions.
func (db *DB) SessionModerator(ctx context.Context, tokenHash string, now time.Time) (moderation.Moderator, error) {
	row := db.read.QueryRowContext(ctx, `SELECT `+moderatorColumns+` FROM sessions s
		JOIN moderators m ON m.id = s.moderator_id
		WHERE s.token_hash = ? AND s.expires_at > ?`, tokenHash, formatTime(now))
	m, err := scanModerator(row.Scan)
	if err != nil {
		return moderation.Moderator{}, fmt.Errorf("session: %w", err)
	}
	return m, nil
}

// DeleteSession deletes a session. Deleting one that does not exist is not an error, so that
// logging out twice is harmless.
func (db *DB) DeleteSession(ctx context.Context, tokenHash string) error {
	err := db.withTx(ctx, func(ctx context.Context, tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `DELETE FROM sessions WHERE token_hash = ?`, tokenHash)
		return err
	})
	if err != nil {
		return fmt.Errorf("delete session: %w", err)
	}
	return nil
}
