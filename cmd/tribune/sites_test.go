package main

import (
	"context"
	"errors"
	"path/filepath"
	"strings"
	"testing"

	"github.com/tribune/tribune/moderation"
	"github.com/tribune/tribune/store"
)

// withService opens the database at path for a check and closes it afterwards.
func withService(t *testing.T, path string, fn func(context.Context, *moderation.Service)) {
	t.Helper()
	ctx := context.Background()
	db, err := store.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	svc, err := moderation.NewService(ctx, db, noModel{})
	if err != nil {
		t.Fatal(err)
	}
	fn(ctx, svc)
}

func TestSiteAndScopedKeyCommands(t *testing.T) {
	db := filepath.Join(t.TempDir(), "sites.db")
	initDB(t, db)
	out, _, err := cliRun(t, "", "site", "create", "--db", db, "--name", "news.example")
	if err != nil || !strings.Contains(out, `created site 2 "news.example"`) {
		t.Fatalf("site create: %v\n%s", err, out)
	}
	out, _, err = cliRun(t, "", "apikey", "create", "--db", db, "--name", "coral", "--site", "news.example",
		"--scope", "score", "--rate", "120")
	if err != nil {
		t.Fatalf("apikey create: %v\n%s", err, out)
	}
	lines := strings.Split(strings.TrimSpace(out), "\n")
	key := lines[len(lines)-1]
	withService(t, db, func(ctx context.Context, svc *moderation.Service) {
		k, err := svc.AuthenticateKey(ctx, key)
		if err != nil {
			t.Fatal(err)
		}
		if k.SiteID != 2 || k.HasScope(moderation.ScopeSite) || !k.HasScope(moderation.ScopeScore) || k.RatePerMinute != 120 {
			t.Errorf("key = %+v, want site 2, score only, 120/min", k)
		}
	})
	out, _, err = cliRun(t, "", "apikey", "list", "--db", db)
	if err != nil || !strings.Contains(out, "score") || !strings.Contains(out, "120") {
		t.Errorf("apikey list: %v\n%s", err, out)
	}
	for _, args := range [][]string{
		{"apikey", "create", "--db", db, "--name", "x", "--site", "nowhere"},
		{"apikey", "create", "--db", db, "--name", "x", "--scope", "admin"},
		{"apikey", "create", "--db", db, "--name", "x", "--rate", "-1"},
		{"site", "create", "--db", db, "--name", "news.example"},
	} {
		if _, _, err := cliRun(t, "", args...); err == nil {
			t.Errorf("%v succeeded", args)
		}
	}
}

func TestModeratorAccountCommands(t *testing.T) {
	db := filepath.Join(t.TempDir(), "mods.db")
	initDB(t, db)
	const pw = "a long enough passphrase"
	for _, args := range [][]string{
		{"moderator", "add", "--db", db, "--name", "ada", "--role", "admin"},
		{"moderator", "add", "--db", db, "--name", "bo"},
	} {
		if _, _, err := cliRun(t, pw+"\n", args...); err != nil {
			t.Fatalf("%v: %v", args, err)
		}
	}
	var token string
	withService(t, db, func(ctx context.Context, svc *moderation.Service) {
		var err error
		if token, _, err = svc.Login(ctx, "bo", pw); err != nil {
			t.Fatal(err)
		}
	})
	sessionGone := func(what string) {
		t.Helper()
		withService(t, db, func(ctx context.Context, svc *moderation.Service) {
			if _, err := svc.SessionModerator(ctx, token); !errors.Is(err, moderation.ErrUnauthenticated) {
				t.Errorf("session after %s: %v, want ErrUnauthenticated", what, err)
			}
		})
	}
	if _, _, err := cliRun(t, "another passphrase!\n", "moderator", "passwd", "--db", db, "--name", "bo"); err != nil {
		t.Fatal(err)
	}
	sessionGone("passwd")

	withService(t, db, func(ctx context.Context, svc *moderation.Service) {
		token, _, _ = svc.Login(ctx, "bo", "another passphrase!")
	})
	if out, _, err := cliRun(t, "", "moderator", "disable", "--db", db, "--name", "bo"); err != nil || !strings.Contains(out, "disabled bo") {
		t.Fatalf("disable: %v %s", err, out)
	}
	sessionGone("disable")
	out, _, err := cliRun(t, "", "moderator", "list", "--db", db)
	if err != nil || !strings.Contains(out, "disabled") {
		t.Errorf("list after disable: %v\n%s", err, out)
	}
	for _, args := range [][]string{
		{"moderator", "enable", "--db", db, "--name", "bo"},
		{"moderator", "role", "--db", db, "--name", "bo", "--role", "admin"},
		{"moderator", "role", "--db", db, "--name", "ada", "--role", "moderator"},
		{"moderator", "sites", "--db", db, "--name", "ada", "--site", "1"},
		{"moderator", "remove", "--db", db, "--name", "ada"},
		{"moderator", "purge-sessions", "--db", db},
	} {
		if out, _, err := cliRun(t, "", args...); err != nil {
			t.Errorf("%v: %v\n%s", args, err, out)
		}
	}
	// bo is now the only admin: cannot be demoted.
	if _, _, err := cliRun(t, "", "moderator", "role", "--db", db, "--name", "bo", "--role", "moderator"); err == nil {
		t.Error("demoting the last admin succeeded")
	}
	if _, _, err := cliRun(t, "", "moderator", "disable", "--db", db); err != errUsage {
		t.Errorf("disable without --name: %v, want errUsage", err)
	}
}
