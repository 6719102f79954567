package classifier

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"unicode/utf8"
)

// Example is one labeled training or evaluation row: a comment, the optional context it answers
// (an article title, body, claim or stance target), a class for the multi-class head and 0/1
// flags for binary heads. Either Label or Labels may be empty.
type Example struct {
	Text    string
	Context string
	Label   string
	Labels  map[string]int
	// Source names the data set the example came from. Training with SourceBias fits one
	// intercept per source and head, so that no source's base rate becomes the model's prior.
	Source string
}

// exampleLine is the JSON Lines shape of an Example. Other fields of a row are ignored.
type exampleLine struct {
	Text    *string         `json:"text"`
	Context string          `json:"context"`
	Label   json.RawMessage `json:"label"`
	Labels  map[string]any  `json:"labels"`
	Source  string          `json:"source"`
}

// maxLineBytes bounds one JSON line, so a file without newlines cannot exhaust memory.
const maxLineBytes = 64 << 20

// ReadExamples reads JSON Lines rows {"text", "context"?, "label"?, "labels"?}. Blank lines are
// skipped. Errors name the 1-based line number. A label may be a string or a number (written
// as its decimal text); labels values must be 0 or 1 (booleans and null are accepted: null
// means "not labeled").
func ReadExamples(r io.Reader) ([]Example, error) {
	var out []Example
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 64<<10), maxLineBytes)
	line := 0
	for sc.Scan() {
		line++
		b := bytes.TrimSpace(sc.Bytes())
		if len(b) == 0 {
			continue
		}
		ex, err := ParseExample(b)
		if err != nil {
			return nil, fmt.Errorf("line %d: %w", line, err)
		}
		out = append(out, ex)
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("line %d: %w", line+1, err)
	}
	return out, nil
}

// ParseExample decodes one JSON Lines row into an Example.
func ParseExample(b []byte) (Example, error) {
	var l exampleLine
	if err := json.Unmarshal(b, &l); err != nil {
		return Example{}, fmt.Errorf("invalid JSON: %w", err)
	}
	if l.Text == nil {
		return Example{}, errors.New(`missing "text"`)
	}
	ex := Example{Text: *l.Text, Context: l.Context, Source: l.Source}
	if len(l.Label) > 0 && string(l.Label) != "null" {
		var s string
		if err := json.Unmarshal(l.Label, &s); err != nil {
			var n json.Number
			if err := json.Unmarshal(l.Label, &n); err != nil {
				return Example{}, errors.New(`"label" is not a string or number`)
			}
			s = n.String()
		}
		if s == "" {
			return Example{}, errors.New(`"label" is empty`)
		}
		if !utf8.ValidString(s) {
			return Example{}, errors.New(`"label" is not valid UTF-8`)
		}
		ex.Label = s
	}
	for k, v := range l.Labels {
		var y int
		switch v := v.(type) {
		case nil:
			continue
		case bool:
			if v {
				y = 1
			}
		case float64:
			switch v {
			case 0:
			case 1:
				y = 1
			default:
				return Example{}, fmt.Errorf(`"labels".%q = %v, want 0 or 1`, k, v)
			}
		default:
			return Example{}, fmt.Errorf(`"labels".%q is not 0 or 1`, k)
		}
		if k == "" {
			return Example{}, errors.New(`"labels" has an empty attribute name`)
		}
		if ex.Labels == nil {
			ex.Labels = make(map[string]int, len(l.Labels))
		}
		ex.Labels[k] = y
	}
	return ex, nil
}
