package bulkimport

import (
	"context"
	"database/sql"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	_ "github.com/mattn/go-sqlite3"

	"github.com/tribune/tribune/internal/disqus"
	"github.com/tribune/tribune/moderation"
	"github.com/tribune/tribune/store"
)

// importFile imports in into a real database file at dbPath, returning what File returns and
// the warnings it gave.
func importFile(t *testing.T, dbPath, in, format string) (moderation.ImportResult, Stats, []string, error) {
	t.Helper()
	db, err := store.Open(t.Context(), dbPath)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var warnings []string
	res, st, err := File(t.Context(), db, in, Options{Format: format, Warn: func(m string) { warnings = append(warnings, m) }})
	return res, st, warnings, err
}

// commentRows returns (article, external id, parent's external id, author, text) of every
// comment, in ID order.
func commentRows(t *testing.T, path string) [][5]string {
	t.Helper()
	db, err := sql.Open("sqlite3", "file:"+path+"?_query_only=on")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	rows, err := db.Query(`SELECT c.article_id, coalesce(c.external_id, ''), coalesce(p.external_id, ''), c.author_id, c.text
		FROM comments c LEFT JOIN comments p ON p.id = c.parent_id ORDER BY c.id`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out [][5]string
	for rows.Next() {
		var r [5]string
		if err := rows.Scan(&r[0], &r[1], &r[2], &r[3], &r[4]); err != nil {
			t.Fatal(err)
		}
		out = append(out, r)
	}
	return out
}

func TestImportJSONLinesTwice(t *testing.T) {
	dir := t.TempDir()
	dbPath := filepath.Join(dir, "t.db")
	in := filepath.Join(dir, "comments.jsonl")
	lines := `{"article_id": "a1", "text": "First!", "author": {"id": "u1", "name": "Ann"}, "external_id": "c1", "created_at": "2024-05-01T10:00:00Z"}
{"article_id": "a1", "text": "Reply to a later comment", "author": {"id": 7, "name": "Bob"}, "external_id": 3, "parent_id": "c2"}
{"article_id": "a1", "text": "Second", "author": {"id": "u2"}, "external_id": "c2", "parent_id": "c1"}

{"article_id": "a2", "text": "no external id", "author": {"id": "u3"}, "created_at": "2024-05-02T10:00:00Z"}
{"article_id": "a2", "text": "no external id", "author": {"id": "u4"}, "created_at": "2024-05-02T10:00:00Z"}
{"article_id": "a2", "text": "", "author": {"id": "u5"}}
not json
`
	if err := os.WriteFile(in, []byte(lines), 0o644); err != nil {
		t.Fatal(err)
	}
	res, st, _, err := importFile(t, dbPath, in, "auto")
	if err != nil {
		t.Fatalf("import: %v", err)
	}
	if want := (moderation.ImportResult{Inserted: 5, Articles: 2}); !cmp.Equal(res, want) || st.Invalid != 2 {
		t.Errorf("first import = %+v, %+v; want %+v and 2 invalid rows", res, st, want)
	}
	first := commentRows(t, dbPath)
	res, _, _, err = importFile(t, dbPath, in, "auto")
	if err != nil {
		t.Fatal(err)
	}
	if res.Inserted != 0 || res.Duplicates != 5 {
		t.Errorf("second import = %+v, want 5 already there", res)
	}
	want := [][5]string{
		{"a1", "c1", "", "u1", "First!"},
		{"a1", "c2", "c1", "u2", "Second"},
		{"a2", "", "", "u3", "no external id"},
		{"a2", "", "", "u4", "no external id"},
		{"a1", "3", "c2", "7", "Reply to a later comment"},
	}
	if diff := cmp.Diff(want, first); diff != "" {
		t.Errorf("comments (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff(first, commentRows(t, dbPath)); diff != "" {
		t.Errorf("second import changed the comments (-first +second):\n%s", diff)
	}
}

func TestImportDisqusTwice(t *testing.T) {
	ctx := context.Background()
	dbPath := filepath.Join(t.TempDir(), "t.db")
	in := filepath.Join("testdata", "disqus.xml")
	for i, want := range []moderation.ImportResult{{Inserted: 4, Articles: 2}, {Duplicates: 4}} {
		res, st, _, err := importFile(t, dbPath, in, "auto")
		if err != nil {
			t.Fatalf("import %d: %v", i, err)
		}
		if !cmp.Equal(res, want) || st.Deleted != 1 || st.Spam != 1 {
			t.Errorf("import %d = %+v, %+v; want %+v, 1 deleted and 1 spam", i, res, st, want)
		}
	}
	want := [][5]string{
		{"tram-line-2013", "5001", "", "disqus:ann_k", "Finally! The tram will cut my commute in half.\nWell done & thanks."},
		{"tram-line-2013", "5002", "5001", "disqus:bob", "Half? Only if you live on the line."},
		{"https://news.example/2013/budget", "5006", "", "disqus:dee", "Taxes up again <sigh>"},
		{"tram-line-2013", "5003", "5002", "disqus-guest:Guest reader", "It will not, the route skips the east side.\nRead the plan."},
	}
	if diff := cmp.Diff(want, commentRows(t, dbPath)); diff != "" {
		t.Errorf("comments (-want +got):\n%s", diff)
	}
	db, err := store.Open(ctx, dbPath)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	a, err := db.Article(ctx, "https://news.example/2013/budget")
	if err != nil || a.Title != "Budget & taxes" || a.URL != "https://news.example/2013/budget" {
		t.Errorf("article = %+v, %v", a, err)
	}
	page, err := db.ListComments(ctx, moderation.CommentFilter{ArticleID: "tram-line-2013"})
	if err != nil || len(page.Comments) != 3 || page.Comments[0].CreatedAt.Format("15:04") != "09:15" {
		t.Errorf("ListComments = %+v, %v", page, err)
	}
}

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
	res, st, warnings, err := importFile(t, dbPath, in, "auto")
	if err != nil {
		t.Fatalf("import: %v", err)
	}
	if res.Inserted != 3 || st.Invalid != 3 {
		t.Errorf("import = %+v, %+v; want 3 stored, 3 invalid", res, st)
	}
	stderr := strings.Join(warnings, "\n")
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
		`<post><message>` + strings.Repeat("a", disqus.MaxTokenBytes+10) + `</message></post></disqus>`
	if err := os.WriteFile(in, []byte(doc), 0o644); err != nil {
		t.Fatal(err)
	}
	_, _, _, err := importFile(t, filepath.Join(dir, "t.db"), in, "auto")
	if err == nil || !strings.Contains(err.Error(), "larger than") {
		t.Errorf("import of a huge element = %v, want the element limit", err)
	}
}
