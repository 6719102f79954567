package main

import (
	"bytes"
	"encoding/json"
	"unicode/utf8"
)

// scanScoreLine is the fast path of parseScoreLine for an object already known to be valid
// JSON: one pass over its top-level members, no reflection, no copy of the other fields. It
// gives up (ok false) where encoding/json's rules get subtle, and parseScoreLine then decodes
// the line with encoding/json: member names with escapes or non-ASCII bytes (json matches
// names case-insensitively with Unicode folding, e.g. "ſcores"), a text or context that is
// not a string, and strings with invalid UTF-8 (json replaces the bad bytes). As in
// encoding/json, names match case-insensitively and a repeated member's last value wins.
func scanScoreLine(obj []byte) (sl scoreLine, text, context string, ok bool) {
	i := skipSpace(obj, 1)
	var rawText, rawContext []byte
	for i < len(obj) && obj[i] != '}' {
		if obj[i] == ',' {
			i = skipSpace(obj, i+1)
		}
		ks := i
		i = stringEnd(obj, i)
		name := obj[ks+1 : i-1]
		if bytes.IndexByte(name, '\\') >= 0 || !ascii(name) {
			return sl, "", "", false
		}
		i = skipSpace(obj, skipSpace(obj, i)+1) // past the colon
		vs := i
		i = valueEnd(obj, i)
		val := obj[vs:i]
		switch {
		case bytes.EqualFold(name, []byte("text")):
			rawText = val
		case bytes.EqualFold(name, []byte("context")):
			rawContext = val
		case bytes.EqualFold(name, []byte("scores")):
			sl.Scores = val
		case bytes.EqualFold(name, []byte("explanations")):
			sl.Explanations = val
		case bytes.EqualFold(name, []byte("decisions")):
			sl.Decisions = val
		}
		i = skipSpace(obj, i)
	}
	if rawText == nil {
		return sl, "", "", false // the slow path reports it
	}
	if rawText[0] != '"' || rawContext != nil && rawContext[0] != '"' && string(rawContext) != "null" {
		return sl, "", "", false
	}
	text, ok = jsonString(rawText)
	if !ok {
		return sl, "", "", false
	}
	sl.Text = &text
	if rawContext != nil && rawContext[0] == '"' {
		if context, ok = jsonString(rawContext); !ok {
			return sl, "", "", false
		}
	}
	return sl, text, context, true
}

// jsonString decodes a JSON string token; ok is false for invalid UTF-8, which
// encoding/json would replace.
func jsonString(tok []byte) (string, bool) {
	body := tok[1 : len(tok)-1]
	if bytes.IndexByte(body, '\\') < 0 {
		if !ascii(body) && !utf8.Valid(body) {
			return "", false
		}
		return string(body), true
	}
	var s string
	if err := json.Unmarshal(tok, &s); err != nil || !utf8.Valid(tok) {
		return "", false
	}
	return s, true
}

func ascii(b []byte) bool {
	for _, c := range b {
		if c >= utf8.RuneSelf {
			return false
		}
	}
	return true
}

func skipSpace(b []byte, i int) int {
	for i < len(b) && (b[i] == ' ' || b[i] == '\t' || b[i] == '\n' || b[i] == '\r') {
		i++
	}
	return i
}

// stringEnd returns the index just past the string token starting at b[i] == '"'.
func stringEnd(b []byte, i int) int {
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

// valueEnd returns the index just past the value starting at b[i], in valid JSON.
func valueEnd(b []byte, i int) int {
	switch b[i] {
	case '"':
		return stringEnd(b, i)
	case '{', '[':
		depth := 0
		for ; i < len(b); i++ {
			switch b[i] {
			case '"':
				i = stringEnd(b, i) - 1
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
	for i < len(b) && b[i] != ',' && b[i] != '}' && b[i] != ' ' && b[i] != '\t' && b[i] != '\n' && b[i] != '\r' {
		i++
	}
	return i
}
