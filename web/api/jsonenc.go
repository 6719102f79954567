package api

import (
	"errors"
	"math"
	"slices"
	"strconv"
	"unicode/utf8"
)

// Hand-written JSON for the hot responses (POST /api/v1/score and /api/v1/comments): the
// scores and explanation maps were a quarter of a score request's CPU through encoding/json,
// which sorts map keys by reflection and allocates per element. The output is what
// encoding/json writes for the same values (sorted keys, HTML-safe strings, the same float
// format), so clients see no difference.

var errNonFinite = errors.New("json: unsupported value: NaN or ±Inf")

const hexDigits = "0123456789abcdef"

// appendString appends s as a JSON string, escaped as encoding/json escapes it: HTML
// characters and U+2028/U+2029 as \u sequences, invalid UTF-8 as U+FFFD.
func appendString(b []byte, s string) []byte {
	b = append(b, '"')
	start := 0
	for i := 0; i < len(s); {
		if c := s[i]; c < utf8.RuneSelf {
			if c >= 0x20 && c != '"' && c != '\\' && c != '<' && c != '>' && c != '&' {
				i++
				continue
			}
			b = append(b, s[start:i]...)
			switch c {
			case '"', '\\':
				b = append(b, '\\', c)
			case '\b':
				b = append(b, '\\', 'b')
			case '\f':
				b = append(b, '\\', 'f')
			case '\n':
				b = append(b, '\\', 'n')
			case '\r':
				b = append(b, '\\', 'r')
			case '\t':
				b = append(b, '\\', 't')
			default:
				b = append(b, '\\', 'u', '0', '0', hexDigits[c>>4], hexDigits[c&0xf])
			}
			i++
			start = i
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			b = append(b, s[start:i]...)
			b = append(b, `\ufffd`...)
			i += size
			start = i
			continue
		}
		if r == '\u2028' || r == '\u2029' {
			b = append(b, s[start:i]...)
			b = append(b, '\\', 'u', '2', '0', '2', hexDigits[r&0xf])
			i += size
			start = i
			continue
		}
		i += size
	}
	b = append(b, s[start:]...)
	return append(b, '"')
}

// appendFloat appends f as encoding/json formats a float64: the shortest representation,
// exponent form only for very small or large magnitudes.
func appendFloat(b []byte, f float64) ([]byte, error) {
	if math.IsNaN(f) || math.IsInf(f, 0) {
		return b, errNonFinite
	}
	format := byte('f')
	if abs := math.Abs(f); abs != 0 && (abs < 1e-6 || abs >= 1e21) {
		format = 'e'
	}
	b = strconv.AppendFloat(b, f, format, -1, 64)
	if format == 'e' {
		// clean up e-09 to e-9
		if n := len(b); n >= 4 && b[n-4] == 'e' && b[n-3] == '-' && b[n-2] == '0' {
			b[n-2] = b[n-1]
			b = b[:n-1]
		}
	}
	return b, nil
}

// appendFloatMap appends m as a JSON object with sorted keys.
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
	var err error
	for i, k := range keys {
		if i > 0 {
			b = append(b, ',')
		}
		b = append(appendString(b, k), ':')
		if b, err = appendFloat(b, m[k]); err != nil {
			return b, err
		}
	}
	return append(b, '}'), nil
}

// MarshalJSON encodes the scores as encoding/json would, without reflection.
func (s scoresJSON) MarshalJSON() ([]byte, error) {
	return s.appendJSON(make([]byte, 0, 256))
}

func (s scoresJSON) appendJSON(b []byte) ([]byte, error) {
	b = append(b, `{"tone":`...)
	b, err := appendFloatMap(b, s.Tone)
	if err != nil {
		return nil, err
	}
	if len(s.Stance) > 0 {
		b = append(b, `,"stance":`...)
		if b, err = appendFloatMap(b, s.Stance); err != nil {
			return nil, err
		}
	}
	if s.StanceLabel != "" {
		b = appendString(append(b, `,"stance_label":`...), s.StanceLabel)
	}
	return append(b, '}'), nil
}

// MarshalJSON encodes the explanation as encoding/json would, without reflection.
func (e explanationJSON) MarshalJSON() ([]byte, error) {
	return e.appendJSON(make([]byte, 0, 4096))
}

func (e explanationJSON) appendJSON(b []byte) ([]byte, error) {
	if e == nil {
		return append(b, "null"...), nil
	}
	heads := make([]string, 0, len(e))
	for h := range e {
		heads = append(heads, h)
	}
	slices.Sort(heads)
	b = append(b, '{')
	var err error
	for i, h := range heads {
		if i > 0 {
			b = append(b, ',')
		}
		b = append(appendString(b, h), ':')
		if e[h] == nil {
			b = append(b, "null"...)
			continue
		}
		b = append(b, '[')
		for j, c := range e[h] {
			if j > 0 {
				b = append(b, ',')
			}
			b = appendString(append(b, `{"feature":`...), c.Feature)
			if c.Class != "" {
				b = appendString(append(b, `,"class":`...), c.Class)
			}
			if b, err = appendFloat(append(b, `,"weight":`...), c.Weight); err != nil {
				return nil, err
			}
			if c.Start != nil {
				b = strconv.AppendInt(append(b, `,"start":`...), int64(*c.Start), 10)
			}
			if c.End != nil {
				b = strconv.AppendInt(append(b, `,"end":`...), int64(*c.End), 10)
			}
			b = append(b, '}')
		}
		b = append(b, ']')
	}
	return append(b, '}'), nil
}

// appendJSON encodes the score response as encoding/json would encode the struct.
func (r scoreResponse) appendJSON(b []byte) ([]byte, error) {
	b = appendString(append(b, `{"verdict":`...), r.Verdict)
	b = append(b, `,"reasons":`...)
	if r.Reasons == nil {
		b = append(b, "null"...)
	} else {
		b = append(b, '[')
		for i, rs := range r.Reasons {
			if i > 0 {
				b = append(b, ',')
			}
			b = appendString(append(b, `{"code":`...), rs.Code)
			b = appendString(append(b, `,"message":`...), rs.Message)
			b = append(b, '}')
		}
		b = append(b, ']')
	}
	b = appendString(append(b, `,"model_version":`...), r.ModelVersion)
	b = appendString(append(b, `,"language":`...), r.Language)
	b, err := r.Scores.appendJSON(append(b, `,"scores":`...))
	if err != nil {
		return nil, err
	}
	if len(r.Explanation) > 0 {
		if b, err = r.Explanation.appendJSON(append(b, `,"explanation":`...)); err != nil {
			return nil, err
		}
	}
	return append(b, '}'), nil
}
