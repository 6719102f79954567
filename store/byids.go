package store

import (
	"context"
	"fmt"
	"strings"

	"github.com/tribune/tribune/moderation"
)

// Explanations returns the explanation of each listed comment's current assessment; comments
// never scored are missing from the map.
func (db *DB) Explanations(ctx context.Context, ids []int64) (map[int64]map[string][]moderation.Contribution, error) {
	out := make(map[int64]map[string][]moderation.Contribution, len(ids))
	err := db.byIDs(ctx, ids, `SELECT s.comment_id, s.explanation FROM comments c
		JOIN scores s ON s.comment_id = c.id AND s.model_version = c.model_version WHERE c.id IN `,
		func(id int64, raw string) (err error) {
			out[id], err = decodeExplanation(raw)
			return err
		})
	if err != nil {
		return nil, fmt.Errorf("explanations: %w", err)
	}
	return out, nil
}

// Reasons returns the current machine verdict's reasons of each listed comment; comments that
// do not exist are missing from the map.
func (db *DB) Reasons(ctx context.Context, ids []int64) (map[int64][]moderation.Reason, error) {
	out := make(map[int64][]moderation.Reason, len(ids))
	err := db.byIDs(ctx, ids, `SELECT id, reasons FROM comments WHERE id IN `,
		func(id int64, raw string) (err error) {
			out[id], err = decodeReasons(raw)
			return err
		})
	if err != nil {
		return nil, fmt.Errorf("reasons: %w", err)
	}
	return out, nil
}

// byIDs runs query, which selects (id, text) rows and ends in "IN ", over ids in chunks that
// stay below SQLite's limit on variables, and hands each row to fn.
func (db *DB) byIDs(ctx context.Context, ids []int64, query string, fn func(id int64, raw string) error) error {
	const chunk = 500
	for len(ids) > 0 {
		n := min(chunk, len(ids))
		args := make([]any, n)
		for i, id := range ids[:n] {
			args[i] = id
		}
		ids = ids[n:]
		rows, err := db.read.QueryContext(ctx, query+`(?`+strings.Repeat(`, ?`, n-1)+`)`, args...)
		if err != nil {
			return err
		}
		for rows.Next() {
			var id int64
			var raw string
			if err = rows.Scan(&id, &raw); err != nil {
				break
			}
			if err = fn(id, raw); err != nil {
				err = fmt.Errorf("comment %d: %w", id, err)
				break
			}
		}
		if err == nil {
			err = rows.Err()
		}
		rows.Close()
		if err != nil {
			return err
		}
	}
	return nil
}
