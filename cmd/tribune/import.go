package main

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"time"

	"github.com/tribune/tribune/internal/bulkimport"
	"github.com/tribune/tribune/moderation"
)

// runImport loads existing comments from JSON Lines or Disqus XML exports, idempotently.
func runImport(ctx context.Context, args []string, e env) (err error) {
	fs := newFlagSet("import", e)
	dbPath := fs.String("db", envOr(e, "TRIBUNE_DB", "tribune.db"), "SQLite database `file` (env TRIBUNE_DB)")
	format := fs.String("format", "auto", "input format: auto (by extension or first byte), jsonl or disqus")
	scope := fs.String("scope", "", "namespace of external IDs (default: \"import\" for JSON Lines, \"disqus\" for Disqus)")
	batch := fs.Int("batch", moderation.DefaultImportBatch, "rows per transaction")
	every := fs.Duration("progress-interval", 2*time.Second, "time between progress lines when stderr is not a terminal")
	quiet := fs.Bool("quiet", false, "no progress output")
	cpuProfile := fs.String("cpuprofile", "", "write a CPU profile (go tool pprof) to `FILE`")
	files, err := parseArgs(fs, args)
	if err != nil {
		return err
	}
	if len(files) == 0 {
		fmt.Fprintln(e.stderr, "usage: tribune import --db PATH FILE...")
		return errUsage
	}
	db, closeBulk, err := openBulk(ctx, *dbPath, *cpuProfile)
	if err != nil {
		return err
	}
	defer func() { err = errors.Join(err, closeBulk()) }()
	start := time.Now()
	var total moderation.ImportResult
	var stats bulkimport.Stats
	for _, path := range files {
		opt := bulkimport.Options{Format: *format, Scope: *scope, Batch: *batch,
			Warn: func(msg string) { fmt.Fprintf(e.stderr, "tribune import: %s\n", msg) }}
		var prog *progress
		if !*quiet {
			prog = newProgress(e.stderr, "import "+filepath.Base(path), "comments", *every)
			opt.Progress = prog.update
		}
		res, st, err := bulkimport.File(ctx, db, path, opt)
		if prog != nil {
			if err == nil {
				prog.force(int64(st.Valid), 1)
			}
			prog.finish()
		}
		total.Inserted += res.Inserted
		total.Duplicates += res.Duplicates
		total.Articles += res.Articles
		total.Orphans += res.Orphans
		stats.Invalid += st.Invalid
		stats.Deleted += st.Deleted
		stats.Spam += st.Spam
		if err != nil {
			return err
		}
	}
	secs := time.Since(start).Seconds()
	fmt.Fprintf(e.stdout, "imported %d comments (%d already there, %d new articles, %d replies without their parent) in %.1fs (%.0f/s)\n",
		total.Inserted, total.Duplicates, total.Articles, total.Orphans, secs, float64(total.Inserted+total.Duplicates)/secs)
	if stats.Invalid+stats.Deleted+stats.Spam > 0 {
		fmt.Fprintf(e.stdout, "skipped %d invalid rows, %d deleted and %d spam posts\n", stats.Invalid, stats.Deleted, stats.Spam)
	}
	if total.Inserted > 0 {
		fmt.Fprintln(e.stdout, "imported comments are published unscored: run tribune rescore --apply to score them")
	}
	return nil
}
