package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/tribune/tribune/moderation"
)

var _ moderation.AuthorStore = (*DB)(nil)

// Standing returns an author's standing, the zero Standing when none was set.
func (db *DB) Standing(ctx context.Context, authorKey string) (moderation.Standing, error) {
	var status string
	var until sql.NullString
	err := db.read.QueryRowContext(ctx, `SELECT status, until FROM authors WHERE id = ?`, authorKey).Scan(&status, &until)
	if errors.Is(err, sql.ErrNoRows) {
		return moderation.Standing{}, nil
	}
	if err != nil {
		return moderation.Standing{}, fmt.Errorf("standing of author %q: %w", authorKey, err)
	}
	st := moderation.Standing{Status: moderation.AuthorStatus(status)}
	if until.Valid {
		if st.Until, err = parseTime(until.String); err != nil {
			return moderation.Standing{}, fmt.Errorf("standing of author %q: %w", authorKey, err)
		}
	}
	return st, nil
}

// SetStanding stores an author's standing and appends act, in one transaction.
func (db *DB) SetStanding(ctx context.Context, authorKey string, st moderation.Standing, act moderation.AuthorAction) error {
	var until sql.NullString
	if st.Status == moderation.AuthorSuspended {
		until = sql.NullString{String: formatTime(st.Until), Valid: true}
	}
	err := db.withTx(ctx, func(ctx context.Context, tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `INSERT INTO authors (id, status, until, updated_at) VALUES (?, ?, ?, ?)
			ON CONFLICT (id) DO UPDATE SET status = excluded.status, until = excluded.until, updated_at = excluded.updated_at`,
			authorKey, string(st.Status), until, formatTime(act.CreatedAt)); err != nil {
			return translate(err)
		}
		return insertAction(ctx, tx, act)
	})
	if err != nil {
		return fmt.Errorf("set standing of author %q: %w", authorKey, err)
	}
	return nil
}

// AddAction appends one row to the moderator action log.
func (db *DB) AddAction(ctx context.Context, act moderation.AuthorAction) error {
	if act.CreatedAt.IsZero() {
		act.CreatedAt = db.now()
	}
	err := db.withTx(ctx, func(ctx context.Context, tx *sql.Tx) error { return insertAction(ctx, tx, act) })
	if err != nil {
		return fmt.Errorf("add action on %s: %w", act.Subject, err)
	}
	return nil
}

func insertAction(ctx context.Context, tx *sql.Tx, act moderation.AuthorAction) error {
	_, err := tx.ExecContext(ctx, `INSERT INTO moderator_actions (subject, action, detail, moderator_id, created_at)
		VALUES (?, ?, ?, ?, ?)`, act.Subject, act.Action, act.Detail, act.ModeratorID, formatTime(act.CreatedAt))
	if err != nil {
		return fmt.Errorf("action %s: %w", act.Action, translate(err))
	}
	return nil
}

// Actions returns up to limit rows of a subject's action log, newest first.
func (db *DB) Actions(ctx context.Context, subject string, limit int) ([]moderation.AuthorAction, error) {
	rows, err := db.read.QueryContext(ctx, `SELECT a.id, a.subject, a.action, a.detail, a.moderator_id, m.name, a.created_at
		FROM moderator_actions a JOIN moderators m ON m.id = a.moderator_id
		WHERE a.subject = ? ORDER BY a.id DESC LIMIT ?`, subject, clampLimit(limit))
	if err != nil {
		return nil, fmt.Errorf("actions on %s: %w", subject, err)
	}
	defer rows.Close()
	out := []moderation.AuthorAction{}
	for rows.Next() {
		var a moderation.AuthorAction
		var at string
		if err := rows.Scan(&a.ID, &a.Subject, &a.Action, &a.Detail, &a.ModeratorID, &a.ModeratorName, &at); err != nil {
			return nil, fmt.Errorf("actions on %s: %w", subject, err)
		}
		if a.CreatedAt, err = parseTime(at); err != nil {
			return nil, fmt.Errorf("actions on %s: %w", subject, err)
		}
		out = append(out, a)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("actions on %s: %w", subject, err)
	}
	return out, nil
}

// SiteAuthorComments returns up to limit of an author's comments on one site, newest first.
func (db *DB) SiteAuthorComments(ctx context.Context, site int64, authorID string, limit int) ([]moderation.Comment, error) {
	cs, err := queryComments(ctx, db.read, commentSelect+` WHERE c.author_id = ? AND `+commentSite+` = ?
		ORDER BY c.created_at DESC, c.id DESC LIMIT ?`, formatTime(db.now()), authorID, site, clampLimit(limit))
	if err != nil {
		return nil, fmt.Errorf("comments of author %q on site %d: %w", authorID, site, err)
	}
	return cs, nil
}

// SetArticleMode changes an article's mode and appends act, in one transaction; ErrNotFound
// for an unknown article.
func (db *DB) SetArticleMode(ctx context.Context, articleKey string, mode moderation.Mode, act moderation.AuthorAction) error {
	err := db.withTx(ctx, func(ctx context.Context, tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE articles SET mode = ?, updated_at = ? WHERE id = ?`,
			string(mode), formatTime(act.CreatedAt), articleKey)
		if err != nil {
			return err
		}
		if n, err := res.RowsAffected(); err != nil {
			return err
		} else if n == 0 {
			return moderation.ErrNotFound
		}
		return insertAction(ctx, tx, act)
	})
	if err != nil {
		return fmt.Errorf("set mode of article %q: %w", articleKey, err)
	}
	return nil
}
