package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"runtime"
	"time"

	"github.com/mattn/go-sqlite3"

	"github.com/tribune/tribune/moderation"
)

var _ moderation.Store = (*DB)(nil)

// DB is a Tribune database: one SQLite file in WAL mode behind two pools, a single-connection
// pool for writes and a pool of read-only connections for plain reads. It is safe for
// concurrent use, also by several *DB on the same file (SQLite's lock and the busy timeout
// serialise their writers).
type DB struct {
	// Now is the clock; it defaults to time.Now and may be replaced before use (tests).
	Now func() time.Time
	// OnBatch, when set, is told the size of every batch of comment inserts committed in one
	// transaction (metrics). Set it before use.
	OnBatch func(n int)

	path string
	// write has one connection: SQLite has one writer, and queueing in Go is fairer and faster
	// than SQLite's sleeping busy handler.
	write *sql.DB
	// writeTurn admits one transaction at a time to write, first come first served: goroutines
	// blocked on a channel are woken in FIFO order, while database/sql hands a free connection
	// to a random waiter, which stretches the tail latency under load.
	writeTurn chan struct{}
	// inserts queues InsertComment calls for the committer goroutine (write.go).
	inserts *committer
	read    *sql.DB
	// ckpt is the checkpointer's connection (see checkpoint.go); stop ends its goroutine,
	// which closes stopped.
	ckpt    *sql.DB
	stop    context.CancelFunc
	stopped chan struct{}
}

// Durability: in WAL mode with synchronous=NORMAL a commit is in the WAL file (the OS page
// cache) when it returns, so it survives a crash or SIGKILL of the process, but a power loss
// or kernel crash may lose the last commits (never corrupting the database). synchronous=FULL
// fsyncs the WAL on every commit and survives power loss too; measured here it doubles the
// wall time of an insert (about 0.53 ms against 0.24 ms per InsertComment, one at a time, on
// this shared 2-core machine), which would put the 3,000 inserts/s goal out of reach. The
// service promises that a 2xx survives the process being killed; NORMAL keeps that promise.
const synchronous = "NORMAL"

// dsn builds the connection string. Per-connection pragmas must be in the DSN: a pragma Exec'd
// on a pool reaches one connection only.
func dsn(path string, readOnly bool) string {
	q := url.Values{}
	q.Set("_foreign_keys", "on")
	q.Set("_journal_mode", "WAL")
	q.Set("_busy_timeout", "5000")
	q.Set("_txlock", "immediate")
	q.Set("_synchronous", synchronous)
	// The driver caches prepared statements per connection, so plain ExecContext and
	// QueryContext with constant SQL reuse their compiled statement.
	q.Set("_stmt_cache_size", "64")
	q.Set("_cache_size", "-16000") // 16 MB page cache per connection
	if readOnly {
		q.Set("_query_only", "on")
	}
	return "file:" + path + "?" + q.Encode()
}

// Open opens (creating if needed) the database at path and applies every pending migration.
func Open(ctx context.Context, path string) (*DB, error) { return OpenClock(ctx, path, time.Now) }

// OpenClock is Open with the clock now (DB.Now, and the time migrations are recorded at)
// instead of time.Now, for tests.
func OpenClock(ctx context.Context, path string, now func() time.Time) (*DB, error) {
	write, err := sql.Open(writeDriver, dsn(path, false))
	if err != nil {
		return nil, fmt.Errorf("open %s: %w", path, err)
	}
	write.SetMaxOpenConns(1)
	write.SetMaxIdleConns(1)
	write.SetConnMaxLifetime(0)
	write.SetConnMaxIdleTime(0)

	db := &DB{Now: now, path: path, write: write, writeTurn: make(chan struct{}, 1)}
	// Migrate on the writer before the readers open: the first connection creates the file
	// and switches it to WAL.
	if err := migrate(ctx, write, migrationFS, now()); err != nil {
		_ = write.Close()
		return nil, fmt.Errorf("open %s: %w", path, err)
	}
	read, err := sql.Open("sqlite3", dsn(path, true))
	if err != nil {
		_ = write.Close()
		return nil, fmt.Errorf("open %s: %w", path, err)
	}
	n := max(4, 2*runtime.GOMAXPROCS(0))
	read.SetMaxOpenConns(n)
	read.SetMaxIdleConns(n)
	read.SetConnMaxIdleTime(0)
	db.read = read
	if err := read.PingContext(ctx); err != nil {
		_ = db.Close()
		return nil, fmt.Errorf("open %s: %w", path, err)
	}
	if db.ckpt, err = sql.Open("sqlite3", dsn(path, false)); err != nil {
		_ = db.Close()
		return nil, fmt.Errorf("open %s: %w", path, err)
	}
	db.ckpt.SetMaxOpenConns(1)
	db.ckpt.SetConnMaxIdleTime(0)
	loop, stop := context.WithCancel(context.Background())
	db.stop, db.stopped = stop, make(chan struct{})
	go db.checkpointLoop(loop, db.stopped)
	db.inserts = &committer{wake: make(chan struct{}, 1), done: make(chan struct{})}
	go db.commitLoop()
	return db, nil
}

// Close writes the inserts still queued, then closes the pools. Inserts after Close fail.
func (db *DB) Close() error {
	var errs []error
	if db.inserts != nil {
		db.inserts.close()
	}
	if db.stop != nil {
		db.stop()
		<-db.stopped
	}
	if db.ckpt != nil {
		errs = append(errs, db.ckpt.Close())
	}
	if db.read != nil {
		errs = append(errs, db.read.Close())
	}
	errs = append(errs, db.write.Close())
	if err := errors.Join(errs...); err != nil {
		return fmt.Errorf("close %s: %w", db.path, err)
	}
	return nil
}

// IntegrityCheck runs PRAGMA integrity_check and fails unless SQLite answers "ok".
func (db *DB) IntegrityCheck(ctx context.Context) error {
	rows, err := db.read.QueryContext(ctx, `PRAGMA integrity_check`)
	if err != nil {
		return fmt.Errorf("integrity check: %w", err)
	}
	defer rows.Close()
	var problems []string
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			return fmt.Errorf("integrity check: %w", err)
		}
		if s != "ok" {
			problems = append(problems, s)
		}
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("integrity check: %w", err)
	}
	if len(problems) > 0 {
		return fmt.Errorf("integrity check: %d problems, first: %s", len(problems), problems[0])
	}
	return nil
}

// now returns the clock's time in UTC.
func (db *DB) now() time.Time { return db.Now().UTC() }

// timeLayout is the one stored time format: UTC, fixed width, so that text order is time order.
const timeLayout = "2006-01-02T15:04:05.000000000Z"

func formatTime(t time.Time) string { return t.UTC().Format(timeLayout) }

func parseTime(s string) (time.Time, error) {
	t, err := time.Parse(timeLayout, s)
	if err != nil {
		return time.Time{}, fmt.Errorf("stored time %q: %w", s, err)
	}
	return t, nil
}

// nullString maps "" to NULL, for optional columns under UNIQUE indices.
func nullString(s string) sql.NullString { return sql.NullString{String: s, Valid: s != ""} }

func nullInt(n int64) sql.NullInt64 { return sql.NullInt64{Int64: n, Valid: n != 0} }

// translate maps driver errors to moderation's kinds, keeping the original in the chain:
// no rows → ErrNotFound, unique or primary-key violations → ErrConflict, foreign-key
// violations (a reference to a row that does not exist) → ErrNotFound.
func translate(err error) error {
	if err == nil {
		return nil
	}
	if errors.Is(err, sql.ErrNoRows) {
		return fmt.Errorf("%w: %w", moderation.ErrNotFound, err)
	}
	var se sqlite3.Error
	if errors.As(err, &se) {
		switch se.ExtendedCode {
		case sqlite3.ErrConstraintUnique, sqlite3.ErrConstraintPrimaryKey:
			return fmt.Errorf("%w: %w", moderation.ErrConflict, err)
		case sqlite3.ErrConstraintForeignKey:
			return fmt.Errorf("%w: %w", moderation.ErrNotFound, err)
		}
	}
	return unavailable(err)
}

// unavailable marks the failures a client should retry later rather than report as a bug:
// the database locked by another writer past the busy timeout, or the disk full.
func unavailable(err error) error {
	var se sqlite3.Error
	if errors.As(err, &se) && !errors.Is(err, moderation.ErrUnavailable) {
		switch se.Code {
		case sqlite3.ErrBusy, sqlite3.ErrLocked, sqlite3.ErrFull:
			return fmt.Errorf("%w: %w", moderation.ErrUnavailable, err)
		}
	}
	return err
}
