package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"
	"strings"
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

const moderatorColumns = `m.id, m.name, m.role, m.created_at, m.disabled_at, m.sites`

func scanModerator(scan func(...any) error, extra ...any) (moderation.Moderator, error) {
	var m moderation.Moderator
	var role, created, sites string
	var disabled sql.NullString
	if err := scan(append([]any{&m.ID, &m.Name, &role, &created, &disabled, &sites}, extra...)...); err != nil {
		return m, translate(err)
	}
	m.Role = moderation.Role(role)
	var err error
	if m.CreatedAt, err = parseTime(created); err != nil {
		return m, err
	}
	if disabled.Valid {
		t, err := parseTime(disabled.String)
		if err != nil {
			return m, err
		}
		m.DisabledAt = &t
	}
	m.Sites, err = parseIDList(sites)
	return m, err
}

// parseIDList reads a space-separated list of ids ("" is none).
func parseIDList(s string) ([]int64, error) {
	var out []int64
	for _, f := range strings.Fields(s) {
		id, err := strconv.ParseInt(f, 10, 64)
		if err != nil {
			return nil, fmt.Errorf("id list %q: %w", s, err)
		}
		out = append(out, id)
	}
	return out, nil
}

func formatIDList(ids []int64) string {
	parts := make([]string, len(ids))
	for i, id := range ids {
		parts[i] = strconv.FormatInt(id, 10)
	}
	return strings.Join(parts, " ")
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
	out, err := queryList(ctx, db.read, func(rows *sql.Rows) (moderation.Moderator, error) { return scanModerator(rows.Scan) },
		`SELECT `+moderatorColumns+` FROM moderators m ORDER BY m.name`)
	if err != nil {
		return nil, fmt.Errorf("list moderators: %w", err)
	}
	return out, nil
}

// SetModeratorPassword replaces a moderator's password hash; ErrNotFound for an unknown name.
func (db *DB) SetModeratorPassword(ctx context.Context, name, passwordHash string) error {
	err := db.withTx(ctx, func(ctx context.Context, tx *sql.Tx) error {
		if err := execOne(ctx, tx, `UPDATE moderators SET password_hash = ? WHERE name = ?`, passwordHash, name); err != nil {
			return err
		}
		return deleteSessionsOf(ctx, tx, name)
	})
	if err != nil {
		return fmt.Errorf("set password of moderator %q: %w", name, err)
	}
	return nil
}

// deleteSessionsOf ends every session of the moderator called name.
func deleteSessionsOf(ctx context.Context, tx *sql.Tx, name string) error {
	_, err := tx.ExecContext(ctx, `DELETE FROM sessions
		WHERE moderator_id = (SELECT id FROM moderators WHERE name = ?)`, name)
	return err
}

// SetModeratorDisabled disables a moderator at at, deleting their sessions, or re-enables
// them when at is nil. ErrNotFound for an unknown name.
func (db *DB) SetModeratorDisabled(ctx context.Context, name string, at *time.Time) error {
	var v sql.NullString
	if at != nil {
		v = sql.NullString{String: formatTime(*at), Valid: true}
	}
	err := db.withTx(ctx, func(ctx context.Context, tx *sql.Tx) error {
		if err := execOne(ctx, tx, `UPDATE moderators SET disabled_at = ? WHERE name = ?`, v, name); err != nil {
			return err
		}
		if at == nil {
			return nil
		}
		if err := deleteSessionsOf(ctx, tx, name); err != nil {
			return err
		}
		// A disabled moderator's claims end now, so their comments go back to the queue.
		_, err := tx.ExecContext(ctx, `DELETE FROM claims
			WHERE moderator_id = (SELECT id FROM moderators WHERE name = ?)`, name)
		return err
	})
	if err != nil {
		return fmt.Errorf("set moderator %q disabled: %w", name, err)
	}
	return nil
}

// SetModeratorRole changes a moderator's role; ErrNotFound for an unknown name.
func (db *DB) SetModeratorRole(ctx context.Context, name string, role moderation.Role) error {
	err := db.withTx(ctx, func(ctx context.Context, tx *sql.Tx) error {
		return execOne(ctx, tx, `UPDATE moderators SET role = ? WHERE name = ?`, string(role), name)
	})
	if err != nil {
		return fmt.Errorf("set role of moderator %q: %w", name, err)
	}
	return nil
}

// SetModeratorSites restricts a moderator to sites (none: every site). Unknown sites are
// ErrNotFound.
func (db *DB) SetModeratorSites(ctx context.Context, name string, sites []int64) error {
	err := db.withTx(ctx, func(ctx context.Context, tx *sql.Tx) error {
		for _, id := range sites {
			var n int
			if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM sites WHERE id = ?`, id).Scan(&n); err != nil {
				return err
			}
			if n == 0 {
				return fmt.Errorf("site %d: %w", id, moderation.ErrNotFound)
			}
		}
		return execOne(ctx, tx, `UPDATE moderators SET sites = ? WHERE name = ?`, formatIDList(sites), name)
	})
	if err != nil {
		return fmt.Errorf("set sites of moderator %q: %w", name, err)
	}
	return nil
}

// DeleteModerator deletes a moderator and their sessions. A moderator named by decisions,
// claims or the audit log is ErrConflict (the foreign keys refuse).
func (db *DB) DeleteModerator(ctx context.Context, name string) error {
	err := db.withTx(ctx, func(ctx context.Context, tx *sql.Tx) error {
		if err := deleteSessionsOf(ctx, tx, name); err != nil {
			return err
		}
		res, err := tx.ExecContext(ctx, `DELETE FROM moderators WHERE name = ?`, name)
		if err != nil {
			if errors.Is(translate(err), moderation.ErrNotFound) || errors.Is(translate(err), moderation.ErrConflict) {
				return &moderation.ConflictError{Reason: name + " has decisions or audit entries; disable the account instead"}
			}
			return err
		}
		return oneRow(res)
	})
	if err != nil {
		return fmt.Errorf("delete moderator %q: %w", name, err)
	}
	return nil
}

// Secret returns the secret stored under name, storing value first when there is none; two
// instances racing to create it both end up with the one that won.
func (db *DB) Secret(ctx context.Context, name string, value []byte) ([]byte, error) {
	var out []byte
	err := db.withTx(ctx, func(ctx context.Context, tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `INSERT OR IGNORE INTO secrets (name, value) VALUES (?, ?)`, name, value); err != nil {
			return err
		}
		return tx.QueryRowContext(ctx, `SELECT value FROM secrets WHERE name = ?`, name).Scan(&out)
	})
	if err != nil {
		return nil, fmt.Errorf("secret %q: %w", name, err)
	}
	return out, nil
}

// oneRow is ErrNotFound when res changed no row.
// execOne runs a statement that must change exactly one row: none is ErrNotFound.
func execOne(ctx context.Context, tx *sql.Tx, query string, args ...any) error {
	res, err := tx.ExecContext(ctx, query, args...)
	if err != nil {
		return err
	}
	return oneRow(res)
}

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
