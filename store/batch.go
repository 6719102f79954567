package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"sync"

	"github.com/tribune/tribune/moderation"
)

// Group commit. A write transaction costs ~160 µs of CPU under the write lock, about half of it
// the commit (writing the WAL frames), and the lock hand-off between goroutines adds latency
// on top: with one transaction per comment the single writer tops out near 5,000 inserts/s and
// every submission queues behind it. So InsertComment does not write itself: it queues a
// prepared insert, and one committer goroutine takes every insert waiting (at most
// maxBatch), runs them in one transaction with a savepoint each, commits once and only then
// wakes each caller with its own result. Nothing waits for a batch to fill: under no load a
// batch holds one insert, under load it holds whatever queued during the previous commit.
//
// Each insert is its own savepoint, so a failing one (an unknown article, a constraint)
// rolls back only its own rows; the lookups of later inserts in the batch see the rows of
// earlier ones, so idempotency keys stay exact within a batch. A caller whose context ends
// while its insert is still queued is removed and stores nothing; once its batch has started
// it gets the batch's outcome, as a transaction that held the write lock did before.

// maxBatch bounds one transaction, so that the write lock is never held for more than a few
// ms (decisions and claims queue for it too). Larger batches would gain little: the commit
// writes every page the batch dirtied, and most of a comment's pages are leaves of indices
// with random keys (author, queue priority), which neighbours in a batch rarely share.
const maxBatch = 128

// errClosed is returned to inserts that arrive after Close.
var errClosed = errors.New("database is closed")

// insertCall is one queued InsertComment: its prepared rows and, once its batch has
// committed or failed, its result. done is closed when the result is set.
type insertCall struct {
	row  commentInsert
	done chan struct{}

	comment moderation.Comment
	created bool
	err     error
}

// committer owns the queue of inserts and the goroutine that writes them.
type committer struct {
	mu     sync.Mutex
	queue  []*insertCall
	closed bool
	wake   chan struct{} // capacity 1: "the queue may be non-empty"
	done   chan struct{} // closed when the goroutine has drained the queue and stopped
}

func newCommitter() *committer {
	return &committer{wake: make(chan struct{}, 1), done: make(chan struct{})}
}

// insert queues call and waits for its result, or for ctx to end while it is still queued.
func (db *DB) insert(ctx context.Context, call *insertCall) error {
	q := db.inserts
	q.mu.Lock()
	if q.closed {
		q.mu.Unlock()
		return errClosed
	}
	q.queue = append(q.queue, call)
	select { // under mu: close may not close wake in between
	case q.wake <- struct{}{}:
	default: // a wake-up is already pending
	}
	q.mu.Unlock()
	select {
	case <-call.done:
		return call.err
	case <-ctx.Done():
	}
	q.mu.Lock()
	i := slices.Index(q.queue, call)
	if i >= 0 {
		q.queue = slices.Delete(q.queue, i, i+1)
	}
	q.mu.Unlock()
	if i >= 0 {
		return fmt.Errorf("wait to write: %w", context.Cause(ctx))
	}
	// The committer took it: the outcome is decided in a few ms, and it must be reported
	// (a retry with the same key would find the comment anyway).
	<-call.done
	return call.err
}

// take removes and returns up to maxBatch queued calls, oldest first.
func (q *committer) take() []*insertCall {
	q.mu.Lock()
	defer q.mu.Unlock()
	n := min(len(q.queue), maxBatch)
	batch := slices.Clone(q.queue[:n])
	q.queue = slices.Delete(q.queue, 0, n)
	return batch
}

// close stops accepting inserts and waits until every queued one has been written.
func (q *committer) close() {
	q.mu.Lock()
	if !q.closed {
		q.closed = true
		close(q.wake)
	}
	q.mu.Unlock()
	<-q.done
}

// commitLoop writes batches until the queue is closed and empty.
func (db *DB) commitLoop() {
	q := db.inserts
	defer close(q.done)
	for range q.wake {
		for db.commitBatch() {
		}
	}
	for db.commitBatch() { // drain what was queued before close
	}
}

// commitBatch takes the write turn, then the waiting inserts, and writes them in one
// transaction. It reports whether there was anything to write. The batch is taken only once
// the turn is ours, so that it holds everything that queued while others wrote, and a caller
// that gives up meanwhile is still queued and leaves cleanly.
func (db *DB) commitBatch() bool {
	db.writeTurn <- struct{}{}
	defer func() { <-db.writeTurn }()
	batch := db.inserts.take()
	if len(batch) == 0 {
		return false
	}
	if db.OnBatch != nil {
		db.OnBatch(len(batch))
	}
	err := db.writeBatch(batch)
	for _, call := range batch {
		if err != nil {
			call.comment, call.created, call.err = moderation.Comment{}, false, err
		}
		close(call.done)
	}
	return true
}

// writeBatch writes batch in one transaction. An error means nothing was committed. A panic
// (a driver bug) fails the batch instead of the process: the committer serves every request.
func (db *DB) writeBatch(batch []*insertCall) (err error) {
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("write batch: panic: %v", p)
		}
	}()
	// No caller's context bounds the batch: it is shared, and it runs to its end anyway.
	return db.runTx(context.Background(), func(ctx context.Context, tx *sql.Tx) error {
		for _, call := range batch {
			if err := call.write(ctx, tx); err != nil {
				return err
			}
		}
		return nil
	})
}
