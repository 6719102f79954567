package main

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/tribune/tribune/internal/registry"
	"github.com/tribune/tribune/moderation"
)

// runRescore scores stored comments again with a model and the saved policy. Without --apply
// it is a dry run that only reports; with it, it writes and can be resumed after a crash by
// running the same command again.
func runRescore(ctx context.Context, args []string, e env) (err error) {
	fs := newFlagSet("rescore", e)
	dbPath := fs.String("db", envOr(e, "TRIBUNE_DB", "tribune.db"), "SQLite database `file` (env TRIBUNE_DB)")
	modelPath := fs.String("model", "", "model `FILE` (default: the registry's active model, else the embedded one)")
	apply := fs.Bool("apply", false, "write new scores and verdicts (default: dry run, report only)")
	since := fs.String("since", "", "only comments created at or after `DATE` (2006-01-02 or RFC 3339)")
	article := fs.String("article", "", "only comments of article `ID`")
	undecided := fs.Bool("undecided", false, "only comments no human has decided")
	workers := fs.Int("workers", 0, "scoring goroutines (default: all cores); results do not depend on it")
	batch := fs.Int("batch", moderation.DefaultRescoreBatch, "comments per read and per write transaction")
	every := fs.Duration("progress-interval", 2*time.Second, "time between progress lines when stderr is not a terminal")
	quiet := fs.Bool("quiet", false, "no progress output")
	cpuProfile := fs.String("cpuprofile", "", "write a CPU profile (go tool pprof) to `FILE`")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	f := moderation.RescoreFilter{ArticleID: *article, Undecided: *undecided}
	if *since != "" {
		if f.Since, err = parseDate(*since); err != nil {
			fmt.Fprintf(e.stderr, "tribune rescore: --since: %v\n", err)
			return errUsage
		}
	}
	db, closeBulk, err := openBulk(ctx, *dbPath, *cpuProfile)
	if err != nil {
		return err
	}
	defer func() { err = errors.Join(err, closeBulk()) }()
	clf, _, err := registry.Choose(ctx, db, *modelPath, registry.LoadRegistered)
	if err != nil {
		return err
	}
	policy, err := moderation.LoadPolicy(ctx, db)
	if err != nil {
		return err
	}
	r := &moderation.Rescorer{Store: db, Classifier: clf, Policy: policy, Apply: *apply, Workers: *workers, BatchSize: *batch}
	var prog *progress
	if !*quiet {
		prog = newProgress(e.stderr, "rescore", "comments", *every)
		r.Progress = func(p moderation.RescoreProgress) {
			// The rate counts this invocation's work; the share, the whole run's.
			done := p.Done - p.Resumed
			frac := 1.0
			if todo := p.Total - p.Resumed; todo > 0 {
				frac = float64(done) / float64(todo)
			}
			prog.update(int64(done), frac)
		}
	}
	rep, err := r.Run(ctx, f)
	if prog != nil {
		prog.finish()
	}
	if err != nil {
		if *apply && (errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded)) {
			fmt.Fprintf(e.stderr, "tribune rescore: interrupted after %d of %d comments; run the same command again to continue\n",
				rep.Processed, rep.Total)
		}
		return err
	}
	return rep.WriteText(e.stdout)
}

// parseDate reads a day (UTC) or an RFC 3339 time.
func parseDate(s string) (time.Time, error) {
	if t, err := time.Parse("2006-01-02", s); err == nil {
		return t, nil
	}
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		return time.Time{}, fmt.Errorf("%q is neither 2006-01-02 nor an RFC 3339 time", s)
	}
	return t, nil
}
