package store

import (
	"context"
	"fmt"

	"github.com/tribune/tribune/moderation"
)

// decidedBatch is how many examples Decided reads per query. Reading in batches keyed on the
// comment ID means fn never runs inside an open read transaction, which would keep SQLite from
// checkpointing the WAL for as long as the caller takes (training can be slow).
const decidedBatch = 500

// Decided streams every human-decided comment, in comment ID order, as a labeled example with
// its current decision. Context is the article's StanceContext. Labels follow the reason code:
//
//   - approve (any reason): every tone attribute 0;
//   - reject for a tone reason (toxicity, insult, threat, identity_attack, profanity): that
//     attribute 1, and toxicity 1 (every tone reason is a kind of toxicity);
//   - reject for spam, off_topic or other: no tone labels (an empty map), since such comments
//     say nothing about tone either way.
//
// An error from fn stops the stream and is returned as is.
func (db *DB) Decided(ctx context.Context, fn func(moderation.LabeledExample) error) error {
	page := func(after int64) ([]moderation.LabeledExample, error) {
		batch, err := db.decidedAfter(ctx, after)
		if err != nil {
			return nil, fmt.Errorf("decided comments after %d: %w", after, err)
		}
		return batch, nil
	}
	return eachAfter(page, func(ex moderation.LabeledExample) int64 { return ex.CommentID }, decidedBatch, fn)
}

func (db *DB) decidedAfter(ctx context.Context, after int64) ([]moderation.LabeledExample, error) {
	rows, err := db.read.QueryContext(ctx, `SELECT c.id, c.text, d.verdict, d.reason,
		a.title, a.body, a.stance_target
		FROM comments c
		JOIN decisions d ON d.id = c.decision_id
		JOIN articles a ON a.id = c.article_id
		WHERE c.decision_id IS NOT NULL AND c.id > ?
		ORDER BY c.id LIMIT ?`, after, decidedBatch)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := make([]moderation.LabeledExample, 0, decidedBatch)
	for rows.Next() {
		var ex moderation.LabeledExample
		var verdict, reason string
		var a moderation.Article
		if err := rows.Scan(&ex.CommentID, &ex.Text, &verdict, &reason, &a.Title, &a.Body, &a.StanceTarget); err != nil {
			return nil, err
		}
		ex.Verdict, ex.Reason = moderation.Verdict(verdict), moderation.ReasonCode(reason)
		ex.Context = a.StanceContext()
		ex.Labels = labels(ex.Verdict, ex.Reason)
		out = append(out, ex)
	}
	return out, rows.Err()
}

// labels maps a decision to tone labels; see Decided.
func labels(v moderation.Verdict, r moderation.ReasonCode) map[string]int {
	out := map[string]int{}
	switch v {
	case moderation.Approve:
		for _, attr := range moderation.ToneAttributes {
			out[attr] = 0
		}
	case moderation.Reject:
		switch r {
		case moderation.ReasonToxicity, moderation.ReasonInsult, moderation.ReasonThreat,
			moderation.ReasonIdentityAttack, moderation.ReasonProfanity:
			out[string(r)] = 1
			out["toxicity"] = 1
		}
	}
	return out
}
