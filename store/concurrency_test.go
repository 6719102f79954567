package store

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/tribune/tribune/moderation"
)

// TestConcurrentSubmitClaimDecide runs 8 submitters (500 comments each, every tenth retried
// with its idempotency key) on one *DB while 4 moderators, each with its own *DB on the same
// file, claim and decide in loops, and sometimes try to decide what is decided or claimed by
// someone else. Afterwards: no comment lost or duplicated, none claimed by two moderators, none
// decided twice without override, and the queue is empty.
func TestConcurrentSubmitClaimDecide(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "tribune.db")
	open := func() *DB {
		db, err := Open(ctx, path)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { _ = db.Close() })
		return db
	}
	db := open()
	mustArticle(t, db, "a1")
	mustArticle(t, db, "a2")

	const submitters, perSubmitter, moderators = 8, 500, 4
	perSub := perSubmitter
	if testing.Short() {
		perSub = 100
	}
	var (
		mu        sync.Mutex
		inserted  = map[int64]string{} // comment → idempotency key
		claimedBy = map[int64]int64{}  // comment → moderator
		failures  []string
	)
	fail := func(format string, args ...any) {
		mu.Lock()
		defer mu.Unlock()
		failures = append(failures, fmt.Sprintf(format, args...))
	}

	var submitting sync.WaitGroup
	for s := range submitters {
		submitting.Go(func() {
			for i := range perSub {
				nc := newComment([]string{"a1", "a2"}[i%2], []moderation.Verdict{moderation.Hold, moderation.Approve}[i%2], float64(i%7)/7)
				nc.IdempotencyKey = fmt.Sprintf("s%d-%d", s, i)
				c, created, err := db.InsertComment(ctx, nc)
				if err != nil || !created {
					fail("insert %s: created %v, %v", nc.IdempotencyKey, created, err)
					continue
				}
				mu.Lock()
				inserted[c.ID] = nc.IdempotencyKey
				mu.Unlock()
				if i%10 == 0 {
					again, created, err := db.InsertComment(ctx, nc)
					if err != nil || created || again.ID != c.ID {
						fail("retry %s: id %d created %v err %v, want id %d", nc.IdempotencyKey, again.ID, created, err, c.ID)
					}
				}
			}
		})
	}
	var done atomic.Bool
	go func() { submitting.Wait(); done.Store(true) }()

	var moderating sync.WaitGroup
	var decisions atomic.Int64
	for k := range moderators {
		mdb := open()
		m := mustModerator(t, mdb, fmt.Sprintf("mod%d", k))
		moderating.Go(func() {
			var mine []int64
			for round := 0; ; round++ {
				finished := done.Load()
				now := time.Now()
				items, err := mdb.Claim(ctx, m, 5, now, now.Add(time.Hour))
				if err != nil {
					fail("claim by %s: %v", m.Name, err)
					return
				}
				for _, it := range items {
					id := it.Comment.ID
					mu.Lock()
					if prev, ok := claimedBy[id]; ok {
						failures = append(failures, fmt.Sprintf("comment %d claimed by %d and %d", id, prev, m.ID))
					}
					claimedBy[id] = m.ID
					mu.Unlock()
					d := moderation.Decision{CommentID: id, ModeratorID: m.ID, Verdict: moderation.Reject, Reason: moderation.ReasonInsult}
					if _, err := mdb.Decide(ctx, d); err != nil {
						fail("decide %d by %s: %v", id, m.Name, err)
						continue
					}
					decisions.Add(1)
					mine = append(mine, id)
				}
				// Deciding again without override must conflict; with override it succeeds.
				if len(mine) > 0 && round%3 == 0 {
					id := mine[round%len(mine)]
					d := moderation.Decision{CommentID: id, ModeratorID: m.ID, Verdict: moderation.Approve, Reason: moderation.ReasonOK}
					if _, err := mdb.Decide(ctx, d); !errors.Is(err, moderation.ErrConflict) {
						fail("second decision on %d without override: %v, want ErrConflict", id, err)
					}
					d.Override = true
					if _, err := mdb.Decide(ctx, d); err != nil {
						fail("override on %d: %v", id, err)
					}
				}
				// Deciding what another moderator holds must conflict.
				if q, err := mdb.Queue(ctx, moderation.QueueFilter{Limit: 20}); err == nil {
					for _, it := range q {
						if it.Comment.Claim != nil && it.Comment.Claim.ModeratorID != m.ID {
							// Without override: by now the holder may have decided it, which conflicts too.
							d := moderation.Decision{CommentID: it.Comment.ID, ModeratorID: m.ID, Verdict: moderation.Approve, Reason: moderation.ReasonOK}
							if _, err := mdb.Decide(ctx, d); !errors.Is(err, moderation.ErrConflict) {
								fail("decision on %d claimed by %d: %v, want ErrConflict", it.Comment.ID, it.Comment.Claim.ModeratorID, err)
							}
							break
						}
					}
				}
				if len(items) == 0 {
					if finished {
						return
					}
					// Like a person waiting for work: an empty claim is a write transaction,
					// and spinning on it would starve the submitters on the other *DB.
					time.Sleep(2 * time.Millisecond)
				}
			}
		})
	}
	moderating.Wait()
	for _, f := range failures[:min(len(failures), 20)] {
		t.Error(f)
	}

	total := submitters * perSub
	check := func(name, query string, want int) {
		t.Helper()
		var got int
		if err := db.read.QueryRowContext(ctx, query).Scan(&got); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if got != want {
			t.Errorf("%s = %d, want %d", name, got, want)
		}
	}
	if len(inserted) != total {
		t.Errorf("inserted %d distinct comments, want %d", len(inserted), total)
	}
	check("comments", `SELECT count(*) FROM comments`, total)
	check("distinct idempotency keys", `SELECT count(DISTINCT idempotency_key) FROM comments`, total)
	check("score rows", `SELECT count(*) FROM scores`, total)
	check("submitted audit rows", `SELECT count(*) FROM audit_log WHERE action = 'submitted'`, total)
	check("held comments never decided", `SELECT count(*) FROM comments WHERE machine_verdict = 'hold' AND decision_id IS NULL`, 0)
	check("queue size", `SELECT count(*) FROM comments WHERE status = 'hold' AND decision_id IS NULL`, 0)
	check("comments claimed more than once",
		`SELECT count(*) FROM (SELECT comment_id FROM audit_log WHERE action = 'claimed' GROUP BY comment_id HAVING count(*) > 1)`, 0)
	check("comments decided twice without override",
		`SELECT count(*) FROM (SELECT comment_id FROM decisions WHERE override = 0 GROUP BY comment_id HAVING count(*) > 1)`, 0)
	check("'decided' audit rows per comment above 1",
		`SELECT count(*) FROM (SELECT comment_id FROM audit_log WHERE action = 'decided' GROUP BY comment_id HAVING count(*) > 1)`, 0)
	check("decisions by someone other than the claimer",
		`SELECT count(*) FROM decisions d JOIN audit_log l ON l.comment_id = d.comment_id AND l.action = 'claimed'
		 WHERE d.override = 0 AND d.moderator_id <> l.moderator_id`, 0)
	check("overrides without an earlier decision",
		`SELECT count(*) FROM decisions d WHERE d.override = 1 AND NOT EXISTS
		 (SELECT 1 FROM decisions e WHERE e.comment_id = d.comment_id AND e.id < d.id)`, 0)
	check("first decisions", `SELECT count(*) FROM decisions WHERE override = 0`, int(decisions.Load()))
	check("current decision is the latest",
		`SELECT count(*) FROM comments c WHERE c.decision_id <> (SELECT max(id) FROM decisions d WHERE d.comment_id = c.id)`, 0)
	if err := db.IntegrityCheck(ctx); err != nil {
		t.Error(err)
	}
}

// TestConcurrentRetries sends the same submission from 16 goroutines on two *DB at once:
// exactly one stores it, and every call returns that comment.
func TestConcurrentRetries(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db, _ := newDB(t)
	other, err := Open(ctx, db.path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = other.Close() })
	mustArticle(t, db, "a1")
	nc := newComment("a1", moderation.Hold, 1)
	nc.IdempotencyKey = "retry-me"
	var (
		wg      sync.WaitGroup
		created atomic.Int64
		idsSeen sync.Map
	)
	for i := range 16 {
		wg.Go(func() {
			c, ok, err := []*DB{db, other}[i%2].InsertComment(ctx, nc)
			if err != nil {
				t.Error(err)
				return
			}
			if ok {
				created.Add(1)
			}
			idsSeen.Store(c.ID, true)
		})
	}
	wg.Wait()
	n := 0
	idsSeen.Range(func(any, any) bool { n++; return true })
	if created.Load() != 1 || n != 1 {
		t.Errorf("created %d times, %d distinct IDs returned; want 1 and 1", created.Load(), n)
	}
}
