package moderation_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"golang.org/x/crypto/bcrypt"

	"github.com/tribune/tribune/moderation"
)

// testPassword is the password f.moderator gives everyone.
const testPassword = "correct horse battery"

func TestLoginBackoffPerAddressAndName(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	f.moderator(t, "ann", moderation.RoleModerator)
	fail := func(addr string) error {
		_, _, err := f.svc.LoginFrom(ctx, addr, "ann", "wrong password!")
		return err
	}
	for i := range 5 {
		if err := fail("192.0.2.1"); !errors.Is(err, moderation.ErrUnauthenticated) {
			t.Fatalf("failure %d: %v, want ErrUnauthenticated", i+1, err)
		}
	}
	// Each further failure doubles the wait: 1 s after the fifth, then 2 s, 4 s.
	for _, want := range []time.Duration{time.Second, 2 * time.Second, 4 * time.Second} {
		var rl *moderation.RateLimitError
		if err := fail("192.0.2.1"); !errors.As(err, &rl) || rl.RetryAfter != want {
			t.Fatalf("limited attempt: %v, want wait %v", err, want)
		}
		f.now = f.now.Add(want)
		if err := fail("192.0.2.1"); !errors.Is(err, moderation.ErrUnauthenticated) {
			t.Fatalf("after waiting %v: %v, want a checked (wrong) password", want, err)
		}
	}
	// Meanwhile ann logs in from elsewhere, and a success clears her own address's count.
	if _, _, err := f.svc.LoginFrom(ctx, "198.51.100.1", "ann", testPassword); err != nil {
		t.Errorf("ann from another address: %v", err)
	}
	// An hour later everything is forgotten and purged.
	f.now = f.now.Add(2 * time.Hour)
	if _, err := f.svc.PurgeSessions(ctx); err != nil {
		t.Fatal(err)
	}
	if _, _, err := f.svc.LoginFrom(ctx, "192.0.2.1", "ann", testPassword); err != nil {
		t.Errorf("after an hour: %v", err)
	}
}

// The dummy hash compared on unknown names costs what a real one does, so the two answers
// take as long (measured in the README: tribune bench-login).
func TestDummyHashCost(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	m := f.moderator(t, "ann", moderation.RoleModerator)
	_, hash, err := f.db.ModeratorByName(ctx, m.Name)
	if err != nil {
		t.Fatal(err)
	}
	real, _ := bcrypt.Cost([]byte(hash))
	dummy, _ := bcrypt.Cost(moderation.DummyHashForTest())
	if real != dummy || dummy != moderation.BcryptCost {
		t.Errorf("dummy hash cost %d, real %d, want both %d", dummy, real, moderation.BcryptCost)
	}
}

func TestModeratorLifecycle(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	f.moderator(t, "root", moderation.RoleAdmin)
	f.moderator(t, "ann", moderation.RoleModerator)
	// The only admin cannot be disabled, demoted or removed.
	for name, err := range map[string]error{
		"disable": f.svc.SetModeratorEnabled(ctx, "root", false),
		"demote":  f.svc.SetRole(ctx, "root", moderation.RoleModerator),
		"remove":  f.svc.RemoveModerator(ctx, "root"),
	} {
		if !errors.Is(err, moderation.ErrConflict) {
			t.Errorf("%s the last admin: %v, want ErrConflict", name, err)
		}
	}
	token, _, err := f.svc.Login(ctx, "ann", testPassword)
	if err != nil {
		t.Fatal(err)
	}
	if err := f.svc.RemoveModerator(ctx, "ann"); err != nil {
		t.Fatalf("remove ann (no history): %v", err)
	}
	if _, err := f.svc.SessionModerator(ctx, token); !errors.Is(err, moderation.ErrUnauthenticated) {
		t.Errorf("removed ann's session: %v, want ErrUnauthenticated", err)
	}
	// A moderator with decisions is kept for the audit log.
	f.article(t, "a1", moderation.ModePremoderate)
	c := f.submit(t, "a1", "A calm comment.")
	bea := f.moderator(t, "bea", moderation.RoleModerator)
	if _, err := f.svc.Decide(ctx, bea, moderation.DecisionInput{CommentID: c.ID, Verdict: moderation.Approve,
		Reason: moderation.ReasonFalsePositive}); err != nil {
		t.Fatal(err)
	}
	if err := f.svc.RemoveModerator(ctx, "bea"); !errors.Is(err, moderation.ErrConflict) {
		t.Errorf("remove bea (has decisions): %v, want ErrConflict", err)
	}
	if err := f.svc.SetModeratorEnabled(ctx, "nobody", false); !errors.Is(err, moderation.ErrNotFound) {
		t.Errorf("disable unknown: %v, want ErrNotFound", err)
	}
}

func TestPurgeExpiredSessions(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	f.moderator(t, "ann", moderation.RoleModerator)
	if _, _, err := f.svc.Login(ctx, "ann", testPassword); err != nil {
		t.Fatal(err)
	}
	if n, err := f.svc.PurgeSessions(ctx); err != nil || n != 0 {
		t.Errorf("purge of a live session = %d, %v; want 0", n, err)
	}
	f.now = f.now.Add(moderation.SessionTTL)
	if n, err := f.svc.PurgeSessions(ctx); err != nil || n != 1 {
		t.Errorf("purge after the TTL = %d, %v; want 1", n, err)
	}
}

func TestModeratorNames(t *testing.T) {
	f := newFixture(t)
	for _, name := range []string{"a\x00b", "a\u200bb", "a\u00adb", "a b", "a\u2060b", "\u202eadmin"} {
		if _, err := f.svc.AddModerator(context.Background(), name, testPassword, moderation.RoleModerator); !errors.Is(err, moderation.ErrInvalid) {
			t.Errorf("AddModerator(%q) = %v, want ErrInvalid", name, err)
		}
	}
	if _, err := f.svc.AddModerator(context.Background(), "Zoë-Łukasz", testPassword, moderation.RoleModerator); err != nil {
		t.Errorf("AddModerator(Zoë-Łukasz) = %v", err)
	}
}

func TestScoreTonesStopsWhenCanceled(t *testing.T) {
	f := newFixture(t)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err := f.svc.ScoreTones(ctx, []string{"one", "two"})
	if !errors.Is(err, context.Canceled) {
		t.Errorf("ScoreTones on a canceled context = %v, want context.Canceled", err)
	}
}

func TestArticleKeys(t *testing.T) {
	for _, tc := range []struct {
		site int64
		id   string
		key  string
	}{
		{1, "art", "art"},
		{2, "art", "@2:art"},
		{2, "@1:x", "@2:@1:x"},
		{1, "@x:y", "@x:y"},
	} {
		t.Run(tc.key, func(t *testing.T) {
			if got := moderation.ArticleKey(tc.site, tc.id); got != tc.key {
				t.Errorf("ArticleKey = %q, want %q", got, tc.key)
			}
			site, id := moderation.SplitArticleKey(tc.key)
			if site != tc.site || id != tc.id {
				t.Errorf("SplitArticleKey(%q) = %d %q", tc.key, site, id)
			}
		})
	}
}

func TestSiteScopedSubmitConflict(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	b, err := f.svc.CreateSite(ctx, "b")
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := f.svc.PutSiteArticle(ctx, b.ID, moderation.Article{ID: "x", Title: "T"}); err != nil {
		t.Fatal(err)
	}
	sub := moderation.Submission{ArticleID: "x", Author: moderation.Author{ID: "u"}, Text: "Hello.", IdempotencyKey: "k"}
	c, _, err := f.svc.SubmitToSite(ctx, b.ID, "key:9", sub)
	if err != nil || c.ArticleID != "x" {
		t.Fatalf("SubmitToSite = %+v, %v", c, err)
	}
	sub.Text = "Something else."
	_, _, err = f.svc.SubmitToSite(ctx, b.ID, "key:9", sub)
	var ice *moderation.IdempotencyConflictError
	if !errors.As(err, &ice) || ice.CommentID != c.ID || !strings.Contains(err.Error(), "already used") {
		t.Errorf("reuse with another text: %v, want IdempotencyConflictError for %d", err, c.ID)
	}
	if _, err := f.svc.SiteComment(ctx, moderation.DefaultSiteID, c.ID); !errors.Is(err, moderation.ErrNotFound) {
		t.Errorf("default site reading b's comment: %v, want ErrNotFound", err)
	}
}
