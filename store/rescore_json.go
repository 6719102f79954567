package store

import (
	"encoding/json"
	"errors"
	"math"
	"slices"
	"strconv"

	"github.com/tribune/tribune/moderation"
)

// Bulk rescoring writes a million score rows, and encoding/json's reflection costs more than
// SQLite's insert. These appenders write the same shapes as codec.go (objects with sorted keys,
// explanations column-wise), several times faster (TestRescoreJSONRoundTrip checks codec.go's decoders read them).

var errNotFinite = errors.New("encode: score is NaN or infinite")

// appendFloatMap appends m as a JSON object with sorted keys ("null" for a nil map).
func appendFloatMap(b []byte, m map[string]float64) ([]byte, error) {
	if m == nil {
		return append(b, "null"...), nil
	}
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	b = append(b, '{')
	for i, k := range keys {
		if i > 0 {
			b = append(b, ',')
		}
		b = appendString(b, k)
		b = append(b, ':')
		var err error
		if b, err = appendFloat(b, m[k]); err != nil {
			return b, err
		}
	}
	return append(b, '}'), nil
}

// appendExplanation appends ex in encodeExplanation's column-wise shape, heads sorted.
func appendExplanation(b []byte, ex map[string][]moderation.Contribution) ([]byte, error) {
	if ex == nil {
		return append(b, "null"...), nil
	}
	heads := make([]string, 0, len(ex))
	for h := range ex {
		heads = append(heads, h)
	}
	slices.Sort(heads)
	b = append(b, '{')
	for i, h := range heads {
		if i > 0 {
			b = append(b, ',')
		}
		b = appendString(b, h)
		cs := ex[h]
		b = append(b, `:{"f":[`...)
		for j, c := range cs {
			b = appendSep(b, j)
			b = appendString(b, c.Feature)
		}
		b = append(b, `],"c":[`...)
		for j, c := range cs {
			b = appendSep(b, j)
			b = appendString(b, c.Class)
		}
		b = append(b, `],"w":[`...)
		for j, c := range cs {
			b = appendSep(b, j)
			var err error
			if b, err = appendFloat(b, c.Weight); err != nil {
				return b, err
			}
		}
		b = append(b, `],"s":[`...)
		for j, c := range cs {
			b = appendSep(b, j)
			b = strconv.AppendInt(b, int64(c.Start), 10)
		}
		b = append(b, `],"e":[`...)
		for j, c := range cs {
			b = appendSep(b, j)
			b = strconv.AppendInt(b, int64(c.End), 10)
		}
		b = append(b, "]}"...)
	}
	return append(b, '}'), nil
}

func appendSep(b []byte, i int) []byte {
	if i > 0 {
		return append(b, ',')
	}
	return b
}

// appendFloat appends f in the shortest form that reads back exactly.
func appendFloat(b []byte, f float64) ([]byte, error) {
	if math.IsNaN(f) || math.IsInf(f, 0) {
		return b, errNotFinite
	}
	return strconv.AppendFloat(b, f, 'g', -1, 64), nil
}

// appendString appends s as a JSON string: plain printable ASCII directly, anything else
// through encoding/json, which also replaces invalid UTF-8.
func appendString(b []byte, s string) []byte {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < 0x20 || c >= 0x7f || c == '"' || c == '\\' || c == '<' || c == '>' || c == '&' {
			q, _ := json.Marshal(s) // a string always marshals
			return append(b, q...)
		}
	}
	b = append(b, '"')
	b = append(b, s...)
	return append(b, '"')
}
