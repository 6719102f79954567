// Package jsonx is Tribune's hand-written JSON: appenders that write exactly what
// encoding/json writes for strings, float64s and maps of them (without reflection, for the hot
// paths: API responses, bulk rescoring, tribune score), and a scanner for the few shapes read
// faster than encoding/json can (stored explanations, tribune score's input lines). Fuzz tests
// hold the appenders byte for byte to encoding/json.
package jsonx

import (
	"errors"
	"math"
	"slices"
	"strconv"
	"unicode/utf8"
)

// ErrNonFinite is the error of encoding NaN or an infinity, which JSON cannot represent.
var ErrNonFinite = errors.New("json: unsupported value: NaN or ±Inf")

const hexDigits = "0123456789abcdef"

// AppendString appends s as a JSON string, escaped as encoding/json escapes it: HTML
// characters and U+2028/U+2029 as \u sequences, control characters as \n, \t … or \u00XX,
// invalid UTF-8 as U+FFFD.
func AppendString(b []byte, s string) []byte {
	b = append(b, '"')
	start := 0
	for i := 0; i < len(s); {
		if c := s[i]; c < utf8.RuneSelf {
			if c >= 0x20 && c != '"' && c != '\\' && c != '<' && c != '>' && c != '&' {
				i++
				continue
			}
			b = appendEscape(append(b, s[start:i]...), c)
			i++
			start = i
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && size == 1:
			b = append(append(b, s[start:i]...), `\ufffd`...)
		case r == '\u2028' || r == '\u2029':
			b = append(append(b, s[start:i]...), '\\', 'u', '2', '0', '2', hexDigits[r&0xf])
		default:
			i += size
			continue
		}
		i += size
		start = i
	}
	b = append(b, s[start:]...)
	return append(b, '"')
}

// appendEscape appends the escape of an ASCII byte that JSON (or HTML safety) needs escaped.
func appendEscape(b []byte, c byte) []byte {
	switch c {
	case '"', '\\':
		return append(b, '\\', c)
	case '\b':
		return append(b, '\\', 'b')
	case '\f':
		return append(b, '\\', 'f')
	case '\n':
		return append(b, '\\', 'n')
	case '\r':
		return append(b, '\\', 'r')
	case '\t':
		return append(b, '\\', 't')
	}
	return append(b, '\\', 'u', '0', '0', hexDigits[c>>4], hexDigits[c&0xf])
}

// AppendFloat appends f as encoding/json formats a float64: the shortest representation that
// reads back exactly, in exponent form only for magnitudes below 1e-6 or from 1e21.
func AppendFloat(b []byte, f float64) ([]byte, error) {
	if math.IsNaN(f) || math.IsInf(f, 0) {
		return b, ErrNonFinite
	}
	format := byte('f')
	if abs := math.Abs(f); abs != 0 && (abs < 1e-6 || abs >= 1e21) {
		format = 'e'
	}
	b = strconv.AppendFloat(b, f, format, -1, 64)
	if format == 'e' {
		// encoding/json writes e-9 where strconv writes e-09.
		if n := len(b); n >= 4 && b[n-4] == 'e' && b[n-3] == '-' && b[n-2] == '0' {
			b[n-2] = b[n-1]
			b = b[:n-1]
		}
	}
	return b, nil
}

// AppendFloatMap appends m as a JSON object with sorted keys, "null" for a nil map.
func AppendFloatMap(b []byte, m map[string]float64) ([]byte, error) {
	if m == nil {
		return append(b, "null"...), nil
	}
	b = append(b, '{')
	var err error
	var buf [8]string
	for i, k := range SortedKeys(buf[:0], m) {
		if b, err = AppendFloat(AppendKey(b, i, k), m[k]); err != nil {
			return b, err
		}
	}
	return append(b, '}'), nil
}

// SortedKeys appends m's keys to dst in the order encoding/json writes a map's members. A
// caller passing a small array's slice (var buf [8]string; SortedKeys(buf[:0], m)) sorts the
// usual maps, a few heads or classes, without allocating.
func SortedKeys[V any](dst []string, m map[string]V) []string {
	keys := dst[:0]
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

// AppendKey appends the i-th (0-based) member name of an object with its comma and colon.
// (A callback per value would be shorter to call, but it makes every caller's buffer escape
// to the heap: 4 KB more per response.)
func AppendKey(b []byte, i int, key string) []byte {
	return append(AppendString(Comma(b, i), key), ':')
}

// Comma appends the comma that precedes the i-th (0-based) element of an array or object.
func Comma(b []byte, i int) []byte {
	if i > 0 {
		return append(b, ',')
	}
	return b
}
