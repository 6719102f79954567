package store

import (
	"context"
	"database/sql"
	"errors"
	"path/filepath"
	"testing"
	"testing/fstest"
	"time"

	"github.com/tribune/tribune/moderation"
)

// TestUpgradeIndexesExistingRows: a database from before 0007 gets every comment and article
// it already holds into the search index.
func TestUpgradeIndexesExistingRows(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "old.db")
	raw, err := sql.Open("sqlite3", dsn(path, false))
	if err != nil {
		t.Fatal(err)
	}
	if err := migrate(ctx, raw, migrationsBefore(t, 7), t0); err != nil {
		t.Fatalf("migrate to 0006: %v", err)
	}
	at := formatTime(t0)
	if _, err := raw.Exec(`INSERT INTO articles (id, title, body, created_at, updated_at) VALUES ('a1', 'Harbour plans', 'Cranes and ferries', ?, ?);
		INSERT INTO comments (id, article_id, author_id, author_name, text, created_at, model_version, machine_verdict, status)
		VALUES (7, 'a1', 'u1', 'Greta', 'Ferries should run at night', ?, 'm', 'approve', 'approve')`, at, at, at); err != nil {
		t.Fatal(err)
	}
	if err := raw.Close(); err != nil {
		t.Fatal(err)
	}
	db, err := Open(ctx, path)
	if err != nil {
		t.Fatalf("Open (upgrade): %v", err)
	}
	t.Cleanup(func() { _ = db.Close() })
	res, err := db.Search(ctx, moderation.SearchQuery{Terms: []string{"ferr"}})
	if err != nil || len(res.Comments) != 1 || res.Comments[0].Comment.ID != 7 || len(res.Articles) != 1 {
		t.Errorf("Search after upgrade = %+v, %v; want comment 7 and article a1", res, err)
	}
	res, err = db.Search(ctx, moderation.SearchQuery{Terms: []string{"greta"}})
	if err != nil || len(res.Authors) != 1 || res.Authors[0].ID != "u1" {
		t.Errorf("author search after upgrade = %+v, %v", res.Authors, err)
	}
}

// TestSearchIndexFollowsWrites: updating an article re-indexes it; site filters apply.
func TestSearchIndexFollowsWrites(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db, _ := newDB(t)
	mustArticle(t, db, "a1")
	mustArticle(t, db, "@2:b1")
	if _, _, err := db.PutArticle(ctx, moderation.Article{ID: "a1", Title: "Lighthouse", Mode: moderation.ModeAuto}); err != nil {
		t.Fatal(err)
	}
	find := func(term string, sites ...int64) []string {
		t.Helper()
		res, err := db.Search(ctx, moderation.SearchQuery{Terms: []string{term}, Sites: sites})
		if err != nil {
			t.Fatalf("Search(%s): %v", term, err)
		}
		var out []string
		for _, a := range res.Articles {
			out = append(out, a.ID)
		}
		return out
	}
	if got := find("lighthouse"); len(got) != 1 || got[0] != "a1" {
		t.Errorf("new title: %v, want a1", got)
	}
	if got := find("a1"); len(got) != 0 {
		t.Errorf("old title still indexed: %v", got)
	}
	if got := find("title"); len(got) != 1 || got[0] != "@2:b1" {
		t.Errorf("all sites: %v, want @2:b1", got)
	}
	if got := find("title", 1); len(got) != 0 {
		t.Errorf("site 1 only: %v, want none", got)
	}
}

// TestUndoRefusesStaleDecisions checks the store's own guard: only the latest decision, by its
// moderator, inside the window.
func TestUndoRefusesStaleDecisions(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db, clk := newDB(t)
	mustArticle(t, db, "a1")
	c := mustInsert(t, db, newComment("a1", moderation.Hold, 1))
	mia, ben := mustModerator(t, db, "mia"), mustModerator(t, db, "ben")
	d1, err := db.Decide(ctx, moderation.Decision{CommentID: c.ID, ModeratorID: mia.ID, Verdict: moderation.Approve, Reason: moderation.ReasonOK})
	if err != nil {
		t.Fatal(err)
	}
	clk.Advance(time.Second)
	d2, err := db.Decide(ctx, moderation.Decision{CommentID: c.ID, ModeratorID: ben.ID, Verdict: moderation.Reject, Reason: moderation.ReasonSpam, Override: true})
	if err != nil {
		t.Fatal(err)
	}
	now := clk.Now()
	for name, call := range map[string]func() error{
		"not the latest": func() error { _, err := db.Undo(ctx, c.ID, d1.ID, mia.ID, now.Add(-time.Minute), now); return err },
		"not his":        func() error { _, err := db.Undo(ctx, c.ID, d2.ID, mia.ID, now.Add(-time.Minute), now); return err },
		"too old":        func() error { _, err := db.Undo(ctx, c.ID, d2.ID, ben.ID, now.Add(time.Second), now); return err },
	} {
		if err := call(); !errors.Is(err, moderation.ErrConflict) {
			t.Errorf("%s: %v, want ErrConflict", name, err)
		}
	}
	got, err := db.Undo(ctx, c.ID, d2.ID, ben.ID, now.Add(-time.Minute), now)
	if err != nil || got.Decision == nil || got.Decision.ID != d1.ID || got.Status() != moderation.Approve {
		t.Fatalf("Undo = %+v, %v; want d1 back", got.Decision, err)
	}
	evs, err := db.Events(ctx, 0, "", 10)
	if err != nil || len(evs) == 0 || evs[len(evs)-1].Status != moderation.Approve || evs[len(evs)-1].Reasons[0] != "undo" {
		t.Errorf("last event = %+v, %v; want the restored approval", evs, err)
	}
}

func TestReportedCountBySite(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db, _ := newDB(t)
	mustArticle(t, db, "a1")
	mustArticle(t, db, "@2:b1")
	c1 := mustInsert(t, db, newComment("a1", moderation.Approve, 0))
	c2 := mustInsert(t, db, newComment("@2:b1", moderation.Approve, 0))
	for _, c := range []moderation.Comment{c1, c2} {
		if _, _, err := db.AddReport(ctx, moderation.Report{CommentID: c.ID, ReporterID: "r", Reason: moderation.ReportSpam}); err != nil {
			t.Fatal(err)
		}
	}
	if _, _, err := db.AddReport(ctx, moderation.Report{CommentID: 999, ReporterID: "r", Reason: moderation.ReportSpam}); !errors.Is(err, moderation.ErrNotFound) {
		t.Errorf("report of an unknown comment: %v, want ErrNotFound", err)
	}
	for _, tt := range []struct {
		sites []int64
		want  int
	}{{nil, 2}, {[]int64{1}, 1}, {[]int64{2}, 1}, {[]int64{3}, 0}} {
		if n, err := db.ReportedCount(ctx, tt.sites); err != nil || n != tt.want {
			t.Errorf("ReportedCount(%v) = %d, %v; want %d", tt.sites, n, err, tt.want)
		}
	}
	items, err := db.ListQueue(ctx, moderation.ListFilter{Kind: moderation.QueueReported, Sites: []int64{2}})
	if err != nil || len(items) != 1 || items[0].Comment.ID != c2.ID || len(items[0].Reports) != 1 {
		t.Errorf("reported queue of site 2 = %+v, %v", items, err)
	}
}

// migrationsBefore holds the shipped migrations numbered below version: the schema a
// database of an earlier release has.
func migrationsBefore(t *testing.T, version int) fstest.MapFS {
	t.Helper()
	shipped, err := readMigrations(migrationFS)
	if err != nil {
		t.Fatal(err)
	}
	before := fstest.MapFS{}
	for _, m := range shipped {
		if m.version < version {
			before[m.name+".sql"] = &fstest.MapFile{Data: []byte(m.sql)}
		}
	}
	return before
}

func TestStandingAndActions(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db, clk := newDB(t)
	mia := mustModerator(t, db, "mia")
	if st, err := db.Standing(ctx, "u1"); err != nil || st != (moderation.Standing{}) {
		t.Errorf("Standing of an unknown author = %+v, %v; want the zero standing", st, err)
	}
	until := t0.Add(48 * time.Hour)
	act := func(what string) moderation.AuthorAction {
		clk.Advance(time.Second)
		return moderation.AuthorAction{Subject: "author:u1", Action: "status", Detail: what, ModeratorID: mia.ID, CreatedAt: clk.Now()}
	}
	if err := db.SetStanding(ctx, "u1", moderation.Standing{Status: moderation.AuthorSuspended, Until: until}, act("suspended")); err != nil {
		t.Fatal(err)
	}
	if st, err := db.Standing(ctx, "u1"); err != nil || st.Status != moderation.AuthorSuspended || !st.Until.Equal(until) {
		t.Errorf("Standing = %+v, %v", st, err)
	}
	// A later status replaces the suspension's end.
	if err := db.SetStanding(ctx, "u1", moderation.Standing{Status: moderation.AuthorTrusted}, act("trusted")); err != nil {
		t.Fatal(err)
	}
	if st, _ := db.Standing(ctx, "u1"); st.Status != moderation.AuthorTrusted || !st.Until.IsZero() {
		t.Errorf("Standing after trust = %+v", st)
	}
	if err := db.AddAction(ctx, moderation.AuthorAction{Subject: "author:u1", Action: "note", Detail: "hi", ModeratorID: mia.ID}); err != nil {
		t.Fatal(err)
	}
	acts, err := db.Actions(ctx, "author:u1", 0)
	if err != nil || len(acts) != 3 || acts[0].Action != "note" || acts[2].Detail != "suspended" || acts[2].ModeratorName != "mia" {
		t.Errorf("Actions = %+v, %v; want note, trusted, suspended", acts, err)
	}
	if err := db.AddAction(ctx, moderation.AuthorAction{Subject: "author:u1", Action: "note", ModeratorID: 999}); !errors.Is(err, moderation.ErrNotFound) && !errors.Is(err, moderation.ErrConflict) {
		t.Errorf("action by an unknown moderator: %v, want a translated constraint error", err)
	}
	if err := db.SetArticleMode(ctx, "nope", moderation.ModeClosed, act("mode")); !errors.Is(err, moderation.ErrNotFound) {
		t.Errorf("SetArticleMode(unknown) = %v, want ErrNotFound", err)
	}
}
