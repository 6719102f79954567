package store

import (
	"encoding/json"
	"strconv"
	"unicode/utf8"

	"github.com/tribune/tribune/moderation"
)

// Decoding explanations with encoding/json costs about 50 µs per comment (reflection on every
// array element), most of the time of a queue or listing page. parseExplanation reads the
// column-wise shape encodeExplanation writes directly; decodeExplanation falls back to
// encoding/json (which also reports the error) for anything it does not recognise. Fuzz and
// round-trip tests hold the two to the same answers.

// jsonScanner is a cursor over a JSON text.
type jsonScanner struct {
	s string
	i int
}

func (p *jsonScanner) skipSpace() {
	for p.i < len(p.s) {
		switch p.s[p.i] {
		case ' ', '\t', '\n', '\r':
			p.i++
		default:
			return
		}
	}
}

// accept consumes c (after white space) if it comes next.
func (p *jsonScanner) accept(c byte) bool {
	p.skipSpace()
	if p.i < len(p.s) && p.s[p.i] == c {
		p.i++
		return true
	}
	return false
}

// end reports whether only white space is left.
func (p *jsonScanner) end() bool {
	p.skipSpace()
	return p.i == len(p.s)
}

// str reads a string. Strings of valid UTF-8 without escapes (nearly all) are slices of the
// input; others are decoded by encoding/json.
func (p *jsonScanner) str() (string, bool) {
	if !p.accept('"') {
		return "", false
	}
	start := p.i
	for p.i < len(p.s) {
		switch c := p.s[p.i]; {
		case c == '"' && utf8.ValidString(p.s[start:p.i]):
			p.i++
			return p.s[start : p.i-1], true
		case c == '"' || c == '\\':
			// Escapes, or invalid UTF-8 (which encoding/json turns into U+FFFD).
			j := p.i
			for j < len(p.s) && p.s[j] != '"' {
				// Skip the escaped character, so that \" does not end the string.
				if p.s[j] == '\\' {
					j++
				}
				j++
			}
			if j >= len(p.s) {
				return "", false
			}
			var v string
			if err := json.Unmarshal([]byte(p.s[start-1:j+1]), &v); err != nil {
				return "", false
			}
			p.i = j + 1
			return v, true
		case c < 0x20:
			return "", false
		default:
			p.i++
		}
	}
	return "", false
}

// number reads the text of a number.
func (p *jsonScanner) number() string {
	p.skipSpace()
	start := p.i
	for p.i < len(p.s) {
		switch c := p.s[p.i]; {
		case c >= '0' && c <= '9', c == '-', c == '+', c == '.', c == 'e', c == 'E':
			p.i++
		default:
			return p.s[start:p.i]
		}
	}
	return p.s[start:p.i]
}

// elements calls fn for each element of an array, which fn reads.
func (p *jsonScanner) elements(fn func() bool) bool {
	if !p.accept('[') {
		return false
	}
	if p.accept(']') {
		return true
	}
	for {
		if !fn() {
			return false
		}
		if p.accept(']') {
			return true
		}
		if !p.accept(',') {
			return false
		}
	}
}

// members calls fn with each key of an object; fn reads the value.
func (p *jsonScanner) members(fn func(key string) bool) bool {
	if !p.accept('{') {
		return false
	}
	if p.accept('}') {
		return true
	}
	for {
		key, ok := p.str()
		if !ok || !p.accept(':') || !fn(key) {
			return false
		}
		if p.accept('}') {
			return true
		}
		if !p.accept(',') {
			return false
		}
	}
}

// parseExplanation reads what encodeExplanation writes; ok is false for anything else.
func parseExplanation(s string) (out map[string][]moderation.Contribution, ok bool) {
	p := &jsonScanner{s: s}
	p.skipSpace()
	if len(s)-p.i >= 4 && s[p.i:p.i+4] == "null" {
		p.i += 4
		return nil, p.end()
	}
	out = map[string][]moderation.Contribution{}
	var e explanationJSON // scratch columns, reused from head to head
	ok = p.members(func(head string) bool {
		e.Feature, e.Class, e.Weight, e.Start, e.End = e.Feature[:0], e.Class[:0], e.Weight[:0], e.Start[:0], e.End[:0]
		seen := map[string]bool{}
		if !p.members(func(col string) bool {
			if seen[col] {
				return false
			}
			seen[col] = true
			return p.column(col, &e)
		}) {
			return false
		}
		n := len(e.Feature)
		if len(e.Class) != n || len(e.Weight) != n || len(e.Start) != n || len(e.End) != n {
			return false
		}
		if _, dup := out[head]; dup {
			return false
		}
		cs := make([]moderation.Contribution, n)
		for i := range cs {
			cs[i] = moderation.Contribution{Feature: e.Feature[i], Class: e.Class[i], Weight: e.Weight[i], Start: e.Start[i], End: e.End[i]}
		}
		out[head] = cs
		return true
	})
	return out, ok && p.end()
}

// column appends the elements of one column array of a head to e's column.
func (p *jsonScanner) column(name string, e *explanationJSON) bool {
	strs := func(dst *[]string) bool {
		return p.elements(func() bool {
			v, ok := p.str()
			*dst = append(*dst, v)
			return ok
		})
	}
	ints := func(dst *[]int) bool {
		return p.elements(func() bool {
			v, err := strconv.Atoi(p.number())
			*dst = append(*dst, v)
			return err == nil
		})
	}
	switch name {
	case "f":
		return strs(&e.Feature)
	case "c":
		return strs(&e.Class)
	case "s":
		return ints(&e.Start)
	case "e":
		return ints(&e.End)
	case "w":
		return p.elements(func() bool {
			v, err := strconv.ParseFloat(p.number(), 64)
			e.Weight = append(e.Weight, v)
			return err == nil
		})
	}
	return false
}
