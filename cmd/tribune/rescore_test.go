package main

import (
	"bufio"
	"context"
	"database/sql"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/tribune/tribune/moderation"
	"github.com/tribune/tribune/store"
)

// rescoreDB imports n generated comments into a new database and decides every tenth.
func rescoreDB(t *testing.T, path string, n int) {
	t.Helper()
	ctx := context.Background()
	words := []string{"tram", "council", "budget", "idiot", "plan", "stupid", "vote", "kill", "numbers", "fine"}
	var b strings.Builder
	rng := rand.New(rand.NewPCG(1, 2))
	for i := range n {
		var text []string
		for range 3 + rng.IntN(8) {
			text = append(text, words[rng.IntN(len(words))])
		}
		fmt.Fprintf(&b, `{"article_id": "a%d", "text": %q, "author": {"id": "u%d"}, "external_id": "c%d", "created_at": %q}`+"\n",
			i/100, strings.Join(text, " "), rng.IntN(50), i, time.Unix(1.7e9+int64(i), 0).UTC().Format(time.RFC3339))
	}
	in := filepath.Join(t.TempDir(), "in.jsonl")
	if err := os.WriteFile(in, []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, stderr, err := cliRun(t, "", "import", "--db", path, "--quiet", in); err != nil {
		t.Fatalf("import: %v\n%s", err, stderr)
	}
	db, err := store.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	m, err := db.CreateModerator(ctx, moderation.Moderator{Name: "mia", Role: moderation.RoleModerator}, "x")
	if err != nil {
		t.Fatal(err)
	}
	for id := int64(1); id <= int64(n); id += 10 {
		if _, err := db.Decide(ctx, moderation.Decision{CommentID: id, ModeratorID: m.ID, Verdict: moderation.Reject,
			Reason: moderation.ReasonInsult, CreatedAt: time.Now()}); err != nil {
			t.Fatal(err)
		}
	}
}

// normalizedDump renders comments, score rows and audit rows without the columns that record
// when a write happened.
func normalizedDump(t *testing.T, path string) string {
	t.Helper()
	db, err := sql.Open("sqlite3", "file:"+path+"?_query_only=on")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var b strings.Builder
	for _, q := range []string{
		`SELECT * FROM comments ORDER BY id`,
		`SELECT comment_id, model_version, tone, stance, explanation FROM scores ORDER BY comment_id, model_version`,
		`SELECT comment_id, action, coalesce(moderator_id, 0), verdict, detail, model_version FROM audit_log ORDER BY comment_id, id`,
	} {
		rows, err := db.Query(q)
		if err != nil {
			t.Fatalf("%s: %v", q, err)
		}
		cols, _ := rows.Columns()
		for rows.Next() {
			vals := make([]any, len(cols))
			ptrs := make([]any, len(cols))
			for i := range vals {
				ptrs[i] = &vals[i]
			}
			if err := rows.Scan(ptrs...); err != nil {
				t.Fatal(err)
			}
			for i, v := range vals {
				if bs, ok := v.([]byte); ok {
					vals[i] = string(bs)
				}
			}
			fmt.Fprintf(&b, "%v\n", vals)
		}
		rows.Close()
	}
	return b.String()
}

func TestRescoreKilledAndRerunEqualsUninterrupted(t *testing.T) {
	if testing.Short() {
		t.Skip("kills a rescore process; skipped with -short")
	}
	const n, batch = 3000, 20
	dir := t.TempDir()
	ref, killed := filepath.Join(dir, "ref.db"), filepath.Join(dir, "killed.db")
	rescoreDB(t, ref, n)
	rescoreDB(t, killed, n)
	args := []string{"rescore", "--apply", "--batch", fmt.Sprint(batch), "--progress-interval", "0"}

	out, stderr, err := cliRun(t, "", append(args, "--db", ref)...)
	if err != nil {
		t.Fatalf("uninterrupted rescore: %v\n%s", err, stderr)
	}
	if !strings.Contains(out, fmt.Sprintf("%d human-decided kept their decision", n/10)) {
		t.Errorf("report:\n%s", out)
	}

	killAt := 1 + rand.IntN(n/batch/2)
	cmd := tribuneCommand(t, append(args, "--db", killed)...)
	pipe, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	sc := bufio.NewScanner(pipe)
	lines := 0
	for lines < killAt && sc.Scan() {
		if strings.HasPrefix(sc.Text(), "rescore: ") {
			lines++
		}
	}
	if err := cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	_ = cmd.Wait()
	t.Logf("killed after %d progress lines", lines)

	out, stderr, err = cliRun(t, "", append(args, "--db", killed)...)
	if err != nil {
		t.Fatalf("rerun: %v\n%s", err, stderr)
	}
	if !strings.Contains(out, "by an earlier, interrupted run") {
		t.Errorf("the rerun did not resume:\n%s", out)
	}
	if diff := cmp.Diff(normalizedDump(t, ref), normalizedDump(t, killed)); diff != "" {
		t.Errorf("killed and rerun differs from uninterrupted (-want +got):\n%s", diff)
	}
}

func TestRescoreDryRunCommand(t *testing.T) {
	path := filepath.Join(t.TempDir(), "t.db")
	rescoreDB(t, path, 200)
	before := normalizedDump(t, path)
	out, stderr, err := cliRun(t, "", "rescore", "--db", path, "--workers", "3", "--quiet")
	if err != nil {
		t.Fatalf("rescore: %v\n%s", err, stderr)
	}
	for _, s := range []string{"dry run", "approve→hold", "agreement with 20 moderator decisions", "tokens most responsible"} {
		if !strings.Contains(out, s) {
			t.Errorf("report lacks %q:\n%s", s, out)
		}
	}
	if diff := cmp.Diff(before, normalizedDump(t, path)); diff != "" {
		t.Errorf("dry run changed the database:\n%s", diff)
	}
	if _, _, err := cliRun(t, "", "rescore", "--db", path, "--since", "yesterday"); err == nil {
		t.Error("rescore --since yesterday succeeded, want a usage error")
	}
}
