package moderation_test

import (
	"context"
	"errors"
	"math"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/tribune/tribune/moderation"
	"github.com/tribune/tribune/store"
)

func TestFeedbackLabels(t *testing.T) {
	allZero := map[string]int{"toxicity": 0, "insult": 0, "threat": 0, "identity_attack": 0, "profanity": 0}
	tests := []struct {
		name          string
		f             moderation.Feedback
		rejectIsToxic bool
		want          map[string]int
	}{
		{"score 1", moderation.Feedback{Scores: map[string]float64{"toxicity": 1}}, false, map[string]int{"toxicity": 1}},
		{"score 0", moderation.Feedback{Scores: map[string]float64{"insult": 0}}, false, map[string]int{"insult": 0}},
		{"rounded at 0.5", moderation.Feedback{Scores: map[string]float64{"threat": 0.5, "insult": 0.49}}, false,
			map[string]int{"threat": 1, "insult": 0}},
		{"approval", moderation.Feedback{Verdict: moderation.Approve}, false, allZero},
		{"approval keeps given scores", moderation.Feedback{Verdict: moderation.Approve, Scores: map[string]float64{"profanity": 1}}, false,
			map[string]int{"toxicity": 0, "insult": 0, "threat": 0, "identity_attack": 0, "profanity": 1}},
		{"rejection trusted", moderation.Feedback{Verdict: moderation.Reject}, true, map[string]int{"toxicity": 1}},
		{"rejection not trusted", moderation.Feedback{Verdict: moderation.Reject}, false, map[string]int{}},
		{"rejection with a score", moderation.Feedback{Verdict: moderation.Reject, Scores: map[string]float64{"toxicity": 0}}, true,
			map[string]int{"toxicity": 0}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if diff := cmp.Diff(tc.want, tc.f.Labels(tc.rejectIsToxic)); diff != "" {
				t.Errorf("Labels (-want +got):\n%s", diff)
			}
		})
	}
}

// newFeedbackService returns a feedback service over a fresh SQLite file, with a fixed clock.
func newFeedbackService(t *testing.T) (*moderation.FeedbackService, *store.DB) {
	t.Helper()
	db, err := store.Open(context.Background(), filepath.Join(t.TempDir(), "tribune.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = db.Close() })
	fb := moderation.NewFeedbackService(db)
	fb.Now = func() time.Time { return time.Date(2026, 5, 1, 10, 0, 0, 0, time.FixedZone("CEST", 7200)) }
	return fb, db
}

func TestFeedbackRecordValidates(t *testing.T) {
	fb, _ := newFeedbackService(t)
	ok := moderation.Feedback{Text: "hello", Scores: map[string]float64{"toxicity": 0}}
	tests := []struct {
		name  string
		edit  func(*moderation.Feedback)
		field string
	}{
		{"blank text", func(f *moderation.Feedback) { f.Text = "  " }, "text"},
		{"long text", func(f *moderation.Feedback) { f.Text = strings.Repeat("a", moderation.MaxCommentBytes+1) }, "text"},
		{"invalid UTF-8", func(f *moderation.Feedback) { f.Text = "caf\xe9" }, "text"},
		{"nothing suggested", func(f *moderation.Feedback) { f.Scores = nil }, "scores"},
		{"unknown attribute", func(f *moderation.Feedback) { f.Scores = map[string]float64{"rudeness": 1} }, "scores"},
		{"score over 1", func(f *moderation.Feedback) { f.Scores["toxicity"] = 1.5 }, "scores"},
		{"negative score", func(f *moderation.Feedback) { f.Scores["toxicity"] = -0.1 }, "scores"},
		{"NaN", func(f *moderation.Feedback) { f.Scores["toxicity"] = math.NaN() }, "scores"},
		{"hold verdict", func(f *moderation.Feedback) { f.Verdict = moderation.Hold }, "verdict"},
		{"long token", func(f *moderation.Feedback) { f.ClientToken = strings.Repeat("t", moderation.MaxFeedbackTokenBytes+1) }, "client_token"},
		{"long community", func(f *moderation.Feedback) { f.CommunityID = strings.Repeat("c", moderation.MaxFeedbackTokenBytes+1) }, "community_id"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			f := ok
			f.Scores = map[string]float64{"toxicity": 0}
			tc.edit(&f)
			_, err := fb.Record(context.Background(), f)
			var ie *moderation.InputError
			if !errors.As(err, &ie) || ie.Field != tc.field || !errors.Is(err, moderation.ErrInvalid) {
				t.Errorf("Record = %v, want an InputError on %q", err, tc.field)
			}
		})
	}
	// A bare verdict is a valid suggestion.
	got, err := fb.Record(context.Background(), moderation.Feedback{Text: "fine", Verdict: moderation.Approve})
	if err != nil {
		t.Fatalf("Record(approve): %v", err)
	}
	if got.ID == 0 || !got.CreatedAt.Equal(fb.Now()) || got.CreatedAt.Location() != time.UTC {
		t.Errorf("recorded = %+v, want an ID and the clock's time in UTC", got)
	}
}

func TestFeedbackExport(t *testing.T) {
	fb, _ := newFeedbackService(t)
	ctx := context.Background()
	for _, f := range []moderation.Feedback{
		{Text: "a", Verdict: moderation.Reject},
		{Text: "b", Scores: map[string]float64{"insult": 1}},
		{Text: "c", Verdict: moderation.Approve},
	} {
		if _, err := fb.Record(ctx, f); err != nil {
			t.Fatal(err)
		}
	}
	var texts []string
	err := fb.Export(ctx, false, func(ex moderation.FeedbackExample) error {
		texts = append(texts, ex.Feedback.Text)
		return nil
	})
	if err != nil || !cmp.Equal(texts, []string{"b", "c"}) {
		t.Errorf("Export(rejections not toxic) = %v, %v; want [b c] (the bare rejection has no label)", texts, err)
	}
	stop := errors.New("stop")
	n := 0
	err = fb.Export(ctx, true, func(moderation.FeedbackExample) error { n++; return stop })
	if !errors.Is(err, stop) || n != 1 {
		t.Errorf("Export stopped by fn: err %v after %d, want stop after 1", err, n)
	}
}
