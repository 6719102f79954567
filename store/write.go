package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/tribune/tribune/moderation"
)

// The write path, top to bottom: every write takes the write turn (withTx) and runs in one
// transaction (runTx); InsertComment instead queues a prepared insert that the committer
// goroutine writes with others in one transaction (the package doc says why), each in a
// savepoint; the audit row and the outbox event of a change are written in its transaction.

// withTx takes the write turn and runs fn in a write transaction (see runTx). ctx bounds the
// wait for the turn; fn gets a context without cancellation: its statements take microseconds,
// cancelling halfway would only waste the work, and the driver honours a cancellable context
// with a goroutine per statement, which costs more than the statement on the hot insert path.
func (db *DB) withTx(ctx context.Context, fn func(ctx context.Context, tx *sql.Tx) error) error {
	select {
	case db.writeTurn <- struct{}{}:
	case <-ctx.Done():
		return fmt.Errorf("wait to write: %w", context.Cause(ctx))
	}
	defer func() { <-db.writeTurn }()
	return db.runTx(ctx, fn)
}

// runTx runs fn in a write transaction (BEGIN IMMEDIATE, from the DSN) and commits, or rolls
// back when fn returns an error or panics (the panic then continues). The caller holds the
// write turn; ctx bounds only the wait for the connection, fn gets it without cancellation.
func (db *DB) runTx(ctx context.Context, fn func(ctx context.Context, tx *sql.Tx) error) (err error) {
	conn, err := db.write.Conn(ctx)
	if err != nil {
		return fmt.Errorf("write connection: %w", err)
	}
	defer conn.Close()
	ctx = context.WithoutCancel(ctx)
	tx, err := conn.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("begin: %w", translate(err))
	}
	defer func() {
		if p := recover(); p != nil {
			_ = tx.Rollback()
			panic(p)
		}
		if err != nil {
			_ = tx.Rollback()
		}
	}()
	if err = fn(ctx, tx); err != nil {
		return unavailable(err)
	}
	if err = tx.Commit(); err != nil {
		return fmt.Errorf("commit: %w", translate(err))
	}
	return nil
}

// InsertComment stores a comment, its scores (under the assessment's model version), its
// machine verdict and a "submitted" audit row in one transaction. A zero CreatedAt is set from
// the clock (a set one is kept, for imports). When nc's (scope, idempotency key) or (scope,
// external ID) was stored before, it stores nothing and returns that comment with created
// false; the lookup runs inside the write transaction, so two concurrent retries cannot both
// insert. An unknown article or parent comment fails with ErrNotFound.
//
// Concurrent calls are committed together (group commit, see the package doc); each returns
// once the transaction holding its comment has committed.
func (db *DB) InsertComment(ctx context.Context, nc moderation.NewComment) (moderation.Comment, bool, error) {
	call := &insertCall{done: make(chan struct{})}
	if err := call.row.prepare(nc, db.now()); err != nil {
		return moderation.Comment{}, false, fmt.Errorf("insert comment: %w", err)
	}
	if err := db.insert(ctx, call); err != nil {
		return moderation.Comment{}, false, fmt.Errorf("insert comment: %w", err)
	}
	return call.comment, call.created, nil
}

// maxBatch bounds one transaction, so the write lock is held a few ms at most (decisions and
// claims queue for it too). Larger batches would gain little: most pages a comment dirties
// are index leaves with random keys (author, priority), rarely shared within a batch.
const maxBatch = 128

// errClosed is returned to inserts that arrive after Close.
var errClosed = errors.New("database is closed")

// commentInsert is a comment ready to write: its columns are encoded before it queues for
// the write lock, which is held for as short a time as possible.
type commentInsert struct {
	c                     moderation.Comment
	scope, key            string
	now                   time.Time
	reasons, tone, stance string
	expl                  string
	top                   moderation.Stance
	created, detail       string
}

// prepare encodes nc for writing; now is the clock's time, its CreatedAt when it has none.
func (r *commentInsert) prepare(nc moderation.NewComment, now time.Time) error {
	c := nc.Comment
	c.ID, c.Decision, c.Claim = 0, nil, nil
	if c.CreatedAt.IsZero() {
		c.CreatedAt = now
	}
	c.CreatedAt = c.CreatedAt.UTC()
	var err error
	if r.reasons, err = encodeReasons(c.Reasons); err != nil {
		return err
	}
	if r.tone, r.stance, err = encodeScores(c.Assessment.Scores); err != nil {
		return err
	}
	if r.expl, err = encodeExplanation(c.Assessment.Explanation); err != nil {
		return err
	}
	r.top, _ = c.Assessment.Scores.StanceLabel()
	r.c, r.scope, r.key, r.now = c, nc.Scope, nc.IdempotencyKey, now
	r.created, r.detail = formatTime(c.CreatedAt), reasonCodes(c.Reasons)
	return nil
}

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

// write inserts call's comment inside tx, in a savepoint, and sets call's result. A failure
// of this comment alone (an unknown article, a constraint) rolls back to the savepoint and
// becomes call's error; write returns an error only when the transaction itself is broken.
func (call *insertCall) write(ctx context.Context, tx *sql.Tx) error {
	if _, err := tx.ExecContext(ctx, `SAVEPOINT comment`); err != nil {
		return fmt.Errorf("savepoint: %w", err)
	}
	call.comment, call.created, call.err = call.row.insert(ctx, tx)
	if call.err != nil {
		if _, err := tx.ExecContext(ctx, `ROLLBACK TO comment`); err != nil {
			return fmt.Errorf("rollback to savepoint: %w", err)
		}
	}
	// RELEASE after ROLLBACK TO ends the (now empty) savepoint too.
	if _, err := tx.ExecContext(ctx, `RELEASE comment`); err != nil {
		return fmt.Errorf("release savepoint: %w", err)
	}
	return nil
}

// insert writes the comment, its score, audit and event rows, or finds the earlier comment
// with the same idempotency key or external ID (perhaps written earlier in this batch).
func (r *commentInsert) insert(ctx context.Context, tx *sql.Tx) (moderation.Comment, bool, error) {
	c := r.c
	id, found, err := findIdempotent(ctx, tx, r.scope, r.key, c.ExternalID)
	if err != nil {
		return moderation.Comment{}, false, err
	}
	if found {
		prev, err := getComment(ctx, tx, id, r.now)
		return prev, false, err
	}
	res, err := tx.ExecContext(ctx, `INSERT INTO comments
		(article_id, author_id, author_name, text, parent_id, external_id, url, scope, idempotency_key,
		 created_at, model_version, machine_verdict, reasons, priority, status, stance)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		c.ArticleID, c.Author.ID, c.Author.Name, c.Text, nullInt(c.ParentID), nullString(c.ExternalID), c.URL,
		r.scope, nullString(r.key), r.created, c.Assessment.ModelVersion,
		string(c.MachineVerdict), r.reasons, c.Priority, string(c.MachineVerdict), string(r.top))
	if err != nil {
		return moderation.Comment{}, false, missingReference(ctx, tx, c, translate(err))
	}
	if c.ID, err = res.LastInsertId(); err != nil {
		return moderation.Comment{}, false, err
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO scores
		(comment_id, model_version, tone, stance, explanation, language, created_at)
		VALUES (?, ?, ?, ?, ?, ?, ?)`,
		c.ID, c.Assessment.ModelVersion, r.tone, r.stance, r.expl, c.Assessment.Language, r.created); err != nil {
		return moderation.Comment{}, false, translate(err)
	}
	if err := insertAudit(ctx, tx, auditRow{commentID: c.ID, action: moderation.AuditSubmitted,
		verdict: c.MachineVerdict, detail: r.detail, modelVersion: c.Assessment.ModelVersion, at: r.now}); err != nil {
		return moderation.Comment{}, false, err
	}
	err = insertEvent(ctx, tx, moderation.Event{Kind: moderation.EventVerdict, CommentID: c.ID,
		ArticleID: c.ArticleID, Scope: r.scope, Status: c.MachineVerdict, Verdict: c.MachineVerdict,
		Reasons: strings.FieldsFunc(r.detail, isComma), ModelVersion: c.Assessment.ModelVersion, CreatedAt: r.now})
	if err != nil {
		return moderation.Comment{}, false, err
	}
	return c, true, nil
}

// findIdempotent looks up the comment an earlier submission with the same (scope, key) or
// (scope, external ID) stored; empty key and ID never match.
func findIdempotent(ctx context.Context, tx *sql.Tx, scope, key, externalID string) (int64, bool, error) {
	lookups := []struct{ query, value string }{
		{`SELECT id FROM comments WHERE scope = ? AND idempotency_key = ?`, key},
		{`SELECT id FROM comments WHERE scope = ? AND external_id = ?`, externalID},
	}
	for _, l := range lookups {
		if l.value == "" {
			continue
		}
		var id int64
		err := tx.QueryRowContext(ctx, l.query, scope, l.value).Scan(&id)
		if err == nil {
			return id, true, nil
		}
		if !errors.Is(err, sql.ErrNoRows) {
			return 0, false, err
		}
	}
	return 0, false, nil
}

// missingReference turns a foreign-key failure on insert into a not-found error that says
// which reference was missing. SQLite reports only "FOREIGN KEY constraint failed", so look.
func missingReference(ctx context.Context, tx *sql.Tx, c moderation.Comment, err error) error {
	if !errors.Is(err, moderation.ErrNotFound) {
		return err
	}
	var n int
	if qerr := tx.QueryRowContext(ctx, `SELECT count(*) FROM articles WHERE id = ?`, c.ArticleID).Scan(&n); qerr != nil {
		return errors.Join(err, qerr)
	}
	if n == 0 {
		return fmt.Errorf("article %q: %w", c.ArticleID, moderation.ErrNotFound)
	}
	return fmt.Errorf("parent comment %d: %w", c.ParentID, moderation.ErrNotFound)
}

// auditRow is one audit_log row to insert.
type auditRow struct {
	commentID    int64
	action       moderation.AuditAction
	moderatorID  int64 // 0 for machine actions
	verdict      moderation.Verdict
	detail       string
	modelVersion string
	at           time.Time
}

// insertAudit writes r in tx: every change to a comment's verdict leaves one such row.
func insertAudit(ctx context.Context, tx *sql.Tx, r auditRow) error {
	_, err := tx.ExecContext(ctx, `INSERT INTO audit_log
		(comment_id, action, moderator_id, verdict, detail, model_version, created_at)
		VALUES (?, ?, ?, ?, ?, ?, ?)`,
		r.commentID, string(r.action), nullInt(r.moderatorID), string(r.verdict), r.detail, r.modelVersion,
		formatTime(r.at))
	if err != nil {
		return fmt.Errorf("audit %s: %w", r.action, translate(err))
	}
	return nil
}

// insertEvent appends ev to the outbox inside the transaction that made the change it
// reports, so an event exists exactly when its change was committed.
func insertEvent(ctx context.Context, tx *sql.Tx, ev moderation.Event) error {
	_, err := tx.ExecContext(ctx, `INSERT INTO events
		(kind, comment_id, article_id, scope, status, verdict, reasons, moderator, model_version, created_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		string(ev.Kind), ev.CommentID, ev.ArticleID, ev.Scope, string(ev.Status), string(ev.Verdict),
		strings.Join(ev.Reasons, " "), ev.Moderator, ev.ModelVersion, formatTime(ev.CreatedAt))
	if err != nil {
		return fmt.Errorf("event %s: %w", ev.Kind, translate(err))
	}
	return nil
}
