package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"
)

// Backup writes a consistent, compacted copy of the database to dest with VACUUM INTO and
// returns its size in bytes. It reads in one transaction, so writers go on meanwhile (WAL
// mode); dest must not exist. The copy is checked with PRAGMA integrity_check before Backup
// returns.
func (db *DB) Backup(ctx context.Context, dest string) (int64, error) {
	if _, err := os.Stat(dest); err == nil {
		return 0, fmt.Errorf("backup: %s already exists", dest)
	}
	// A connection of its own: the reader pool is query_only, which refuses VACUUM INTO, and
	// the writer must stay free for the service.
	conn, err := sql.Open(writeDriver, dsn(db.path, false))
	if err != nil {
		return 0, fmt.Errorf("backup: %w", err)
	}
	defer conn.Close()
	if _, err := conn.ExecContext(ctx, `VACUUM INTO ?`, dest); err != nil {
		return 0, fmt.Errorf("backup to %s: %w", dest, err)
	}
	check, err := sql.Open("sqlite3", "file:"+dest+"?mode=ro")
	if err != nil {
		return 0, fmt.Errorf("backup: check: %w", err)
	}
	defer check.Close()
	var res string
	if err := check.QueryRowContext(ctx, `PRAGMA integrity_check`).Scan(&res); err != nil {
		return 0, fmt.Errorf("backup: check %s: %w", dest, err)
	}
	if res != "ok" {
		return 0, errors.New("backup: integrity check of the copy: " + res)
	}
	st, err := os.Stat(dest)
	if err != nil {
		return 0, fmt.Errorf("backup: %w", err)
	}
	return st.Size(), nil
}
