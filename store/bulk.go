package store

import (
	"context"
	"fmt"
)

// BulkMode tunes the write connection for a batch job that writes millions of rows (import,
// rescore) and owns this *DB: a page cache of cacheMB megabytes, so that the indexes being
// updated stay in memory, and a WAL checkpoint every 64 MB instead of every 4 MB, so that
// pages changed by many batches are copied (and fsynced) to the database less often.
// Durability is unchanged: commits survive a killed process as before.
//
// The pragmas are per connection and the write pool has exactly one, kept for the pool's
// life (see Open), so Exec reaches it; should it ever be replaced, only speed is lost.
func (db *DB) BulkMode(ctx context.Context, cacheMB int) error {
	for _, p := range []string{
		fmt.Sprintf(`PRAGMA cache_size = %d`, -cacheMB*1024),
		`PRAGMA wal_autocheckpoint = 16384`,
	} {
		if _, err := db.write.ExecContext(ctx, p); err != nil {
			return fmt.Errorf("bulk mode: %w", err)
		}
	}
	return nil
}
