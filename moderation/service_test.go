package moderation_test

import (
	"context"
	"database/sql"
	"errors"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/tribune/tribune/moderation"
	"github.com/tribune/tribune/moderation/moderationtest"
	"github.com/tribune/tribune/store"
	"golang.org/x/crypto/bcrypt"
)

func init() { moderation.BcryptCost = bcrypt.MinCost }

// fixture is a service over a fresh SQLite file, with a controllable clock.
type fixture struct {
	svc *moderation.Service
	db  *store.DB
	now time.Time
}

func newFixture(t *testing.T) *fixture {
	t.Helper()
	ctx := context.Background()
	db, err := store.Open(ctx, filepath.Join(t.TempDir(), "tribune.db"))
	if err != nil {
		t.Fatalf("store.Open: %v", err)
	}
	t.Cleanup(func() { _ = db.Close() })
	svc, err := moderation.NewService(ctx, db, moderationtest.FakeClassifier{})
	if err != nil {
		t.Fatalf("NewService: %v", err)
	}
	// The fake's keyword scores are meant for its own thresholds, not the shipped model's.
	if err := svc.SetPolicy(ctx, moderationtest.Policy()); err != nil {
		t.Fatalf("SetPolicy: %v", err)
	}
	f := &fixture{svc: svc, db: db, now: time.Date(2026, 11, 1, 12, 0, 0, 0, time.UTC)}
	svc.Now = func() time.Time { return f.now }
	return f
}

func (f *fixture) article(t *testing.T, id string, mode moderation.Mode) moderation.Article {
	t.Helper()
	a, _, err := f.svc.PutArticle(context.Background(), moderation.Article{
		ID: id, Title: "Council approves the new tram line", Body: "The city council voted for the tram line.", Mode: mode,
	})
	if err != nil {
		t.Fatalf("PutArticle: %v", err)
	}
	return a
}

func (f *fixture) submit(t *testing.T, articleID, text string) moderation.Comment {
	t.Helper()
	c, created, err := f.svc.Submit(context.Background(), "test", moderation.Submission{
		ArticleID: articleID, Author: moderation.Author{ID: "u1", Name: "Reader"}, Text: text,
	})
	if err != nil || !created {
		t.Fatalf("Submit(%q) = created %v, %v", text, created, err)
	}
	return c
}

func (f *fixture) moderator(t *testing.T, name string, role moderation.Role) moderation.Moderator {
	t.Helper()
	m, err := f.svc.AddModerator(context.Background(), name, "correct horse battery", role)
	if err != nil {
		t.Fatalf("AddModerator: %v", err)
	}
	return m
}

func TestSubmitVerdicts(t *testing.T) {
	f := newFixture(t)
	f.article(t, "auto", moderation.ModeAuto)
	f.article(t, "pre", moderation.ModePremoderate)
	f.article(t, "closed", moderation.ModeClosed)

	tests := []struct {
		article, text string
		want          moderation.Verdict
	}{
		{"auto", "I disagree with the council: the tram line is a waste of money.", moderation.Approve},
		{"auto", "Only an idiot would vote for this.", moderation.Hold},
		{"pre", "A perfectly calm remark.", moderation.Hold},
		{"closed", "A perfectly calm remark.", moderation.Reject},
	}
	for _, tt := range tests {
		c := f.submit(t, tt.article, tt.text)
		if c.Status() != tt.want {
			t.Errorf("%s %q: status = %s, want %s (reasons %v)", tt.article, tt.text, c.Status(), tt.want, c.Reasons)
		}
		if c.Assessment.ModelVersion == "" || len(c.Reasons) == 0 {
			t.Errorf("%q: stored without model version or reasons: %+v", tt.text, c)
		}
		got, err := f.svc.Comment(context.Background(), c.ID)
		if err != nil || got.Text != tt.text || got.MachineVerdict != tt.want {
			t.Errorf("Comment(%d) = %+v, %v", c.ID, got, err)
		}
	}
}

func TestSubmitValidation(t *testing.T) {
	f := newFixture(t)
	f.article(t, "a1", moderation.ModeAuto)
	ctx := context.Background()
	ok := moderation.Submission{ArticleID: "a1", Author: moderation.Author{ID: "u"}, Text: "hello"}
	tests := []struct {
		name  string
		edit  func(*moderation.Submission)
		field string
	}{
		{"empty text", func(s *moderation.Submission) { s.Text = "  " }, "text"},
		{"huge text", func(s *moderation.Submission) { s.Text = strings.Repeat("a", moderation.MaxCommentBytes+1) }, "text"},
		{"invalid utf8", func(s *moderation.Submission) { s.Text = "ok \xff" }, "text"},
		{"no author", func(s *moderation.Submission) { s.Author.ID = "" }, "author.id"},
		{"unknown article", func(s *moderation.Submission) { s.ArticleID = "nope" }, "article_id"},
		{"unknown parent", func(s *moderation.Submission) { s.ParentID = 999 }, "parent_id"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			sub := ok
			tt.edit(&sub)
			_, _, err := f.svc.Submit(ctx, "s", sub)
			var ie *moderation.InputError
			if !errors.As(err, &ie) || ie.Field != tt.field {
				t.Fatalf("Submit() error = %v, want InputError on %s", err, tt.field)
			}
		})
	}
}

func TestSubmitIdempotent(t *testing.T) {
	f := newFixture(t)
	f.article(t, "a1", moderation.ModeAuto)
	ctx := context.Background()
	sub := moderation.Submission{ArticleID: "a1", Author: moderation.Author{ID: "u"}, Text: "hello", IdempotencyKey: "k1"}
	first, created, err := f.svc.Submit(ctx, "s", sub)
	if err != nil || !created {
		t.Fatalf("first Submit = %v, %v", created, err)
	}
	again, created, err := f.svc.Submit(ctx, "s", sub)
	if err != nil || created || again.ID != first.ID {
		t.Fatalf("retry = id %d created %v err %v, want id %d not created", again.ID, created, err, first.ID)
	}
	other, created, err := f.svc.Submit(ctx, "other-site", sub)
	if err != nil || !created || other.ID == first.ID {
		t.Fatalf("same key in another scope = id %d created %v err %v, want a new comment", other.ID, created, err)
	}
}

func TestQueueClaimDecide(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	f.article(t, "a1", moderation.ModePremoderate)
	alice := f.moderator(t, "alice", moderation.RoleModerator)
	bob := f.moderator(t, "bob", moderation.RoleModerator)
	calm := f.submit(t, "a1", "calm words")
	rude := f.submit(t, "a1", "you idiot")

	q, err := f.svc.Queue(ctx, moderation.QueueFilter{})
	if err != nil || len(q) != 2 || q[0].Comment.ID != rude.ID {
		t.Fatalf("Queue = %d items (first %v), %v; want the rude comment first", len(q), q, err)
	}
	got, err := f.svc.Claim(ctx, alice, 1)
	if err != nil || len(got) != 1 || got[0].Comment.ID != rude.ID {
		t.Fatalf("alice Claim = %v, %v", got, err)
	}
	got, err = f.svc.Claim(ctx, bob, 5)
	if err != nil || len(got) != 1 || got[0].Comment.ID != calm.ID {
		t.Fatalf("bob Claim = %v, %v; want only the unclaimed comment", got, err)
	}
	// Bob may not decide what Alice holds.
	_, err = f.svc.Decide(ctx, bob, moderation.DecisionInput{CommentID: rude.ID, Verdict: moderation.Reject, Reason: moderation.ReasonInsult})
	if !errors.Is(err, moderation.ErrConflict) {
		t.Fatalf("bob deciding alice's claim: %v, want ErrConflict", err)
	}
	if _, err := f.svc.Decide(ctx, alice, moderation.DecisionInput{CommentID: rude.ID, Verdict: moderation.Reject, Reason: moderation.ReasonInsult, Note: "name calling"}); err != nil {
		t.Fatalf("alice Decide: %v", err)
	}
	// A second decision needs an explicit override.
	_, err = f.svc.Decide(ctx, bob, moderation.DecisionInput{CommentID: rude.ID, Verdict: moderation.Approve})
	if !errors.Is(err, moderation.ErrConflict) {
		t.Fatalf("deciding again without override: %v, want ErrConflict", err)
	}
	if _, err := f.svc.Decide(ctx, bob, moderation.DecisionInput{CommentID: rude.ID, Verdict: moderation.Approve, Reason: moderation.ReasonFalsePositive, Override: true}); err != nil {
		t.Fatalf("override: %v", err)
	}
	c, _ := f.svc.Comment(ctx, rude.ID)
	if c.Status() != moderation.Approve || c.Decision == nil || !c.Decision.Override {
		t.Errorf("after override status %s decision %+v", c.Status(), c.Decision)
	}
	hist, err := f.svc.History(ctx, rude.ID)
	if err != nil {
		t.Fatal(err)
	}
	var actions []string
	for _, e := range hist {
		actions = append(actions, string(e.Action))
	}
	if want := "submitted claimed decided overridden"; strings.Join(actions, " ") != want {
		t.Errorf("audit actions = %v, want %s", actions, want)
	}
	// The lease expires: after it, anyone may claim Bob's comment.
	f.now = f.now.Add(moderation.DefaultLease + time.Second)
	got, err = f.svc.Claim(ctx, alice, 5)
	if err != nil || len(got) != 1 || got[0].Comment.ID != calm.ID {
		t.Fatalf("claim after lease expiry = %v, %v", got, err)
	}
}

func TestDecideValidation(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	f.article(t, "a1", moderation.ModeAuto)
	m := f.moderator(t, "alice", moderation.RoleModerator)
	c := f.submit(t, "a1", "text")
	tests := []struct {
		name string
		in   moderation.DecisionInput
		want error
	}{
		{"bad verdict", moderation.DecisionInput{CommentID: c.ID, Verdict: "hold"}, moderation.ErrInvalid},
		{"reject without reason", moderation.DecisionInput{CommentID: c.ID, Verdict: moderation.Reject}, moderation.ErrInvalid},
		{"approve with reject reason", moderation.DecisionInput{CommentID: c.ID, Verdict: moderation.Approve, Reason: moderation.ReasonSpam}, moderation.ErrInvalid},
		{"unknown comment", moderation.DecisionInput{CommentID: 404, Verdict: moderation.Approve}, moderation.ErrNotFound},
	}
	for _, tt := range tests {
		if _, err := f.svc.Decide(ctx, m, tt.in); !errors.Is(err, tt.want) {
			t.Errorf("%s: Decide() = %v, want %v", tt.name, err, tt.want)
		}
	}
}

func TestAccounts(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	key, k, err := f.svc.CreateAPIKey(ctx, "news site")
	if err != nil || !strings.HasPrefix(key, "trb_") || !strings.HasPrefix(key, k.Prefix) {
		t.Fatalf("CreateAPIKey = %q, %+v, %v", key, k, err)
	}
	if got, err := f.svc.AuthenticateKey(ctx, key); err != nil || got.ID != k.ID {
		t.Fatalf("AuthenticateKey = %+v, %v", got, err)
	}
	if _, err := f.svc.AuthenticateKey(ctx, key+"x"); !errors.Is(err, moderation.ErrUnauthenticated) {
		t.Errorf("wrong key: %v, want ErrUnauthenticated", err)
	}
	if err := f.svc.RevokeAPIKey(ctx, k.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := f.svc.AuthenticateKey(ctx, key); !errors.Is(err, moderation.ErrUnauthenticated) {
		t.Errorf("revoked key: %v, want ErrUnauthenticated", err)
	}

	if _, err := f.svc.AddModerator(ctx, "carol", "short", moderation.RoleAdmin); !errors.Is(err, moderation.ErrInvalid) {
		t.Errorf("short password: %v, want ErrInvalid", err)
	}
	f.moderator(t, "carol", moderation.RoleAdmin)
	if _, err := f.svc.AddModerator(ctx, "carol", "another long password", moderation.RoleAdmin); !errors.Is(err, moderation.ErrConflict) {
		t.Errorf("duplicate name: %v, want ErrConflict", err)
	}
	if _, _, err := f.svc.Login(ctx, "carol", "wrong password!!"); !errors.Is(err, moderation.ErrUnauthenticated) {
		t.Errorf("wrong password: %v, want ErrUnauthenticated", err)
	}
	if _, _, err := f.svc.Login(ctx, "nobody", "correct horse battery"); !errors.Is(err, moderation.ErrUnauthenticated) {
		t.Errorf("unknown name: %v, want ErrUnauthenticated", err)
	}
	token, m, err := f.svc.Login(ctx, "carol", "correct horse battery")
	if err != nil || !m.IsAdmin() {
		t.Fatalf("Login = %+v, %v", m, err)
	}
	if got, err := f.svc.SessionModerator(ctx, token); err != nil || got.Name != "carol" {
		t.Fatalf("SessionModerator = %+v, %v", got, err)
	}
	f.now = f.now.Add(moderation.SessionTTL + time.Minute)
	if _, err := f.svc.SessionModerator(ctx, token); !errors.Is(err, moderation.ErrUnauthenticated) {
		t.Errorf("expired session: %v, want ErrUnauthenticated", err)
	}
	if err := f.svc.Logout(ctx, token); err != nil {
		t.Errorf("Logout: %v", err)
	}
}

func TestSetPolicyPersists(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	p := moderation.DefaultPolicy()
	p.Hold["insult"] = 0.6
	// Blank entries and duplicates (after normalization) are dropped, not stored.
	p.BannedWords = []string{"Spamword", "spamword", " ", "!!"}
	p.Reject["threat"] = p.Hold["threat"] / 2
	if err := f.svc.SetPolicy(ctx, p); !errors.Is(err, moderation.ErrInvalid) {
		t.Fatalf("SetPolicy with reject below hold: %v, want ErrInvalid", err)
	}
	p.Reject["threat"] = 0.95
	if err := f.svc.SetPolicy(ctx, p); err != nil {
		t.Fatalf("SetPolicy: %v", err)
	}
	svc2, err := moderation.NewService(ctx, f.db, moderationtest.FakeClassifier{})
	if err != nil {
		t.Fatal(err)
	}
	got := svc2.Policy()
	if got.Hold["insult"] != 0.6 || got.Reject["threat"] != 0.95 || len(got.BannedWords) != 1 {
		t.Errorf("reloaded policy = %+v", got)
	}
	if !cmp.Equal(got.Priors, moderation.DefaultPriors()) {
		t.Errorf("reloaded priors = %v, want the default ones", got.Priors)
	}
}

// TestNewServiceUpgradesSavedPolicy checks a service loading a policy saved by an earlier
// release: the earlier default thresholds give way to the current ones, a site's own stay, and
// priors are the defaults unless the saved policy says otherwise ({} keeps none).
func TestNewServiceUpgradesSavedPolicy(t *testing.T) {
	const (
		oldHold   = `"hold":{"toxicity":0.9,"insult":0.7,"threat":0.5,"identity_attack":0.5,"profanity":0.5}`
		oldReject = `"reject":{"toxicity":0.99,"insult":0.97,"threat":0.9,"identity_attack":0.9,"profanity":0.95}`
		ownHold   = `"hold":{"insult":0.6}`
	)
	def := moderation.DefaultPolicy()
	tests := []struct {
		name       string
		body       string
		wantHold   map[string]float64
		wantPriors map[string]float64
	}{
		{"earlier defaults, saved before priors", `{` + oldHold + `,` + oldReject + `,"auto_reject":false}`, def.Hold, def.Priors},
		{"earlier defaults, no priors", `{` + oldHold + `,` + oldReject + `,"priors":{}}`, def.Hold, nil},
		{"own thresholds, saved before priors", `{` + ownHold + `,` + oldReject + `}`, map[string]float64{"insult": 0.6}, def.Priors},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ctx := context.Background()
			f := newRescoreFixture(t) // saves a policy, so that there is a row to overwrite
			raw, err := sql.Open("sqlite3", "file:"+f.path)
			if err != nil {
				t.Fatal(err)
			}
			defer raw.Close()
			if _, err := raw.ExecContext(ctx, `UPDATE policy SET body = ? WHERE id = 1`, tt.body); err != nil {
				t.Fatal(err)
			}
			svc, err := moderation.NewService(ctx, f.db, moderationtest.FakeClassifier{})
			if err != nil {
				t.Fatal(err)
			}
			got := svc.Policy()
			if diff := cmp.Diff(tt.wantHold, got.Hold); diff != "" {
				t.Errorf("hold (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(tt.wantPriors, got.Priors); diff != "" {
				t.Errorf("priors (-want +got):\n%s", diff)
			}
		})
	}
}
