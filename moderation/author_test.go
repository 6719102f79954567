package moderation_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/tribune/tribune/moderation"
	"github.com/tribune/tribune/moderation/moderationtest"
)

func (f *fixture) submitAs(t *testing.T, articleID, authorID, text string) moderation.Comment {
	t.Helper()
	c, _, err := f.svc.Submit(context.Background(), "test", moderation.Submission{
		ArticleID: articleID, Author: moderation.Author{ID: authorID, Name: "Name of " + authorID}, Text: text,
	})
	if err != nil {
		t.Fatalf("Submit(%q by %s): %v", text, authorID, err)
	}
	return c
}

// TestAuthorStandingFeedsPolicy submits the same texts as authors of every standing.
func TestAuthorStandingFeedsPolicy(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	f.article(t, "auto", moderation.ModeAuto)
	f.article(t, "pre", moderation.ModePremoderate)
	mod := f.moderator(t, "mia", moderation.RoleModerator)
	pol := f.svc.Policy()
	pol.BannedWords = []string{"scam"}
	pol.SuspectWords = []string{"crypto"}
	if err := f.svc.SetPolicy(ctx, pol); err != nil {
		t.Fatal(err)
	}
	for _, st := range []moderation.AuthorStatus{moderation.AuthorTrusted, moderation.AuthorPremoderated, moderation.AuthorBanned} {
		if err := f.svc.SetAuthorStatus(ctx, mod, string(st), st, time.Time{}, ""); err != nil {
			t.Fatalf("SetAuthorStatus(%s): %v", st, err)
		}
	}
	if err := f.svc.SetAuthorStatus(ctx, mod, "suspended", moderation.AuthorSuspended, f.now.Add(time.Hour), "cool off"); err != nil {
		t.Fatal(err)
	}
	const calm, rude, threat = "A calm remark about trams.", "Only an idiot would vote for this.", "I will kill and hurt you."
	tests := []struct {
		author, article, text string
		want                  moderation.Verdict
		code                  string
	}{
		{"normal", "auto", calm, moderation.Approve, "ok"},
		{"normal", "auto", rude, moderation.Hold, "threshold.insult"},
		{"banned", "auto", calm, moderation.Reject, "author.banned"},
		{"suspended", "auto", calm, moderation.Reject, "author.suspended"},
		{"premoderate", "auto", calm, moderation.Hold, "author.premoderate"},
		{"trusted", "auto", rude, moderation.Approve, "author.trusted"},
		{"trusted", "auto", "Buy crypto now.", moderation.Approve, "author.trusted"},
		// Hard rules: banned words, a threat at its reject threshold, an unsupported
		// language, the article's mode.
		{"trusted", "auto", "This is a scam.", moderation.Hold, "banned_word"},
		{"trusted", "auto", threat, moderation.Hold, "threshold.threat"},
		{"trusted", "auto", "Der Stadtrat und die Bahn sind nicht gut.", moderation.Hold, "language.unsupported"},
		{"trusted", "pre", calm, moderation.Hold, "mode.premoderate"},
	}
	for _, tt := range tests {
		c := f.submitAs(t, tt.article, tt.author, tt.text)
		var codes []string
		for _, r := range c.Reasons {
			codes = append(codes, r.Code)
		}
		if c.MachineVerdict != tt.want || !strings.Contains(strings.Join(codes, " "), tt.code) {
			t.Errorf("%s on %s %q: verdict %s, reasons %v; want %s with %s", tt.author, tt.article, tt.text,
				c.MachineVerdict, codes, tt.want, tt.code)
		}
	}
	// The suspension ends: the author's comments are judged as anyone's.
	f.now = f.now.Add(2 * time.Hour)
	if c := f.submitAs(t, "auto", "suspended", calm); c.MachineVerdict != moderation.Approve {
		t.Errorf("after the suspension: verdict %s (%v), want approve", c.MachineVerdict, c.Reasons)
	}
}

func TestAuthorActionsAudited(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	f.article(t, "auto", moderation.ModeAuto)
	mod := f.moderator(t, "mia", moderation.RoleModerator)
	f.submitAs(t, "auto", "u7", "First calm remark.")
	f.submitAs(t, "auto", "u7", "Only an idiot would vote for this.")
	if err := f.svc.SetAuthorStatus(ctx, mod, "u7", moderation.AuthorSuspended, f.now.Add(24*time.Hour), "insults"); err != nil {
		t.Fatal(err)
	}
	if err := f.svc.AddAuthorNote(ctx, mod, "u7", "warned by e-mail"); err != nil {
		t.Fatal(err)
	}
	v, err := f.svc.Author(ctx, mod, "u7")
	if err != nil {
		t.Fatal(err)
	}
	if v.Status != moderation.AuthorSuspended || len(v.Comments) != 2 || v.Name != "Name of u7" ||
		v.ByStatus[moderation.Approve] != 1 || v.ByStatus[moderation.Hold] != 1 {
		t.Errorf("Author = status %s, %d comments, name %q, by status %v", v.Status, len(v.Comments), v.Name, v.ByStatus)
	}
	if len(v.Actions) != 2 || v.Actions[0].Action != "note" || v.Actions[1].Action != "status" ||
		!strings.Contains(v.Actions[1].Detail, "suspended until 2026-11-02T12:00:00Z: insults") ||
		v.Actions[1].ModeratorName != "mia" {
		t.Errorf("Actions = %+v", v.Actions)
	}
}

func TestAuthorInputErrors(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	mod := f.moderator(t, "mia", moderation.RoleModerator)
	restricted := mod
	restricted.Sites = []int64{2}
	tests := []struct {
		name string
		err  error
		want error
	}{
		{"unknown status", f.svc.SetAuthorStatus(ctx, mod, "u1", "vip", time.Time{}, ""), moderation.ErrInvalid},
		{"suspension in the past", f.svc.SetAuthorStatus(ctx, mod, "u1", moderation.AuthorSuspended, f.now, ""), moderation.ErrInvalid},
		{"no author", f.svc.SetAuthorStatus(ctx, mod, "", moderation.AuthorBanned, time.Time{}, ""), moderation.ErrInvalid},
		{"empty note", f.svc.AddAuthorNote(ctx, mod, "u1", " "), moderation.ErrInvalid},
		{"other site", f.svc.AddAuthorNote(ctx, restricted, "u1", "hi"), moderation.ErrNotFound},
	}
	for _, tt := range tests {
		if !errors.Is(tt.err, tt.want) {
			t.Errorf("%s: error = %v, want %v", tt.name, tt.err, tt.want)
		}
	}
}

// TestRescoreKeepsStanding: a rescore judges a comment under the standing it was judged under,
// as it keeps a closed article's refusals.
func TestRescoreKeepsStanding(t *testing.T) {
	ctx := context.Background()
	f := newRescoreFixture(t)
	for author, st := range map[string]moderation.AuthorStatus{"b": moderation.AuthorBanned, "t": moderation.AuthorTrusted} {
		if err := f.svc.SetAuthorStatus(ctx, f.mod, author, st, time.Time{}, ""); err != nil {
			t.Fatal(err)
		}
	}
	if err := f.svc.SetAuthorStatus(ctx, f.mod, "s", moderation.AuthorSuspended, f.now.Add(time.Hour), ""); err != nil {
		t.Fatal(err)
	}
	// The retrained model finds "nonsense" toxic: a normal author's comment is held now, a
	// trusted author's stays approved, banned and suspended authors' stay rejected.
	want := map[int64]moderation.Verdict{
		f.submitAs(t, "a1", "n", "What nonsense.").ID: moderation.Hold,
		f.submitAs(t, "a1", "t", "What nonsense.").ID: moderation.Approve,
		f.submitAs(t, "a1", "b", "What nonsense.").ID: moderation.Reject,
		f.submitAs(t, "a1", "s", "What nonsense.").ID: moderation.Reject,
	}
	if _, err := f.rescorer(true).Run(ctx, moderation.RescoreFilter{}); err != nil {
		t.Fatal(err)
	}
	for id, v := range want {
		c, err := f.db.Comment(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		if c.MachineVerdict != v || c.Assessment.ModelVersion != "fake-retrained-2" {
			t.Errorf("comment %d by %s = %s under %s (%v), want %s", id, c.Author.ID, c.MachineVerdict,
				c.Assessment.ModelVersion, c.Reasons, v)
		}
	}
}

// TestPolicyPreviewKeepsStanding: the settings page's preview judges a comment under the
// standing it was judged under, as rescoring does: a trusted author's approved comment is not
// counted as a change a stricter policy would make.
func TestPolicyPreviewKeepsStanding(t *testing.T) {
	ctx := context.Background()
	f := newRescoreFixture(t)
	for author, st := range map[string]moderation.AuthorStatus{"b": moderation.AuthorBanned, "t": moderation.AuthorTrusted} {
		if err := f.svc.SetAuthorStatus(ctx, f.mod, author, st, time.Time{}, ""); err != nil {
			t.Fatal(err)
		}
	}
	for author, want := range map[string]moderation.Verdict{"n": moderation.Hold, "t": moderation.Approve, "b": moderation.Reject} {
		if c := f.submitAs(t, "a1", author, "You idiot, you idiot"); c.MachineVerdict != want {
			t.Fatalf("author %s: %s, want %s", author, c.MachineVerdict, want)
		}
	}
	p := moderationtest.Policy()
	p.AutoReject = true
	pv, err := f.svc.PreviewPolicy(ctx, p, 100)
	if err != nil {
		t.Fatal(err)
	}
	want := map[[2]moderation.Verdict]int{{moderation.Hold, moderation.Reject}: 1}
	if diff := cmp.Diff(want, pv.Transitions); diff != "" {
		t.Errorf("preview transitions (-want +got):\n%s", diff)
	}
}
