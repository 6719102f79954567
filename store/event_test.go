package store

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/tribune/tribune/moderation"
)

func TestEventsWrittenWithVerdictsAndDecisions(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db, _ := newDB(t)
	mustArticle(t, db, "a1")
	m := mustModerator(t, db, "mo")
	nc := newComment("a1", moderation.Hold, 1)
	nc.IdempotencyKey = "k1"
	c := mustInsert(t, db, nc)
	if _, created, err := db.InsertComment(ctx, nc); err != nil || created {
		t.Fatalf("retry: created %v, %v", created, err)
	}
	if _, err := db.Decide(ctx, moderation.Decision{CommentID: c.ID, ModeratorID: m.ID,
		Verdict: moderation.Reject, Reason: moderation.ReasonInsult}); err != nil {
		t.Fatal(err)
	}
	// A decision that fails (already decided, no override) leaves no event.
	if _, err := db.Decide(ctx, moderation.Decision{CommentID: c.ID, ModeratorID: m.ID,
		Verdict: moderation.Approve, Reason: moderation.ReasonFalsePositive}); !errors.Is(err, moderation.ErrConflict) {
		t.Fatalf("second decision: %v", err)
	}
	evs, err := db.Events(ctx, 0, "", 10)
	if err != nil {
		t.Fatal(err)
	}
	type row struct {
		Kind      moderation.EventKind
		Comment   int64
		Status    moderation.Verdict
		Moderator string
		Scope     string
	}
	var got []row
	for _, ev := range evs {
		got = append(got, row{ev.Kind, ev.CommentID, ev.Status, ev.Moderator, ev.Scope})
	}
	want := []row{
		{moderation.EventVerdict, c.ID, moderation.Hold, "", "key:1"},
		{moderation.EventDecision, c.ID, moderation.Reject, "mo", "key:1"},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("events (-want +got):\n%s", diff)
	}
	if evs, err := db.Events(ctx, evs[0].ID, "key:2", 10); err != nil || len(evs) != 0 {
		t.Errorf("events of another scope = %v, %v", evs, err)
	}
	if last, err := db.LastEventID(ctx); err != nil || last != evs[1].ID {
		t.Errorf("LastEventID = %d, %v; want %d", last, err, evs[1].ID)
	}
}

func TestWebhookCursorAndDeliveryLog(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db, clk := newDB(t)
	mustArticle(t, db, "a1")
	mustInsert(t, db, newComment("a1", moderation.Approve, 0))
	w, err := db.AddWebhook(ctx, moderation.Webhook{URL: "http://127.0.0.1:1/hook", Secret: "0123456789abcdef"})
	if err != nil {
		t.Fatal(err)
	}
	if w.Cursor != 1 {
		t.Errorf("a new webhook's cursor = %d, want the newest event (1)", w.Cursor)
	}
	next := clk.Now().Add(time.Minute)
	if err := db.RecordDelivery(ctx, moderation.WebhookDelivery{WebhookID: w.ID, FirstEvent: 2, LastEvent: 3,
		Events: 2, Attempt: 1, Status: 503, Error: "503 Service Unavailable", CreatedAt: clk.Now()}, next); err != nil {
		t.Fatal(err)
	}
	hooks, _ := db.Webhooks(ctx)
	if h := hooks[0]; h.Cursor != 1 || h.Attempts != 1 || !h.NextAttempt.Equal(next) || h.LastError == "" {
		t.Errorf("after a failure: %+v", h)
	}
	if err := db.RecordDelivery(ctx, moderation.WebhookDelivery{WebhookID: w.ID, FirstEvent: 2, LastEvent: 3,
		Events: 2, Attempt: 2, Status: 200, CreatedAt: clk.Now()}, time.Time{}); err != nil {
		t.Fatal(err)
	}
	hooks, _ = db.Webhooks(ctx)
	if h := hooks[0]; h.Cursor != 3 || h.Attempts != 0 || !h.NextAttempt.IsZero() || h.LastError != "" {
		t.Errorf("after a success: %+v", h)
	}
	ds, err := db.Deliveries(ctx, w.ID, 10)
	if err != nil || len(ds) != 2 || ds[0].Status != 200 || ds[1].Status != 503 {
		t.Errorf("deliveries = %+v, %v", ds, err)
	}
	if err := db.RemoveWebhook(ctx, w.ID); err != nil {
		t.Fatal(err)
	}
	if err := db.RemoveWebhook(ctx, w.ID); !errors.Is(err, moderation.ErrNotFound) {
		t.Errorf("removing twice: %v, want ErrNotFound", err)
	}
}

func TestRescoreWritesEventsForChangedVerdicts(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db, _ := newDB(t)
	mustArticle(t, db, "a1")
	changed := mustInsert(t, db, newComment("a1", moderation.Hold, 0.9))
	nc := newComment("a1", moderation.Approve, 0.1)
	nc.IdempotencyKey = "second"
	same := mustInsert(t, db, nc)
	cp := moderation.RescoreCheckpoint{Key: "k", ModelVersion: "m2", StartedAt: t0, UpdatedAt: t0}
	if err := db.StartRescore(ctx, cp); err != nil {
		t.Fatal(err)
	}
	as := assessment(0.1)
	as.ModelVersion = "m2"
	cp.LastID, cp.Processed = same.ID, 2
	ok := []moderation.Reason{{Code: "ok", Message: "fine"}}
	if err := db.ApplyRescore(ctx, moderation.RescoreWrite{Checkpoint: cp, Results: []moderation.RescoreResult{
		{ID: changed.ID, Assessment: as, Verdict: moderation.Approve, Changed: true, Old: moderation.Hold, Reasons: ok},
		{ID: same.ID, Assessment: as, Verdict: moderation.Approve, Old: moderation.Approve, Reasons: ok},
	}}); err != nil {
		t.Fatal(err)
	}
	evs, err := db.Events(ctx, 2, "", 10) // after the two submissions' events
	if err != nil {
		t.Fatal(err)
	}
	if len(evs) != 1 || evs[0].CommentID != changed.ID || evs[0].Status != moderation.Approve ||
		evs[0].ModelVersion != "m2" || evs[0].ArticleID != "a1" || len(evs[0].Reasons) != 1 {
		t.Errorf("events after the rescore = %+v, want one approve event for comment %d", evs, changed.ID)
	}
}
