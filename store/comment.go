package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/tribune/tribune/moderation"
)

// InsertComment stores a comment, its scores (under the assessment's model version), its
// machine verdict and a "submitted" audit row in one transaction. A zero CreatedAt is set from
// the clock (a set one is kept, for imports). When nc's (scope, idempotency key) or (scope,
// external ID) was stored before, it stores nothing and returns that comment with created
// false; the lookup runs inside the immediate transaction, so two concurrent retries cannot
// both insert. An unknown article or parent comment fails with ErrNotFound.
func (db *DB) InsertComment(ctx context.Context, nc moderation.NewComment) (moderation.Comment, bool, error) {
	c := nc.Comment
	c.ID, c.Decision, c.Claim = 0, nil, nil
	now := db.now()
	if c.CreatedAt.IsZero() {
		c.CreatedAt = now
	}
	c.CreatedAt = c.CreatedAt.UTC()
	// Encode before taking the write lock: it is held for as short a time as possible.
	reasons, err := encodeReasons(c.Reasons)
	if err != nil {
		return moderation.Comment{}, false, fmt.Errorf("insert comment: %w", err)
	}
	tone, stance, err := encodeScores(c.Assessment.Scores)
	if err != nil {
		return moderation.Comment{}, false, fmt.Errorf("insert comment: %w", err)
	}
	expl, err := encodeExplanation(c.Assessment.Explanation)
	if err != nil {
		return moderation.Comment{}, false, fmt.Errorf("insert comment: %w", err)
	}
	top, _ := c.Assessment.Scores.TopStance()
	created := formatTime(c.CreatedAt)
	detail := reasonCodes(c.Reasons)

	var earlier *moderation.Comment
	err = db.withTx(ctx, func(ctx context.Context, tx *sql.Tx) error {
		id, found, err := findIdempotent(ctx, tx, nc.Scope, nc.IdempotencyKey, c.ExternalID)
		if err != nil {
			return err
		}
		if found {
			prev, err := getComment(ctx, tx, id, now)
			earlier = &prev
			return err
		}
		res, err := tx.ExecContext(ctx, `INSERT INTO comments
			(article_id, author_id, author_name, text, parent_id, external_id, scope, idempotency_key,
			 created_at, model_version, machine_verdict, reasons, priority, status, stance)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			c.ArticleID, c.Author.ID, c.Author.Name, c.Text, nullInt(c.ParentID), nullString(c.ExternalID),
			nc.Scope, nullString(nc.IdempotencyKey), created, c.Assessment.ModelVersion,
			string(c.MachineVerdict), reasons, c.Priority, string(c.MachineVerdict), string(top))
		if err != nil {
			return missingReference(ctx, tx, c, translate(err))
		}
		if c.ID, err = res.LastInsertId(); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO scores
			(comment_id, model_version, tone, stance, explanation, created_at) VALUES (?, ?, ?, ?, ?, ?)`,
			c.ID, c.Assessment.ModelVersion, tone, stance, expl, created); err != nil {
			return translate(err)
		}
		return insertAudit(ctx, tx, auditRow{
			commentID: c.ID, action: moderation.AuditSubmitted, verdict: c.MachineVerdict,
			detail: detail, modelVersion: c.Assessment.ModelVersion, at: now,
		})
	})
	if err != nil {
		return moderation.Comment{}, false, fmt.Errorf("insert comment: %w", err)
	}
	if earlier != nil {
		return *earlier, false, nil
	}
	return c, true, nil
}

// findIdempotent looks up the comment an earlier submission with the same (scope, key) or
// (scope, external ID) stored; empty key and ID never match.
func findIdempotent(ctx context.Context, tx *sql.Tx, scope, key, externalID string) (int64, bool, error) {
	lookups := []struct{ query, value string }{
		{`SELECT id FROM comments WHERE scope = ? AND idempotency_key = ?`, key},
		{`SELECT id FROM comments WHERE scope = ? AND external_id = ?`, externalID},
	}
	for _, l := range lookups {
		if l.value == "" {
			continue
		}
		var id int64
		err := tx.QueryRowContext(ctx, l.query, scope, l.value).Scan(&id)
		if err == nil {
			return id, true, nil
		}
		if !errors.Is(err, sql.ErrNoRows) {
			return 0, false, err
		}
	}
	return 0, false, nil
}

// missingReference turns a foreign-key failure on insert into a not-found error that says
// which reference was missing. SQLite reports only "FOREIGN KEY constraint failed", so look.
func missingReference(ctx context.Context, tx *sql.Tx, c moderation.Comment, err error) error {
	if !errors.Is(err, moderation.ErrNotFound) {
		return err
	}
	var n int
	if qerr := tx.QueryRowContext(ctx, `SELECT count(*) FROM articles WHERE id = ?`, c.ArticleID).Scan(&n); qerr != nil {
		return errors.Join(err, qerr)
	}
	if n == 0 {
		return fmt.Errorf("article %q: %w", c.ArticleID, moderation.ErrNotFound)
	}
	return fmt.Errorf("parent comment %d: %w", c.ParentID, moderation.ErrNotFound)
}

func reasonCodes(rs []moderation.Reason) string {
	codes := make([]string, len(rs))
	for i, r := range rs {
		codes[i] = r.Code
	}
	return strings.Join(codes, ",")
}

// Comment returns a comment with its current assessment, latest decision and live claim, or
// ErrNotFound.
func (db *DB) Comment(ctx context.Context, id int64) (moderation.Comment, error) {
	c, err := getComment(ctx, db.read, id, db.now())
	if err != nil {
		return moderation.Comment{}, fmt.Errorf("comment %d: %w", id, err)
	}
	return c, nil
}

func getComment(ctx context.Context, q querier, id int64, now time.Time) (moderation.Comment, error) {
	var r commentRow
	if err := q.QueryRowContext(ctx, commentSelect+` WHERE c.id = ?`, formatTime(now), id).Scan(r.dest()...); err != nil {
		return moderation.Comment{}, translate(err)
	}
	return r.comment()
}

// ListComments returns one page of an article's comments in ID order, filtered by effective
// status and top stance. A non-positive Limit means 50; at most 1000. An empty page for an
// article that does not exist is ErrNotFound.
func (db *DB) ListComments(ctx context.Context, f moderation.CommentFilter) (moderation.CommentPage, error) {
	limit := clampLimit(f.Limit)
	now := db.now()
	query := commentSelect + ` WHERE c.article_id = ? AND c.id > ?`
	args := []any{formatTime(now), f.ArticleID, f.After}
	if f.Status != "" {
		query += ` AND c.status = ?`
		args = append(args, string(f.Status))
	}
	if f.Stance != "" {
		query += ` AND c.stance = ?`
		args = append(args, string(f.Stance))
	}
	query += ` ORDER BY c.id LIMIT ?`
	args = append(args, limit+1) // one more, to know whether there is a next page
	cs, err := queryComments(ctx, db.read, query, args...)
	if err != nil {
		return moderation.CommentPage{}, fmt.Errorf("list comments of %q: %w", f.ArticleID, err)
	}
	page := moderation.CommentPage{Comments: cs}
	if len(cs) > limit {
		page.Comments = cs[:limit]
		page.Next = cs[limit-1].ID
	}
	if len(cs) == 0 {
		if _, err := getArticle(ctx, db.read, f.ArticleID); err != nil {
			return moderation.CommentPage{}, fmt.Errorf("list comments of %q: %w", f.ArticleID, err)
		}
	}
	return page, nil
}

// AuthorComments returns up to limit (default 50, at most 1000) of an author's comments,
// newest first; none (an empty slice) for an unknown author.
func (db *DB) AuthorComments(ctx context.Context, authorID string, limit int) ([]moderation.Comment, error) {
	cs, err := queryComments(ctx, db.read, commentSelect+` WHERE c.author_id = ?
		ORDER BY c.created_at DESC, c.id DESC LIMIT ?`, formatTime(db.now()), authorID, clampLimit(limit))
	if err != nil {
		return nil, fmt.Errorf("comments of author %q: %w", authorID, err)
	}
	return cs, nil
}

func queryComments(ctx context.Context, q querier, query string, args ...any) ([]moderation.Comment, error) {
	rows, err := q.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	cs := []moderation.Comment{}
	for rows.Next() {
		var r commentRow
		if err := rows.Scan(r.dest()...); err != nil {
			return nil, err
		}
		c, err := r.comment()
		if err != nil {
			return nil, err
		}
		cs = append(cs, c)
	}
	return cs, rows.Err()
}
