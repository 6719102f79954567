package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"

	"github.com/tribune/tribune/moderation"
)

var _ moderation.ReportStore = (*DB)(nil)

// AddReport stores a reader's report and an audit row ("reported") on its comment in one
// transaction; a second report by the same reporter returns the first with created false.
func (db *DB) AddReport(ctx context.Context, r moderation.Report) (moderation.Report, bool, error) {
	if r.CreatedAt.IsZero() {
		r.CreatedAt = db.now()
	}
	r.CreatedAt = r.CreatedAt.UTC()
	created := false
	err := db.withTx(ctx, func(ctx context.Context, tx *sql.Tx) error {
		var modelVersion string
		if err := tx.QueryRowContext(ctx, `SELECT model_version FROM comments WHERE id = ?`,
			r.CommentID).Scan(&modelVersion); err != nil {
			return fmt.Errorf("comment %d: %w", r.CommentID, translate(err))
		}
		prev, err := scanReport(tx.QueryRowContext(ctx, `SELECT `+reportColumns+` FROM reports
			WHERE comment_id = ? AND reporter_id = ?`, r.CommentID, r.ReporterID))
		if err == nil {
			r = prev
			return nil
		}
		if !errors.Is(err, moderation.ErrNotFound) {
			return err
		}
		res, err := tx.ExecContext(ctx, `INSERT INTO reports (comment_id, reporter_id, reason, note, created_at)
			VALUES (?, ?, ?, ?, ?)`, r.CommentID, r.ReporterID, string(r.Reason), r.Note, formatTime(r.CreatedAt))
		if err != nil {
			return translate(err)
		}
		if r.ID, err = res.LastInsertId(); err != nil {
			return err
		}
		created = true
		detail := string(r.Reason) + " by reader " + r.ReporterID
		if r.Note != "" {
			detail += ": " + r.Note
		}
		return insertAudit(ctx, tx, auditRow{commentID: r.CommentID, action: moderation.AuditReported,
			detail: detail, modelVersion: modelVersion, at: r.CreatedAt})
	})
	if err != nil {
		return moderation.Report{}, false, fmt.Errorf("add report: %w", err)
	}
	return r, created, nil
}

const reportColumns = `id, comment_id, reporter_id, reason, note, created_at`

type scanner interface{ Scan(dest ...any) error }

func scanReport(row scanner) (moderation.Report, error) {
	var r moderation.Report
	var reason, at string
	if err := row.Scan(&r.ID, &r.CommentID, &r.ReporterID, &reason, &r.Note, &at); err != nil {
		return moderation.Report{}, translate(err)
	}
	r.Reason = moderation.ReportReason(reason)
	var err error
	r.CreatedAt, err = parseTime(at)
	return r, err
}

// Reports returns a comment's reports, oldest first (none for an unknown comment).
func (db *DB) Reports(ctx context.Context, commentID int64) ([]moderation.Report, error) {
	rs, err := queryReports(ctx, db.read, `SELECT `+reportColumns+` FROM reports WHERE comment_id = ? ORDER BY id`, commentID)
	if err != nil {
		return nil, fmt.Errorf("reports of comment %d: %w", commentID, err)
	}
	return rs, nil
}

func queryReports(ctx context.Context, q querier, query string, args ...any) ([]moderation.Report, error) {
	rows, err := q.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []moderation.Report{}
	for rows.Next() {
		r, err := scanReport(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

// openReport is the SQL condition "report r is open": no decision on its comment c was made
// after it. Fixed-width UTC text: text order is time order.
const openReport = `(c.decision_id IS NULL OR r.created_at > (SELECT created_at FROM decisions WHERE id = c.decision_id))`

// openReports returns the open reports of the given comments, newest first, by comment.
func openReports(ctx context.Context, q querier, ids []int64) (map[int64][]moderation.Report, error) {
	out := map[int64][]moderation.Report{}
	if len(ids) == 0 {
		return out, nil
	}
	args := make([]any, len(ids))
	for i, id := range ids {
		args[i] = id
	}
	rs, err := queryReports(ctx, q, `SELECT r.id, r.comment_id, r.reporter_id, r.reason, r.note, r.created_at
		FROM reports r JOIN comments c ON c.id = r.comment_id
		WHERE r.comment_id IN (?`+strings.Repeat(", ?", len(ids)-1)+`) AND `+openReport+`
		ORDER BY r.id DESC`, args...)
	if err != nil {
		return nil, err
	}
	for _, r := range rs {
		out[r.CommentID] = append(out[r.CommentID], r)
	}
	return out, nil
}
