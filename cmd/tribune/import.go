package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"time"
	"unicode/utf8"

	"github.com/tribune/tribune/moderation"
	"github.com/tribune/tribune/store"
)

// importLine is one JSON Lines row of tribune import. IDs may be strings or numbers.
type importLine struct {
	ArticleID json.RawMessage `json:"article_id"`
	Text      string          `json:"text"`
	Author    struct {
		ID   json.RawMessage `json:"id"`
		Name string          `json:"name"`
	} `json:"author"`
	ExternalID   json.RawMessage `json:"external_id"`
	ParentID     json.RawMessage `json:"parent_id"`
	CreatedAt    string          `json:"created_at"`
	ArticleTitle string          `json:"article_title"`
	ArticleURL   string          `json:"article_url"`
}

// maxShownErrors bounds how many skipped rows are described on stderr.
const maxShownErrors = 20

// maxLeadingInvalid stops an import whose first rows are all invalid: the file is not in
// the format (a README, a CSV), and going on would only count thousands of errors.
const maxLeadingInvalid = 100

// formatNames describes the formats in messages.
var formatNames = map[string]string{"jsonl": "JSON Lines (one comment object per line)", "disqus": "a Disqus XML export"}

// importStats counts the rows read and the rows the readers skipped.
type importStats struct {
	valid, invalid, deleted, spam int
}

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
	var stats importStats
	for _, path := range files {
		res, st, err := importFile(ctx, db, path, *format, *scope, *batch, *every, *quiet, e)
		total.Inserted += res.Inserted
		total.Duplicates += res.Duplicates
		total.Articles += res.Articles
		total.Orphans += res.Orphans
		stats.invalid += st.invalid
		stats.deleted += st.deleted
		stats.spam += st.spam
		if err != nil {
			return err
		}
	}
	secs := time.Since(start).Seconds()
	fmt.Fprintf(e.stdout, "imported %d comments (%d already there, %d new articles, %d replies without their parent) in %.1fs (%.0f/s)\n",
		total.Inserted, total.Duplicates, total.Articles, total.Orphans, secs, float64(total.Inserted+total.Duplicates)/secs)
	if stats.invalid+stats.deleted+stats.spam > 0 {
		fmt.Fprintf(e.stdout, "skipped %d invalid rows, %d deleted and %d spam posts\n", stats.invalid, stats.deleted, stats.spam)
	}
	if total.Inserted > 0 {
		fmt.Fprintln(e.stdout, "imported comments are published unscored: run tribune rescore --apply to score them")
	}
	return nil
}

// importFile imports one file; its rows are parsed on one goroutine while this one writes.
func importFile(ctx context.Context, db *store.DB, path, format, scope string, batch int, every time.Duration, quiet bool, e env) (moderation.ImportResult, importStats, error) {
	var st importStats
	f, err := os.Open(path)
	if err != nil {
		return moderation.ImportResult{}, st, fmt.Errorf("import: %w", err)
	}
	defer f.Close()
	info, err := f.Stat()
	if err != nil {
		return moderation.ImportResult{}, st, fmt.Errorf("import: %w", err)
	}
	cr := &countingReader{r: f}
	br := bufio.NewReaderSize(cr, 1<<20)
	detected := detectFormat(path, br)
	if format == "auto" {
		format = detected
	} else if format != detected && !strings.EqualFold(filepath.Ext(path), ".xml") {
		// The wrong reader finds no rows and the import "succeeds" with nothing.
		return moderation.ImportResult{}, st, fmt.Errorf("import %s: --format %s, but the file looks like %s", path, format, detected)
	}
	if scope == "" {
		scope = map[string]string{"disqus": "disqus"}[format]
		if scope == "" {
			scope = "import"
		}
	}
	var next func() (moderation.ImportRow, error)
	var dq *disqusReader
	switch format {
	case "jsonl":
		next = jsonlRows(br)
	case "disqus":
		dq = newDisqusReader(br)
		next = dq.next
	default:
		return moderation.ImportResult{}, st, fmt.Errorf("import: unknown --format %q (auto, jsonl or disqus)", format)
	}
	im := &moderation.Importer{Store: db, Scope: scope, BatchSize: batch}
	var prog *progress
	if !quiet {
		prog = newProgress(e.stderr, "import "+filepath.Base(path), "comments", every)
		defer prog.finish()
	}
	rows := make(chan []parsedRow, 4)
	errc := make(chan error, 1)
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	go func() { errc <- readRows(ctx, next, batch, rows) }()
	for chunk := range rows {
		for _, p := range chunk {
			err := p.err
			if err == nil {
				err = im.Add(ctx, p.row)
			}
			if err != nil {
				var ie *moderation.InputError
				if !errors.As(err, &ie) {
					return im.Result, st, err
				}
				st.invalid++
				switch {
				case st.invalid <= maxShownErrors:
					fmt.Fprintf(e.stderr, "tribune import: %s: skipped row (external id %q): %v\n", path, p.row.Comment.ExternalID, err)
				case st.invalid == maxShownErrors+1:
					fmt.Fprintf(e.stderr, "tribune import: %s: more invalid rows are counted but not shown\n", path)
				}
				if st.invalid == maxLeadingInvalid && st.valid == 0 {
					return im.Result, st, fmt.Errorf("import %s: the first %d rows are all invalid; is it %s?", path, st.invalid, formatNames[format])
				}
				continue
			}
			st.valid++
		}
		if prog != nil && info.Size() > 0 {
			// Rows read, not rows written: the importer writes in batches, so its counts lag.
			prog.update(int64(st.valid), float64(cr.n.Load())/float64(info.Size()))
		}
	}
	if err := <-errc; err != nil {
		return im.Result, st, fmt.Errorf("import %s: %w", path, err)
	}
	if err := im.Close(ctx); err != nil {
		return im.Result, st, err
	}
	if dq != nil {
		st.deleted, st.spam = dq.Deleted, dq.Spam
	}
	if prog != nil {
		prog.force(int64(st.valid), 1)
	}
	if st.valid == 0 && st.invalid > 0 {
		return im.Result, st, fmt.Errorf("import %s: no valid rows (%d invalid); is it %s?", path, st.invalid, formatNames[format])
	}
	return im.Result, st, nil
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

// jsonlRows returns a reader of JSON Lines rows; a malformed line is an *InputError naming it.
func jsonlRows(br *bufio.Reader) func() (moderation.ImportRow, error) {
	line := 0
	return func() (moderation.ImportRow, error) {
		for {
			b, err := br.ReadSlice('\n')
			if errors.Is(err, bufio.ErrBufferFull) {
				// Skip the rest of the line without buffering it, report it, and go on: one bad
				// row must not make the rows after it impossible to import.
				line++
				if err := discardLine(br); err != nil && !errors.Is(err, io.EOF) {
					return moderation.ImportRow{}, err
				}
				return moderation.ImportRow{}, &moderation.InputError{Field: fmt.Sprintf("line %d", line),
					Reason: fmt.Sprintf("longer than %d bytes", br.Size())}
			}
			if err != nil && !errors.Is(err, io.EOF) {
				return moderation.ImportRow{}, err
			}
			if len(b) == 0 && err != nil {
				return moderation.ImportRow{}, io.EOF
			}
			line++
			if b = bytes.TrimSpace(b); len(b) == 0 {
				continue
			}
			row, perr := parseImportLine(b)
			if perr != nil {
				return row, &moderation.InputError{Field: fmt.Sprintf("line %d", line), Reason: perr.Error()}
			}
			return row, nil
		}
	}
}

// discardLine reads up to and including the next newline, keeping nothing.
func discardLine(br *bufio.Reader) error {
	for {
		_, err := br.ReadSlice('\n')
		if !errors.Is(err, bufio.ErrBufferFull) {
			return err
		}
	}
}

// The API's rules for text: encoding/json would turn invalid UTF-8 and lone surrogate
// escapes (\ud800) into U+FFFD silently, storing what the API refuses.
var replacementChar = []byte("\uFFFD")

func parseImportLine(b []byte) (moderation.ImportRow, error) {
	if !utf8.Valid(b) {
		return moderation.ImportRow{}, errors.New("not valid UTF-8")
	}
	var l importLine
	if err := json.Unmarshal(b, &l); err != nil {
		return moderation.ImportRow{}, fmt.Errorf("invalid JSON: %v", err)
	}
	if !bytes.Contains(b, replacementChar) && !bytes.Contains(bytes.ToLower(b), []byte(`\ufffd`)) &&
		strings.ContainsRune(l.Text+l.Author.Name+rawID(l.ArticleID)+l.ArticleTitle+l.ArticleURL, utf8.RuneError) {
		return moderation.ImportRow{}, errors.New("a \\u escape is a lone UTF-16 surrogate, not a character")
	}
	row := moderation.ImportRow{
		Comment: moderation.Comment{ArticleID: rawID(l.ArticleID), Text: l.Text,
			Author: moderation.Author{ID: rawID(l.Author.ID), Name: l.Author.Name}, ExternalID: rawID(l.ExternalID)},
		ParentExternalID: rawID(l.ParentID), ArticleTitle: l.ArticleTitle, ArticleURL: l.ArticleURL,
	}
	if l.CreatedAt != "" {
		t, err := time.Parse(time.RFC3339, l.CreatedAt)
		if err != nil {
			return row, fmt.Errorf("created_at %q is not an RFC 3339 time", l.CreatedAt)
		}
		row.Comment.CreatedAt = t
	}
	return row, nil
}

// rawID reads an ID given as a JSON string or number ("" for null or absent).
func rawID(raw json.RawMessage) string {
	if len(raw) == 0 || string(raw) == "null" {
		return ""
	}
	var s string
	if json.Unmarshal(raw, &s) == nil {
		return s
	}
	return string(raw) // a number, as written
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
