package moderation_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	"github.com/tribune/tribune/moderation"
)

func TestReportsAndQueues(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	f.article(t, "a1", moderation.ModeAuto)
	mod := f.moderator(t, "mia", moderation.RoleModerator)
	calm := f.submit(t, "a1", "A calm remark about trams.")
	rude := f.submit(t, "a1", "Only an idiot would vote for this.")
	other := f.submit(t, "a1", "Another calm remark.")

	in := moderation.ReportInput{ReporterID: "reader-9", Reason: moderation.ReportSpam, Note: "posted 3 times"}
	r, created, err := f.svc.ReportComment(ctx, moderation.DefaultSiteID, calm.ID, in)
	if err != nil || !created || r.ID == 0 {
		t.Fatalf("ReportComment = %+v, %v, %v", r, created, err)
	}
	if again, created, err := f.svc.ReportComment(ctx, moderation.DefaultSiteID, calm.ID, in); err != nil || created || again.ID != r.ID {
		t.Errorf("second report by the same reader = %+v, created %v, %v; want the first", again, created, err)
	}
	list := func(k moderation.QueueKind) []int64 {
		t.Helper()
		items, err := f.svc.List(ctx, moderation.ListFilter{Kind: k})
		if err != nil {
			t.Fatalf("List(%s): %v", k, err)
		}
		var ids []int64
		for _, it := range items {
			ids = append(ids, it.Comment.ID)
		}
		return ids
	}
	eq := func(name string, got []int64, want ...int64) {
		t.Helper()
		if diff := cmp.Diff(want, got, cmpopts.EquateEmpty()); diff != "" {
			t.Errorf("%s (-want +got):\n%s", name, diff)
		}
	}
	eq("reported", list(moderation.QueueReported), calm.ID)
	eq("pending", list(moderation.QueuePending), other.ID, rude.ID, calm.ID)
	eq("approved", list(moderation.QueueApproved), other.ID, calm.ID)
	eq("rejected", list(moderation.QueueRejected))
	if n, err := f.svc.ReportedCount(ctx, nil); err != nil || n != 1 {
		t.Errorf("ReportedCount = %d, %v; want 1", n, err)
	}
	// Deciding the comment closes its reports; a later report opens it again.
	if _, err := f.svc.Decide(ctx, mod, moderation.DecisionInput{CommentID: calm.ID, Verdict: moderation.Reject, Reason: moderation.ReasonSpam}); err != nil {
		t.Fatal(err)
	}
	eq("reported after the decision", list(moderation.QueueReported))
	eq("rejected after the decision", list(moderation.QueueRejected), calm.ID)
	f.now = f.now.Add(time.Minute)
	if _, _, err := f.svc.ReportComment(ctx, moderation.DefaultSiteID, calm.ID, moderation.ReportInput{ReporterID: "reader-2", Reason: moderation.ReportAbuse}); err != nil {
		t.Fatal(err)
	}
	items, err := f.svc.List(ctx, moderation.ListFilter{Kind: moderation.QueueReported})
	if err != nil || len(items) != 1 || len(items[0].Reports) != 1 || items[0].Reports[0].ReporterID != "reader-2" {
		t.Errorf("reported after a new report = %+v, %v; want one item with reader-2's report only", items, err)
	}
	hist, err := f.svc.History(ctx, calm.ID)
	if err != nil || !hasAction(hist, moderation.AuditReported) {
		t.Errorf("History = %+v, %v; want a reported row", hist, err)
	}
}

func hasAction(h []moderation.AuditEntry, a moderation.AuditAction) bool {
	for _, e := range h {
		if e.Action == a {
			return true
		}
	}
	return false
}

func TestReportInputErrors(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	f.article(t, "a1", moderation.ModeAuto)
	c := f.submit(t, "a1", "A calm remark.")
	ok := moderation.ReportInput{ReporterID: "r1", Reason: moderation.ReportAbuse}
	tests := []struct {
		name  string
		site  int64
		id    int64
		edit  func(*moderation.ReportInput)
		field string
		kind  error
	}{
		{"no reporter", 1, c.ID, func(in *moderation.ReportInput) { in.ReporterID = "" }, "reporter_id", moderation.ErrInvalid},
		{"no reason", 1, c.ID, func(in *moderation.ReportInput) { in.Reason = "" }, "reason", moderation.ErrInvalid},
		{"unknown reason", 1, c.ID, func(in *moderation.ReportInput) { in.Reason = "ugly" }, "reason", moderation.ErrInvalid},
		{"long note", 1, c.ID, func(in *moderation.ReportInput) { in.Note = strings.Repeat("x", 1001) }, "note", moderation.ErrInvalid},
		{"unknown comment", 1, 999, func(*moderation.ReportInput) {}, "", moderation.ErrNotFound},
		{"other site's comment", 2, c.ID, func(*moderation.ReportInput) {}, "", moderation.ErrNotFound},
	}
	for _, tt := range tests {
		in := ok
		tt.edit(&in)
		_, _, err := f.svc.ReportComment(ctx, tt.site, tt.id, in)
		var ie *moderation.InputError
		if !errors.Is(err, tt.kind) || (tt.field != "" && (!errors.As(err, &ie) || ie.Field != tt.field)) {
			t.Errorf("%s: error = %v, want %v on %q", tt.name, err, tt.kind, tt.field)
		}
	}
}

func TestSearch(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	f.article(t, "a1", moderation.ModeAuto)
	if _, _, err := f.svc.PutArticle(ctx, moderation.Article{ID: "bridge", Title: "The bridge reopens", Body: "Repairs took two years."}); err != nil {
		t.Fatal(err)
	}
	mod := f.moderator(t, "mia", moderation.RoleModerator)
	c1 := f.submitAs(t, "a1", "alice", "The tramway timetable is confusing.")
	f.submitAs(t, "a1", "bob", "Buses are better.")
	c3 := f.submitAs(t, "bridge", "alice", "Finally, the bridge!")
	res, err := f.svc.Search(ctx, mod, "TRAM", 0)
	if err != nil || len(res.Comments) != 1 || res.Comments[0].Comment.ID != c1.ID || len(res.Articles) != 1 || res.Articles[0].ID != "a1" {
		t.Errorf("Search(TRAM) = %+v, %v; want comment %d (prefix) and article a1", res, err, c1.ID)
	}
	res, err = f.svc.Search(ctx, mod, "name of alice", 0)
	if err != nil || len(res.Authors) != 1 || res.Authors[0].Key != "alice" || res.Authors[0].Comments != 2 ||
		len(res.Comments) != 2 || res.Comments[0].Comment.ID != c3.ID {
		t.Errorf("Search(name of alice) = %+v, %v; want author alice with 2 comments, newest first", res, err)
	}
	res, err = f.svc.Search(ctx, mod, `repairs" OR NEAR(*`, 0)
	if err != nil || len(res.Articles) != 0 {
		t.Errorf("Search with query syntax = %+v, %v; want no match and no error", res, err)
	}
	res, err = f.svc.Search(ctx, mod, `"repairs"`, 0)
	if err != nil || len(res.Articles) != 1 || res.Articles[0].ID != "bridge" {
		t.Errorf("Search(repairs) = %+v, %v; want article bridge", res, err)
	}
	for _, q := range []string{"", "  ", "!!!", strings.Repeat("a ", 9), strings.Repeat("a", 201)} {
		if _, err := f.svc.Search(ctx, mod, q, 0); !errors.Is(err, moderation.ErrInvalid) {
			t.Errorf("Search(%q) error = %v, want ErrInvalid", q, err)
		}
	}
}

func TestUndo(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	f.article(t, "a1", moderation.ModeAuto)
	mia := f.moderator(t, "mia", moderation.RoleModerator)
	ben := f.moderator(t, "ben", moderation.RoleModerator)
	c := f.submit(t, "a1", "Only an idiot would vote for this.")
	decide := func(m moderation.Moderator, v moderation.Verdict, override bool) {
		t.Helper()
		reason := moderation.ReasonOK
		if v == moderation.Reject {
			reason = moderation.ReasonInsult
		}
		if _, err := f.svc.Decide(ctx, m, moderation.DecisionInput{CommentID: c.ID, Verdict: v, Reason: reason, Override: override}); err != nil {
			t.Fatal(err)
		}
	}
	decide(mia, moderation.Reject, false)
	if _, err := f.svc.Undo(ctx, ben, c.ID); !errors.Is(err, moderation.ErrConflict) {
		t.Errorf("Undo by another moderator: %v, want ErrConflict", err)
	}
	f.now = f.now.Add(5 * time.Second)
	got, err := f.svc.Undo(ctx, mia, c.ID)
	if err != nil || got.Decision != nil || got.Status() != moderation.Hold {
		t.Fatalf("Undo = %+v, %v; want the comment held and undecided", got, err)
	}
	if q, _ := f.svc.Queue(ctx, moderation.QueueFilter{}); len(q) != 1 || q[0].Comment.ID != c.ID {
		t.Errorf("queue after undo = %+v, want the comment back", q)
	}
	if _, err := f.svc.Undo(ctx, mia, c.ID); !errors.Is(err, moderation.ErrConflict) {
		t.Errorf("second Undo: %v, want ErrConflict (nothing to undo)", err)
	}
	// Undoing an override restores the earlier decision; past the window nothing is undone.
	decide(mia, moderation.Approve, false)
	decide(ben, moderation.Reject, true)
	if got, err := f.svc.Undo(ctx, ben, c.ID); err != nil || got.Decision == nil || got.Decision.ModeratorName != "mia" || got.Status() != moderation.Approve {
		t.Errorf("Undo of an override = %+v, %v; want mia's approval back", got.Decision, err)
	}
	decide(ben, moderation.Reject, true)
	f.now = f.now.Add(moderation.UndoWindow + time.Second)
	if _, err := f.svc.Undo(ctx, ben, c.ID); !errors.Is(err, moderation.ErrConflict) {
		t.Errorf("Undo after the window: %v, want ErrConflict", err)
	}
	hist, err := f.svc.History(ctx, c.ID)
	if err != nil || !hasAction(hist, moderation.AuditUndone) {
		t.Errorf("History = %+v, %v; want an undone row", hist, err)
	}
	labels := 0
	if err := f.svc.Decided(ctx, func(moderation.LabeledExample) error { labels++; return nil }); err != nil || labels != 1 {
		t.Errorf("Decided streamed %d examples, %v; want 1", labels, err)
	}
}

func TestSetArticleMode(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	f.article(t, "a1", moderation.ModeAuto)
	mod := f.moderator(t, "mia", moderation.RoleModerator)
	if err := f.svc.SetArticleMode(ctx, mod, "a1", moderation.ModeClosed); err != nil {
		t.Fatal(err)
	}
	if c := f.submit(t, "a1", "A calm remark."); c.MachineVerdict != moderation.Reject {
		t.Errorf("comment on the closed article = %s, want reject", c.MachineVerdict)
	}
	acts, err := f.svc.ArticleActions(ctx, mod, "a1")
	if err != nil || len(acts) != 1 || acts[0].Detail != "auto → closed" || acts[0].ModeratorName != "mia" {
		t.Errorf("ArticleActions = %+v, %v", acts, err)
	}
	if err := f.svc.SetArticleMode(ctx, mod, "a1", "open"); !errors.Is(err, moderation.ErrInvalid) {
		t.Errorf("unknown mode: %v, want ErrInvalid", err)
	}
	if err := f.svc.SetArticleMode(ctx, mod, "nope", moderation.ModeAuto); !errors.Is(err, moderation.ErrNotFound) {
		t.Errorf("unknown article: %v, want ErrNotFound", err)
	}
}

// The overview counts the window's comments by decided stance, unclear apart, as the article
// counts do.
func TestOverviewStance(t *testing.T) {
	ctx := context.Background()
	f := newRescoreFixture(t)
	for _, text := range []string{"A fair point about the tram", "Hello there", "Total nonsense but civil", "You idiot, read the article"} {
		f.submit(t, "a1", text)
	}
	o, err := f.svc.Overview(ctx)
	if err != nil {
		t.Fatal(err)
	}
	stats, err := f.svc.Article(ctx, "a1")
	if err != nil {
		t.Fatal(err)
	}
	total := 0
	for st, n := range o.ByStance {
		total += n
		if stats.ByStance[st] != n {
			t.Errorf("overview %s = %d, article counts %d", st, n, stats.ByStance[st])
		}
	}
	if total != 4 {
		t.Errorf("overview counts %d comments by stance (%v), want 4", total, o.ByStance)
	}
}
