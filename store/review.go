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

// queueSelect reads queue items with their articles. CROSS JOIN makes SQLite keep comments as
// the outer loop, so the ORDER BY walks the partial queue index and stops at LIMIT instead of
// sorting every held comment. The first placeholder is the current time (see commentJoins).
const queueSelect = `SELECT ` + commentColumns + `, ` + articleColumns + `
	FROM comments c CROSS JOIN articles a ON a.id = c.article_id` + commentJoins + `
	WHERE c.status = 'hold' AND c.decision_id IS NULL`

const queueOrder = ` ORDER BY c.priority DESC, c.created_at, c.id LIMIT ?`

// Queue lists held, undecided comments with their articles, highest priority first and oldest
// first within ties, claimed ones included (with their live Claim). A non-positive Limit means
// 50; at most 1000.
func (db *DB) Queue(ctx context.Context, f moderation.QueueFilter) ([]moderation.ReviewItem, error) {
	query, args := queueSelect, []any{formatTime(db.now())}
	if f.ArticleID != "" {
		query += ` AND c.article_id = ?`
		args = append(args, f.ArticleID)
	}
	query, args = siteFilter(query, args, f.Sites)
	items, err := queryItems(ctx, db.read, query+queueOrder, append(args, clampLimit(f.Limit))...)
	if err != nil {
		return nil, fmt.Errorf("queue: %w", err)
	}
	return items, nil
}

func queryItems(ctx context.Context, q querier, query string, args ...any) ([]moderation.ReviewItem, error) {
	return queryList(ctx, q, func(rows *sql.Rows) (moderation.ReviewItem, error) {
		var r commentRow
		var a moderation.Article
		adest, finish := articleDest(&a)
		if err := rows.Scan(append(r.dest(), adest...)...); err != nil {
			return moderation.ReviewItem{}, err
		}
		c, err := r.comment()
		if err != nil {
			return moderation.ReviewItem{}, err
		}
		return moderation.ReviewItem{Comment: c, Article: a}, finish()
	}, query, args...)
}

// commentSite is the SQL for the site of comment c, as moderation.SplitArticleKey reads it
// from the stored article id: "@N:…" is site N, anything else the default site.
const commentSite = `(CASE WHEN c.article_id GLOB '@[0-9]*:*'
	THEN CAST(substr(c.article_id, 2, instr(c.article_id, ':') - 2) AS INTEGER) ELSE 1 END)`

// siteFilter adds "the comment belongs to one of sites" to a query (none: no filter).
func siteFilter(query string, args []any, sites []int64) (string, []any) {
	if len(sites) == 0 {
		return query, args
	}
	query += ` AND ` + commentSite + ` IN (?` + strings.Repeat(", ?", len(sites)-1) + `)`
	for _, s := range sites {
		args = append(args, s)
	}
	return query, args
}

// QueueSize counts held, undecided comments (claimed ones included).
func (db *DB) QueueSize(ctx context.Context) (int, error) {
	var n int
	if err := db.read.QueryRowContext(ctx,
		`SELECT count(*) FROM comments WHERE status = 'hold' AND decision_id IS NULL`).Scan(&n); err != nil {
		return 0, fmt.Errorf("queue size: %w", err)
	}
	return n, nil
}

// Claim leases up to n (at most 1000) queue items to m until until, in queue order: items
// nobody holds, or whose lease has ended (until <= now). Items m already holds are not
// offered again. Each claim gets an audit row. An unknown moderator is ErrNotFound.
func (db *DB) Claim(ctx context.Context, m moderation.Moderator, n int, now, until time.Time) ([]moderation.ReviewItem, error) {
	if n <= 0 {
		return []moderation.ReviewItem{}, nil
	}
	n = min(n, maxLimit)
	var items []moderation.ReviewItem
	err := db.withTx(ctx, func(ctx context.Context, tx *sql.Tx) error {
		// The stored name, not the caller's copy, goes into the returned claims.
		if err := tx.QueryRowContext(ctx, `SELECT name FROM moderators WHERE id = ?`, m.ID).Scan(&m.Name); err != nil {
			return fmt.Errorf("moderator %d: %w", m.ID, translate(err))
		}
		var err error
		// The claims join only matches live leases, so k.comment_id IS NULL means free.
		query, args := siteFilter(queueSelect+` AND k.comment_id IS NULL`, []any{formatTime(now)}, m.Sites)
		items, err = queryItems(ctx, tx, query+queueOrder, append(args, n)...)
		if err != nil {
			return err
		}
		at, end := formatTime(now), formatTime(until)
		for i := range items {
			c := &items[i].Comment
			if _, err := tx.ExecContext(ctx, `INSERT INTO claims (comment_id, moderator_id, claimed_at, until)
				VALUES (?, ?, ?, ?)
				ON CONFLICT (comment_id) DO UPDATE
				SET moderator_id = excluded.moderator_id, claimed_at = excluded.claimed_at, until = excluded.until`,
				c.ID, m.ID, at, end); err != nil {
				return translate(err)
			}
			if err := insertAudit(ctx, tx, auditRow{
				commentID: c.ID, action: moderation.AuditClaimed, moderatorID: m.ID,
				detail: "until " + end, modelVersion: c.Assessment.ModelVersion, at: now,
			}); err != nil {
				return err
			}
			c.Claim = &moderation.Claim{ModeratorID: m.ID, ModeratorName: m.Name, Until: until.UTC()}
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("claim for moderator %d: %w", m.ID, err)
	}
	return items, nil
}

// Release ends m's lease on a comment (live or ended but not yet taken over) and audits it;
// ErrNotFound if m holds none on it.
func (db *DB) Release(ctx context.Context, m moderation.Moderator, commentID int64) error {
	now := db.now()
	err := db.withTx(ctx, func(ctx context.Context, tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `DELETE FROM claims WHERE comment_id = ? AND moderator_id = ?`, commentID, m.ID)
		if err != nil {
			return err
		}
		if n, err := res.RowsAffected(); err != nil {
			return err
		} else if n == 0 {
			return fmt.Errorf("no claim: %w", moderation.ErrNotFound)
		}
		var modelVersion string
		if err := tx.QueryRowContext(ctx, `SELECT model_version FROM comments WHERE id = ?`,
			commentID).Scan(&modelVersion); err != nil {
			return translate(err)
		}
		return insertAudit(ctx, tx, auditRow{
			commentID: commentID, action: moderation.AuditReleased, moderatorID: m.ID,
			modelVersion: modelVersion, at: now,
		})
	})
	if err != nil {
		return fmt.Errorf("release comment %d by moderator %d: %w", commentID, m.ID, err)
	}
	return nil
}

// Decide records a human decision, makes it the comment's current one (and its effective
// status), clears any claim and writes an audit row ("decided", or "overridden" when it
// replaces an earlier decision) in one transaction. A zero d.CreatedAt is set from the clock;
// the stored Override flag is true exactly when an earlier decision was replaced. It fails
// with ErrConflict when the comment is already decided and d.Override is false, or when
// another moderator's lease has not ended at d.CreatedAt (until > CreatedAt); with
// ErrNotFound for an unknown comment or moderator.
func (db *DB) Decide(ctx context.Context, d moderation.Decision) (moderation.Decision, error) {
	if d.CreatedAt.IsZero() {
		d.CreatedAt = db.now()
	}
	d.CreatedAt = d.CreatedAt.UTC()
	at := formatTime(d.CreatedAt)
	err := db.withTx(ctx, func(ctx context.Context, tx *sql.Tx) error {
		var prev sql.NullInt64
		var modelVersion, articleID, scope string
		if err := tx.QueryRowContext(ctx, `SELECT decision_id, model_version, article_id, scope FROM comments WHERE id = ?`,
			d.CommentID).Scan(&prev, &modelVersion, &articleID, &scope); err != nil {
			return fmt.Errorf("comment %d: %w", d.CommentID, translate(err))
		}
		if err := tx.QueryRowContext(ctx, `SELECT name FROM moderators WHERE id = ?`,
			d.ModeratorID).Scan(&d.ModeratorName); err != nil {
			return fmt.Errorf("moderator %d: %w", d.ModeratorID, translate(err))
		}
		if prev.Valid && !d.Override {
			return &moderation.ConflictError{Reason: fmt.Sprintf(
				"comment %d has already been decided; set override to change the decision", d.CommentID)}
		}
		if err := checkLease(ctx, tx, d, at); err != nil {
			return err
		}
		d.Override = prev.Valid
		res, err := tx.ExecContext(ctx, `INSERT INTO decisions
			(comment_id, moderator_id, verdict, reason, note, override, created_at)
			VALUES (?, ?, ?, ?, ?, ?, ?)`,
			d.CommentID, d.ModeratorID, string(d.Verdict), string(d.Reason), d.Note, d.Override, at)
		if err != nil {
			return translate(err)
		}
		if d.ID, err = res.LastInsertId(); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE comments SET decision_id = ?, status = ? WHERE id = ?`,
			d.ID, string(d.Verdict), d.CommentID); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM claims WHERE comment_id = ?`, d.CommentID); err != nil {
			return err
		}
		action := moderation.AuditDecided
		if d.Override {
			action = moderation.AuditOverride
		}
		detail := string(d.Reason)
		if d.Note != "" {
			detail += ": " + d.Note
		}
		if err := insertAudit(ctx, tx, auditRow{
			commentID: d.CommentID, action: action, moderatorID: d.ModeratorID, verdict: d.Verdict,
			detail: detail, modelVersion: modelVersion, at: d.CreatedAt,
		}); err != nil {
			return err
		}
		return insertEvent(ctx, tx, moderation.Event{Kind: moderation.EventDecision, CommentID: d.CommentID,
			ArticleID: articleID, Scope: scope, Status: d.Verdict, Verdict: d.Verdict,
			Reasons: []string{string(d.Reason)}, Moderator: d.ModeratorName, ModelVersion: modelVersion,
			CreatedAt: d.CreatedAt})
	})
	if err != nil {
		return moderation.Decision{}, fmt.Errorf("decide comment %d: %w", d.CommentID, err)
	}
	return d, nil
}

// checkLease fails with a ConflictError when another moderator's lease on the comment has not
// ended at the decision's time.
func checkLease(ctx context.Context, tx *sql.Tx, d moderation.Decision, at string) error {
	var holder int64
	var name, until string
	err := tx.QueryRowContext(ctx, `SELECT k.moderator_id, m.name, k.until FROM claims k
		JOIN moderators m ON m.id = k.moderator_id WHERE k.comment_id = ?`, d.CommentID).Scan(&holder, &name, &until)
	if errors.Is(err, sql.ErrNoRows) {
		return nil
	}
	if err != nil {
		return err
	}
	if holder != d.ModeratorID && until > at { // fixed-width UTC text: text order is time order
		return &moderation.ConflictError{Reason: fmt.Sprintf(
			"comment %d is claimed by %s until %s", d.CommentID, name, until)}
	}
	return nil
}

// Audit returns a comment's history, oldest first, or ErrNotFound for an unknown comment.
func (db *DB) Audit(ctx context.Context, commentID int64) ([]moderation.AuditEntry, error) {
	out, err := queryList(ctx, db.read, func(rows *sql.Rows) (e moderation.AuditEntry, err error) {
		var action, verdict, at string
		if err := rows.Scan(&e.ID, &e.CommentID, &action, &e.ModeratorID, &e.ModeratorName, &verdict,
			&e.Detail, &e.ModelVersion, &at); err != nil {
			return e, err
		}
		e.Action, e.Verdict = moderation.AuditAction(action), moderation.Verdict(verdict)
		e.CreatedAt, err = parseTime(at)
		return e, err
	}, `SELECT l.id, l.comment_id, l.action, coalesce(l.moderator_id, 0), coalesce(m.name, ''), l.verdict,
		l.detail, l.model_version, l.created_at
		FROM audit_log l LEFT JOIN moderators m ON m.id = l.moderator_id
		WHERE l.comment_id = ? ORDER BY l.id`, commentID)
	if err != nil {
		return nil, fmt.Errorf("audit of comment %d: %w", commentID, err)
	}
	if len(out) == 0 {
		var id int64
		if err := db.read.QueryRowContext(ctx, `SELECT id FROM comments WHERE id = ?`, commentID).Scan(&id); err != nil {
			return nil, fmt.Errorf("audit of comment %d: %w", commentID, translate(err))
		}
	}
	return out, nil
}
