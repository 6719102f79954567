package store

import (
	"context"
	"testing"

	"github.com/tribune/tribune/moderation"
)

func importRow(article, ext, parent, text string) moderation.ImportRow {
	return moderation.ImportRow{
		Comment: moderation.Comment{ArticleID: article, ExternalID: ext, Author: moderation.Author{ID: "u1", Name: "Ann"},
			Text: text, CreatedAt: t0, MachineVerdict: moderation.Approve, Reasons: []moderation.Reason{moderation.ImportReason}},
		ParentExternalID: parent, ArticleTitle: "Title " + article,
	}
}

func TestImportCommentsIsIdempotent(t *testing.T) {
	ctx := context.Background()
	db, _ := newDB(t)
	rows := []moderation.ImportRow{
		importRow("a1", "1", "", "first"),
		importRow("a1", "2", "1", "reply in the same batch"),
		importRow("a2", "3", "", "other article"),
		importRow("a1", "4", "9", "reply to a later comment"),
	}
	keyed := importRow("a1", "", "", "no external id")
	keyed.Key = "content:abc"
	rows = append(rows, keyed)

	res, err := db.ImportComments(ctx, "import", rows)
	if err != nil {
		t.Fatal(err)
	}
	if res.Inserted != 4 || res.Duplicates != 0 || res.Articles != 2 || len(res.Deferred) != 1 {
		t.Errorf("first import = %+v; want 4 inserted, 2 articles, 1 deferred", res)
	}
	res, err = db.ImportComments(ctx, "import", rows)
	if err != nil {
		t.Fatal(err)
	}
	if res.Inserted != 0 || res.Duplicates != 4 || res.Articles != 0 || len(res.Deferred) != 1 {
		t.Errorf("second import = %+v; want 4 duplicates, 1 deferred", res)
	}
	page, err := db.ListComments(ctx, moderation.CommentFilter{ArticleID: "a1"})
	if err != nil {
		t.Fatal(err)
	}
	if len(page.Comments) != 3 {
		t.Fatalf("a1 has %d comments, want 3", len(page.Comments))
	}
	if c := page.Comments[1]; c.ParentID != page.Comments[0].ID || c.MachineVerdict != moderation.Approve || !c.CreatedAt.Equal(t0) {
		t.Errorf("reply = parent %d, verdict %s, created %v; want parent %d, approve, %v", c.ParentID, c.MachineVerdict, c.CreatedAt, page.Comments[0].ID, t0)
	}
	// Another scope is another site's namespace.
	res, err = db.ImportComments(ctx, "disqus", rows[:1])
	if err != nil || res.Inserted != 1 {
		t.Errorf("import into another scope = %+v, %v; want 1 inserted", res, err)
	}
	a, err := db.Article(ctx, "a2")
	if err != nil || a.Title != "Title a2" || a.Mode != moderation.ModeAuto {
		t.Errorf("created article = %+v, %v", a, err)
	}
}
