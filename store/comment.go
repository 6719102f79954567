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
// false; the lookup runs inside the write transaction, so two concurrent retries cannot both
// insert. An unknown article or parent comment fails with ErrNotFound.
//
// Concurrent calls are committed together (group commit, see batch.go); each returns once
// the transaction holding its comment has committed.
func (db *DB) InsertComment(ctx context.Context, nc moderation.NewComment) (moderation.Comment, bool, error) {
	call := &insertCall{done: make(chan struct{})}
	if err := call.row.prepare(nc, db.now()); err != nil {
		return moderation.Comment{}, false, fmt.Errorf("insert comment: %w", err)
	}
	if err := db.insert(ctx, call); err != nil {
		return moderation.Comment{}, false, fmt.Errorf("insert comment: %w", err)
	}
	return call.comment, call.created, nil
}

// commentInsert is a comment ready to write: its columns are encoded before it queues for
// the write lock, which is held for as short a time as possible.
type commentInsert struct {
	c                     moderation.Comment
	scope, key            string
	now                   time.Time
	reasons, tone, stance string
	expl                  string
	top                   moderation.Stance
	created, detail       string
}

func (r *commentInsert) prepare(nc moderation.NewComment, now time.Time) error {
	c := nc.Comment
	c.ID, c.Decision, c.Claim = 0, nil, nil
	if c.CreatedAt.IsZero() {
		c.CreatedAt = now
	}
	c.CreatedAt = c.CreatedAt.UTC()
	var err error
	if r.reasons, err = encodeReasons(c.Reasons); err != nil {
		return err
	}
	if r.tone, r.stance, err = encodeScores(c.Assessment.Scores); err != nil {
		return err
	}
	if r.expl, err = encodeExplanation(c.Assessment.Explanation); err != nil {
		return err
	}
	r.top, _ = c.Assessment.Scores.TopStance()
	r.c, r.scope, r.key, r.now = c, nc.Scope, nc.IdempotencyKey, now
	r.created, r.detail = formatTime(c.CreatedAt), reasonCodes(c.Reasons)
	return nil
}

// write inserts call's comment inside tx, in a savepoint, and sets call's result. A failure
// of this comment alone (an unknown article, a constraint) rolls back to the savepoint and
// becomes call's error; write returns an error only when the transaction itself is broken.
func (call *insertCall) write(ctx context.Context, tx *sql.Tx) error {
	if _, err := tx.ExecContext(ctx, `SAVEPOINT comment`); err != nil {
		return fmt.Errorf("savepoint: %w", err)
	}
	call.comment, call.created, call.err = call.row.insert(ctx, tx)
	if call.err != nil {
		if _, err := tx.ExecContext(ctx, `ROLLBACK TO comment`); err != nil {
			return fmt.Errorf("rollback to savepoint: %w", err)
		}
	}
	// RELEASE after ROLLBACK TO ends the (now empty) savepoint too.
	if _, err := tx.ExecContext(ctx, `RELEASE comment`); err != nil {
		return fmt.Errorf("release savepoint: %w", err)
	}
	return nil
}

// insert writes the comment, its score row and audit row, or finds the earlier comment with
// the same idempotency key or external ID, which may be one written earlier in this batch.
func (r *commentInsert) insert(ctx context.Context, tx *sql.Tx) (moderation.Comment, bool, error) {
	c := r.c
	id, found, err := findIdempotent(ctx, tx, r.scope, r.key, c.ExternalID)
	if err != nil {
		return moderation.Comment{}, false, err
	}
	if found {
		prev, err := getComment(ctx, tx, id, r.now)
		return prev, false, err
	}
	res, err := tx.ExecContext(ctx, `INSERT INTO comments
		(article_id, author_id, author_name, text, parent_id, external_id, scope, idempotency_key,
		 created_at, model_version, machine_verdict, reasons, priority, status, stance)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		c.ArticleID, c.Author.ID, c.Author.Name, c.Text, nullInt(c.ParentID), nullString(c.ExternalID),
		r.scope, nullString(r.key), r.created, c.Assessment.ModelVersion,
		string(c.MachineVerdict), r.reasons, c.Priority, string(c.MachineVerdict), string(r.top))
	if err != nil {
		return moderation.Comment{}, false, missingReference(ctx, tx, c, translate(err))
	}
	if c.ID, err = res.LastInsertId(); err != nil {
		return moderation.Comment{}, false, err
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO scores
		(comment_id, model_version, tone, stance, explanation, language, created_at)
		VALUES (?, ?, ?, ?, ?, ?, ?)`,
		c.ID, c.Assessment.ModelVersion, r.tone, r.stance, r.expl, c.Assessment.Language, r.created); err != nil {
		return moderation.Comment{}, false, translate(err)
	}
	err = insertAudit(ctx, tx, auditRow{
		commentID: c.ID, action: moderation.AuditSubmitted, verdict: c.MachineVerdict,
		detail: r.detail, modelVersion: c.Assessment.ModelVersion, at: r.now,
	})
	if err != nil {
		return moderation.Comment{}, false, err
	}
	err = insertEvent(ctx, tx, moderation.Event{Kind: moderation.EventVerdict, CommentID: c.ID,
		ArticleID: c.ArticleID, Scope: r.scope, Status: c.MachineVerdict, Verdict: c.MachineVerdict,
		Reasons: strings.FieldsFunc(r.detail, isComma), ModelVersion: c.Assessment.ModelVersion, CreatedAt: r.now})
	if err != nil {
		return moderation.Comment{}, false, err
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
