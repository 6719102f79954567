package main

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/tribune/tribune/moderation"
	"github.com/tribune/tribune/store"
)

// feedbackLine is one exported suggestion in `tribune train`'s JSON Lines format: "text" and
// "labels" are what training reads; the other fields say where the example came from and are
// ignored by it. The client's context is not exported: Perspective clients send metadata
// there (Coral: the comment's URL and IDs), not article text, and the labels are tone labels,
// which the default model scores without context.
type feedbackLine struct {
	Text        string         `json:"text"`
	Labels      map[string]int `json:"labels"`
	Source      string         `json:"source"`
	FeedbackID  int64          `json:"feedback_id"`
	CommunityID string         `json:"community_id,omitempty"`
	ClientToken string         `json:"client_token,omitempty"`
	Verdict     string         `json:"verdict,omitempty"`
	CreatedAt   time.Time      `json:"created_at"`
}

// runFeedback handles the scores Perspective clients suggested (comments:suggestscore):
//
//	tribune feedback export --db PATH [--out FILE] [--rejects toxic|skip]
//
// writes them as labeled JSON Lines for `tribune train --data FILE`.
func runFeedback(ctx context.Context, args []string, e env) error {
	if len(args) == 0 || args[0] != "export" {
		fmt.Fprintln(e.stderr, "usage: tribune feedback export [--db PATH] [--out FILE] [--rejects toxic|skip]")
		return errUsage
	}
	fs := newFlagSet("feedback export", e)
	dbPath := fs.String("db", envOr(e, "TRIBUNE_DB", "tribune.db"), "SQLite database `file` (env TRIBUNE_DB)")
	out := fs.String("out", "", "write to `FILE` instead of stdout")
	rejects := fs.String("rejects", "toxic", "a rejection without scores (Coral's DELETED): \"toxic\" labels it toxicity 1, \"skip\" leaves it out")
	if err := parseFlags(fs, args[1:]); err != nil {
		return err
	}
	if *rejects != "toxic" && *rejects != "skip" {
		return fmt.Errorf("feedback export: --rejects must be toxic or skip, not %q", *rejects)
	}
	if _, err := os.Stat(*dbPath); err != nil {
		return fmt.Errorf("feedback export: %w", err)
	}
	db, err := store.Open(ctx, *dbPath)
	if err != nil {
		return err
	}
	defer db.Close()
	w := e.stdout
	var file *os.File
	if *out != "" {
		if file, err = os.Create(*out); err != nil {
			return fmt.Errorf("feedback export: %w", err)
		}
		w = file
	}
	n, err := exportFeedback(ctx, moderation.NewFeedbackService(db), *rejects == "toxic", w)
	if file != nil {
		err = errors.Join(err, file.Close())
	}
	if err != nil {
		return fmt.Errorf("feedback export: %w", err)
	}
	fmt.Fprintf(e.stderr, "tribune: exported %d labeled examples\n", n)
	return nil
}

// exportFeedback writes every labeled suggestion as one JSON line and returns how many.
func exportFeedback(ctx context.Context, fb *moderation.FeedbackService, rejectIsToxic bool, w io.Writer) (int, error) {
	bw := bufio.NewWriter(w)
	enc := json.NewEncoder(bw)
	enc.SetEscapeHTML(false)
	n := 0
	err := fb.Export(ctx, rejectIsToxic, func(ex moderation.FeedbackExample) error {
		f := ex.Feedback
		n++
		return enc.Encode(feedbackLine{Text: f.Text, Labels: ex.Labels, Source: "perspective_feedback", FeedbackID: f.ID,
			CommunityID: f.CommunityID, ClientToken: f.ClientToken, Verdict: string(f.Verdict), CreatedAt: f.CreatedAt})
	})
	if err != nil {
		return n, err
	}
	return n, bw.Flush()
}
