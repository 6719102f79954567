package store

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"github.com/tribune/tribune/moderation"
)

// CreateSite stores a site; a taken name is ErrConflict.
func (db *DB) CreateSite(ctx context.Context, s moderation.Site) (moderation.Site, error) {
	if s.CreatedAt.IsZero() {
		s.CreatedAt = db.now()
	}
	s.CreatedAt = s.CreatedAt.UTC()
	err := db.withTx(ctx, func(ctx context.Context, tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `INSERT INTO sites (name, created_at) VALUES (?, ?)`, s.Name, formatTime(s.CreatedAt))
		if err != nil {
			return translate(err)
		}
		s.ID, err = res.LastInsertId()
		return err
	})
	if err != nil {
		return moderation.Site{}, fmt.Errorf("create site %q: %w", s.Name, err)
	}
	return s, nil
}

func scanSite(scan func(...any) error) (moderation.Site, error) {
	var s moderation.Site
	var created string
	if err := scan(&s.ID, &s.Name, &created); err != nil {
		return s, translate(err)
	}
	var err error
	s.CreatedAt, err = parseTime(created)
	return s, err
}

// Sites lists every site by id.
func (db *DB) Sites(ctx context.Context) ([]moderation.Site, error) {
	out, err := queryList(ctx, db.read, func(rows *sql.Rows) (moderation.Site, error) { return scanSite(rows.Scan) },
		`SELECT id, name, created_at FROM sites ORDER BY id`)
	if err != nil {
		return nil, fmt.Errorf("list sites: %w", err)
	}
	return out, nil
}

// SiteByName returns the site called name, or ErrNotFound.
func (db *DB) SiteByName(ctx context.Context, name string) (moderation.Site, error) {
	s, err := scanSite(db.read.QueryRowContext(ctx, `SELECT id, name, created_at FROM sites WHERE name = ?`, name).Scan)
	if err != nil {
		return moderation.Site{}, fmt.Errorf("site %q: %w", name, err)
	}
	return s, nil
}

// RecordLoginFailure stores one failed login at at under every key, and forgets those keys'
// failures older than an hour, so a key's rows stay few even under a long attack.
func (db *DB) RecordLoginFailure(ctx context.Context, keys []string, at time.Time) error {
	err := db.withTx(ctx, func(ctx context.Context, tx *sql.Tx) error {
		for _, k := range keys {
			if _, err := tx.ExecContext(ctx, `DELETE FROM login_failures WHERE key = ? AND at <= ?`,
				k, formatTime(at.Add(-time.Hour))); err != nil {
				return err
			}
			if _, err := tx.ExecContext(ctx, `INSERT INTO login_failures (key, at) VALUES (?, ?)`, k, formatTime(at)); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("record login failure: %w", err)
	}
	return nil
}

// LoginFailures returns up to limit of key's failures after since, newest first.
func (db *DB) LoginFailures(ctx context.Context, key string, since time.Time, limit int) ([]time.Time, error) {
	out, err := queryList(ctx, db.read, func(rows *sql.Rows) (time.Time, error) {
		var s string
		if err := rows.Scan(&s); err != nil {
			return time.Time{}, err
		}
		return parseTime(s)
	}, `SELECT at FROM login_failures WHERE key = ? AND at > ? ORDER BY at DESC LIMIT ?`, key, formatTime(since), limit)
	if err != nil {
		return nil, fmt.Errorf("login failures: %w", err)
	}
	return out, nil
}

// ClearLoginFailures forgets key's failures.
func (db *DB) ClearLoginFailures(ctx context.Context, key string) error {
	err := db.withTx(ctx, func(ctx context.Context, tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `DELETE FROM login_failures WHERE key = ?`, key)
		return err
	})
	if err != nil {
		return fmt.Errorf("clear login failures: %w", err)
	}
	return nil
}

// PurgeLoginFailures deletes failures at or before before.
func (db *DB) PurgeLoginFailures(ctx context.Context, before time.Time) error {
	err := db.withTx(ctx, func(ctx context.Context, tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `DELETE FROM login_failures WHERE at <= ?`, formatTime(before))
		return err
	})
	if err != nil {
		return fmt.Errorf("purge login failures: %w", err)
	}
	return nil
}

// CheckWrite proves the write path works: it rewrites the health row in a transaction. It
// fails when the disk is full or the file read-only, and, with ErrUnavailable, when another
// writer holds the lock past ctx's deadline.
func (db *DB) CheckWrite(ctx context.Context) error {
	err := db.withTx(ctx, func(ctx context.Context, tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO health (id, checked_at) VALUES (1, ?)
			ON CONFLICT (id) DO UPDATE SET checked_at = excluded.checked_at`, formatTime(db.now()))
		return err
	})
	if err != nil {
		return fmt.Errorf("check write: %w", err)
	}
	return nil
}
