package store

import (
	"context"
	"database/sql"
	"errors"
	"path/filepath"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/mattn/go-sqlite3"

	"github.com/tribune/tribune/moderation"
)

func appliedVersions(t *testing.T, db *sql.DB) map[int]string {
	t.Helper()
	rows, err := db.Query(`SELECT version, applied_at FROM schema_migrations ORDER BY version`)
	if err != nil {
		t.Fatalf("read schema_migrations: %v", err)
	}
	defer rows.Close()
	out := map[int]string{}
	for rows.Next() {
		var v int
		var at string
		if err := rows.Scan(&v, &at); err != nil {
			t.Fatal(err)
		}
		out[v] = at
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

func TestReopenDoesNotRerunMigrations(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "tribune.db")
	at := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	clock := func() time.Time { return at }
	db, err := OpenClock(ctx, path, clock)
	if err != nil {
		t.Fatal(err)
	}
	first := appliedVersions(t, db.write)
	if len(first) == 0 {
		t.Fatal("no migration recorded")
	}
	mustArticle(t, db, "a1")
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
	at = at.Add(time.Hour) // a re-run would record this later applied_at

	db, err = OpenClock(ctx, path, clock)
	if err != nil {
		t.Fatalf("reopen: %v", err)
	}
	defer db.Close()
	if diff := cmp.Diff(first, appliedVersions(t, db.write)); diff != "" {
		t.Errorf("schema_migrations changed on reopen (-before +after):\n%s", diff)
	}
	if _, err := db.Article(ctx, "a1"); err != nil {
		t.Errorf("Article after reopen: %v", err)
	}
	if err := db.IntegrityCheck(ctx); err != nil {
		t.Errorf("IntegrityCheck: %v", err)
	}
}

// TestUpgradeFromPreviousSchema applies the shipped migrations, stores data, then adds a
// migration (as the next release will) and checks only it runs and the data survives.
func TestUpgradeFromPreviousSchema(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db, _ := newDB(t)
	mustArticle(t, db, "a1")
	mustInsert(t, db, newComment("a1", moderation.Hold, 1))

	shipped, err := readMigrations(migrationFS)
	if err != nil {
		t.Fatal(err)
	}
	next := fstest.MapFS{}
	for _, m := range shipped {
		next[m.name+".sql"] = &fstest.MapFile{Data: []byte(m.sql)}
	}
	next["9999_next.sql"] = &fstest.MapFile{Data: []byte(`ALTER TABLE comments ADD COLUMN flagged INTEGER NOT NULL DEFAULT 0;
		CREATE TABLE rescore_checkpoints (id INTEGER PRIMARY KEY, last_comment_id INTEGER NOT NULL);`)}
	if err := migrate(ctx, db.write, next, t0); err != nil {
		t.Fatalf("migrate to next: %v", err)
	}
	got := appliedVersions(t, db.write)
	if _, ok := got[9999]; !ok || len(got) != len(shipped)+1 {
		t.Errorf("applied versions = %v, want the shipped ones and 9999", got)
	}
	var flagged, n int
	if err := db.write.QueryRow(`SELECT count(*), sum(flagged) FROM comments`).Scan(&n, &flagged); err != nil {
		t.Fatalf("query new column: %v", err)
	}
	if n != 1 || flagged != 0 {
		t.Errorf("comments = %d (flagged %d), want 1 (0)", n, flagged)
	}
	// Running it again changes nothing.
	if err := migrate(ctx, db.write, next, t0.Add(time.Hour)); err != nil {
		t.Fatalf("migrate again: %v", err)
	}
	if diff := cmp.Diff(got, appliedVersions(t, db.write)); diff != "" {
		t.Errorf("second migrate changed schema_migrations:\n%s", diff)
	}
	// The old binary (shipped migrations only) refuses the newer database.
	if err := migrate(ctx, db.write, migrationFS, t0); err == nil {
		t.Error("migrate with older migrations: got nil error, want refusal")
	}
}

func TestMigrationFailureRollsBack(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db, _ := newDB(t)
	bad := fstest.MapFS{
		"0500_half.sql": {Data: []byte(`CREATE TABLE half (id INTEGER); INSERT INTO nowhere VALUES (1);`)},
	}
	if err := migrate(ctx, db.write, bad, t0); err == nil {
		t.Fatal("migrate with a failing migration: got nil error")
	}
	var n int
	if err := db.write.QueryRow(`SELECT count(*) FROM sqlite_master WHERE name = 'half'`).Scan(&n); err != nil {
		t.Fatal(err)
	}
	if n != 0 {
		t.Error("table of a failed migration exists; want the migration rolled back")
	}
	if _, ok := appliedVersions(t, db.write)[500]; ok {
		t.Error("failed migration recorded as applied")
	}
}

func TestReadMigrationsRejectsBadNames(t *testing.T) {
	t.Parallel()
	for name, fsys := range map[string]fstest.MapFS{
		"no number": {"init.sql": {}},
		"duplicate": {"0001_a.sql": {}, "001_b.sql": {}},
		"zero":      {"0000_a.sql": {}},
	} {
		if _, err := readMigrations(fsys); err == nil {
			t.Errorf("%s: readMigrations = nil error, want one", name)
		}
	}
}

func TestTranslate(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		err  error
		want error
	}{
		{"no rows", sql.ErrNoRows, moderation.ErrNotFound},
		{"unique", sqlite3.Error{Code: sqlite3.ErrConstraint, ExtendedCode: sqlite3.ErrConstraintUnique}, moderation.ErrConflict},
		{"primary key", sqlite3.Error{Code: sqlite3.ErrConstraint, ExtendedCode: sqlite3.ErrConstraintPrimaryKey}, moderation.ErrConflict},
		{"foreign key", sqlite3.Error{Code: sqlite3.ErrConstraint, ExtendedCode: sqlite3.ErrConstraintForeignKey}, moderation.ErrNotFound},
		{"busy", sqlite3.Error{Code: sqlite3.ErrBusy}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := translate(tt.err)
			if !errors.Is(got, tt.err) && !errors.Is(got, sql.ErrNoRows) {
				t.Errorf("translate(%v) = %v, lost the original error", tt.err, got)
			}
			for _, kind := range []error{moderation.ErrNotFound, moderation.ErrConflict} {
				if errors.Is(got, kind) != (kind == tt.want) {
					t.Errorf("errors.Is(translate(%v), %v) = %v, want %v", tt.err, kind, !(kind == tt.want), kind == tt.want)
				}
			}
		})
	}
	if translate(nil) != nil {
		t.Error("translate(nil) != nil")
	}
}

func TestWithTxRollsBack(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db, _ := newDB(t)
	insert := func(ctx context.Context, tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO articles (id, title, created_at, updated_at) VALUES ('x', 't', '', '')`)
		return err
	}
	boom := errors.New("boom")
	if err := db.withTx(ctx, func(ctx context.Context, tx *sql.Tx) error {
		if err := insert(ctx, tx); err != nil {
			return err
		}
		return boom
	}); !errors.Is(err, boom) {
		t.Fatalf("withTx = %v, want boom", err)
	}
	func() {
		defer func() {
			if p := recover(); p == nil {
				t.Error("withTx swallowed the panic")
			}
		}()
		_ = db.withTx(ctx, func(ctx context.Context, tx *sql.Tx) error {
			if err := insert(ctx, tx); err != nil {
				return err
			}
			panic("boom")
		})
	}()
	if _, err := db.Article(ctx, "x"); !errors.Is(err, moderation.ErrNotFound) {
		t.Errorf("Article after rolled-back writes: err = %v, want ErrNotFound", err)
	}
	cancelled, cancel := context.WithCancel(ctx)
	cancel()
	if err := db.withTx(cancelled, func(context.Context, *sql.Tx) error { return nil }); !errors.Is(err, context.Canceled) {
		t.Errorf("withTx(cancelled) = %v, want context.Canceled", err)
	}
	// The single write connection is usable again.
	mustArticle(t, db, "y")
	if !strings.Contains(dsn("p", true), "_query_only=on") {
		t.Error("read pool DSN is not query-only")
	}
}

func TestCheckpoint(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db, _ := newDB(t)
	var auto int
	if err := db.write.QueryRowContext(ctx, `PRAGMA wal_autocheckpoint`).Scan(&auto); err != nil || auto != 0 {
		t.Errorf("writer's wal_autocheckpoint = %d (%v), want 0: the checkpointer does it", auto, err)
	}
	mustArticle(t, db, "a1")
	for range 20 {
		mustInsert(t, db, newComment("a1", moderation.Hold, 1))
	}
	if err := db.Checkpoint(ctx); err != nil {
		t.Fatalf("Checkpoint: %v", err)
	}
	frames, err := db.passiveCheckpoint(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var copied int
	var busy int
	if err := db.ckpt.QueryRowContext(ctx, `PRAGMA wal_checkpoint(PASSIVE)`).Scan(&busy, &frames, &copied); err != nil || copied != frames {
		t.Errorf("after Checkpoint: %d of %d frames copied (%v), want all", copied, frames, err)
	}
	if err := db.IntegrityCheck(ctx); err != nil {
		t.Error(err)
	}
}

// TestUpgradeFromFirstRelease builds a database with only the first migration, as the first
// release left it, stores a comment with the first release's columns, then opens it with
// every shipped migration.
func TestUpgradeFromFirstRelease(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	shipped, err := readMigrations(migrationFS)
	if err != nil {
		t.Fatal(err)
	}
	first := fstest.MapFS{shipped[0].name + ".sql": {Data: []byte(shipped[0].sql)}}
	path := filepath.Join(t.TempDir(), "old.db")
	old, err := sql.Open("sqlite3", dsn(path, false))
	if err != nil {
		t.Fatal(err)
	}
	if err := migrate(ctx, old, first, t0); err != nil {
		t.Fatalf("first migration: %v", err)
	}
	for _, q := range []string{
		`INSERT INTO articles (id, title, created_at, updated_at) VALUES ('a1', 'T', '2026-01-01T00:00:00.000000000Z', '2026-01-01T00:00:00.000000000Z')`,
		`INSERT INTO comments (article_id, author_id, author_name, text, created_at, model_version, machine_verdict, status)
		 VALUES ('a1', 'u', 'U', 'old comment', '2026-01-01T00:00:00.000000000Z', 'm0', 'hold', 'hold')`,
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
		t.Fatalf("Open on the first release's database: %v", err)
	}
	defer db.Close()
	if got := appliedVersions(t, db.write); len(got) != len(shipped) {
		t.Errorf("applied versions = %v, want all %d shipped", got, len(shipped))
	}
	c, err := db.Comment(ctx, 1)
	if err != nil || c.Text != "old comment" || c.Status() != moderation.Hold {
		t.Errorf("old comment after upgrade = %+v, %v", c, err)
	}
	if n, err := db.QueueSize(ctx); err != nil || n != 1 {
		t.Errorf("QueueSize after upgrade = %d, %v; want 1", n, err)
	}
}
