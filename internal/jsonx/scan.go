package jsonx

import (
	"bytes"
	"encoding/json"
	"strconv"
	"unicode/utf8"
)

// Scanner is a cursor over a JSON text, for readers of known shapes that must be faster than
// encoding/json's reflection. Each method reports false where the text is not what it reads;
// the caller then falls back to encoding/json, which also words the error.
type Scanner struct {
	s string
	i int
}

// NewScanner returns a Scanner at the start of s.
func NewScanner(s string) *Scanner { return &Scanner{s: s} }

// SkipSpace moves past white space.
func (p *Scanner) SkipSpace() { p.i = SkipSpace(p.s, p.i) }

// Accept consumes c (after white space) if it comes next.
func (p *Scanner) Accept(c byte) bool {
	p.SkipSpace()
	if p.i < len(p.s) && p.s[p.i] == c {
		p.i++
		return true
	}
	return false
}

// AcceptNull consumes a null literal (after white space) if it comes next.
func (p *Scanner) AcceptNull() bool {
	p.SkipSpace()
	if len(p.s)-p.i >= 4 && p.s[p.i:p.i+4] == "null" {
		p.i += 4
		return true
	}
	return false
}

// End reports whether only white space is left.
func (p *Scanner) End() bool {
	p.SkipSpace()
	return p.i == len(p.s)
}

// Str reads a string. Strings of valid UTF-8 without escapes (nearly all) are slices of the
// input; others are decoded by encoding/json.
func (p *Scanner) Str() (string, bool) {
	if !p.Accept('"') {
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
			end := StringEnd(p.s, start-1)
			if end > len(p.s) || p.s[end-1] != '"' {
				return "", false
			}
			var v string
			if err := json.Unmarshal([]byte(p.s[start-1:end]), &v); err != nil {
				return "", false
			}
			p.i = end
			return v, true
		case c < 0x20:
			return "", false
		default:
			p.i++
		}
	}
	return "", false
}

// Number reads the text of a number.
func (p *Scanner) Number() string {
	p.SkipSpace()
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

// Int reads an integer.
func (p *Scanner) Int() (int, bool) {
	v, err := strconv.Atoi(p.Number())
	return v, err == nil
}

// Float reads a number as a float64.
func (p *Scanner) Float() (float64, bool) {
	v, err := strconv.ParseFloat(p.Number(), 64)
	return v, err == nil
}

// Elements calls fn for each element of an array, which fn reads.
func (p *Scanner) Elements(fn func() bool) bool {
	if !p.Accept('[') {
		return false
	}
	if p.Accept(']') {
		return true
	}
	for {
		if !fn() {
			return false
		}
		if p.Accept(']') {
			return true
		}
		if !p.Accept(',') {
			return false
		}
	}
}

// Members calls fn with each key of an object; fn reads the value.
func (p *Scanner) Members(fn func(key string) bool) bool {
	if !p.Accept('{') {
		return false
	}
	if p.Accept('}') {
		return true
	}
	for {
		key, ok := p.Str()
		if !ok || !p.Accept(':') || !fn(key) {
			return false
		}
		if p.Accept('}') {
			return true
		}
		if !p.Accept(',') {
			return false
		}
	}
}

// text is what the token helpers read: a string or a byte slice.
type text interface{ ~string | ~[]byte }

// SkipSpace returns the index of the first byte at or after i that is not JSON white space.
func SkipSpace[T text](b T, i int) int {
	for i < len(b) && (b[i] == ' ' || b[i] == '\t' || b[i] == '\n' || b[i] == '\r') {
		i++
	}
	return i
}

// StringEnd returns the index just past the string token starting at b[i] == '"' (len(b) when
// it is not closed).
func StringEnd[T text](b T, i int) int {
	for i++; i < len(b); i++ {
		switch b[i] {
		case '\\':
			i++
		case '"':
			return i + 1
		}
	}
	return len(b)
}

// ValueEnd returns the index just past the value starting at b[i], in valid JSON.
func ValueEnd[T text](b T, i int) int {
	switch b[i] {
	case '"':
		return StringEnd(b, i)
	case '{', '[':
		depth := 0
		for ; i < len(b); i++ {
			switch b[i] {
			case '"':
				i = StringEnd(b, i) - 1
			case '{', '[':
				depth++
			case '}', ']':
				if depth--; depth == 0 {
					return i + 1
				}
			}
		}
		return len(b)
	}
	for i < len(b) && b[i] != ',' && b[i] != '}' && b[i] != ']' && b[i] != ' ' && b[i] != '\t' && b[i] != '\n' && b[i] != '\r' {
		i++
	}
	return i
}

// Unquote decodes a string token of valid JSON; ok is false for invalid UTF-8, which
// encoding/json would silently replace.
func Unquote(tok []byte) (string, bool) {
	body := tok[1 : len(tok)-1]
	if bytes.IndexByte(body, '\\') < 0 {
		if !utf8.Valid(body) {
			return "", false
		}
		return string(body), true
	}
	if !utf8.Valid(body) {
		return "", false
	}
	dec, ok := unescape(make([]byte, 0, len(body)), body)
	if !ok {
		return "", false
	}
	return string(dec), true
}

// LoneSurrogate finds the first \u escape of a UTF-16 surrogate in b that is not part of a
// valid pair, which encoding/json decodes to U+FFFD without a word, and returns its offset.
// Backslashes occur only inside strings in JSON, so b is scanned without tracking strings.
func LoneSurrogate(b []byte) (int, bool) {
	for i := 0; i < len(b); {
		j := bytes.IndexByte(b[i:], '\\')
		if j < 0 {
			return 0, false
		}
		i += j
		if i+1 >= len(b) || b[i+1] != 'u' {
			i += 2
			continue
		}
		r, ok := hex4(b, i+2)
		switch {
		case !ok || r < 0xD800 || r > 0xDFFF:
			i += 6
		case r < 0xDC00 && i+7 < len(b) && b[i+6] == '\\' && b[i+7] == 'u':
			if lo, ok := hex4(b, i+8); ok && lo >= 0xDC00 && lo <= 0xDFFF {
				i += 12
				continue
			}
			return i, true
		default:
			return i, true
		}
	}
	return 0, false
}

// hex4 parses the four hex digits at b[i:i+4].
func hex4(b []byte, i int) (rune, bool) {
	if i+4 > len(b) {
		return 0, false
	}
	n, err := strconv.ParseUint(string(b[i:i+4]), 16, 16)
	return rune(n), err == nil
}
