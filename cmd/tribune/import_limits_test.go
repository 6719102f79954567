package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// Finding 8: an over-long JSON Lines row and rows with invalid UTF-8 or lone surrogate
// escapes are skipped with a report, and the rows after them are imported.
func TestImportSkipsBadRowsAndGoesOn(t *testing.T) {
	dir := t.TempDir()
	dbPath := filepath.Join(dir, "t.db")
	in := filepath.Join(dir, "comments.jsonl")
	var b strings.Builder
	b.WriteString(`{"article_id": "a1", "text": "before", "author": {"id": "u1"}, "external_id": "c1"}` + "\n")
	b.WriteString(`{"article_id": "a1", "text": "` + strings.Repeat("x", 2<<20) + `", "author": {"id": "u1"}}` + "\n")
	b.WriteString(`{"article_id": "a1", "text": "bad byte ` + "\xff" + ` here", "author": {"id": "u1"}}` + "\n")
	b.WriteString(`{"article_id": "a1", "text": "lone \ud800 surrogate", "author": {"id": "u1"}}` + "\n")
	b.WriteString(`{"article_id": "a1", "text": "a real ` + "\ufffd" + ` is fine", "author": {"id": "u1"}, "external_id": "c2"}` + "\n")
	b.WriteString(`{"article_id": "a1", "text": "after", "author": {"id": "u1"}, "external_id": "c3"}` + "\n")
	if err := os.WriteFile(in, []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	out, stderr, err := cliRun(t, "", "import", "--db", dbPath, "--quiet", in)
	if err != nil {
		t.Fatalf("import: %v\n%s", err, stderr)
	}
	if !strings.Contains(out, "imported 3 comments") || !strings.Contains(out, "skipped 3 invalid") {
		t.Errorf("import said:\n%s\nstderr:\n%s", out, stderr)
	}
	for _, want := range []string{"line 2", "longer than", "line 3", "UTF-8", "line 4", "surrogate"} {
		if !strings.Contains(stderr, want) {
			t.Errorf("report lacks %q:\n%s", want, stderr)
		}
	}
	rows := commentRows(t, dbPath)
	if len(rows) != 3 || rows[2][4] != "after" {
		t.Errorf("stored %v, want before, the real U+FFFD row and after", rows)
	}
}

// Finding 8: a huge Disqus element fails at the streaming limit, with a clear error, instead
// of being buffered whole.
func TestImportDisqusElementLimit(t *testing.T) {
	dir := t.TempDir()
	in := filepath.Join(dir, "export.xml")
	doc := `<?xml version="1.0"?><disqus><thread dsq:id="t1" xmlns:dsq="x"><link>https://x/1</link><title>T</title></thread>` +
		`<post><message>` + strings.Repeat("a", maxDisqusTokenBytes+10) + `</message></post></disqus>`
	if err := os.WriteFile(in, []byte(doc), 0o644); err != nil {
		t.Fatal(err)
	}
	_, _, err := cliRun(t, "", "import", "--db", filepath.Join(dir, "t.db"), "--quiet", in)
	if err == nil || !strings.Contains(err.Error(), "larger than") {
		t.Errorf("import of a huge element = %v, want the element limit", err)
	}
}
