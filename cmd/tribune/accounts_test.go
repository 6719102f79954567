package main

import (
	"context"
	"path/filepath"
	"strings"
	"testing"

	"github.com/tribune/tribune/moderation"
	"github.com/tribune/tribune/store"
)

func TestAPIKeyCommand(t *testing.T) {
	db := filepath.Join(t.TempDir(), "keys.db")
	key := newAPIKey(t, db)

	out, _, err := cliRun(t, "", "apikey", "list", "--db", db)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out, "test site") || !strings.Contains(out, key[:10]) || strings.Contains(out, key) {
		t.Errorf("apikey list shows:\n%s\nwant the name and prefix, never the key", out)
	}
	checkKey(t, db, key, nil)

	if out, _, err = cliRun(t, "", "apikey", "revoke", "1", "--db", db); err != nil || !strings.Contains(out, "revoked API key 1") {
		t.Fatalf("apikey revoke 1: %v\n%s", err, out)
	}
	checkKey(t, db, key, moderation.ErrUnauthenticated)
	if _, _, err := cliRun(t, "", "apikey", "revoke", "--db", db, "99"); err == nil {
		t.Error("revoking an unknown key succeeded")
	}
	for _, args := range [][]string{
		{"apikey"}, {"apikey", "rotate"}, {"apikey", "revoke", "--db", db}, {"apikey", "revoke", "x", "--db", db},
		{"apikey", "create", "--db", db, "extra"},
	} {
		if _, _, err := cliRun(t, "", args...); err != errUsage {
			t.Errorf("%v: err = %v, want errUsage", args, err)
		}
	}
	if _, _, err := cliRun(t, "", "apikey", "create", "--db", db); err == nil {
		t.Error("apikey create without --name succeeded")
	}
}

// checkKey authenticates key against the database and compares the error kind.
func checkKey(t *testing.T, path, key string, want error) {
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
	if _, err := svc.AuthenticateKey(ctx, key); err != want {
		t.Errorf("AuthenticateKey = %v, want %v", err, want)
	}
}

func TestModeratorCommand(t *testing.T) {
	db := filepath.Join(t.TempDir(), "mods.db")
	initDB(t, db)
	const pw = "a long enough passphrase "
	out, errOut, err := cliRun(t, pw+"\n", "moderator", "add", "--db", db, "--name", "ada", "--role", "admin")
	if err != nil || !strings.Contains(out, `added admin "ada"`) {
		t.Fatalf("moderator add: %v\n%s%s", err, out, errOut)
	}
	if out, _, err = cliRun(t, "other passphrase!", "moderator", "add", "--db", db, "--name", "bo"); err != nil ||
		!strings.Contains(out, `added moderator "bo"`) {
		t.Fatalf("moderator add without newline: %v\n%s", err, out)
	}
	out, _, err = cliRun(t, "", "moderator", "list", "--db", db)
	if err != nil || !strings.Contains(out, "ada") || !strings.Contains(out, "admin") || !strings.Contains(out, "bo") {
		t.Errorf("moderator list: %v\n%s", err, out)
	}
	checkLogin(t, db, "ada", pw) // trailing space kept: only the line ending is trimmed

	if _, _, err = cliRun(t, "new passphrase 123\r\n", "moderator", "passwd", "--db", db, "--name", "ada"); err != nil {
		t.Fatalf("moderator passwd: %v", err)
	}
	checkLogin(t, db, "ada", "new passphrase 123")

	for _, tc := range []struct {
		name, stdin string
		args        []string
	}{
		{"short password", "short\n", []string{"--name", "cy"}},
		{"no password", "", []string{"--name", "cy"}},
		{"bad role", "long enough password\n", []string{"--name", "cy", "--role", "boss"}},
		{"duplicate name", "long enough password\n", []string{"--name", "ada"}},
		{"no name", "long enough password\n", nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			args := append([]string{"moderator", "add", "--db", db}, tc.args...)
			if _, _, err := cliRun(t, tc.stdin, args...); err == nil {
				t.Errorf("%v succeeded", tc.args)
			}
		})
	}
}

// checkLogin logs in against the database, failing the test when it does not work.
func checkLogin(t *testing.T, path, name, password string) {
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
	if _, m, err := svc.Login(ctx, name, password); err != nil || m.Name != name {
		t.Errorf("Login(%q, %q) = %v, %v", name, password, m, err)
	}
}
