package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"runtime/debug"
	"runtime/pprof"
	"strings"
	"time"

	"golang.org/x/term"

	"github.com/tribune/tribune/store"
)

// progress reports a long job's advance: on a terminal a bar redrawn in place with rate and
// ETA, otherwise a plain line every interval (logs and pipes do not want carriage returns).
type progress struct {
	w        io.Writer
	tty      bool
	label    string // "rescore"
	unit     string // "comments"
	interval time.Duration
	start    time.Time
	last     time.Time
	drawn    bool
	now      func() time.Time
}

// newProgress returns a progress reporter on w; interval spaces the plain lines (0: every
// update).
func newProgress(w io.Writer, label, unit string, interval time.Duration) *progress {
	p := &progress{w: w, label: label, unit: unit, interval: interval, now: time.Now}
	if f, ok := w.(*os.File); ok && term.IsTerminal(int(f.Fd())) {
		p.tty = true
	}
	p.start = p.now()
	return p
}

// update reports count units done (rate) and the share frac in [0, 1] of the job (ETA).
func (p *progress) update(count int64, frac float64) {
	now := p.now()
	step := p.interval
	if p.tty {
		step = 100 * time.Millisecond
	}
	if p.drawn && now.Sub(p.last) < step {
		return
	}
	p.last, p.drawn = now, true
	elapsed := now.Sub(p.start).Seconds()
	rate := 0.0
	if elapsed > 0 {
		rate = float64(count) / elapsed
	}
	eta := "?"
	if frac > 0 && frac <= 1 {
		eta = time.Duration(elapsed * (1 - frac) / frac * float64(time.Second)).Round(time.Second).String()
	}
	frac = min(max(frac, 0), 1)
	if !p.tty {
		fmt.Fprintf(p.w, "%s: %d %s (%.0f%%), %.0f/s, ETA %s\n", p.label, count, p.unit, 100*frac, rate, eta)
		return
	}
	const width = 30
	fill := int(frac * width)
	bar := strings.Repeat("=", fill) + strings.Repeat(" ", width-fill)
	if fill < width {
		bar = bar[:fill] + ">" + bar[fill+1:]
	}
	fmt.Fprintf(p.w, "\r%s [%s] %3.0f%% %d %s %.0f/s ETA %s   ", p.label, bar, 100*frac, count, p.unit, rate, eta)
}

// force reports now, however recently the last report was: the final count.
func (p *progress) force(count int64, frac float64) {
	p.drawn = false
	p.update(count, frac)
}

// finish ends the bar's line; the caller prints the summary.
func (p *progress) finish() {
	if p.tty && p.drawn {
		fmt.Fprintln(p.w)
	}
}

// startCPUProfile writes a CPU profile to path until the returned function runs ("" for none).
func startCPUProfile(path string) (stop func() error, err error) {
	if path == "" {
		return func() error { return nil }, nil
	}
	f, err := os.Create(path)
	if err != nil {
		return nil, fmt.Errorf("cpu profile: %w", err)
	}
	if err := pprof.StartCPUProfile(f); err != nil {
		_ = f.Close()
		return nil, fmt.Errorf("cpu profile: %w", err)
	}
	return func() error {
		pprof.StopCPUProfile()
		return f.Close()
	}, nil
}

// tuneGCForBulk lets the heap grow to five times the live data between collections: bulk
// commands allocate per row and keep little, so the default spends a fifth of their CPU in
// the collector; a few hundred MB more is cheap for a one-off job.
func tuneGCForBulk() { debug.SetGCPercent(400) }

// openBulk opens the database for a batch command (import, rescore): a large page cache, a
// garbage collector tuned for throughput, and an optional CPU profile. The returned function
// stops the profile and closes the database.
func openBulk(ctx context.Context, path, cpuProfile string) (*store.DB, func() error, error) {
	db, err := store.Open(ctx, path)
	if err != nil {
		return nil, nil, err
	}
	tuneGCForBulk()
	if err := db.BulkMode(ctx, 256); err != nil {
		return nil, nil, errors.Join(err, db.Close())
	}
	stopProfile, err := startCPUProfile(cpuProfile)
	if err != nil {
		return nil, nil, errors.Join(err, db.Close())
	}
	return db, func() error { return errors.Join(stopProfile(), db.Close()) }, nil
}
