package store

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"github.com/tribune/tribune/moderation"
)

// PurgeSessions deletes sessions that expired at or before now.
func (db *DB) PurgeSessions(ctx context.Context, now time.Time) (int64, error) {
	var n int64
	err := db.withTx(ctx, func(ctx context.Context, tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `DELETE FROM sessions WHERE expires_at <= ?`, formatTime(now))
		if err != nil {
			return err
		}
		n, err = res.RowsAffected()
		return err
	})
	if err != nil {
		return 0, fmt.Errorf("purge sessions: %w", err)
	}
	return n, nil
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
		WHERE s.token_hash = ? AND s.expires_at > ? AND m.disabled_at IS NULL`, tokenHash, formatTime(now))
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
