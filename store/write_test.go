package store

import (
	"context"
	"errors"
	"path/filepath"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/tribune/tribune/moderation"
)

// insertResult is what a queued InsertComment returned.
type insertResult struct {
	c       moderation.Comment
	created bool
	err     error
}

// holdWriteTurn takes the write turn, so that inserts queue up behind it and are written in
// one batch when release is called.
func holdWriteTurn(t *testing.T, db *DB) (release func()) {
	t.Helper()
	db.writeTurn <- struct{}{}
	released := false
	release = func() {
		if !released {
			released = true
			<-db.writeTurn
		}
	}
	t.Cleanup(release)
	return release
}

// queueInsert starts InsertComment in a goroutine and returns once the call is queued, so
// that calls queue (and are numbered) in the order of queueInsert calls.
func queueInsert(t *testing.T, ctx context.Context, db *DB, nc moderation.NewComment) <-chan insertResult {
	t.Helper()
	before := queued(db)
	out := make(chan insertResult, 1)
	go func() {
		c, created, err := db.InsertComment(ctx, nc)
		out <- insertResult{c, created, err}
	}()
	waitFor(t, func() bool { return queued(db) == before+1 })
	return out
}

func queued(db *DB) int {
	db.inserts.mu.Lock()
	defer db.inserts.mu.Unlock()
	return len(db.inserts.queue)
}

func waitFor(t *testing.T, cond func() bool) {
	t.Helper()
	for deadline := time.Now().Add(10 * time.Second); !cond(); time.Sleep(time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatal("timed out waiting")
		}
	}
}

func countRows(t *testing.T, db *DB) (comments, scores, audit int) {
	t.Helper()
	err := db.read.QueryRow(`SELECT (SELECT count(*) FROM comments), (SELECT count(*) FROM scores),
		(SELECT count(*) FROM audit_log)`).Scan(&comments, &scores, &audit)
	if err != nil {
		t.Fatal(err)
	}
	return comments, scores, audit
}

// TestInsertBatchIsolation: in one batch, failing comments store nothing and fail alone; the
// others are stored, with IDs in queue order.
func TestInsertBatchIsolation(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db, _ := newDB(t)
	mustArticle(t, db, "a1")
	orphan := newComment("a1", moderation.Approve, 0)
	orphan.Comment.ParentID = 12345
	batch := []moderation.NewComment{
		newComment("a1", moderation.Approve, 0), newComment("nope", moderation.Approve, 0),
		newComment("a1", moderation.Hold, 1), orphan, newComment("a1", moderation.Approve, 0),
	}
	wantErr := []bool{false, true, false, true, false}

	release := holdWriteTurn(t, db)
	var results []<-chan insertResult
	for _, nc := range batch {
		results = append(results, queueInsert(t, ctx, db, nc))
	}
	release()
	var lastID int64
	for i, ch := range results {
		r := <-ch
		if wantErr[i] {
			if !errors.Is(r.err, moderation.ErrNotFound) {
				t.Errorf("insert %d: err = %v, want ErrNotFound", i, r.err)
			}
			continue
		}
		if r.err != nil || !r.created {
			t.Fatalf("insert %d: created %v, err %v", i, r.created, r.err)
		}
		if r.c.ID <= lastID {
			t.Errorf("insert %d: ID = %d, want > %d (queue order)", i, r.c.ID, lastID)
		}
		lastID = r.c.ID
		stored, err := db.Comment(ctx, r.c.ID)
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(r.c, stored); diff != "" {
			t.Errorf("insert %d: stored comment (-returned +stored):\n%s", i, diff)
		}
	}
	if c, s, a := countRows(t, db); c != 3 || s != 3 || a != 3 {
		t.Errorf("rows = %d comments, %d scores, %d audit; want 3 each", c, s, a)
	}
}

// TestInsertBatchSameKey: retries queued in the same batch as the first submission store one
// comment, and the retries get it with created false.
func TestInsertBatchSameKey(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db, _ := newDB(t)
	mustArticle(t, db, "a1")
	first := newComment("a1", moderation.Hold, 1)
	first.IdempotencyKey, first.Comment.ExternalID = "k1", "e1"
	sameKey := newComment("a1", moderation.Approve, 0)
	sameKey.IdempotencyKey, sameKey.Comment.Text = "k1", "a retry with other text"
	sameExternal := newComment("a1", moderation.Approve, 0)
	sameExternal.Comment.ExternalID = "e1"
	otherScope := newComment("a1", moderation.Approve, 0)
	otherScope.IdempotencyKey, otherScope.Scope = "k1", "key:2"

	release := holdWriteTurn(t, db)
	var results []<-chan insertResult
	for _, nc := range []moderation.NewComment{first, sameKey, sameExternal, otherScope} {
		results = append(results, queueInsert(t, ctx, db, nc))
	}
	release()
	r0 := <-results[0]
	if r0.err != nil || !r0.created {
		t.Fatalf("first: created %v, err %v", r0.created, r0.err)
	}
	for i, ch := range results[1:3] {
		r := <-ch
		if r.err != nil || r.created {
			t.Errorf("retry %d: created %v, err %v; want false, nil", i+1, r.created, r.err)
		}
		if diff := cmp.Diff(r0.c, r.c); diff != "" {
			t.Errorf("retry %d returned another comment (-first +retry):\n%s", i+1, diff)
		}
	}
	if r := <-results[3]; r.err != nil || !r.created {
		t.Errorf("other scope: created %v, err %v; want true, nil", r.created, r.err)
	}
	if c, s, a := countRows(t, db); c != 2 || s != 2 || a != 2 {
		t.Errorf("rows = %d comments, %d scores, %d audit; want 2 each", c, s, a)
	}
}

// TestInsertBatchCancel: a caller whose context ends while its insert is queued returns at
// once with the context's error and stores nothing; the rest of the queue is unaffected.
func TestInsertBatchCancel(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db, _ := newDB(t)
	mustArticle(t, db, "a1")
	release := holdWriteTurn(t, db)
	a := queueInsert(t, ctx, db, newComment("a1", moderation.Approve, 0))
	cctx, cancel := context.WithCancel(ctx)
	cancelled := newComment("a1", moderation.Approve, 0)
	cancelled.IdempotencyKey = "cancelled"
	b := queueInsert(t, cctx, db, cancelled)
	c := queueInsert(t, ctx, db, newComment("a1", moderation.Approve, 0))
	cancel()
	// The write turn is still held: b must not wait for it.
	if r := <-b; !errors.Is(r.err, context.Canceled) {
		t.Errorf("cancelled insert: err = %v, want context.Canceled", r.err)
	}
	if n := queued(db); n != 2 {
		t.Errorf("queued after cancel = %d, want 2", n)
	}
	release()
	ra, rc := <-a, <-c
	if ra.err != nil || rc.err != nil || ra.c.ID >= rc.c.ID {
		t.Errorf("others: IDs %d, %d, errs %v, %v; want ascending, nil", ra.c.ID, rc.c.ID, ra.err, rc.err)
	}
	var n int
	if err := db.read.QueryRow(`SELECT count(*) FROM comments WHERE idempotency_key = 'cancelled'`).Scan(&n); err != nil || n != 0 {
		t.Errorf("cancelled comment stored %d times (%v), want 0", n, err)
	}
}

// TestInsertCloseDrains: Close writes every insert queued before it, and later inserts fail.
func TestInsertCloseDrains(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "tribune.db")
	db, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	mustArticle(t, db, "a1")
	release := holdWriteTurn(t, db)
	var results []<-chan insertResult
	for range 10 {
		results = append(results, queueInsert(t, ctx, db, newComment("a1", moderation.Approve, 0)))
	}
	closed := make(chan error, 1)
	go func() { closed <- db.Close() }()
	waitFor(t, func() bool {
		db.inserts.mu.Lock()
		defer db.inserts.mu.Unlock()
		return db.inserts.closed
	})
	if _, _, err := db.InsertComment(ctx, newComment("a1", moderation.Approve, 0)); !errors.Is(err, errClosed) {
		t.Errorf("InsertComment after Close: err = %v, want errClosed", err)
	}
	release()
	for i, ch := range results {
		if r := <-ch; r.err != nil || !r.created {
			t.Errorf("insert %d: created %v, err %v", i, r.created, r.err)
		}
	}
	if err := <-closed; err != nil {
		t.Fatalf("Close: %v", err)
	}
	db, err = Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if c, _, _ := countRows(t, db); c != 10 {
		t.Errorf("comments after reopen = %d, want 10", c)
	}
}
