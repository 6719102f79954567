package store

import (
	"context"
	"database/sql"
	"fmt"

	"github.com/tribune/tribune/moderation"
)

// Policy returns the saved policy, or ErrNotFound when none was saved yet.
func (db *DB) Policy(ctx context.Context) (moderation.Policy, error) {
	var body string
	if err := db.read.QueryRowContext(ctx, `SELECT body FROM policy WHERE id = 1`).Scan(&body); err != nil {
		return moderation.Policy{}, fmt.Errorf("policy: %w", translate(err))
	}
	p, err := decodePolicy(body)
	if err != nil {
		return moderation.Policy{}, fmt.Errorf("policy: %w", err)
	}
	return p, nil
}

// SavePolicy replaces the saved policy.
func (db *DB) SavePolicy(ctx context.Context, p moderation.Policy) error {
	body, err := encodePolicy(p)
	if err != nil {
		return fmt.Errorf("save policy: %w", err)
	}
	now := formatTime(db.now())
	err = db.withTx(ctx, func(ctx context.Context, tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO policy (id, body, updated_at) VALUES (1, ?, ?)
			ON CONFLICT (id) DO UPDATE SET body = excluded.body, updated_at = excluded.updated_at`, body, now)
		return err
	})
	if err != nil {
		return fmt.Errorf("save policy: %w", err)
	}
	return nil
}
