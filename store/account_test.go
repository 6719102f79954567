package store

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/tribune/tribune/moderation"
)

func TestModerators(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db, _ := newDB(t)
	bob, err := db.CreateModerator(ctx, moderation.Moderator{Name: "bob", Role: moderation.RoleAdmin}, "h1")
	if err != nil {
		t.Fatal(err)
	}
	want := moderation.Moderator{ID: bob.ID, Name: "bob", Role: moderation.RoleAdmin, CreatedAt: t0}
	if diff := cmp.Diff(want, bob); diff != "" {
		t.Errorf("created (-want +got):\n%s", diff)
	}
	ann := mustModerator(t, db, "ann")
	if _, err := db.CreateModerator(ctx, moderation.Moderator{Name: "bob", Role: moderation.RoleModerator}, "h2"); !errors.Is(err, moderation.ErrConflict) {
		t.Errorf("duplicate name err = %v, want ErrConflict", err)
	}
	got, hash, err := db.ModeratorByName(ctx, "bob")
	if err != nil || hash != "h1" {
		t.Fatalf("ModeratorByName = %v, %q; want hash h1", err, hash)
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("ModeratorByName (-want +got):\n%s", diff)
	}
	if _, _, err := db.ModeratorByName(ctx, "carol"); !errors.Is(err, moderation.ErrNotFound) {
		t.Errorf("ModeratorByName(carol) err = %v, want ErrNotFound", err)
	}
	if err := db.SetModeratorPassword(ctx, "bob", "h3"); err != nil {
		t.Fatal(err)
	}
	if _, hash, _ := db.ModeratorByName(ctx, "bob"); hash != "h3" {
		t.Errorf("hash after SetModeratorPassword = %q, want h3", hash)
	}
	if err := db.SetModeratorPassword(ctx, "carol", "h"); !errors.Is(err, moderation.ErrNotFound) {
		t.Errorf("SetModeratorPassword(carol) err = %v, want ErrNotFound", err)
	}
	list, err := db.Moderators(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]moderation.Moderator{ann, want}, list); diff != "" {
		t.Errorf("Moderators (-want +got):\n%s", diff)
	}
}

func TestAPIKeys(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db, clk := newDB(t)
	k, err := db.CreateAPIKey(ctx, moderation.APIKey{Name: "site", Prefix: "trb_ab"}, "hash1")
	if err != nil {
		t.Fatal(err)
	}
	want := moderation.APIKey{ID: k.ID, Name: "site", Prefix: "trb_ab", CreatedAt: t0, SiteID: moderation.DefaultSiteID}
	if diff := cmp.Diff(want, k); diff != "" {
		t.Errorf("created (-want +got):\n%s", diff)
	}
	if _, err := db.CreateAPIKey(ctx, moderation.APIKey{Name: "dup"}, "hash1"); !errors.Is(err, moderation.ErrConflict) {
		t.Errorf("duplicate hash err = %v, want ErrConflict", err)
	}
	got, err := db.APIKeyByHash(ctx, "hash1")
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("APIKeyByHash (-want +got):\n%s", diff)
	}
	if _, err := db.APIKeyByHash(ctx, "nope"); !errors.Is(err, moderation.ErrNotFound) {
		t.Errorf("APIKeyByHash(nope) err = %v, want ErrNotFound", err)
	}
	revokedAt := clk.Now().Add(time.Hour)
	if err := db.RevokeAPIKey(ctx, k.ID, revokedAt); err != nil {
		t.Fatal(err)
	}
	if err := db.RevokeAPIKey(ctx, k.ID, revokedAt.Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	if err := db.RevokeAPIKey(ctx, 999, revokedAt); !errors.Is(err, moderation.ErrNotFound) {
		t.Errorf("RevokeAPIKey(999) err = %v, want ErrNotFound", err)
	}
	k2, _ := db.CreateAPIKey(ctx, moderation.APIKey{Name: "other", Prefix: "trb_cd"}, "hash2")
	list, err := db.APIKeys(ctx)
	if err != nil {
		t.Fatal(err)
	}
	want.RevokedAt = &revokedAt // the first revocation time is kept
	if diff := cmp.Diff([]moderation.APIKey{want, k2}, list); diff != "" {
		t.Errorf("APIKeys (-want +got):\n%s", diff)
	}
}

func TestSessions(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db, _ := newDB(t)
	ann := mustModerator(t, db, "ann")
	exp := t0.Add(time.Hour)
	if err := db.CreateSession(ctx, "tok", ann.ID, exp); err != nil {
		t.Fatal(err)
	}
	if err := db.CreateSession(ctx, "tok", ann.ID, exp); !errors.Is(err, moderation.ErrConflict) {
		t.Errorf("duplicate session err = %v, want ErrConflict", err)
	}
	if err := db.CreateSession(ctx, "tok2", 999, exp); !errors.Is(err, moderation.ErrNotFound) {
		t.Errorf("session for unknown moderator err = %v, want ErrNotFound", err)
	}
	got, err := db.SessionModerator(ctx, "tok", exp.Add(-time.Nanosecond))
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(ann, got); diff != "" {
		t.Errorf("SessionModerator (-want +got):\n%s", diff)
	}
	for name, tc := range map[string]struct {
		tok string
		at  time.Time
	}{"expired": {"tok", exp}, "unknown": {"nope", t0}} {
		if _, err := db.SessionModerator(ctx, tc.tok, tc.at); !errors.Is(err, moderation.ErrNotFound) {
			t.Errorf("%s session err = %v, want ErrNotFound", name, err)
		}
	}
	if err := db.DeleteSession(ctx, "tok"); err != nil {
		t.Fatal(err)
	}
	if _, err := db.SessionModerator(ctx, "tok", t0); !errors.Is(err, moderation.ErrNotFound) {
		t.Errorf("deleted session err = %v, want ErrNotFound", err)
	}
	if err := db.DeleteSession(ctx, "tok"); err != nil {
		t.Errorf("deleting a deleted session: %v, want nil", err)
	}
}

func TestPolicy(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db, _ := newDB(t)
	if _, err := db.Policy(ctx); !errors.Is(err, moderation.ErrNotFound) {
		t.Errorf("Policy before save err = %v, want ErrNotFound", err)
	}
	p := moderation.DefaultPolicy()
	p.BannedWords = []string{"badword"}
	for _, want := range []moderation.Policy{p, {Hold: map[string]float64{"insult": 0.5}, AutoReject: true, SuspectWords: []string{"x y"}}} {
		if err := db.SavePolicy(ctx, want); err != nil {
			t.Fatal(err)
		}
		got, err := db.Policy(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("Policy (-want +got):\n%s", diff)
		}
	}
}
