package store

import (
	"context"
	"database/sql"
	"errors"
	"path/filepath"
	"testing"

	"github.com/tribune/tribune/moderation"
)

// A database from before sites (every migration before 0006_sites, so with the language
// column and the events outbox) upgrades with everything in the default site: its keys keep
// full access to its articles and comments, its events and webhooks stay, and nothing needs
// rewriting.
func TestUpgradeToSites(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	before := migrationsBefore(t, 6)
	path := filepath.Join(t.TempDir(), "old.db")
	old, err := sql.Open("sqlite3", dsn(path, false))
	if err != nil {
		t.Fatal(err)
	}
	if err := migrate(ctx, old, before, t0); err != nil {
		t.Fatalf("previous schema: %v", err)
	}
	for _, q := range []string{
		`INSERT INTO articles (id, title, created_at, updated_at) VALUES ('a1', 'T', '2026-01-01T00:00:00.000000000Z', '2026-01-01T00:00:00.000000000Z')`,
		`INSERT INTO comments (article_id, author_id, author_name, text, created_at, model_version, machine_verdict, status)
		 VALUES ('a1', 'u', 'U', 'old comment', '2026-01-01T00:00:00.000000000Z', 'm0', 'hold', 'hold')`,
		`INSERT INTO api_keys (name, prefix, key_hash, created_at) VALUES ('old', 'trb_ab', 'h1', '2026-01-01T00:00:00.000000000Z')`,
		`INSERT INTO moderators (name, role, password_hash, created_at) VALUES ('ann', 'admin', 'x', '2026-01-01T00:00:00.000000000Z')`,
		`INSERT INTO sessions (token_hash, moderator_id, created_at, expires_at) VALUES ('s1', 1, '2026-01-01T00:00:00.000000000Z', '2026-01-01T12:00:00.000000000Z')`,
		// The events outbox (0005) comes before sites: its rows and webhooks survive the upgrade.
		`INSERT INTO events (kind, comment_id, article_id, scope, status, verdict, created_at)
		 VALUES ('comment.verdict', 1, 'a1', 'key:1', 'hold', 'hold', '2026-01-01T00:00:00.000000000Z')`,
		`INSERT INTO webhooks (url, secret, created_at) VALUES ('http://127.0.0.1:9/hook', 's', '2026-01-01T00:00:00.000000000Z')`,
	} {
		if _, err := old.ExecContext(ctx, q); err != nil {
			t.Fatal(err)
		}
	}
	if err := old.Close(); err != nil {
		t.Fatal(err)
	}

	db, err := Open(ctx, path)
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	defer db.Close()
	sites, err := db.Sites(ctx)
	if err != nil || len(sites) != 1 || sites[0].ID != moderation.DefaultSiteID {
		t.Fatalf("sites after upgrade = %+v, %v; want the default site", sites, err)
	}
	k, err := db.APIKeyByHash(ctx, "h1")
	if err != nil {
		t.Fatal(err)
	}
	if k.SiteID != moderation.DefaultSiteID || !k.HasScope(moderation.ScopeSite) || !k.HasScope(moderation.ScopeScore) {
		t.Errorf("old key = %+v, want the default site with both scopes", k)
	}
	c, err := db.Comment(ctx, 1)
	if err != nil {
		t.Fatal(err)
	}
	if site, id := moderation.SplitArticleKey(c.ArticleID); site != moderation.DefaultSiteID || id != "a1" {
		t.Errorf("old comment's article = site %d %q, want default a1", site, id)
	}
	m, _, err := db.ModeratorByName(ctx, "ann")
	if err != nil || m.Disabled() || len(m.Sites) != 0 {
		t.Errorf("old moderator = %+v, %v; want enabled, every site", m, err)
	}
	if st, err := db.ArticleStats(ctx, "a1"); err != nil || st.Total != 1 || st.Undecided != 1 {
		t.Errorf("old article's counts = %+v, %v; want 1 held, undecided", st, err)
	}
	if evs, err := db.Events(ctx, 0, "", 10); err != nil || len(evs) != 1 || evs[0].ArticleID != "a1" {
		t.Errorf("old events after upgrade = %+v, %v; want the one verdict", evs, err)
	}
	if hooks, err := db.Webhooks(ctx); err != nil || len(hooks) != 1 {
		t.Errorf("old webhooks after upgrade = %+v, %v; want one", hooks, err)
	}
	// The expired session is purged.
	if n, err := db.PurgeSessions(ctx, t0); err != nil || n != 1 {
		t.Errorf("PurgeSessions = %d, %v; want 1", n, err)
	}
}

func TestSecretIsShared(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db, _ := newDB(t)
	a, err := db.Secret(ctx, "csrf", []byte("first"))
	if err != nil {
		t.Fatal(err)
	}
	b, err := db.Secret(ctx, "csrf", []byte("second"))
	if err != nil || string(a) != "first" || string(b) != "first" {
		t.Errorf("secrets = %q, %q, %v; want the first kept", a, b, err)
	}
}

func TestKeyOfUnknownSite(t *testing.T) {
	t.Parallel()
	db, _ := newDB(t)
	_, err := db.CreateAPIKey(context.Background(), moderation.APIKey{Name: "x", SiteID: 42}, "h")
	if !errors.Is(err, moderation.ErrNotFound) {
		t.Errorf("key for site 42 = %v, want ErrNotFound", err)
	}
}

// Article counts are kept by triggers; they match a recount after inserts, decisions and an
// override, and the upgrade starts them from the comments already there.
func TestArticleCountsKept(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db, clk := newDB(t)
	mustArticle(t, db, "a1")
	ann := mustModerator(t, db, "ann")
	var held []moderation.Comment
	for i, v := range []moderation.Verdict{moderation.Hold, moderation.Hold, moderation.Approve, moderation.Reject, moderation.Hold} {
		nc := newComment("a1", v, float64(i))
		c := mustInsert(t, db, nc)
		if v == moderation.Hold {
			held = append(held, c)
		}
	}
	decide := func(id int64, v moderation.Verdict, override bool) {
		t.Helper()
		if _, err := db.Decide(ctx, moderation.Decision{CommentID: id, ModeratorID: ann.ID, Verdict: v,
			Reason: moderation.ReasonOK, Override: override, CreatedAt: clk.Now()}); err != nil {
			t.Fatal(err)
		}
	}
	decide(held[0].ID, moderation.Approve, false)
	decide(held[1].ID, moderation.Reject, false)
	decide(held[1].ID, moderation.Approve, true)
	got, err := db.ArticleStats(ctx, "a1")
	if err != nil {
		t.Fatal(err)
	}
	var want moderation.ArticleStats
	want.ByStatus = map[moderation.Verdict]int{}
	rows, err := db.read.QueryContext(ctx, `SELECT status, count(*), sum(status = 'hold' AND decision_id IS NULL)
		FROM comments WHERE article_id = 'a1' GROUP BY status`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	for rows.Next() {
		var s string
		var n, u int
		if err := rows.Scan(&s, &n, &u); err != nil {
			t.Fatal(err)
		}
		want.ByStatus[moderation.Verdict(s)] = n
		want.Total += n
		want.Undecided += u
	}
	if got.Total != want.Total || got.Undecided != want.Undecided || got.Total != 5 || got.Undecided != 1 {
		t.Errorf("kept counts total %d undecided %d, recount %d %d (want 5, 1)", got.Total, got.Undecided, want.Total, want.Undecided)
	}
	for v, n := range want.ByStatus {
		if got.ByStatus[v] != n {
			t.Errorf("status %s: kept %d, recount %d", v, got.ByStatus[v], n)
		}
	}
}
