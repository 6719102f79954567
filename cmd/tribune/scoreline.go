package main

import (
	"bytes"
	"unicode/utf8"

	"github.com/tribune/tribune/internal/jsonx"
)

// scanScoreLine is the fast path of parseScoreLine for an object already known to be valid
// JSON: one pass over its top-level members, no reflection, no copy of the other fields. It
// gives up (ok false) where encoding/json's rules get subtle, and parseScoreLine then decodes
// the line with encoding/json: member names with escapes or non-ASCII bytes (json matches
// names case-insensitively with Unicode folding, e.g. "ſcores"), a text or context that is
// not a string, and strings with invalid UTF-8 (json replaces the bad bytes). As in
// encoding/json, names match case-insensitively and a repeated member's last value wins.
func scanScoreLine(obj []byte) (sl scoreLine, text, context string, ok bool) {
	i := jsonx.SkipSpace(obj, 1)
	var rawText, rawContext []byte
	for i < len(obj) && obj[i] != '}' {
		if obj[i] == ',' {
			i = jsonx.SkipSpace(obj, i+1)
		}
		ks := i
		i = jsonx.StringEnd(obj, i)
		name := obj[ks+1 : i-1]
		if bytes.IndexByte(name, '\\') >= 0 || !ascii(name) {
			return sl, "", "", false
		}
		i = jsonx.SkipSpace(obj, jsonx.SkipSpace(obj, i)+1) // past the colon
		vs := i
		i = jsonx.ValueEnd(obj, i)
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
		case bytes.EqualFold(name, []byte("language")):
			sl.Language = val
		}
		i = jsonx.SkipSpace(obj, i)
	}
	if rawText == nil {
		return sl, "", "", false // the slow path reports it
	}
	if rawText[0] != '"' || rawContext != nil && rawContext[0] != '"' && string(rawContext) != "null" {
		return sl, "", "", false
	}
	text, ok = jsonx.Unquote(rawText)
	if !ok {
		return sl, "", "", false
	}
	sl.Text = &text
	if rawContext != nil && rawContext[0] == '"' {
		if context, ok = jsonx.Unquote(rawContext); !ok {
			return sl, "", "", false
		}
	}
	return sl, text, context, true
}

// ascii reports whether b is all ASCII.
func ascii(b []byte) bool {
	for _, c := range b {
		if c >= utf8.RuneSelf {
			return false
		}
	}
	return true
}
