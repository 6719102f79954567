package store

import (
	"context"
	"fmt"
	"strings"

	"github.com/tribune/tribune/internal/jsonx"
	"github.com/tribune/tribune/moderation"
)

// Decoding explanations with encoding/json costs about 50 µs per comment (reflection on every
// array element), most of the time of a queue or listing page. parseExplanation reads the
// column-wise shape encodeExplanation writes directly, with jsonx's scanner; decodeExplanation
// falls back to encoding/json (which also reports the error) for anything it does not
// recognise. Fuzz and round-trip tests hold the two to the same answers.

// parseExplanation reads what encodeExplanation writes; ok is false for anything else.
func parseExplanation(s string) (out map[string][]moderation.Contribution, ok bool) {
	p := jsonx.NewScanner(s)
	if p.AcceptNull() {
		return nil, p.End()
	}
	out = map[string][]moderation.Contribution{}
	var e explanationJSON // scratch columns, reused from head to head
	ok = p.Members(func(head string) bool {
		e.Feature, e.Class, e.Weight, e.Start, e.End = e.Feature[:0], e.Class[:0], e.Weight[:0], e.Start[:0], e.End[:0]
		seen := map[string]bool{}
		if !p.Members(func(col string) bool {
			if seen[col] {
				return false
			}
			seen[col] = true
			return column(p, col, &e)
		}) {
			return false
		}
		n := len(e.Feature)
		if len(e.Class) != n || len(e.Weight) != n || len(e.Start) != n || len(e.End) != n {
			return false
		}
		if _, dup := out[head]; dup {
			return false
		}
		cs := make([]moderation.Contribution, n)
		for i := range cs {
			cs[i] = moderation.Contribution{Feature: e.Feature[i], Class: e.Class[i], Weight: e.Weight[i], Start: e.Start[i], End: e.End[i]}
		}
		out[head] = cs
		return true
	})
	return out, ok && p.End()
}

// column appends the elements of one column array of a head to e's column.
func column(p *jsonx.Scanner, name string, e *explanationJSON) bool {
	strs := func(dst *[]string) bool {
		return p.Elements(func() bool {
			v, ok := p.Str()
			*dst = append(*dst, v)
			return ok
		})
	}
	ints := func(dst *[]int) bool {
		return p.Elements(func() bool {
			v, ok := p.Int()
			*dst = append(*dst, v)
			return ok
		})
	}
	switch name {
	case "f":
		return strs(&e.Feature)
	case "c":
		return strs(&e.Class)
	case "s":
		return ints(&e.Start)
	case "e":
		return ints(&e.End)
	case "w":
		return p.Elements(func() bool {
			v, ok := p.Float()
			e.Weight = append(e.Weight, v)
			return ok
		})
	}
	return false
}

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
