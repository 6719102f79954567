package store

import (
	"context"
	"errors"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/tribune/tribune/moderation"
)

func TestRescoreJSONRoundTrip(t *testing.T) {
	a := assessment(0.7)
	a.Explanation["odd \"head\"<>"] = []moderation.Contribution{{Feature: "café \\ \"x\"", Class: "c", Weight: -1e-9, Start: -1, End: -1}}
	a.Explanation["empty"] = []moderation.Contribution{}
	b, err := appendExplanation(nil, a.Explanation)
	if err != nil {
		t.Fatal(err)
	}
	got, err := decodeExplanation(string(b))
	if err != nil {
		t.Fatalf("decodeExplanation(%s): %v", b, err)
	}
	if diff := cmp.Diff(a.Explanation, got); diff != "" {
		t.Errorf("explanation round trip (-want +got):\n%s", diff)
	}
	if b, _ := appendExplanation(nil, nil); string(b) != "null" {
		t.Errorf("appendExplanation(nil) = %s, want null", b)
	}
}

// The rescorer's hand-written explanation column is byte for byte what codec.go's
// encodeExplanation writes through encoding/json.
func FuzzRescoreJSONMatchesCodec(f *testing.F) {
	f.Add("toxicity", "idiot", "1", 2.5, 4, 9, "insult", "bad \xff <b>", 1e-9)
	f.Add("odd \"head\"<>", "café \\ \"x\"", "", -1e21, -1, -1, "", "\u2028", 0.0)
	f.Fuzz(func(t *testing.T, h1, feat, class string, w float64, start, end int, h2, feat2 string, w2 float64) {
		ex := map[string][]moderation.Contribution{
			h1: {{Feature: feat, Class: class, Weight: w, Start: start, End: end}, {Feature: feat2, Weight: w2}},
			h2: {},
		}
		want, werr := encodeExplanation(ex)
		got, err := appendExplanation(nil, ex)
		if (werr != nil) != (err != nil) {
			t.Fatalf("appendExplanation error %v, encodeExplanation's %v", err, werr)
		}
		if err == nil && string(got) != want {
			t.Errorf("appendExplanation =\n%s\nencodeExplanation =\n%s", got, want)
		}
	})
}

// A moderator deciding between the rescorer's read and its write keeps the last word.
func TestApplyRescoreSkipsCommentsDecidedMeanwhile(t *testing.T) {
	ctx := context.Background()
	db, _ := newDB(t)
	mustArticle(t, db, "a1")
	m := mustModerator(t, db, "mia")
	c := mustInsert(t, db, newComment("a1", moderation.Hold, 0.9))
	if _, err := db.Decide(ctx, moderation.Decision{CommentID: c.ID, ModeratorID: m.ID, Verdict: moderation.Reject,
		Reason: moderation.ReasonInsult, CreatedAt: t0}); err != nil {
		t.Fatal(err)
	}
	cp := moderation.RescoreCheckpoint{Key: "k", ModelVersion: "m2", StartedAt: t0, UpdatedAt: t0}
	if err := db.StartRescore(ctx, cp); err != nil {
		t.Fatal(err)
	}
	as := assessment(0.1)
	as.ModelVersion = "m2"
	cp.LastID, cp.Processed = c.ID, 1
	err := db.ApplyRescore(ctx, moderation.RescoreWrite{Checkpoint: cp, Results: []moderation.RescoreResult{{
		ID: c.ID, Assessment: as, Verdict: moderation.Approve, Changed: true, Old: moderation.Hold,
		Reasons: []moderation.Reason{{Code: "ok", Message: "fine"}},
	}}})
	if err != nil {
		t.Fatalf("ApplyRescore: %v", err)
	}
	got, err := db.Comment(ctx, c.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got.MachineVerdict != moderation.Hold || got.Status() != moderation.Reject || got.Assessment.ModelVersion != "m1" {
		t.Errorf("decided comment = machine %s, status %s, model %s; want hold, reject, m1",
			got.MachineVerdict, got.Status(), got.Assessment.ModelVersion)
	}
	hist, err := db.Audit(ctx, c.ID)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range hist {
		if e.Action == moderation.AuditRescored {
			t.Errorf("audit has a rescored row for a decided comment: %+v", e)
		}
	}
	ex, err := db.Explanations(ctx, []int64{c.ID})
	if err != nil || ex[c.ID] == nil {
		t.Errorf("Explanations = %v, %v", ex, err)
	}
	var n int
	if err := db.read.QueryRowContext(ctx, `SELECT count(*) FROM scores WHERE comment_id = ?`, c.ID).Scan(&n); err != nil || n != 2 {
		t.Errorf("score rows = %d, %v; want 2 (m1 and m2)", n, err)
	}
	back, err := db.RescoreCheckpoint(ctx, "k")
	if err != nil || back.LastID != c.ID || back.Processed != 1 {
		t.Errorf("checkpoint = %+v, %v", back, err)
	}
	if _, err := db.RescoreCheckpoint(ctx, "nope"); !errors.Is(err, moderation.ErrNotFound) {
		t.Errorf("unknown checkpoint: %v, want ErrNotFound", err)
	}
}

func TestReasons(t *testing.T) {
	ctx := context.Background()
	db, _ := newDB(t)
	mustArticle(t, db, "open")
	first := mustInsert(t, db, newComment("open", moderation.Approve, 0.1)).ID
	second := mustInsert(t, db, newComment("open", moderation.Hold, 0.9)).ID
	items, err := db.RescoreBatch(ctx, moderation.RescoreFilter{}, 0, 10)
	if err != nil || len(items) != 2 || items[0].Reasons != nil {
		t.Fatalf("RescoreBatch = %+v, %v; want two items without reasons", items, err)
	}
	got, err := db.Reasons(ctx, []int64{first, second, 9999})
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 2 || len(got[first]) != 1 || len(got[second]) != 1 {
		t.Errorf("Reasons = %v, want one reason for each of the two comments, none for 9999", got)
	}
}
