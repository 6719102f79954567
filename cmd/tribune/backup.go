package main

import (
	"context"
	"errors"
	"fmt"

	"github.com/tribune/tribune/store"
)

// runBackup writes a consistent copy of a live database to DEST with SQLite's VACUUM INTO:
// a read transaction, so the server keeps accepting comments meanwhile, and a compact file
// that opens as an ordinary database (restore = stop, copy it over, start).
func runBackup(ctx context.Context, args []string, e env) (err error) {
	fs := newFlagSet("backup", e)
	dbPath := fs.String("db", envOr(e, "TRIBUNE_DB", "tribune.db"), "SQLite database `file` to back up (env TRIBUNE_DB)")
	pos, err := parseArgs(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 1 {
		fmt.Fprintln(e.stderr, "usage: tribune backup [--db PATH] DEST")
		return errUsage
	}
	db, err := store.Open(ctx, *dbPath)
	if err != nil {
		return err
	}
	defer func() { err = errors.Join(err, db.Close()) }()
	n, err := db.Backup(ctx, pos[0])
	if err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "backed up %s to %s (%d KB)\n", *dbPath, pos[0], (n+1023)/1024)
	return nil
}
