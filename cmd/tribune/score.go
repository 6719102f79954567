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
	"runtime"
	"slices"
	"strconv"
	"strings"

	"github.com/tribune/tribune/classifier"
	"github.com/tribune/tribune/classifier/lang"
	"github.com/tribune/tribune/internal/jsonx"
	"github.com/tribune/tribune/models"
	"github.com/tribune/tribune/moderation"
)

// scoreBatch is how many lines a worker scores at a time: large enough to amortize channel
// traffic, small enough to keep memory flat.
const scoreBatch = 256

// maxScoreLine bounds one input line.
const maxScoreLine = 64 << 20

// scoreOptions are the per-line output options of runScore.
type scoreOptions struct {
	explain   bool
	top       int
	decisions bool
	language  bool
}

// batch is a run of input lines and, once scored, their output.
type batch struct {
	first int // 1-based line number of lines[0]
	lines [][]byte
	text  []byte // the lines' bytes (readLine)
	out   []byte
	bad   []lineError
	badAt map[int]int // line number -> offset in out where it would have gone
	done  chan struct{}
}

// lineError is a malformed input line.
type lineError struct {
	line int
	err  error
}

func (le lineError) Error() string { return fmt.Sprintf("line %d: %v", le.line, le.err) }

// runScore scores JSON Lines comments, writing each input object back with "scores" added.
func runScore(ctx context.Context, args []string, e env) error {
	fs := newFlagSet("score", e)
	modelPath := fs.String("model", "", "model `FILE` (default: the embedded default model)")
	in := fs.String("in", "", "input JSON Lines `FILE` (default: stdin)")
	explain := fs.Bool("explain", false, "add \"explanations\": the features that moved each head")
	top := fs.Int("top", 10, "features per head in explanations")
	decisions := fs.Bool("decisions", false, "add \"decisions\": each head's decided class")
	language := fs.Bool("language", false, "add \"language\": the comment's detected language (ISO 639 code, \"\" when undetermined), as the API reports it")
	skipBad := fs.Bool("skip-bad", false, "report malformed lines on stderr and skip them")
	workers := fs.Int("workers", 0, "scoring goroutines (default: all cores)")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	m, err := loadModel(*modelPath)
	if err != nil {
		return err
	}
	r := e.stdin
	if *in != "" {
		f, err := os.Open(*in)
		if err != nil {
			return fmt.Errorf("score: %w", err)
		}
		defer f.Close()
		r = f
	}
	n := *workers
	if n <= 0 {
		n = runtime.GOMAXPROCS(0)
	}
	opt := scoreOptions{explain: *explain, top: *top, decisions: *decisions, language: *language}
	return scoreStream(ctx, m, r, e.stdout, e.stderr, n, *skipBad, opt)
}

func loadModel(path string) (*classifier.Model, error) {
	if path == "" {
		return classifier.LoadFS(models.FS, models.DefaultModel)
	}
	return classifier.LoadFile(path)
}

// scoreStream reads batches of lines, scores them on n workers and writes results in input
// order. At most 2n batches are in flight, so memory stays flat for any input size.
func scoreStream(ctx context.Context, m *classifier.Model, r io.Reader, w, errw io.Writer, n int, skipBad bool, opt scoreOptions) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	work := make(chan *batch, n)
	order := make(chan *batch, 2*n)
	readErr := make(chan error, 1)
	go func() {
		defer close(work)
		defer close(order)
		readErr <- readBatches(ctx, r, work, order)
	}()
	names := newScoreNames(m)
	for range n {
		go func() {
			var p classifier.Prediction
			for b := range work {
				scoreLines(m, b, &p, opt, names)
				close(b.done)
			}
		}()
	}
	bw := bufio.NewWriterSize(w, 1<<16)
	var failed error
	for b := range order {
		<-b.done
		if failed != nil {
			continue // drain so the reader and workers finish
		}
		for _, le := range b.bad {
			if !skipBad {
				failed = fmt.Errorf("score: %w", le)
				cancel()
				break
			}
			fmt.Fprintf(errw, "tribune score: skipped %v\n", le)
		}
		if failed != nil {
			// Write the good lines before the bad one, so output stops exactly at it.
			bw.Write(b.out[:b.bad[0].offset(b)])
			continue
		}
		if _, err := bw.Write(b.out); err != nil {
			failed = fmt.Errorf("score: %w", err)
			cancel()
		}
	}
	if err := <-readErr; err != nil && failed == nil && !errors.Is(err, context.Canceled) {
		failed = fmt.Errorf("score: %w", err)
	}
	if err := bw.Flush(); err != nil && failed == nil {
		failed = fmt.Errorf("score: %w", err)
	}
	if failed == nil {
		failed = ctx.Err()
	}
	return failed
}

// offset is where, in b.out, the output of the bad line would have started.
func (le lineError) offset(b *batch) int {
	return b.badAt[le.line]
}

// readBatches splits r into batches of lines, sending each to work (to be scored) and to
// order (to be written in sequence).
func readBatches(ctx context.Context, r io.Reader, work, order chan<- *batch) error {
	br := bufio.NewReaderSize(r, 1<<20)
	line := 0
	b := &batch{first: 1, done: make(chan struct{})}
	send := func() error {
		select {
		case order <- b:
		case <-ctx.Done():
			return ctx.Err()
		}
		select {
		case work <- b:
		case <-ctx.Done():
			close(b.done)
			return ctx.Err()
		}
		b = &batch{first: line + 1, done: make(chan struct{})}
		return nil
	}
	for {
		data, err := readLine(br, &b.text)
		if len(data) > 0 || err == nil {
			line++
			b.lines = append(b.lines, data)
			if len(b.lines) == scoreBatch {
				if err := send(); err != nil {
					return err
				}
			}
		}
		if err == io.EOF {
			break
		}
		if err != nil {
			return fmt.Errorf("line %d: %w", line+1, err)
		}
	}
	if len(b.lines) > 0 {
		return send()
	}
	return nil
}

// readLine returns the next line without its newline, copied to the end of *text; io.EOF
// after the last one. Lines of a batch share text's array (and the arrays it outgrew, which
// stay valid), so a batch costs a few allocations rather than one per line.
func readLine(br *bufio.Reader, text *[]byte) ([]byte, error) {
	start := len(*text)
	for {
		frag, err := br.ReadSlice('\n')
		*text = append(*text, frag...)
		line := (*text)[start:]
		if len(line) > maxScoreLine {
			return nil, fmt.Errorf("line longer than %d bytes", maxScoreLine)
		}
		if err == bufio.ErrBufferFull {
			continue
		}
		if err == nil {
			line = line[:len(line)-1]
		}
		return line[:len(line):len(line)], err
	}
}

// scoreLine is the part of an input object that scoring reads. Existing output fields are
// detected so that they are replaced rather than duplicated.
type scoreLine struct {
	Text         *string         `json:"text"`
	Context      json.RawMessage `json:"context"`
	Scores       json.RawMessage `json:"scores"`
	Explanations json.RawMessage `json:"explanations"`
	Decisions    json.RawMessage `json:"decisions"`
	Language     json.RawMessage `json:"language"` // replaced only with --language
}

// parseScoreLine validates one input line and returns its text and context.
func parseScoreLine(data []byte) (sl scoreLine, text, context string, err error) {
	trimmed := bytes.TrimSpace(data)
	if len(trimmed) == 0 || trimmed[0] != '{' {
		return sl, "", "", errors.New("not a JSON object")
	}
	if !jsonx.Valid(trimmed) {
		// Unmarshal for its error message, which names the problem and its offset.
		if err := json.Unmarshal(trimmed, &sl); err != nil {
			return sl, "", "", fmt.Errorf("invalid JSON: %w", err)
		}
	}
	if fsl, text, context, ok := scanScoreLine(trimmed); ok {
		return fsl, text, context, nil
	}
	if err := json.Unmarshal(trimmed, &sl); err != nil {
		return sl, "", "", fmt.Errorf("invalid JSON: %w", err)
	}
	if sl.Text == nil {
		return sl, "", "", errors.New(`missing string "text"`)
	}
	if len(sl.Context) > 0 && string(sl.Context) != "null" {
		if err := json.Unmarshal(sl.Context, &context); err != nil {
			return sl, "", "", errors.New(`"context" is not a string`)
		}
	}
	return sl, *sl.Text, context, nil
}

// scoreLines scores every line of b into b.out.
func scoreLines(m *classifier.Model, b *batch, p *classifier.Prediction, opt scoreOptions, names *scoreNames) {
	// Room for the input and about the scores of the default model, so that out rarely grows.
	out := slices.Grow(b.out[:0], len(b.text)+200*len(b.lines))
	var extra []byte
	for i, data := range b.lines {
		sl, text, context, err := parseScoreLine(data)
		if err != nil {
			if b.badAt == nil {
				b.badAt = map[int]int{}
			}
			b.badAt[b.first+i] = len(out)
			b.bad = append(b.bad, lineError{b.first + i, err})
			continue
		}
		var expl []classifier.HeadPrediction
		if opt.explain {
			ep := m.Explain(text, context, opt.top)
			*p = ep
			expl = ep.Heads
		} else {
			m.PredictInto(p, text, context)
		}
		extra = append(extra[:0], `"scores":`...)
		extra = appendScores(extra, p, names)
		if opt.decisions {
			extra = appendDecisions(append(extra, `,"decisions":`...), p)
		}
		if opt.language {
			code, _ := lang.Detect(text)
			extra = jsonx.AppendString(append(extra, `,"language":`...), code)
		}
		if opt.explain {
			extra = append(extra, `,"explanations":`...)
			ex := make(map[string][]classifier.Contribution, len(expl))
			for _, h := range expl {
				ex[h.Name] = h.Explanation
				if ex[h.Name] == nil {
					ex[h.Name] = []classifier.Contribution{}
				}
			}
			js, _ := json.Marshal(ex) // plain structs of strings and finite numbers
			extra = append(extra, js...)
		}
		if !opt.language {
			sl.Language = nil // the input's own field, kept
		}
		out = appendObject(out, data, sl, extra)
		out = append(out, '\n')
	}
	b.out = out
	b.lines, b.text = nil, nil
}

// appendDecisions writes {head: decided class}. The stance head's decision is the service's:
// "unclear" when no stance reaches moderation.StanceConfidence, as the API stores and reports
// it. Names and labels are JSON strings (jsonx), not Go-quoted: Go's quoting writes \x01 or \a
// for control characters, which is not JSON.
func appendDecisions(dst []byte, p *classifier.Prediction) []byte {
	dst = append(dst, '{')
	for j, h := range p.Heads {
		dst = append(jsonx.AppendString(jsonx.Comma(dst, j), h.Name), ':')
		label := h.Label
		if h.Name == classifier.StanceHead && slices.Max(h.Probs) < moderation.StanceConfidence {
			label = string(moderation.Unclear)
		}
		dst = jsonx.AppendString(dst, label)
	}
	return append(dst, '}')
}

// scoreNames holds the JSON-quoted head and class names of a model, quoted once instead of for
// every line.
type scoreNames struct {
	heads   [][]byte   // "name":
	classes [][][]byte // "class":
}

func newScoreNames(m *classifier.Model) *scoreNames {
	n := &scoreNames{}
	for _, h := range m.Heads() {
		n.heads = append(n.heads, memberName(h.Name))
		var cs [][]byte
		for _, c := range h.Classes {
			cs = append(cs, memberName(c))
		}
		n.classes = append(n.classes, cs)
	}
	return n
}

// memberName is name as a JSON object member's name with its colon.
func memberName(name string) []byte { return append(jsonx.AppendString(nil, name), ':') }

// appendScores writes {head: p} for binary heads and {head: {class: p}} for the others.
func appendScores(dst []byte, p *classifier.Prediction, names *scoreNames) []byte {
	dst = append(dst, '{')
	for j, h := range p.Heads {
		if j > 0 {
			dst = append(dst, ',')
		}
		dst = append(dst, names.heads[j]...)
		if h.Binary {
			dst = strconv.AppendFloat(dst, h.Positive(), 'g', 6, 64)
			continue
		}
		dst = append(dst, '{')
		for c := range h.Classes {
			if c > 0 {
				dst = append(dst, ',')
			}
			dst = append(dst, names.classes[j][c]...)
			dst = strconv.AppendFloat(dst, h.Probs[c], 'g', 6, 64)
		}
		dst = append(dst, '}')
	}
	return append(dst, '}')
}

// appendObject writes the input object with the members in extra added. The input's bytes
// are kept as they are (field order, spacing, escapes) unless it already has output fields,
// in which case it is re-encoded with those replaced.
func appendObject(dst, data []byte, sl scoreLine, extra []byte) []byte {
	trimmed := bytes.TrimSpace(data)
	if sl.Scores == nil && sl.Explanations == nil && sl.Decisions == nil && sl.Language == nil {
		body := bytes.TrimSpace(trimmed[:len(trimmed)-1]) // without the closing brace
		dst = append(dst, body...)
		if len(body) > 1 {
			dst = append(dst, ',')
		}
		dst = append(dst, extra...)
		return append(dst, '}')
	}
	var obj map[string]json.RawMessage
	if err := json.Unmarshal(trimmed, &obj); err != nil {
		obj = map[string]json.RawMessage{}
	}
	// Field names match case-insensitively, as encoding/json and scanScoreLine read them.
	for name := range obj {
		switch strings.ToLower(name) {
		case "scores", "explanations", "decisions":
			delete(obj, name)
		case "language":
			if sl.Language != nil {
				delete(obj, name)
			}
		}
	}
	js, _ := json.Marshal(obj)
	return appendObject(dst, js, scoreLine{}, extra)
}
