package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"runtime"
	"strings"
	"sync"
	"time"

	"github.com/tribune/tribune/internal/jsonx"
	"github.com/tribune/tribune/moderation"
)

var _ moderation.RescoreStore = (*DB)(nil)

// rescoreWhere builds the WHERE clause of a rescoring read from fixed fragments.
func rescoreWhere(f moderation.RescoreFilter, after int64) (string, []any) {
	where := ` WHERE c.id > ?`
	args := []any{after}
	if !f.Since.IsZero() {
		where += ` AND c.created_at >= ?`
		args = append(args, formatTime(f.Since))
	}
	if f.ArticleID != "" {
		where += ` AND c.article_id = ?`
		args = append(args, f.ArticleID)
	}
	if f.Undecided {
		where += ` AND c.decision_id IS NULL`
	}
	return where, args
}

// CountRescore counts the comments f selects with ID > after.
func (db *DB) CountRescore(ctx context.Context, f moderation.RescoreFilter, after int64) (int, error) {
	where, args := rescoreWhere(f, after)
	var n int
	if err := db.read.QueryRowContext(ctx, `SELECT count(*) FROM comments c`+where, args...).Scan(&n); err != nil {
		return 0, fmt.Errorf("count comments to rescore: %w", err)
	}
	return n, nil
}

// standingReasons selects a comment's reasons only when an author standing decided with them
// (few do): decoding every comment's reasons would cost a bulk read its time.
const standingReasons = `CASE WHEN instr(c.reasons, '"author.') > 0 THEN c.reasons ELSE '' END`

// standingOf is the standing in reasons read through standingReasons, "" for none.
func standingOf(reasons string) (moderation.AuthorStatus, error) {
	if reasons == "" {
		return "", nil
	}
	rs, err := decodeReasons(reasons)
	if err != nil {
		return "", err
	}
	return moderation.StandingOf(rs), nil
}

// RescoreBatch returns up to limit comments that f selects with ID > after, in ID order,
// without their reasons: the rescorer asks for those (Reasons) where it needs them. The
// reasons of the few comments judged under an author's standing are read for their Standing.
func (db *DB) RescoreBatch(ctx context.Context, f moderation.RescoreFilter, after int64, limit int) ([]moderation.RescoreItem, error) {
	where, args := rescoreWhere(f, after)
	rows, err := db.read.QueryContext(ctx, `SELECT c.id, c.article_id, c.text, c.model_version,
		c.machine_verdict, coalesce(d.verdict, ''),
		`+standingReasons+`
		FROM comments c LEFT JOIN decisions d ON d.id = c.decision_id`+where+` ORDER BY c.id LIMIT ?`, append(args, limit)...)
	if err != nil {
		return nil, fmt.Errorf("read comments to rescore: %w", err)
	}
	defer rows.Close()
	out := make([]moderation.RescoreItem, 0, limit)
	for rows.Next() {
		var it moderation.RescoreItem
		var verdict, decision, reasons string
		if err := rows.Scan(&it.ID, &it.ArticleID, &it.Text, &it.ModelVersion, &verdict, &decision, &reasons); err != nil {
			return nil, fmt.Errorf("read comments to rescore: %w", err)
		}
		if it.Standing, err = standingOf(reasons); err != nil {
			return nil, fmt.Errorf("read comments to rescore: %w", err)
		}
		it.MachineVerdict, it.Decision = moderation.Verdict(verdict), moderation.Verdict(decision)
		out = append(out, it)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("read comments to rescore: %w", err)
	}
	return out, nil
}

// RescoreCheckpoint returns a run's checkpoint, or ErrNotFound.
func (db *DB) RescoreCheckpoint(ctx context.Context, key string) (moderation.RescoreCheckpoint, error) {
	cp := moderation.RescoreCheckpoint{Key: key}
	var started, updated string
	err := db.read.QueryRowContext(ctx, `SELECT model_version, last_id, processed, done, started_at, updated_at
		FROM rescore_runs WHERE key = ?`, key).Scan(&cp.ModelVersion, &cp.LastID, &cp.Processed, &cp.Done, &started, &updated)
	if err != nil {
		return cp, fmt.Errorf("rescore checkpoint %s: %w", key, translate(err))
	}
	if cp.StartedAt, err = parseTime(started); err != nil {
		return cp, err
	}
	if cp.UpdatedAt, err = parseTime(updated); err != nil {
		return cp, err
	}
	return cp, nil
}

// RescoreTallies returns the report shares of a run's committed batches in batch order.
func (db *DB) RescoreTallies(ctx context.Context, key string) ([]moderation.RescoreTally, error) {
	rows, err := db.read.QueryContext(ctx, `SELECT tally FROM rescore_batches WHERE run_key = ? ORDER BY last_id`, key)
	if err != nil {
		return nil, fmt.Errorf("rescore tallies: %w", err)
	}
	defer rows.Close()
	var out []moderation.RescoreTally
	for rows.Next() {
		var raw string
		if err := rows.Scan(&raw); err != nil {
			return nil, fmt.Errorf("rescore tallies: %w", err)
		}
		// The tally is stored as the domain struct's own JSON: it only lives while a run is
		// unfinished, so a renamed field costs at most one interrupted run's report.
		var t moderation.RescoreTally
		if err := json.Unmarshal([]byte(raw), &t); err != nil {
			return nil, fmt.Errorf("rescore tallies: %w", err)
		}
		out = append(out, t)
	}
	return out, rows.Err()
}

// StartRescore creates or replaces a run's checkpoint and drops its earlier batches.
func (db *DB) StartRescore(ctx context.Context, cp moderation.RescoreCheckpoint) error {
	err := db.withTx(ctx, func(ctx context.Context, tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `DELETE FROM rescore_batches WHERE run_key = ?`, cp.Key); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM rescore_runs WHERE key = ?`, cp.Key); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx, `INSERT INTO rescore_runs
			(key, model_version, last_id, processed, done, started_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)`,
			cp.Key, cp.ModelVersion, cp.LastID, cp.Processed, cp.Done, formatTime(cp.StartedAt), formatTime(cp.UpdatedAt))
		return err
	})
	if err != nil {
		return fmt.Errorf("start rescore %s: %w", cp.Key, err)
	}
	return nil
}

// FinishRescore marks a run done.
func (db *DB) FinishRescore(ctx context.Context, key string, at time.Time) error {
	err := db.withTx(ctx, func(ctx context.Context, tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `UPDATE rescore_runs SET done = 1, updated_at = ? WHERE key = ?`, formatTime(at), key)
		return err
	})
	if err != nil {
		return fmt.Errorf("finish rescore %s: %w", key, err)
	}
	return nil
}

// rescoreRow is one result encoded for the database.
type rescoreRow struct {
	id                                 int64
	decided, changed                   bool
	version, verdict, reasons, detail  string
	tone, stance, explanation, topSide string
	language                           string
	priority                           float64
}

// rowsPerStatement is how many rows one multi-row statement writes: one statement per row
// would cost a cgo round trip and a VM start per row; 100 rows × 7 values stay far below
// SQLite's limit on variables.
const rowsPerStatement = 100

// ApplyRescore writes one batch in one transaction: a score row per result (replacing one of
// the same model version), the new machine verdict, reasons, priority, status and stance of
// every undecided comment, a "rescored" audit row and an event for each changed verdict, the batch's
// tally and the checkpoint. The verdict update skips any comment that has a decision when the
// transaction runs, so a moderator deciding during a rescore keeps the last word.
func (db *DB) ApplyRescore(ctx context.Context, w moderation.RescoreWrite) error {
	rows, err := encodeRescore(w.Results)
	if err != nil {
		return fmt.Errorf("apply rescore: %w", err)
	}
	tally, err := json.Marshal(w.Tally)
	if err != nil {
		return fmt.Errorf("apply rescore: %w", err)
	}
	now := formatTime(db.now())
	cp := w.Checkpoint
	err = db.withTx(ctx, func(ctx context.Context, tx *sql.Tx) error {
		if err := writeScores(ctx, tx, rows, now); err != nil {
			return err
		}
		if err := writeVerdicts(ctx, tx, rows, now); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO rescore_batches (run_key, last_id, tally) VALUES (?, ?, ?)`,
			cp.Key, cp.LastID, string(tally)); err != nil {
			return fmt.Errorf("save tally: %w", translate(err))
		}
		res, err := tx.ExecContext(ctx, `UPDATE rescore_runs SET last_id = ?, processed = ?, updated_at = ?
			WHERE key = ?`, cp.LastID, cp.Processed, formatTime(cp.UpdatedAt), cp.Key)
		if err != nil {
			return fmt.Errorf("save checkpoint: %w", err)
		}
		if n, err := res.RowsAffected(); err != nil || n != 1 {
			return fmt.Errorf("save checkpoint: run %s: %w", cp.Key, moderation.ErrNotFound)
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("apply rescore: %w", err)
	}
	return nil
}

// writeScores upserts the score rows; a replaced row keeps its first created_at.
func writeScores(ctx context.Context, tx *sql.Tx, rows []rescoreRow, now string) error {
	return inChunks(len(rows), func(lo, hi int) error {
		args := make([]any, 0, 7*(hi-lo))
		for _, r := range rows[lo:hi] {
			args = append(args, r.id, r.version, r.tone, r.stance, r.explanation, r.language, now)
		}
		_, err := tx.ExecContext(ctx, `INSERT INTO scores
			(comment_id, model_version, tone, stance, explanation, language, created_at) VALUES `+placeholders(hi-lo, 7)+`
			ON CONFLICT (comment_id, model_version) DO UPDATE SET
			tone = excluded.tone, stance = excluded.stance, explanation = excluded.explanation,
			language = excluded.language`, args...)
		if err != nil {
			return fmt.Errorf("write scores: %w", translate(err))
		}
		return nil
	})
}

// writeVerdicts updates the undecided comments and audits the changed ones.
func writeVerdicts(ctx context.Context, tx *sql.Tx, rows []rescoreRow, now string) error {
	var undecided, changed []rescoreRow
	for _, r := range rows {
		if !r.decided {
			undecided = append(undecided, r)
			if r.changed {
				changed = append(changed, r)
			}
		}
	}
	err := inChunks(len(undecided), func(lo, hi int) error {
		args := make([]any, 0, 6*(hi-lo))
		for _, r := range undecided[lo:hi] {
			args = append(args, r.id, r.version, r.verdict, r.reasons, r.priority, r.topSide)
		}
		// UPDATE … FROM (VALUES …) updates a chunk in one statement; the VALUES columns are
		// named column1, column2, … by SQLite.
		_, err := tx.ExecContext(ctx, `UPDATE comments SET model_version = v.column2,
			machine_verdict = v.column3, status = v.column3, reasons = v.column4, priority = v.column5,
			stance = v.column6
			FROM (VALUES `+placeholders(hi-lo, 6)+`) AS v
			WHERE comments.id = v.column1 AND comments.decision_id IS NULL`, args...)
		if err != nil {
			return fmt.Errorf("write verdicts: %w", translate(err))
		}
		return nil
	})
	if err != nil {
		return err
	}
	return inChunks(len(changed), func(lo, hi int) error {
		args := make([]any, 0, 4*(hi-lo))
		for _, r := range changed[lo:hi] {
			args = append(args, r.id, r.verdict, r.detail, r.version)
		}
		_, err := tx.ExecContext(ctx, `INSERT INTO audit_log
			(comment_id, action, verdict, detail, model_version, created_at)
			SELECT v.column1, ?, v.column2, v.column3, v.column4, ?
			FROM (VALUES `+placeholders(hi-lo, 4)+`) AS v JOIN comments c ON c.id = v.column1
			WHERE c.decision_id IS NULL`, append([]any{string(moderation.AuditRescored), now}, args...)...)
		if err != nil {
			return fmt.Errorf("audit rescored: %w", translate(err))
		}
		// A changed verdict is news for the site too: an event in the same transaction (events
		// keep reason codes space-separated).
		_, err = tx.ExecContext(ctx, `INSERT INTO events
			(kind, comment_id, article_id, scope, status, verdict, reasons, model_version, created_at)
			SELECT ?, c.id, c.article_id, c.scope, v.column2, v.column2, replace(v.column3, ',', ' '), v.column4, ?
			FROM (VALUES `+placeholders(hi-lo, 4)+`) AS v JOIN comments c ON c.id = v.column1
			WHERE c.decision_id IS NULL`, append([]any{string(moderation.EventVerdict), now}, args...)...)
		if err != nil {
			return fmt.Errorf("events of rescored comments: %w", translate(err))
		}
		return nil
	})
}

// inChunks calls fn on consecutive ranges of at most rowsPerStatement of n rows.
func inChunks(n int, fn func(lo, hi int) error) error {
	for lo := 0; lo < n; lo += rowsPerStatement {
		if err := fn(lo, min(lo+rowsPerStatement, n)); err != nil {
			return err
		}
	}
	return nil
}

// placeholders returns "(?, ?), (?, ?)" for rows rows of cols values.
func placeholders(rows, cols int) string {
	one := "(?" + strings.Repeat(", ?", cols-1) + ")"
	return one + strings.Repeat(", "+one, rows-1)
}

// encodeRescore encodes results on all cores: the JSON columns cost more CPU than SQLite's
// writes, and the single writer should hold the lock only to write.
func encodeRescore(results []moderation.RescoreResult) ([]rescoreRow, error) {
	rows := make([]rescoreRow, len(results))
	workers := min(runtime.GOMAXPROCS(0), max(1, len(results)/256))
	errs := make([]error, workers)
	var wg sync.WaitGroup
	for w := range workers {
		wg.Go(func() {
			var buf []byte
			for i := w; i < len(results); i += workers {
				var err error
				if rows[i], buf, err = encodeResult(results[i], buf); err != nil {
					errs[w] = fmt.Errorf("comment %d: %w", results[i].ID, err)
					return
				}
			}
		})
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			return nil, err
		}
	}
	return rows, nil
}

func encodeResult(res moderation.RescoreResult, buf []byte) (rescoreRow, []byte, error) {
	r := rescoreRow{id: res.ID, decided: res.Decided, changed: res.Changed,
		version: res.Assessment.ModelVersion, verdict: string(res.Verdict), priority: res.Priority,
		detail: reasonCodes(res.Reasons), language: res.Assessment.Language}
	top, _ := res.Assessment.Scores.StanceLabel()
	r.topSide = string(top)
	var err error
	if buf, err = jsonx.AppendFloatMap(buf[:0], res.Assessment.Scores.Tone); err != nil {
		return r, buf, err
	}
	r.tone = string(buf)
	stance := make(map[string]float64, len(res.Assessment.Scores.Stance))
	for k, v := range res.Assessment.Scores.Stance {
		stance[string(k)] = v
	}
	if buf, err = jsonx.AppendFloatMap(buf[:0], stance); err != nil {
		return r, buf, err
	}
	r.stance = string(buf)
	if buf, err = appendExplanation(buf[:0], res.Assessment.Explanation); err != nil {
		return r, buf, err
	}
	r.explanation = string(buf)
	if !res.Decided {
		if r.reasons, err = encodeReasons(res.Reasons); err != nil {
			return r, buf, err
		}
	}
	return r, buf, nil
}
