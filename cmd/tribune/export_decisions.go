package main

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"

	"github.com/tribune/tribune/moderation"
	"github.com/tribune/tribune/store"
)

// decisionLine is one exported decision in tribune train's JSON Lines format; the extra
// fields say where it came from and are ignored by train.
type decisionLine struct {
	Text      string         `json:"text"`
	Context   string         `json:"context,omitempty"`
	Labels    map[string]int `json:"labels"`
	Verdict   string         `json:"verdict"`
	Reason    string         `json:"reason"`
	CommentID int64          `json:"comment_id"`
}

// runExportDecisions writes moderators' decisions as labeled training examples, so that
// "tribune train --data base.jsonl --data decisions.jsonl" learns from them.
func runExportDecisions(ctx context.Context, args []string, e env) (err error) {
	fs := newFlagSet("export-decisions", e)
	dbPath := fs.String("db", envOr(e, "TRIBUNE_DB", "tribune.db"), "SQLite database `file` (env TRIBUNE_DB)")
	out := fs.String("out", "", "output `FILE` (default: stdout)")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	db, err := store.Open(ctx, *dbPath)
	if err != nil {
		return err
	}
	defer func() { err = errors.Join(err, db.Close()) }()
	var w io.Writer = e.stdout
	if *out != "" {
		f, err := os.Create(*out)
		if err != nil {
			return fmt.Errorf("export-decisions: %w", err)
		}
		defer func() { err = errors.Join(err, f.Close()) }()
		w = f
	}
	n, skipped, err := exportDecisions(ctx, db, w)
	if err != nil {
		return err
	}
	fmt.Fprintf(e.stderr, "tribune export-decisions: %d labeled examples (%d decisions without tone labels skipped: spam, off topic, other)\n", n, skipped)
	return nil
}

func exportDecisions(ctx context.Context, reviews moderation.ReviewStore, w io.Writer) (n, skipped int, err error) {
	bw := bufio.NewWriter(w)
	enc := json.NewEncoder(bw)
	enc.SetEscapeHTML(false)
	err = reviews.Decided(ctx, func(ex moderation.LabeledExample) error {
		if len(ex.Labels) == 0 {
			skipped++
			return nil
		}
		n++
		return enc.Encode(decisionLine{Text: ex.Text, Context: ex.Context, Labels: ex.Labels,
			Verdict: string(ex.Verdict), Reason: string(ex.Reason), CommentID: ex.CommentID})
	})
	if err != nil {
		return n, skipped, fmt.Errorf("export-decisions: %w", err)
	}
	return n, skipped, bw.Flush()
}
