package httpx

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"reflect"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/gin-gonic/gin"

	"github.com/tribune/tribune/internal/jsonx"
)

// BindJSON decodes the request body into dst, a pointer to a web request type.
//
// It uses encoding/json directly rather than gin's ShouldBindJSON, because the errors clients
// need are lost there: encoding/json silently replaces invalid UTF-8 and lone UTF-16
// surrogates (\udc00) with U+FFFD, so the raw body is checked first and the offending field
// named; syntax errors carry their byte offset; type errors carry the field's path. Unknown
// fields are refused (a misspelt "parent_id" would otherwise post a reply as a top-level
// comment). Field names match case-insensitively, as encoding/json does.
func BindJSON(c *gin.Context, dst any) error {
	return bind(c, dst, true)
}

// BindOptionalJSON is BindJSON for endpoints whose fields all have defaults: an empty body
// leaves dst as it is.
func BindOptionalJSON(c *gin.Context, dst any) error {
	return bind(c, dst, false)
}

func bind(c *gin.Context, dst any, required bool) error {
	raw, err := ReadBody(c)
	if err != nil {
		return err
	}
	if len(bytes.TrimSpace(raw)) == 0 {
		if !required {
			return nil
		}
		return &RequestError{Kind: ErrEmptyBody, Message: "the request body is empty; send a JSON object"}
	}
	if !utf8.Valid(raw) || loneSurrogate(raw) {
		field, off := locateBadString(raw)
		msg := "the request body is not valid UTF-8"
		if field != "" {
			msg = fmt.Sprintf("%s is not valid UTF-8 (at byte %d)", field, off)
		}
		return &RequestError{Kind: ErrInvalidUTF8, Field: field, Message: msg}
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.DisallowUnknownFields()
	if err := dec.Decode(dst); err != nil {
		return decodeError(err, dst)
	}
	if _, err := dec.Token(); err != io.EOF {
		return &RequestError{Kind: ErrMalformedJSON,
			Message: fmt.Sprintf("malformed JSON: unexpected data after the object at byte %d", dec.InputOffset())}
	}
	return nil
}

// decodeError translates encoding/json's errors into requestErrors naming the position or field.
func decodeError(err error, dst any) error {
	var syn *json.SyntaxError
	var typ *json.UnmarshalTypeError
	switch {
	case errors.As(err, &syn):
		return &RequestError{Kind: ErrMalformedJSON,
			Message: fmt.Sprintf("malformed JSON at byte %d: %s", syn.Offset, strings.TrimPrefix(syn.Error(), "json: "))}
	case errors.Is(err, io.ErrUnexpectedEOF):
		return &RequestError{Kind: ErrMalformedJSON, Message: "malformed JSON: the body ends in the middle of a value"}
	case errors.As(err, &typ):
		if typ.Field == "" {
			return &RequestError{Kind: ErrWrongType, Message: "the request body must be a JSON object, not " + typ.Value}
		}
		return &RequestError{Kind: ErrWrongType, Field: typ.Field,
			Message: fmt.Sprintf("%s must be %s, not %s", typ.Field, JSONTypeName(typ.Type), typ.Value)}
	}
	// encoding/json has no typed error for unknown fields, only this fixed format; it is the
	// one message we parse, and a change in it degrades to a message without the field name.
	if rest, ok := strings.CutPrefix(err.Error(), "json: unknown field "); ok {
		name, uerr := strconv.Unquote(rest)
		if uerr != nil {
			name = ""
		}
		return &RequestError{Kind: ErrUnknownField, Field: name,
			Message: fmt.Sprintf("unknown field %s (known: %s)", rest, strings.Join(jsonFields(dst), ", "))}
	}
	return &RequestError{Kind: ErrMalformedJSON, Message: "malformed JSON"}
}

// JSONTypeName describes a Go type as the JSON a client should have sent.
func JSONTypeName(t reflect.Type) string {
	switch t.Kind() {
	case reflect.String:
		return "a string"
	case reflect.Bool:
		return "a boolean"
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return "an integer"
	case reflect.Float32, reflect.Float64:
		return "a number"
	case reflect.Slice, reflect.Array:
		return "an array"
	case reflect.Pointer:
		return JSONTypeName(t.Elem())
	}
	return "an object"
}

// jsonFields lists the JSON names of dst's top-level fields, for the unknown-field message.
func jsonFields(dst any) []string {
	t := reflect.TypeOf(dst)
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if t.Kind() != reflect.Struct {
		return nil
	}
	var names []string
	for i := range t.NumField() {
		name, _, _ := strings.Cut(t.Field(i).Tag.Get("json"), ",")
		if name != "" && name != "-" {
			names = append(names, name)
		}
	}
	return names
}

// loneSurrogate reports whether raw holds a \u escape of a lone UTF-16 surrogate, which
// encoding/json would decode to U+FFFD without a word.
func loneSurrogate(raw []byte) bool {
	_, bad := jsonx.LoneSurrogate(raw)
	return bad
}

// locateBadString walks the JSON tokens of raw to find the first string holding invalid UTF-8
// or a lone surrogate, and returns its field path (e.g. "author.name") and byte offset. It
// returns "" when the body is not well-formed enough to walk.
func locateBadString(raw []byte) (string, int64) {
	type frame struct {
		object    bool
		key       string
		expectKey bool
	}
	var stack []frame
	dec := json.NewDecoder(bytes.NewReader(raw))
	var prev int64
	for {
		tok, err := dec.Token()
		if err != nil {
			return "", 0
		}
		seg := raw[prev:dec.InputOffset()]
		start := prev
		prev = dec.InputOffset()
		top := len(stack) - 1
		switch t := tok.(type) {
		case json.Delim:
			switch t {
			case '{', '[':
				stack = append(stack, frame{object: t == '{', expectKey: t == '{'})
				continue
			default:
				stack = stack[:top]
				top--
			}
		case string:
			if i, bad := badOffset(seg); bad {
				var path []string
				for _, f := range stack {
					if f.object && !f.expectKey {
						path = append(path, f.key)
					}
				}
				return strings.Join(path, "."), start + int64(i)
			}
			if top >= 0 && stack[top].object && stack[top].expectKey {
				stack[top].key, stack[top].expectKey = t, false
				continue
			}
		}
		// A value ended: the enclosing object expects its next key.
		if top >= 0 && stack[top].object {
			stack[top].expectKey = true
		}
	}
}

// badOffset returns the offset in seg of the first invalid UTF-8 byte or lone surrogate escape.
func badOffset(seg []byte) (int, bool) {
	for i := 0; i < len(seg); {
		r, size := utf8.DecodeRune(seg[i:])
		if r == utf8.RuneError && size == 1 {
			return i, true
		}
		i += size
	}
	return jsonx.LoneSurrogate(seg)
}
