package store

import (
	"context"
	"database/sql"

	"github.com/tribune/tribune/moderation"
)

// commentColumns and commentJoins read a comment with its current scores (the row for its
// model version), its latest decision and its live claim. The first placeholder, in the claims
// join, is the current time: a lease with until <= now has ended and is not shown.
const (
	commentColumns = `c.id, c.article_id, c.author_id, c.author_name, c.text,
	coalesce(c.parent_id, 0), coalesce(c.external_id, ''), c.url, c.created_at,
	c.model_version, c.machine_verdict, c.reasons, c.priority,
	coalesce(s.tone, 'null'), coalesce(s.stance, 'null'), coalesce(s.explanation, 'null'),
	coalesce(s.language, ''),
	d.id, d.moderator_id, dm.name, d.verdict, d.reason, d.note, d.override, d.created_at,
	k.moderator_id, km.name, k.until`
	commentJoins = `
	LEFT JOIN scores s ON s.comment_id = c.id AND s.model_version = c.model_version
	LEFT JOIN decisions d ON d.id = c.decision_id
	LEFT JOIN moderators dm ON dm.id = d.moderator_id
	LEFT JOIN claims k ON k.comment_id = c.id AND k.until > ?
	LEFT JOIN moderators km ON km.id = k.moderator_id`
	commentSelect = `SELECT ` + commentColumns + ` FROM comments c` + commentJoins
)

// commentRow holds the scan destinations for commentColumns.
type commentRow struct {
	c                         moderation.Comment
	created, verdict, reasons string
	tone, stance, explanation string
	dID, dModerator           sql.NullInt64
	dName, dVerdict, dReason  sql.NullString
	dNote, dCreated           sql.NullString
	dOverride                 sql.NullBool
	kModerator                sql.NullInt64
	kName, kUntil             sql.NullString
}

func (r *commentRow) dest() []any {
	c := &r.c
	return []any{&c.ID, &c.ArticleID, &c.Author.ID, &c.Author.Name, &c.Text,
		&c.ParentID, &c.ExternalID, &c.URL, &r.created,
		&c.Assessment.ModelVersion, &r.verdict, &r.reasons, &c.Priority,
		&r.tone, &r.stance, &r.explanation, &c.Assessment.Language,
		&r.dID, &r.dModerator, &r.dName, &r.dVerdict, &r.dReason, &r.dNote, &r.dOverride, &r.dCreated,
		&r.kModerator, &r.kName, &r.kUntil}
}

// comment decodes the scanned row.
func (r *commentRow) comment() (moderation.Comment, error) {
	c := r.c
	var err error
	if c.CreatedAt, err = parseTime(r.created); err != nil {
		return c, err
	}
	c.MachineVerdict = moderation.Verdict(r.verdict)
	if c.Reasons, err = decodeReasons(r.reasons); err != nil {
		return c, err
	}
	if c.Assessment.Scores, err = decodeScores(r.tone, r.stance); err != nil {
		return c, err
	}
	if c.Assessment.Explanation, err = decodeExplanation(r.explanation); err != nil {
		return c, err
	}
	if r.dID.Valid {
		d := &moderation.Decision{
			ID:            r.dID.Int64,
			CommentID:     c.ID,
			ModeratorID:   r.dModerator.Int64,
			ModeratorName: r.dName.String,
			Verdict:       moderation.Verdict(r.dVerdict.String),
			Reason:        moderation.ReasonCode(r.dReason.String),
			Note:          r.dNote.String,
			Override:      r.dOverride.Bool,
		}
		if d.CreatedAt, err = parseTime(r.dCreated.String); err != nil {
			return c, err
		}
		c.Decision = d
	}
	if r.kModerator.Valid {
		k := &moderation.Claim{ModeratorID: r.kModerator.Int64, ModeratorName: r.kName.String}
		if k.Until, err = parseTime(r.kUntil.String); err != nil {
			return c, err
		}
		c.Claim = k
	}
	return c, nil
}

// queryList runs a query and returns one value per row, made by scan; no rows is an empty
// slice, never nil (the list methods' contract). Callers add what the list was to errors.
func queryList[T any](ctx context.Context, q querier, scan func(*sql.Rows) (T, error), query string, args ...any) ([]T, error) {
	rows, err := q.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []T{}
	for rows.Next() {
		v, err := scan(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	return out, rows.Err()
}

// eachAfter streams rows in pages keyed on an increasing ID, so that fn never runs inside an
// open read transaction (which would keep SQLite from checkpointing the WAL for as long as
// fn takes): page returns up to size rows with IDs above after, in ID order. An error from
// page or fn stops the stream and is returned as is.
func eachAfter[T any](page func(after int64) ([]T, error), id func(T) int64, size int, fn func(T) error) error {
	var after int64
	for {
		batch, err := page(after)
		if err != nil {
			return err
		}
		for _, v := range batch {
			if err := fn(v); err != nil {
				return err
			}
		}
		if len(batch) < size {
			return nil
		}
		after = id(batch[len(batch)-1])
	}
}
