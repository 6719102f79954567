package main

import (
	"context"
	"database/sql"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/tribune/tribune/moderation"
	"github.com/tribune/tribune/store"
)

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
	out, stderr, err := cliRun(t, "", "import", "--db", dbPath, "--quiet", in)
	if err != nil {
		t.Fatalf("import: %v\n%s", err, stderr)
	}
	if !strings.Contains(out, "imported 5 comments (0 already there, 2 new articles") || !strings.Contains(out, "skipped 2 invalid") {
		t.Errorf("first import said:\n%s", out)
	}
	first := commentRows(t, dbPath)
	out, _, err = cliRun(t, "", "import", "--db", dbPath, "--quiet", in)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out, "imported 0 comments (5 already there") {
		t.Errorf("second import said:\n%s", out)
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
	for i, want := range []string{"imported 4 comments (0 already there, 2 new articles", "imported 0 comments (4 already there, 0 new articles"} {
		out, stderr, err := cliRun(t, "", "import", "--db", dbPath, "--quiet", in)
		if err != nil {
			t.Fatalf("import %d: %v\n%s", i, err, stderr)
		}
		if !strings.Contains(out, want) || !strings.Contains(out, "1 deleted and 1 spam") {
			t.Errorf("import %d said:\n%s\nwant %q", i, out, want)
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

func TestHTMLToText(t *testing.T) {
	tests := []struct{ in, want string }{
		{"plain", "plain"},
		{"<p>a</p><p>b</p>", "a\nb"},
		{"x<br/>y<br>z", "x\ny\nz"},
		{`<a href="u">link</a> &amp; &quot;q&quot;`, `link & "q"`},
		{"1 < 2", "1 < 2"},
	}
	for _, tt := range tests {
		if got := htmlToText(tt.in); got != tt.want {
			t.Errorf("htmlToText(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}
