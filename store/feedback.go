package store

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/tribune/tribune/moderation"
)

var _ moderation.FeedbackStore = (*DB)(nil)

// feedbackBatch is how many rows EachFeedback reads per query; see decidedBatch for why it
// reads in batches rather than through one long-lived cursor.
const feedbackBatch = 500

// PutFeedback stores a suggested score, replacing an earlier suggestion with the same API key,
// community ID and client token (the row keeps its ID).
//
// It is one INSERT … ON CONFLICT statement, atomic on its own, so it runs on the write pool
// without an explicit transaction.
func (db *DB) PutFeedback(ctx context.Context, f moderation.Feedback) (moderation.Feedback, error) {
	scores := f.Scores
	if scores == nil {
		scores = map[string]float64{}
	}
	enc, err := json.Marshal(scores)
	if err != nil {
		return moderation.Feedback{}, fmt.Errorf("put feedback: encode scores: %w", err)
	}
	err = db.write.QueryRowContext(ctx, `INSERT INTO feedback
		(api_key_id, community_id, client_token, text, context, scores, verdict, created_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT (api_key_id, community_id, client_token) DO UPDATE SET
			text = excluded.text, context = excluded.context, scores = excluded.scores,
			verdict = excluded.verdict, created_at = excluded.created_at
		RETURNING id`,
		nullInt(f.APIKeyID), f.CommunityID, nullString(f.ClientToken), f.Text, f.Context, string(enc),
		string(f.Verdict), formatTime(f.CreatedAt)).Scan(&f.ID)
	if err != nil {
		return moderation.Feedback{}, fmt.Errorf("put feedback: %w", translate(err))
	}
	f.CreatedAt = f.CreatedAt.UTC()
	return f, nil
}

// CountFeedback counts the suggestions recorded with an API key (0: without one).
func (db *DB) CountFeedback(ctx context.Context, apiKeyID int64) (int, error) {
	var n int
	err := db.read.QueryRowContext(ctx, `SELECT count(*) FROM feedback WHERE api_key_id IS ?`, nullInt(apiKeyID)).Scan(&n)
	if err != nil {
		return 0, fmt.Errorf("count feedback: %w", err)
	}
	return n, nil
}

// EachFeedback streams every stored suggestion in ID order.
func (db *DB) EachFeedback(ctx context.Context, fn func(moderation.Feedback) error) error {
	page := func(after int64) ([]moderation.Feedback, error) {
		batch, err := db.feedbackAfter(ctx, after)
		if err != nil {
			return nil, fmt.Errorf("feedback after %d: %w", after, err)
		}
		return batch, nil
	}
	return eachAfter(page, func(f moderation.Feedback) int64 { return f.ID }, feedbackBatch, fn)
}

func (db *DB) feedbackAfter(ctx context.Context, after int64) ([]moderation.Feedback, error) {
	rows, err := db.read.QueryContext(ctx, `SELECT id, coalesce(api_key_id, 0), community_id,
		coalesce(client_token, ''), text, context, scores, verdict, created_at
		FROM feedback WHERE id > ? ORDER BY id LIMIT ?`, after, feedbackBatch)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []moderation.Feedback
	for rows.Next() {
		var f moderation.Feedback
		var scores, verdict, created string
		if err := rows.Scan(&f.ID, &f.APIKeyID, &f.CommunityID, &f.ClientToken, &f.Text, &f.Context,
			&scores, &verdict, &created); err != nil {
			return nil, err
		}
		if err := json.Unmarshal([]byte(scores), &f.Scores); err != nil {
			return nil, fmt.Errorf("feedback %d: decode scores: %w", f.ID, err)
		}
		f.Verdict = moderation.Verdict(verdict)
		if f.CreatedAt, err = parseTime(created); err != nil {
			return nil, err
		}
		out = append(out, f)
	}
	return out, rows.Err()
}
