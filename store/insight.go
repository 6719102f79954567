package store

import (
	"context"
	"fmt"
	"time"

	"github.com/tribune/tribune/moderation"
)

var _ moderation.InsightStore = (*DB)(nil)

// bucketPrefix is how many leading characters of a stored time name its bucket: the stored
// format is fixed-width (see timeLayout), so "2006-01-02T15" is an hour and "2006-01-02" a day.
var bucketPrefix = map[moderation.Bucket]struct {
	n      int
	layout string
}{
	moderation.Hourly: {13, "2006-01-02T15"},
	moderation.Daily:  {10, "2006-01-02"},
}

// Volume counts comments created at or after since per hour or day bucket.
func (db *DB) Volume(ctx context.Context, since time.Time, bucket moderation.Bucket) ([]moderation.VolumePoint, error) {
	b, ok := bucketPrefix[bucket]
	if !ok {
		return nil, fmt.Errorf("volume: unknown bucket %q", bucket)
	}
	rows, err := db.read.QueryContext(ctx, `SELECT substr(created_at, 1, ?) AS b, count(*)
		FROM comments WHERE created_at >= ? GROUP BY b ORDER BY b`, b.n, formatTime(since))
	if err != nil {
		return nil, fmt.Errorf("volume: %w", err)
	}
	defer rows.Close()
	out := []moderation.VolumePoint{}
	for rows.Next() {
		var key string
		var p moderation.VolumePoint
		if err := rows.Scan(&key, &p.Count); err != nil {
			return nil, fmt.Errorf("volume: %w", err)
		}
		if p.Start, err = time.Parse(b.layout, key); err != nil {
			return nil, fmt.Errorf("volume: bucket %q: %w", key, err)
		}
		out = append(out, p)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("volume: %w", err)
	}
	return out, nil
}

// VerdictCounts counts comments created at or after since by machine verdict; every verdict is
// a key, zero counts included.
func (db *DB) VerdictCounts(ctx context.Context, since time.Time) (map[moderation.Verdict]int, error) {
	out := map[moderation.Verdict]int{moderation.Approve: 0, moderation.Hold: 0, moderation.Reject: 0}
	if err := countSince(ctx, db, "machine_verdict", since, out); err != nil {
		return nil, fmt.Errorf("verdict counts: %w", err)
	}
	return out, nil
}

// StanceCounts counts comments created at or after since by their stored decided stance.
func (db *DB) StanceCounts(ctx context.Context, since time.Time) (map[moderation.Stance]int, error) {
	out := map[moderation.Stance]int{}
	if err := countSince(ctx, db, "stance", since, out); err != nil {
		return nil, fmt.Errorf("stance counts: %w", err)
	}
	return out, nil
}

// countSince adds to out the number of comments created at or after since per non-empty value
// of column (a constant of this package, never input).
func countSince[K ~string](ctx context.Context, db *DB, column string, since time.Time, out map[K]int) error {
	rows, err := db.read.QueryContext(ctx, `SELECT `+column+`, count(*) FROM comments
		WHERE created_at >= ? AND `+column+` != '' GROUP BY `+column, formatTime(since))
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var v string
		var n int
		if err := rows.Scan(&v, &n); err != nil {
			return err
		}
		out[K(v)] += n
	}
	return rows.Err()
}

// QueueAges counts queue items created before each cutoff, and finds the oldest. Both walk the
// partial queue index (comments_queue), which holds only waiting comments.
func (db *DB) QueueAges(ctx context.Context, cutoffs []time.Time) ([]int, time.Time, error) {
	const queued = `status = 'hold' AND decision_id IS NULL`
	counts := make([]int, len(cutoffs))
	for i, t := range cutoffs {
		if err := db.read.QueryRowContext(ctx, `SELECT count(*) FROM comments WHERE `+queued+`
			AND created_at < ?`, formatTime(t)).Scan(&counts[i]); err != nil {
			return nil, time.Time{}, fmt.Errorf("queue ages: %w", err)
		}
	}
	var oldest *string
	if err := db.read.QueryRowContext(ctx, `SELECT min(created_at) FROM comments WHERE `+queued).Scan(&oldest); err != nil {
		return nil, time.Time{}, fmt.Errorf("queue ages: %w", err)
	}
	if oldest == nil {
		return counts, time.Time{}, nil
	}
	t, err := parseTime(*oldest)
	if err != nil {
		return nil, time.Time{}, fmt.Errorf("queue ages: %w", err)
	}
	return counts, t, nil
}

// Agreement counts comments whose latest decision was made at or after since, by machine
// verdict and human verdict.
func (db *DB) Agreement(ctx context.Context, since time.Time) ([]moderation.AgreementCount, error) {
	rows, err := db.read.QueryContext(ctx, `SELECT c.machine_verdict, d.verdict, count(*)
		FROM comments c JOIN decisions d ON d.id = c.decision_id
		WHERE d.created_at >= ?
		GROUP BY c.machine_verdict, d.verdict ORDER BY c.machine_verdict, d.verdict`, formatTime(since))
	if err != nil {
		return nil, fmt.Errorf("agreement: %w", err)
	}
	defer rows.Close()
	out := []moderation.AgreementCount{}
	for rows.Next() {
		var m, h string
		var n int
		if err := rows.Scan(&m, &h, &n); err != nil {
			return nil, fmt.Errorf("agreement: %w", err)
		}
		out = append(out, moderation.AgreementCount{Machine: moderation.Verdict(m), Human: moderation.Verdict(h), Count: n})
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("agreement: %w", err)
	}
	return out, nil
}

// RecentAssessments returns the n most recent comments (by ID) with their current scores and
// their article's mode, newest first.
func (db *DB) RecentAssessments(ctx context.Context, n int) ([]moderation.StoredAssessment, error) {
	rows, err := db.read.QueryContext(ctx, `SELECT c.id, c.text, coalesce(s.tone, 'null'),
		coalesce(s.stance, 'null'), coalesce(s.language, ''), a.mode, c.machine_verdict,
		c.decision_id IS NOT NULL, `+standingReasons+`
		FROM comments c
		JOIN articles a ON a.id = c.article_id
		LEFT JOIN scores s ON s.comment_id = c.id AND s.model_version = c.model_version
		ORDER BY c.id DESC LIMIT ?`, n)
	if err != nil {
		return nil, fmt.Errorf("recent assessments: %w", err)
	}
	defer rows.Close()
	out := []moderation.StoredAssessment{}
	for rows.Next() {
		var sa moderation.StoredAssessment
		var tone, stance, mode, verdict, reasons string
		if err := rows.Scan(&sa.CommentID, &sa.Text, &tone, &stance, &sa.Language, &mode, &verdict, &sa.Decided, &reasons); err != nil {
			return nil, fmt.Errorf("recent assessments: %w", err)
		}
		if sa.Standing, err = standingOf(reasons); err != nil {
			return nil, fmt.Errorf("recent assessments: comment %d: %w", sa.CommentID, err)
		}
		if sa.Scores, err = decodeScores(tone, stance); err != nil {
			return nil, fmt.Errorf("recent assessments: comment %d: %w", sa.CommentID, err)
		}
		sa.Mode, sa.MachineVerdict = moderation.Mode(mode), moderation.Verdict(verdict)
		out = append(out, sa)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("recent assessments: %w", err)
	}
	return out, nil
}

// ScoreHistory returns every stored assessment of a comment, oldest first; none for a comment
// that does not exist.
func (db *DB) ScoreHistory(ctx context.Context, commentID int64) ([]moderation.ScoreRecord, error) {
	rows, err := db.read.QueryContext(ctx, `SELECT model_version, tone, stance, created_at
		FROM scores WHERE comment_id = ? ORDER BY created_at, model_version`, commentID)
	if err != nil {
		return nil, fmt.Errorf("score history %d: %w", commentID, err)
	}
	defer rows.Close()
	out := []moderation.ScoreRecord{}
	for rows.Next() {
		var r moderation.ScoreRecord
		var tone, stance, created string
		if err := rows.Scan(&r.ModelVersion, &tone, &stance, &created); err != nil {
			return nil, fmt.Errorf("score history %d: %w", commentID, err)
		}
		if r.Scores, err = decodeScores(tone, stance); err != nil {
			return nil, fmt.Errorf("score history %d: %w", commentID, err)
		}
		if r.CreatedAt, err = parseTime(created); err != nil {
			return nil, fmt.Errorf("score history %d: %w", commentID, err)
		}
		out = append(out, r)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("score history %d: %w", commentID, err)
	}
	return out, nil
}

// ToneScores returns the current tone scores of an article's n most recent comments, walking
// the comments_article index backwards.
func (db *DB) ToneScores(ctx context.Context, articleID string, n int) ([]map[string]float64, error) {
	rows, err := db.read.QueryContext(ctx, `SELECT coalesce(s.tone, 'null') FROM comments c
		LEFT JOIN scores s ON s.comment_id = c.id AND s.model_version = c.model_version
		WHERE c.article_id = ? ORDER BY c.id DESC LIMIT ?`, articleID, n)
	if err != nil {
		return nil, fmt.Errorf("tone scores of %q: %w", articleID, err)
	}
	defer rows.Close()
	out := []map[string]float64{}
	for rows.Next() {
		var tone string
		if err := rows.Scan(&tone); err != nil {
			return nil, fmt.Errorf("tone scores of %q: %w", articleID, err)
		}
		s, err := decodeScores(tone, "null")
		if err != nil {
			return nil, fmt.Errorf("tone scores of %q: %w", articleID, err)
		}
		out = append(out, s.Tone)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("tone scores of %q: %w", articleID, err)
	}
	return out, nil
}
