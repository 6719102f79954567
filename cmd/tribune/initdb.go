package main

import (
	"context"
	"errors"
	"fmt"
	"os"

	"github.com/tribune/tribune/store"
)

// runInit creates a database with the current schema, or brings an existing one up to date
// (the same migrations serve applies on start), and says which.
func runInit(ctx context.Context, args []string, e env) (err error) {
	fs := newFlagSet("init", e)
	dbPath := fs.String("db", envOr(e, "TRIBUNE_DB", "tribune.db"), "SQLite database `file` to create (env TRIBUNE_DB)")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	existed := fileExists(*dbPath)
	db, err := store.Open(ctx, *dbPath)
	if err != nil {
		return err
	}
	defer func() { err = errors.Join(err, db.Close()) }()
	if existed {
		fmt.Fprintf(e.stdout, "database %s exists; its schema is up to date\n", *dbPath)
	} else {
		fmt.Fprintf(e.stdout, "created database %s\n", *dbPath)
	}
	return nil
}

// fileExists reports whether path names an existing file.
func fileExists(path string) bool {
	_, err := os.Stat(path)
	return err == nil
}
