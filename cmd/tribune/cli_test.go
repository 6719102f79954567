package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/tribune/tribune/internal/bulkimport"
	"github.com/tribune/tribune/internal/demo"
	"github.com/tribune/tribune/internal/registry"
	"github.com/tribune/tribune/moderation"
	"github.com/tribune/tribune/moderation/moderationtest"
	"github.com/tribune/tribune/store"
)

// writeJSONL writes lines to a new file in dir and returns its path.
func writeJSONL(t *testing.T, dir, name string, lines ...string) string {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, []byte(strings.Join(lines, "\n")+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestFlagsAfterPositionalArguments(t *testing.T) {
	dir := t.TempDir()
	t.Chdir(dir) // a default ./tribune.db, if one were created, would show here
	db := filepath.Join(dir, "imp.db")
	in := writeJSONL(t, dir, "imp.jsonl",
		`{"article_id":"a1","author":{"id":"u1"},"text":"first comment","external_id":"1"}`)
	if _, errOut, err := cliRun(t, "", "import", in, "--db", db, "--quiet"); err != nil {
		t.Fatalf("import FILE --db: %v\n%s", err, errOut)
	}
	if fileExists(filepath.Join(dir, "tribune.db")) {
		t.Error("import FILE --db DB created ./tribune.db")
	}
	if got := len(commentRows(t, db)); got != 1 {
		t.Errorf("comments in --db = %d, want 1", got)
	}

	m1, _ := trainTiny(t, dir, "m1", 1)
	insultPolicy(t, db) // the tiny model scores insult only: the default policy would refuse it
	out, errOut, err := cliRun(t, "", "model", "import", m1, "--db", db, "--activate")
	if err != nil || !strings.Contains(out, "imported") {
		t.Fatalf("model import FILE --db --activate = %q, %v\n%s", out, err, errOut)
	}
	out, _, err = cliRun(t, "", "model", "list", "--db", db)
	if err != nil || !strings.Contains(out, "*") {
		t.Errorf("model list after import --activate = %q, %v; want an active model", out, err)
	}
	// "--" ends the flags: what follows is positional even when it starts with a dash.
	if _, _, err := cliRun(t, "", "import", "--db", db, "--quiet", "--", "-missing.jsonl"); err == nil ||
		!strings.Contains(err.Error(), "-missing.jsonl") {
		t.Errorf("import -- -missing.jsonl: err = %v, want one naming the file", err)
	}
}

func TestHelpExitsZeroAndNamesArguments(t *testing.T) {
	tests := []struct {
		args []string
		want []string
	}{
		{[]string{"-h"}, []string{"usage: tribune <command>", "version"}},
		{[]string{"help", "import"}, []string{"usage: tribune import [flags] FILE..."}},
		{[]string{"import", "-h"}, []string{"usage: tribune import [flags] FILE...", "--db"}},
		{[]string{"serve", "--help"}, []string{"--demo-force", "--addr"}},
		{[]string{"score", "-h"}, []string{"usage: tribune score"}},
		{[]string{"train", "-h"}, []string{"--context-words"}},
		{[]string{"apikey", "-h"}, []string{"tribune apikey <create|list|revoke>", "usage: tribune apikey revoke [flags] ID"}},
		{[]string{"apikey", "revoke", "-h"}, []string{"usage: tribune apikey revoke [flags] ID"}},
		{[]string{"moderator", "-h"}, []string{"usage: tribune moderator passwd [flags]", "--name"}},
		{[]string{"model", "-h"}, []string{"usage: tribune model activate [flags] VERSION|embedded"}},
		{[]string{"model", "import", "x.tribune", "-h"}, []string{"usage: tribune model import [flags] FILE"}},
		{[]string{"feedback", "-h"}, []string{"usage: tribune feedback export"}},
		{[]string{"backup", "-h"}, []string{"usage: tribune backup [flags] DEST"}},
		{[]string{"webhook", "-h"}, []string{"usage: tribune webhook add", "--secret", "usage: tribune webhook deliveries [flags] ID"}},
	}
	for _, tt := range tests {
		t.Run(strings.Join(tt.args, " "), func(t *testing.T) {
			out, errOut, err := cliRun(t, "", tt.args...)
			if err != nil {
				t.Fatalf("err = %v, want nil (exit 0)\n%s", err, errOut)
			}
			for _, w := range tt.want {
				if !strings.Contains(out, w) {
					t.Errorf("help output lacks %q:\n%s", w, out)
				}
			}
		})
	}
	out, _, _ := cliRun(t, "", "train", "-h")
	if strings.Contains(out, "(default 64; 0: none) (default") {
		t.Errorf("train -h repeats a default:\n%s", out)
	}
}

func TestVersionCommand(t *testing.T) {
	out, _, err := cliRun(t, "", "version")
	if err != nil || !strings.HasPrefix(out, "tribune ") || !strings.Contains(out, "go1") {
		t.Errorf("version = %q, %v", out, err)
	}
}

func TestMissingDatabaseIsAnError(t *testing.T) {
	dir := t.TempDir()
	missing := filepath.Join(dir, "typo.db")
	for _, args := range [][]string{
		{"apikey", "list", "--db", missing},
		{"apikey", "create", "--name", "x", "--db=" + missing},
		{"moderator", "list", "-db", missing},
		{"model", "list", "--db", missing},
		{"export-decisions", "--db", missing},
		{"feedback", "export", "--db", missing},
		{"rescore", "--db", missing},
		{"backup", "--db", missing, filepath.Join(dir, "copy.db")},
		{"webhook", "list", "--db", missing},
	} {
		t.Run(strings.Join(args[:2], " "), func(t *testing.T) {
			_, _, err := cliRun(t, "", args...)
			if err == nil || !strings.Contains(err.Error(), "does not exist") {
				t.Errorf("err = %v, want 'does not exist'", err)
			}
			if fileExists(missing) {
				t.Fatalf("%v created %s", args, missing)
			}
		})
	}
	out, _, err := cliRun(t, "", "init", "--db", missing)
	if err != nil || !strings.Contains(out, "created database") {
		t.Fatalf("init = %q, %v", out, err)
	}
	if _, _, err := cliRun(t, "", "apikey", "list", "--db", missing); err != nil {
		t.Errorf("apikey list after init: %v", err)
	}
}

// blockedReader is a standard input on which a read blocks until the test ends: a terminal
// nobody types into.
func blockedReader(t *testing.T) io.Reader {
	r, w := io.Pipe()
	t.Cleanup(func() { _ = w.Close() })
	return r
}

func TestInterruptEndsStdinReads(t *testing.T) {
	model := fixtureModel(t)
	db := filepath.Join(t.TempDir(), "mods.db")
	initDB(t, db)
	for _, args := range [][]string{
		{"score", "--model", model},
		{"moderator", "add", "--db", db, "--name", "ada"},
	} {
		t.Run(args[0], func(t *testing.T) {
			ctx, cancel := context.WithCancel(t.Context())
			done := make(chan error, 1)
			e := env{stdin: blockedReader(t), stdout: io.Discard, stderr: io.Discard, getenv: func(string) string { return "" }}
			go func() { done <- run(ctx, args, e) }()
			cancel() // as main's signal.NotifyContext does on Ctrl-C or SIGTERM
			if err := <-done; !errors.Is(err, context.Canceled) {
				t.Errorf("err = %v, want context.Canceled", err)
			}
		})
	}
}

func TestDemoUsesItsOwnDatabase(t *testing.T) {
	dir := t.TempDir()
	t.Chdir(dir)
	cfg, err := parseServe([]string{"--demo"}, env{stderr: io.Discard, getenv: func(string) string { return "" }})
	if err != nil || cfg.DB != demo.DB {
		t.Errorf("serve --demo database = %q, %v; want %q", cfg.DB, err, demo.DB)
	}
	cfg, err = parseServe([]string{"--demo", "--db", "x.db"}, env{stderr: io.Discard, getenv: func(string) string { return "" }})
	if err != nil || cfg.DB != "x.db" {
		t.Errorf("serve --demo --db x.db database = %q, %v", cfg.DB, err)
	}

	// A database with a site's API key is real: the demo refuses it unless forced.
	real := filepath.Join(dir, "real.db")
	newAPIKey(t, real)
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	err = run(ctx, []string{"serve", "--demo", "--db", real, "--addr", "127.0.0.1:0"},
		env{stdin: strings.NewReader(""), stdout: io.Discard, stderr: io.Discard, getenv: func(string) string { return "" }})
	if err == nil || !strings.Contains(err.Error(), "--demo-force") {
		t.Errorf("serve --demo on a real database: err = %v, want a refusal naming --demo-force", err)
	}
	db, err := store.Open(ctx, real)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if n, err := db.ForeignData(ctx, "demo"); err != nil || n != 1 {
		t.Errorf("real database after the refusal: foreign data = %d, %v; want just the key", n, err)
	}
	if mods, _ := db.Moderators(ctx); len(mods) != 0 {
		t.Errorf("the refused demo added moderators: %v", mods)
	}
}

func TestBackupCommand(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "live.db")
	newAPIKey(t, db)
	dest := filepath.Join(dir, "copy.db")
	out, errOut, err := cliRun(t, "", "backup", dest, "--db", db)
	if err != nil || !strings.Contains(out, "backed up") {
		t.Fatalf("backup = %q, %v\n%s", out, err, errOut)
	}
	out, _, err = cliRun(t, "", "apikey", "list", "--db", dest)
	if err != nil || !strings.Contains(out, "test site") {
		t.Errorf("apikey list on the copy = %q, %v", out, err)
	}
	if _, _, err := cliRun(t, "", "backup", dest, "--db", db); err == nil {
		t.Error("backup over an existing file succeeded")
	}
}

func TestActivateEmbeddedModel(t *testing.T) {
	ctx := t.Context()
	dir := t.TempDir()
	path := filepath.Join(dir, "m.db")
	db, err := store.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, err := db.ImportModel(ctx, moderation.RegisteredModel{Version: "v1", Name: "v1", Data: []byte("model v1")}); err != nil {
		t.Fatal(err)
	}
	if err := db.ActivateModel(ctx, "v1"); err != nil {
		t.Fatal(err)
	}
	svc, err := moderation.NewService(ctx, db, moderationtest.FakeClassifier{})
	if err != nil {
		t.Fatal(err)
	}
	load := func(version string, _ []byte) (moderation.Classifier, error) {
		return moderationtest.FakeClassifier{Name: version}, nil
	}
	w := &registry.Watcher{Registry: db, Service: svc, Load: load, Log: slog.New(slog.NewTextHandler(io.Discard, nil)),
		Embedded: func() (moderation.Classifier, error) { return moderationtest.FakeClassifier{}, nil }}
	if err := w.Check(ctx); err != nil || svc.Classifier().Version() != "v1" {
		t.Fatalf("after activating v1: model %s, %v", svc.Classifier().Version(), err)
	}
	out, errOut, err := cliRun(t, "", "model", "activate", "embedded", "--db", path)
	if err != nil || !strings.Contains(out, "embedded") {
		t.Fatalf("model activate embedded = %q, %v\n%s", out, err, errOut)
	}
	if _, err := db.ActiveModelVersion(ctx); !errors.Is(err, moderation.ErrNotFound) {
		t.Errorf("active version after activate embedded: err = %v, want ErrNotFound", err)
	}
	if err := w.Check(ctx); err != nil || svc.Classifier().Version() != (moderationtest.FakeClassifier{}).Version() {
		t.Errorf("after activate embedded: model %s, %v; want the embedded one", svc.Classifier().Version(), err)
	}
}

func TestImportFindings(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "imp.db")
	numeric := writeJSONL(t, dir, "numeric.jsonl",
		`{"article_id":42,"author":{"id":7},"text":"an article id given as a number","external_id":1}`,
		`{"article_id":42,"author":{"id":7},"text":"and a second comment","external_id":2}`)
	_, errOut, err := cliRun(t, "", "import", numeric, "--db", db, "--progress-interval", "0")
	if err != nil {
		t.Fatalf("import with a numeric article_id: %v\n%s", err, errOut)
	}
	if rows := commentRows(t, db); len(rows) != 2 || rows[0][0] != "42" {
		t.Errorf("rows = %v, want two on article 42", rows)
	}
	if !strings.Contains(errOut, "2 comments (100%)") {
		t.Errorf("progress does not end with the count:\n%s", errOut)
	}

	if _, _, err := cliRun(t, "", "import", numeric, "--db", db, "--format", "disqus"); err == nil ||
		!strings.Contains(err.Error(), "looks like jsonl") {
		t.Errorf("--format disqus on JSON Lines: err = %v, want a refusal", err)
	}

	var readme []string
	for i := range 300 {
		readme = append(readme, fmt.Sprintf("Line %d of a README, not JSON.", i))
	}
	_, errOut, err = cliRun(t, "", "import", writeJSONL(t, dir, "README.md", readme...), "--db", db, "--quiet")
	if err == nil || !strings.Contains(err.Error(), "all invalid") {
		t.Errorf("importing a README: err = %v, want a failure", err)
	}
	if n := strings.Count(errOut, "skipped row"); n > bulkimport.MaxShownErrors {
		t.Errorf("importing a README printed %d row messages, want at most %d", n, bulkimport.MaxShownErrors)
	}
	_, _, err = cliRun(t, "", "import", writeJSONL(t, dir, "short.txt", "not json", "nor this"), "--db", db, "--quiet")
	if err == nil || !strings.Contains(err.Error(), "no valid rows") {
		t.Errorf("importing a short text file: err = %v, want a failure", err)
	}
}
