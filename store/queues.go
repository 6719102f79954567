package store

import (
	"context"
	"fmt"

	"github.com/tribune/tribune/moderation"
)

var _ moderation.QueueStore = (*DB)(nil)

// listFrom reads queue items with their articles; comments stay the outer loop (CROSS JOIN), so
// "newest first" walks the primary key backwards and stops at LIMIT.
const listFrom = ` FROM comments c CROSS JOIN articles a ON a.id = c.article_id` + commentJoins

// reportedFrom drives the reported queue from the reports: one row per comment with open
// reports, with its newest open report's id to order by.
const reportedFrom = ` FROM (SELECT r.comment_id AS cid, max(r.id) AS last FROM reports r
		JOIN comments c ON c.id = r.comment_id WHERE ` + openReport + ` GROUP BY r.comment_id) o
	CROSS JOIN comments c ON c.id = o.cid CROSS JOIN articles a ON a.id = c.article_id` + commentJoins

// listQueries maps each listed queue to its FROM, WHERE and ORDER BY.
var listQueries = map[moderation.QueueKind]struct{ from, where, order string }{
	moderation.QueueReported: {reportedFrom, `1`, ` ORDER BY o.last DESC`},
	moderation.QueuePending:  {listFrom, `c.decision_id IS NULL`, ` ORDER BY c.id DESC`},
	moderation.QueueApproved: {listFrom, `c.machine_verdict = 'approve' AND c.decision_id IS NULL`, ` ORDER BY c.id DESC`},
	moderation.QueueRejected: {listFrom, `c.status = 'reject'`, ` ORDER BY c.id DESC`},
}

// ListQueue returns one page of a queue other than the held one; reported items carry their
// open reports, newest first.
func (db *DB) ListQueue(ctx context.Context, f moderation.ListFilter) ([]moderation.ReportedItem, error) {
	q, ok := listQueries[f.Kind]
	if !ok {
		return nil, fmt.Errorf("list queue %q: %w", f.Kind, moderation.ErrInvalid)
	}
	query := `SELECT ` + commentColumns + `, ` + articleColumns + q.from + ` WHERE ` + q.where
	args := []any{formatTime(db.now())}
	if f.ArticleID != "" {
		query += ` AND c.article_id = ?`
		args = append(args, f.ArticleID)
	}
	query, args = siteFilter(query, args, f.Sites)
	items, err := queryItems(ctx, db.read, query+q.order+` LIMIT ? OFFSET ?`, append(args, clampLimit(f.Limit), f.Offset)...)
	if err != nil {
		return nil, fmt.Errorf("list queue %s: %w", f.Kind, err)
	}
	ids := make([]int64, len(items))
	for i, it := range items {
		ids[i] = it.Comment.ID
	}
	reports := map[int64][]moderation.Report{}
	if f.Kind == moderation.QueueReported {
		if reports, err = openReports(ctx, db.read, ids); err != nil {
			return nil, fmt.Errorf("list queue %s: %w", f.Kind, err)
		}
	}
	out := make([]moderation.ReportedItem, len(items))
	for i, it := range items {
		out[i] = moderation.ReportedItem{ReviewItem: it, Reports: reports[it.Comment.ID]}
	}
	return out, nil
}

// ReportedCount counts comments with open reports, in sites (empty: all).
func (db *DB) ReportedCount(ctx context.Context, sites []int64) (int, error) {
	query, args := siteFilter(`SELECT count(DISTINCT r.comment_id) FROM reports r
		JOIN comments c ON c.id = r.comment_id WHERE `+openReport, nil, sites)
	var n int
	if err := db.read.QueryRowContext(ctx, query, args...).Scan(&n); err != nil {
		return 0, fmt.Errorf("reported count: %w", err)
	}
	return n, nil
}
