package store

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/tribune/tribune/moderation"
)

func mustAPIKey(t *testing.T, db *DB, name string) int64 {
	t.Helper()
	k, err := db.CreateAPIKey(context.Background(), moderation.APIKey{Name: name, Prefix: "trb_" + name, CreatedAt: t0}, "hash-"+name)
	if err != nil {
		t.Fatalf("CreateAPIKey: %v", err)
	}
	return k.ID
}

func allFeedback(t *testing.T, db *DB) []moderation.Feedback {
	t.Helper()
	var out []moderation.Feedback
	if err := db.EachFeedback(context.Background(), func(f moderation.Feedback) error {
		out = append(out, f)
		return nil
	}); err != nil {
		t.Fatalf("EachFeedback: %v", err)
	}
	return out
}

func TestFeedbackPutAndReplace(t *testing.T) {
	t.Parallel()
	db, _ := newDB(t)
	ctx := context.Background()
	k1, k2 := mustAPIKey(t, db, "one"), mustAPIKey(t, db, "two")
	put := func(f moderation.Feedback) moderation.Feedback {
		t.Helper()
		got, err := db.PutFeedback(ctx, f)
		if err != nil {
			t.Fatalf("PutFeedback(%+v): %v", f, err)
		}
		return got
	}
	first := put(moderation.Feedback{Text: "approved", Context: `{"url":"u"}`, Verdict: moderation.Approve,
		CommunityID: "Coral:x", ClientToken: "comment:1", APIKeyID: k1, CreatedAt: t0})
	put(moderation.Feedback{Text: "other key", Scores: map[string]float64{"toxicity": 1}, CommunityID: "Coral:x",
		ClientToken: "comment:1", APIKeyID: k2, CreatedAt: t0})
	put(moderation.Feedback{Text: "other community", Scores: map[string]float64{"toxicity": 1}, CommunityID: "Coral:y",
		ClientToken: "comment:1", APIKeyID: k1, CreatedAt: t0})
	put(moderation.Feedback{Text: "no token", Scores: map[string]float64{"insult": 0.25}, APIKeyID: k1, CreatedAt: t0})
	put(moderation.Feedback{Text: "no token", Scores: map[string]float64{"insult": 0.25}, APIKeyID: k1, CreatedAt: t0})
	// Same key, community and token: the moderator changed their mind.
	later := t0.Add(time.Hour)
	replaced := put(moderation.Feedback{Text: "approved, then rejected", Verdict: moderation.Reject, Scores: map[string]float64{},
		CommunityID: "Coral:x", ClientToken: "comment:1", APIKeyID: k1, CreatedAt: later})
	if replaced.ID != first.ID {
		t.Errorf("replacement ID = %d, want the first row's %d", replaced.ID, first.ID)
	}
	got := allFeedback(t, db)
	if len(got) != 5 {
		t.Fatalf("rows = %d, want 5: %+v", len(got), got)
	}
	want := moderation.Feedback{ID: first.ID, Text: "approved, then rejected", Verdict: moderation.Reject,
		Scores: map[string]float64{}, CommunityID: "Coral:x", ClientToken: "comment:1", APIKeyID: k1, CreatedAt: later}
	if diff := cmp.Diff(want, got[0]); diff != "" {
		t.Errorf("replaced row (-want +got):\n%s", diff)
	}
	if got[3].ClientToken != "" || got[3].Scores["insult"] != 0.25 || got[4].Text != "no token" {
		t.Errorf("token-less rows = %+v, %+v", got[3], got[4])
	}
}

func TestFeedbackWithoutKeyAndUnknownKey(t *testing.T) {
	t.Parallel()
	db, _ := newDB(t)
	ctx := context.Background()
	if _, err := db.PutFeedback(ctx, moderation.Feedback{Text: "cli", Verdict: moderation.Approve, CreatedAt: t0}); err != nil {
		t.Errorf("PutFeedback without a key: %v", err)
	}
	_, err := db.PutFeedback(ctx, moderation.Feedback{Text: "x", Verdict: moderation.Approve, APIKeyID: 999, CreatedAt: t0})
	if !errors.Is(err, moderation.ErrNotFound) {
		t.Errorf("PutFeedback with an unknown key = %v, want ErrNotFound", err)
	}
}

func TestEachFeedbackBatches(t *testing.T) {
	t.Parallel()
	db, _ := newDB(t)
	ctx := context.Background()
	const n = feedbackBatch*2 + 3
	for i := range n {
		if _, err := db.PutFeedback(ctx, moderation.Feedback{Text: fmt.Sprint(i), ClientToken: fmt.Sprint("t", i),
			Scores: map[string]float64{"toxicity": float64(i % 2)}, CreatedAt: t0}); err != nil {
			t.Fatal(err)
		}
	}
	got := allFeedback(t, db)
	if len(got) != n {
		t.Fatalf("streamed %d rows, want %d", len(got), n)
	}
	for i, f := range got {
		if f.Text != fmt.Sprint(i) || (i > 0 && f.ID <= got[i-1].ID) {
			t.Fatalf("row %d = %+v: not in ID order", i, f)
		}
	}
	stop := errors.New("stop")
	if err := db.EachFeedback(ctx, func(moderation.Feedback) error { return stop }); !errors.Is(err, stop) {
		t.Errorf("EachFeedback = %v, want fn's error", err)
	}
}
