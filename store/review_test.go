package store

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/tribune/tribune/moderation"
)

func TestQueueOrder(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db, clk := newDB(t)
	mustArticle(t, db, "a1")
	mustArticle(t, db, "a2")
	m := mustModerator(t, db, "mo")
	insert := func(article string, v moderation.Verdict, p float64) int64 {
		clk.Advance(time.Second)
		return mustInsert(t, db, newComment(article, v, p)).ID
	}
	low := insert("a1", moderation.Hold, 0.5)
	mid1 := insert("a2", moderation.Hold, 1.0)
	insert("a1", moderation.Approve, 1.9) // not held
	high := insert("a1", moderation.Hold, 1.5)
	mid2 := insert("a1", moderation.Hold, 1.0)
	decided := insert("a1", moderation.Hold, 1.8)
	if _, err := db.Decide(ctx, moderation.Decision{CommentID: decided, ModeratorID: m.ID, Verdict: moderation.Reject, Reason: moderation.ReasonInsult}); err != nil {
		t.Fatal(err)
	}
	// An import with an older timestamp and the same priority goes first among ties.
	old := newComment("a1", moderation.Hold, 1.0)
	old.Comment.CreatedAt = t0.Add(-time.Hour)
	mid0 := mustInsert(t, db, old).ID

	items, err := db.Queue(ctx, moderation.QueueFilter{})
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]int64{high, mid0, mid1, mid2, low}, itemIDs(items)); diff != "" {
		t.Errorf("queue order (-want +got):\n%s", diff)
	}
	if items[2].Article.ID != "a2" || items[2].Article.Title != "Title of a2" {
		t.Errorf("item article = %+v, want a2", items[2].Article)
	}
	items, err = db.Queue(ctx, moderation.QueueFilter{ArticleID: "a1", Limit: 2})
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]int64{high, mid0}, itemIDs(items)); diff != "" {
		t.Errorf("queue of a1, limit 2 (-want +got):\n%s", diff)
	}
	if n, err := db.QueueSize(ctx); err != nil || n != 5 {
		t.Errorf("QueueSize = %d, %v; want 5", n, err)
	}
}

func TestClaimLeases(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db, clk := newDB(t)
	mustArticle(t, db, "a1")
	ann, bob := mustModerator(t, db, "ann"), mustModerator(t, db, "bob")
	var held []int64
	for i := range 4 {
		held = append(held, mustInsert(t, db, newComment("a1", moderation.Hold, float64(4-i))).ID)
	}
	lease := 5 * time.Minute

	now := clk.Now()
	got, err := db.Claim(ctx, ann, 3, now, now.Add(lease))
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(held[:3], itemIDs(got)); diff != "" {
		t.Errorf("ann's claim (-want +got):\n%s", diff)
	}
	wantClaim := &moderation.Claim{ModeratorID: ann.ID, ModeratorName: "ann", Until: now.Add(lease)}
	if diff := cmp.Diff(wantClaim, got[0].Comment.Claim); diff != "" {
		t.Errorf("returned claim (-want +got):\n%s", diff)
	}
	if c, _ := db.Comment(ctx, held[0]); !cmp.Equal(wantClaim, c.Claim) {
		t.Errorf("stored claim = %+v, want %+v", c.Claim, wantClaim)
	}
	// Claimed items stay in the queue, with their claim.
	if q, _ := db.Queue(ctx, moderation.QueueFilter{}); len(q) != 4 || q[0].Comment.Claim == nil || q[3].Comment.Claim != nil {
		t.Errorf("queue after claim = %v, want 4 items, first 3 claimed", itemIDs(q))
	}

	// Bob gets only what is left; ann asking again gets nothing new.
	got, err = db.Claim(ctx, bob, 3, now, now.Add(lease))
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(held[3:], itemIDs(got)); diff != "" {
		t.Errorf("bob's claim (-want +got):\n%s", diff)
	}
	if got, _ := db.Claim(ctx, ann, 3, now, now.Add(lease)); len(got) != 0 {
		t.Errorf("ann's second claim = %v, want none", itemIDs(got))
	}

	// At the end of the lease the items are free again, and no longer shown as claimed.
	clk.Advance(lease)
	if c, _ := db.Comment(ctx, held[0]); c.Claim != nil {
		t.Errorf("claim after expiry = %+v, want nil", c.Claim)
	}
	got, err = db.Claim(ctx, bob, 10, clk.Now(), clk.Now().Add(lease))
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(held, itemIDs(got)); diff != "" {
		t.Errorf("bob's claim after expiry (-want +got):\n%s", diff)
	}
	if got, _ := db.Claim(ctx, bob, 0, clk.Now(), clk.Now()); len(got) != 0 {
		t.Errorf("Claim(n=0) = %v", itemIDs(got))
	}
	if _, err := db.Claim(ctx, moderation.Moderator{ID: 999}, 1, clk.Now().Add(lease), clk.Now().Add(2*lease)); !errors.Is(err, moderation.ErrNotFound) {
		t.Errorf("Claim by unknown moderator err = %v, want ErrNotFound", err)
	}

	audit, err := db.Audit(ctx, held[0])
	if err != nil {
		t.Fatal(err)
	}
	var actions []string
	for _, e := range audit {
		actions = append(actions, string(e.Action)+"/"+e.ModeratorName)
	}
	if diff := cmp.Diff([]string{"submitted/", "claimed/ann", "claimed/bob"}, actions); diff != "" {
		t.Errorf("audit (-want +got):\n%s", diff)
	}
}

func TestRelease(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db, clk := newDB(t)
	mustArticle(t, db, "a1")
	ann, bob := mustModerator(t, db, "ann"), mustModerator(t, db, "bob")
	c := mustInsert(t, db, newComment("a1", moderation.Hold, 1))
	now := clk.Now()
	if _, err := db.Claim(ctx, ann, 1, now, now.Add(time.Minute)); err != nil {
		t.Fatal(err)
	}
	if err := db.Release(ctx, bob, c.ID); !errors.Is(err, moderation.ErrNotFound) {
		t.Errorf("Release by bob err = %v, want ErrNotFound", err)
	}
	if err := db.Release(ctx, ann, c.ID); err != nil {
		t.Fatalf("Release by ann: %v", err)
	}
	if err := db.Release(ctx, ann, c.ID); !errors.Is(err, moderation.ErrNotFound) {
		t.Errorf("second Release err = %v, want ErrNotFound", err)
	}
	if got, _ := db.Claim(ctx, bob, 1, now, now.Add(time.Minute)); len(got) != 1 {
		t.Errorf("bob's claim after release = %v, want the comment", itemIDs(got))
	}
	audit, _ := db.Audit(ctx, c.ID)
	if len(audit) != 4 || audit[2].Action != moderation.AuditReleased || audit[2].ModeratorID != ann.ID {
		t.Errorf("audit = %+v, want submitted, claimed, released by ann, claimed", audit)
	}
}

func TestDecide(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db, clk := newDB(t)
	mustArticle(t, db, "a1")
	ann, bob := mustModerator(t, db, "ann"), mustModerator(t, db, "bob")
	c := mustInsert(t, db, newComment("a1", moderation.Hold, 1))
	now := clk.Now()
	if _, err := db.Claim(ctx, ann, 1, now, now.Add(time.Minute)); err != nil {
		t.Fatal(err)
	}
	reject := moderation.Decision{CommentID: c.ID, ModeratorID: bob.ID, Verdict: moderation.Reject, Reason: moderation.ReasonInsult, Note: "calls them an idiot"}

	// Bob may not decide while ann's lease runs, even with override.
	for _, override := range []bool{false, true} {
		d := reject
		d.Override = override
		if _, err := db.Decide(ctx, d); !errors.Is(err, moderation.ErrConflict) {
			t.Errorf("Decide during another's lease (override %v) err = %v, want ErrConflict", override, err)
		}
	}
	// Ann may.
	d := reject
	d.ModeratorID = ann.ID
	got, err := db.Decide(ctx, d)
	if err != nil {
		t.Fatal(err)
	}
	want := d
	want.ID, want.ModeratorName, want.CreatedAt = got.ID, "ann", now
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("decision (-want +got):\n%s", diff)
	}
	stored, _ := db.Comment(ctx, c.ID)
	if diff := cmp.Diff(&want, stored.Decision); diff != "" {
		t.Errorf("stored decision (-want +got):\n%s", diff)
	}
	if stored.Claim != nil || stored.Status() != moderation.Reject {
		t.Errorf("after decision: claim %+v, status %v; want nil, reject", stored.Claim, stored.Status())
	}
	if n, _ := db.QueueSize(ctx); n != 0 {
		t.Errorf("QueueSize after decision = %d, want 0", n)
	}

	// A second decision needs override.
	clk.Advance(time.Minute)
	approve := moderation.Decision{CommentID: c.ID, ModeratorID: bob.ID, Verdict: moderation.Approve, Reason: moderation.ReasonFalsePositive}
	if _, err := db.Decide(ctx, approve); !errors.Is(err, moderation.ErrConflict) {
		t.Errorf("second Decide without override err = %v, want ErrConflict", err)
	}
	approve.Override = true
	got2, err := db.Decide(ctx, approve)
	if err != nil {
		t.Fatal(err)
	}
	if !got2.Override || got2.ModeratorName != "bob" {
		t.Errorf("override decision = %+v, want Override by bob", got2)
	}
	if stored, _ := db.Comment(ctx, c.ID); stored.Decision.ID != got2.ID || stored.Status() != moderation.Approve {
		t.Errorf("current decision = %+v, want the override", stored.Decision)
	}

	// Override on an undecided comment is just a decision.
	c2 := mustInsert(t, db, newComment("a1", moderation.Hold, 1))
	d2, err := db.Decide(ctx, moderation.Decision{CommentID: c2.ID, ModeratorID: bob.ID, Verdict: moderation.Approve, Reason: moderation.ReasonOK, Override: true})
	if err != nil || d2.Override {
		t.Errorf("Decide(override, undecided) = %+v, %v; want Override false", d2, err)
	}

	if _, err := db.Decide(ctx, moderation.Decision{CommentID: 999, ModeratorID: bob.ID, Verdict: moderation.Approve}); !errors.Is(err, moderation.ErrNotFound) {
		t.Errorf("Decide(unknown comment) err = %v, want ErrNotFound", err)
	}
	if _, err := db.Decide(ctx, moderation.Decision{CommentID: c2.ID, ModeratorID: 999, Verdict: moderation.Approve, Override: true}); !errors.Is(err, moderation.ErrNotFound) {
		t.Errorf("Decide(unknown moderator) err = %v, want ErrNotFound", err)
	}

	audit, err := db.Audit(ctx, c.ID)
	if err != nil {
		t.Fatal(err)
	}
	for i := range audit {
		audit[i].ID = 0
	}
	wantAudit := []moderation.AuditEntry{
		{CommentID: c.ID, Action: moderation.AuditSubmitted, Verdict: moderation.Hold, Detail: "ok", ModelVersion: "m1", CreatedAt: now},
		{CommentID: c.ID, Action: moderation.AuditClaimed, ModeratorID: ann.ID, ModeratorName: "ann", Detail: "until 2026-03-01T12:01:00.000000000Z", ModelVersion: "m1", CreatedAt: now},
		{CommentID: c.ID, Action: moderation.AuditDecided, ModeratorID: ann.ID, ModeratorName: "ann", Verdict: moderation.Reject, Detail: "insult: calls them an idiot", ModelVersion: "m1", CreatedAt: now},
		{CommentID: c.ID, Action: moderation.AuditOverride, ModeratorID: bob.ID, ModeratorName: "bob", Verdict: moderation.Approve, Detail: "false_positive", ModelVersion: "m1", CreatedAt: now.Add(time.Minute)},
	}
	if diff := cmp.Diff(wantAudit, audit); diff != "" {
		t.Errorf("audit (-want +got):\n%s", diff)
	}
	if _, err := db.Audit(ctx, 999); !errors.Is(err, moderation.ErrNotFound) {
		t.Errorf("Audit(999) err = %v, want ErrNotFound", err)
	}
}

func TestDecideAfterLeaseEnds(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db, clk := newDB(t)
	mustArticle(t, db, "a1")
	ann, bob := mustModerator(t, db, "ann"), mustModerator(t, db, "bob")
	c := mustInsert(t, db, newComment("a1", moderation.Hold, 1))
	now := clk.Now()
	if _, err := db.Claim(ctx, ann, 1, now, now.Add(time.Minute)); err != nil {
		t.Fatal(err)
	}
	d := moderation.Decision{CommentID: c.ID, ModeratorID: bob.ID, Verdict: moderation.Approve, Reason: moderation.ReasonOK, CreatedAt: now.Add(time.Minute)}
	if _, err := db.Decide(ctx, d); err != nil {
		t.Errorf("Decide at the lease's end: %v, want nil", err)
	}
}

func TestDecided(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db, _ := newDB(t)
	if _, _, err := db.PutArticle(ctx, moderation.Article{ID: "target", Title: "T", Body: "B", StanceTarget: "NATO should expand", Mode: moderation.ModeAuto}); err != nil {
		t.Fatal(err)
	}
	mustArticle(t, db, "plain")
	m := mustModerator(t, db, "mo")
	zero := map[string]int{"toxicity": 0, "insult": 0, "threat": 0, "identity_attack": 0, "profanity": 0}
	tests := []struct {
		article string
		verdict moderation.Verdict
		reason  moderation.ReasonCode
		labels  map[string]int
		context string
	}{
		{"target", moderation.Reject, moderation.ReasonInsult, map[string]int{"insult": 1, "toxicity": 1}, "NATO should expand"},
		{"plain", moderation.Reject, moderation.ReasonToxicity, map[string]int{"toxicity": 1}, "Title of plain\nBody of plain"},
		{"plain", moderation.Reject, moderation.ReasonThreat, map[string]int{"threat": 1, "toxicity": 1}, "Title of plain\nBody of plain"},
		{"plain", moderation.Reject, moderation.ReasonSpam, map[string]int{}, "Title of plain\nBody of plain"},
		{"plain", moderation.Reject, moderation.ReasonOther, map[string]int{}, "Title of plain\nBody of plain"},
		{"plain", moderation.Approve, moderation.ReasonFalsePositive, zero, "Title of plain\nBody of plain"},
	}
	var want []moderation.LabeledExample
	for _, tt := range tests {
		mustInsert(t, db, newComment(tt.article, moderation.Hold, 1)) // undecided: not exported
		c := mustInsert(t, db, newComment(tt.article, moderation.Hold, 1))
		if _, err := db.Decide(ctx, moderation.Decision{CommentID: c.ID, ModeratorID: m.ID, Verdict: tt.verdict, Reason: tt.reason}); err != nil {
			t.Fatal(err)
		}
		want = append(want, moderation.LabeledExample{CommentID: c.ID, Text: c.Text, Context: tt.context,
			Verdict: tt.verdict, Reason: tt.reason, Labels: tt.labels})
	}
	// An overridden decision exports the current one.
	last := want[0].CommentID
	if _, err := db.Decide(ctx, moderation.Decision{CommentID: last, ModeratorID: m.ID, Verdict: moderation.Approve, Reason: moderation.ReasonOK, Override: true}); err != nil {
		t.Fatal(err)
	}
	want[0].Verdict, want[0].Reason, want[0].Labels = moderation.Approve, moderation.ReasonOK, zero

	var got []moderation.LabeledExample
	if err := db.Decided(ctx, func(ex moderation.LabeledExample) error {
		got = append(got, ex)
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("Decided (-want +got):\n%s", diff)
	}
	stop := errors.New("stop")
	n := 0
	if err := db.Decided(ctx, func(moderation.LabeledExample) error { n++; return stop }); !errors.Is(err, stop) || n != 1 {
		t.Errorf("Decided with failing fn = %v after %d calls, want stop after 1", err, n)
	}
}

// TestDecidedBatches crosses the batch boundary.
func TestDecidedBatches(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db, _ := newDB(t)
	mustArticle(t, db, "a1")
	m := mustModerator(t, db, "mo")
	const n = decidedBatch*2 + 3
	for range n {
		c := mustInsert(t, db, newComment("a1", moderation.Hold, 1))
		if _, err := db.Decide(ctx, moderation.Decision{CommentID: c.ID, ModeratorID: m.ID, Verdict: moderation.Approve, Reason: moderation.ReasonOK}); err != nil {
			t.Fatal(err)
		}
	}
	var prev int64
	count := 0
	if err := db.Decided(ctx, func(ex moderation.LabeledExample) error {
		if ex.CommentID <= prev {
			t.Fatalf("comment %d after %d: not in ID order", ex.CommentID, prev)
		}
		prev = ex.CommentID
		count++
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	if count != n {
		t.Errorf("Decided streamed %d examples, want %d", count, n)
	}
}
