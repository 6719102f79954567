package store

import (
	"context"
	"database/sql"
	"errors"
	"path/filepath"
	"testing"
	"testing/fstest"

	"github.com/tribune/tribune/moderation"
)

// A database from before sites upgrades with everything in the default site: its keys keep
// full access to its articles and comments, and nothing needs rewriting.
func TestUpgradeToSites(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	shipped, err := readMigrations(migrationFS)
	if err != nil {
		t.Fatal(err)
	}
	before := fstest.MapFS{}
	for _, m := range shipped {
		if m.version < 4 {
			before[m.name+".sql"] = &fstest.MapFile{Data: []byte(m.sql)}
		}
	}
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
