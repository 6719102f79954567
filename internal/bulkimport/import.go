// Package bulkimport loads existing comments into Tribune from export files, JSON Lines or a
// Disqus XML export, through moderation.Importer (which validates, batches and keeps the
// import idempotent). A file is parsed on one goroutine while another writes.
package bulkimport

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"

	"github.com/tribune/tribune/internal/disqus"
	"github.com/tribune/tribune/moderation"
)

// MaxShownErrors bounds how many skipped rows are described through Options.Warn.
const MaxShownErrors = 20

// maxLeadingInvalid stops an import whose first rows are all invalid: the file is not in
// the format (a README, a CSV), and going on would only count thousands of errors.
const maxLeadingInvalid = 100

// formatNames describes the formats in messages.
var formatNames = map[string]string{"jsonl": "JSON Lines (one comment object per line)", "disqus": "a Disqus XML export"}

// Options configure File.
type Options struct {
	// Format is auto (by extension or first byte), jsonl or disqus.
	Format string
	// Scope namespaces external IDs; "" is "import" for JSON Lines and "disqus" for Disqus.
	Scope string
	// Batch is the rows per transaction (moderation.DefaultImportBatch when 0).
	Batch int
	// Progress, when set, is told after each chunk the rows read so far and the share of the
	// file read (rows read, not written: the importer writes in batches, so its counts lag).
	Progress func(rows int64, frac float64)
	// Warn, when set, is told why rows were skipped (the first MaxShownErrors of them, then
	// once that more are counted but not shown).
	Warn func(msg string)
}

// Stats counts the rows read and the rows the readers skipped.
type Stats struct {
	Valid, Invalid, Deleted, Spam int
}

// File imports one file into st. Invalid rows are skipped and counted; a file whose rows are
// all invalid (or whose first hundred are) is an error that names the format expected.
func File(ctx context.Context, st moderation.ImportStore, path string, opt Options) (moderation.ImportResult, Stats, error) {
	var stats Stats
	f, err := os.Open(path)
	if err != nil {
		return moderation.ImportResult{}, stats, fmt.Errorf("import: %w", err)
	}
	defer f.Close()
	info, err := f.Stat()
	if err != nil {
		return moderation.ImportResult{}, stats, fmt.Errorf("import: %w", err)
	}
	cr := &countingReader{r: f}
	br := bufio.NewReaderSize(cr, 1<<20)
	format, err := chooseFormat(path, opt.Format, br)
	if err != nil {
		return moderation.ImportResult{}, stats, err
	}
	var next func() (moderation.ImportRow, error)
	var dq *disqus.Reader
	if format == "disqus" {
		dq = disqus.NewReader(br)
		next = dq.Next
	} else {
		next = jsonlRows(br)
	}
	scope := opt.Scope
	if scope == "" {
		scope = map[string]string{"disqus": "disqus", "jsonl": "import"}[format]
	}
	batch := opt.Batch
	if batch <= 0 {
		batch = moderation.DefaultImportBatch
	}
	im := &moderation.Importer{Store: st, Scope: scope, BatchSize: batch}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	rows := make(chan []parsedRow, 4)
	errc := make(chan error, 1)
	go func() { errc <- readRows(ctx, next, batch, rows) }()
	for chunk := range rows {
		if err := addChunk(ctx, im, chunk, path, format, opt, &stats); err != nil {
			return im.Result, stats, err
		}
		if opt.Progress != nil && info.Size() > 0 {
			opt.Progress(int64(stats.Valid), float64(cr.n.Load())/float64(info.Size()))
		}
	}
	if err := <-errc; err != nil {
		return im.Result, stats, fmt.Errorf("import %s: %w", path, err)
	}
	if err := im.Close(ctx); err != nil {
		return im.Result, stats, err
	}
	if dq != nil {
		stats.Deleted, stats.Spam = dq.Deleted, dq.Spam
	}
	if stats.Valid == 0 && stats.Invalid > 0 {
		return im.Result, stats, fmt.Errorf("import %s: no valid rows (%d invalid); is it %s?", path, stats.Invalid, formatNames[format])
	}
	return im.Result, stats, nil
}

// chooseFormat returns the file's format: the detected one for "auto", else the one asked
// for, which must match what the file looks like (the wrong reader finds no rows and the
// import would "succeed" with nothing).
func chooseFormat(path, format string, br *bufio.Reader) (string, error) {
	detected := detectFormat(path, br)
	switch {
	case format == "auto":
		return detected, nil
	case format != "jsonl" && format != "disqus":
		return "", fmt.Errorf("import: unknown --format %q (auto, jsonl or disqus)", format)
	case format != detected && !strings.EqualFold(filepath.Ext(path), ".xml"):
		return "", fmt.Errorf("import %s: --format %s, but the file looks like %s", path, format, detected)
	}
	return format, nil
}

// addChunk adds parsed rows to im, counting and reporting the invalid ones.
func addChunk(ctx context.Context, im *moderation.Importer, chunk []parsedRow, path, format string, opt Options, st *Stats) error {
	for _, p := range chunk {
		err := p.err
		if err == nil {
			err = im.Add(ctx, p.row)
		}
		if err == nil {
			st.Valid++
			continue
		}
		var ie *moderation.InputError
		if !errors.As(err, &ie) {
			return err
		}
		st.Invalid++
		if opt.Warn != nil {
			switch {
			case st.Invalid <= MaxShownErrors:
				opt.Warn(fmt.Sprintf("%s: skipped row (external id %q): %v", path, p.row.Comment.ExternalID, err))
			case st.Invalid == MaxShownErrors+1:
				opt.Warn(fmt.Sprintf("%s: more invalid rows are counted but not shown", path))
			}
		}
		if st.Invalid == maxLeadingInvalid && st.Valid == 0 {
			return fmt.Errorf("import %s: the first %d rows are all invalid; is it %s?", path, st.Invalid, formatNames[format])
		}
	}
	return nil
}

// parsedRow is a row or the reason it could not be read (an *InputError).
type parsedRow struct {
	row moderation.ImportRow
	err error
}

// readRows sends rows in chunks until next returns io.EOF. Invalid rows travel with their
// error, so the writer counts and reports them in order.
func readRows(ctx context.Context, next func() (moderation.ImportRow, error), batch int, out chan<- []parsedRow) error {
	defer close(out)
	chunk := make([]parsedRow, 0, batch)
	send := func() bool {
		select {
		case out <- chunk:
			chunk = make([]parsedRow, 0, batch)
			return true
		case <-ctx.Done():
			return false
		}
	}
	for {
		row, err := next()
		if errors.Is(err, io.EOF) {
			if len(chunk) > 0 {
				send()
			}
			return nil
		}
		var ie *moderation.InputError
		if err != nil && !errors.As(err, &ie) {
			return err
		}
		if chunk = append(chunk, parsedRow{row, err}); len(chunk) == cap(chunk) && !send() {
			return ctx.Err()
		}
	}
}

// detectFormat picks disqus for .xml files or input starting with '<', else jsonl.
func detectFormat(path string, br *bufio.Reader) string {
	if strings.EqualFold(filepath.Ext(path), ".xml") {
		return "disqus"
	}
	head, _ := br.Peek(512)
	if t := bytes.TrimLeft(head, " \t\r\n\ufeff"); len(t) > 0 && t[0] == '<' {
		return "disqus"
	}
	return "jsonl"
}

// countingReader counts the bytes read through it, for progress by file position.
type countingReader struct {
	r io.Reader
	n atomic.Int64
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n.Add(int64(n))
	return n, err
}
