package store

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"github.com/mattn/go-sqlite3"
)

// SQLite's automatic checkpoint runs inside the commit that crosses 1,000 WAL frames: that
// commit copies every changed page to the database file and fsyncs it, a stall of several
// milliseconds for it and for every insert queued behind it, which is most of the insert's
// p99 latency. So the write pool turns automatic checkpoints off and a goroutine checkpoints
// instead, beside the writer (a PASSIVE checkpoint takes no write lock), on the other core.

// writeDriver is the driver of the write pool: "sqlite3" with automatic checkpoints off.
const writeDriver = "sqlite3-tribune-write"

func init() {
	sql.Register(writeDriver, &sqlite3.SQLiteDriver{ConnectHook: func(c *sqlite3.SQLiteConn) error {
		_, err := c.Exec(`PRAGMA wal_autocheckpoint = 0`, nil)
		return err
	}})
}

const (
	// checkpointEvery is how often the checkpointer copies the WAL into the database.
	checkpointEvery = 20 * time.Millisecond
	// walResetFrames is the WAL length (4 KiB frames) at which the checkpointer finishes its
	// work between two write transactions. SQLite starts the WAL over only when a writer finds
	// every frame copied; under a steady stream of inserts the concurrent checkpoint always
	// trails by a few commits, so without this the WAL would grow for as long as the stream
	// lasts. The step is short: the concurrent checkpoint has just copied all but those few.
	walResetFrames = 4000
)

// checkpointLoop checkpoints every checkpointEvery until ctx ends, then closes done.
// Failures (SQLITE_BUSY while another process checkpoints) are left to the next tick: a
// checkpoint is an optimisation, and the data is safe in the WAL either way.
func (db *DB) checkpointLoop(ctx context.Context, done chan<- struct{}) {
	defer close(done)
	tick := time.NewTicker(checkpointEvery)
	defer tick.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
		}
		_ = db.Checkpoint(ctx)
	}
}

// Checkpoint copies the WAL into the database file, concurrently with writers, and when the
// WAL has grown long, once more between two write transactions so that the next writer
// starts the WAL over. The background checkpointer calls it; it is exported for tools that
// want a compact database before copying the file.
func (db *DB) Checkpoint(ctx context.Context) error {
	frames, err := db.passiveCheckpoint(ctx)
	if err != nil || frames < walResetFrames {
		return err
	}
	select {
	case db.writeTurn <- struct{}{}:
	case <-ctx.Done():
		return context.Cause(ctx)
	}
	defer func() { <-db.writeTurn }()
	_, err = db.passiveCheckpoint(ctx)
	return err
}

// passiveCheckpoint runs PRAGMA wal_checkpoint(PASSIVE) and returns the WAL's length in frames.
func (db *DB) passiveCheckpoint(ctx context.Context) (frames int, err error) {
	var busy, copied int
	if err := db.ckpt.QueryRowContext(ctx, `PRAGMA wal_checkpoint(PASSIVE)`).Scan(&busy, &frames, &copied); err != nil {
		return 0, fmt.Errorf("checkpoint: %w", err)
	}
	return frames, nil
}
