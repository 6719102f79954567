package perspective

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/gin-gonic/gin"

	"github.com/tribune/tribune/web/internal/httpx"
)

// decodePerspective reads a JSON body into dst. Unlike bindJSON it ignores unknown fields
// (Perspective has grown fields over time and clients send some Tribune does not use), and it
// accepts what Google's proto-JSON front end accepts besides Perspective's own spelling:
// snake_case field names and enum values given as numbers (normalizeProtoJSON).
func decodePerspective(c *gin.Context, dst any) error {
	raw, err := httpx.ReadBody(c)
	if err != nil {
		return err
	}
	if len(bytes.TrimSpace(raw)) == 0 {
		return invalidArgument("Invalid JSON payload received. The request body is empty.")
	}
	if !utf8.Valid(raw) {
		return invalidArgument("Invalid JSON payload received. The request body is not valid UTF-8.")
	}
	var tree any
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	if err := dec.Decode(&tree); err != nil {
		return jsonError(err)
	}
	if _, ok := tree.(map[string]any); !ok {
		return invalidArgument("Invalid JSON payload received. The request body must be a JSON object.")
	}
	norm, err := json.Marshal(normalizeProtoJSON(tree, ""))
	if err != nil {
		return fmt.Errorf("decode perspective request: %w", err)
	}
	if err := json.Unmarshal(norm, dst); err != nil {
		return jsonError(err)
	}
	return nil
}

// jsonError turns a decoding error into Google's INVALID_ARGUMENT wording.
func jsonError(err error) error {
	var syn *json.SyntaxError
	var typ *json.UnmarshalTypeError
	switch {
	case errors.As(err, &syn):
		return invalidArgument(fmt.Sprintf("Invalid JSON payload received. Syntax error at byte %d: %s",
			syn.Offset, strings.TrimPrefix(syn.Error(), "json: ")))
	case errors.As(err, &typ) && typ.Field != "":
		return invalidArgument(fmt.Sprintf("Invalid JSON payload received. %s must be %s, not %s",
			typ.Field, httpx.JSONTypeName(typ.Type), typ.Value))
	}
	return invalidArgument("Invalid JSON payload received. The request body must be a JSON object.")
}

// Proto enum numbers, as the proto-JSON mapping lets a client send them (the official
// clients of some languages do, e.g. "scoreType": 1).
var (
	scoreTypeNames = []string{"SCORE_TYPE_UNSPECIFIED", "PROBABILITY", "STD_DEV_SCORE", "PERCENTILE", "RAW"}
	textTypeNames  = []string{"TEXT_TYPE_UNSPECIFIED", "PLAIN_TEXT", "HTML"}
)

// mapKeyed are the fields whose keys are attribute names, not field names: they are left as
// the client wrote them ("SEVERE_TOXICITY" and "identity_attack" are names, not snake_case).
var mapKeyed = map[string]bool{"requestedAttributes": true, "attributeScores": true}

// textEntryFields hold a TextEntry, whose "type" is a TextType; every other "type" is a
// ScoreType.
var textEntryFields = map[string]bool{"comment": true, "entries": true, "article": true, "parentComment": true}

// normalizeProtoJSON rewrites a decoded JSON value as proto-JSON's canonical form:
// lower_snake_case field names become lowerCamelCase, and numeric enum values become their
// names. parent is the (normalised) field name v was found under.
func normalizeProtoJSON(v any, parent string) any {
	switch v := v.(type) {
	case map[string]any:
		out := make(map[string]any, len(v))
		for k, child := range v {
			name := k
			if !mapKeyed[parent] {
				name = lowerCamel(k)
			}
			field := name
			if mapKeyed[parent] {
				field = "" // an attribute's own value: its fields are normalised as usual
			}
			out[name] = normalizeEnum(field, parent, normalizeProtoJSON(child, field))
		}
		return out
	case []any:
		for i, child := range v {
			v[i] = normalizeProtoJSON(child, parent)
		}
		return v
	}
	return v
}

// normalizeEnum maps a numeric enum value of field (inside parent) to its name.
func normalizeEnum(field, parent string, v any) any {
	n, ok := v.(json.Number)
	if !ok {
		return v
	}
	var names []string
	switch {
	case field == "scoreType":
		names = scoreTypeNames
	case field == "type" && textEntryFields[parent]:
		names = textTypeNames
	case field == "type":
		names = scoreTypeNames
	default:
		return v
	}
	i, err := n.Int64()
	if err != nil || i < 0 || i >= int64(len(names)) {
		return v // refused later with a type error naming the field
	}
	return names[i]
}

// lowerCamel turns a lower_snake_case name into lowerCamelCase; other names are unchanged.
func lowerCamel(name string) string {
	if !strings.Contains(name, "_") || strings.ToLower(name) != name {
		return name
	}
	parts := strings.Split(name, "_")
	for i := 1; i < len(parts); i++ {
		if parts[i] != "" {
			parts[i] = strings.ToUpper(parts[i][:1]) + parts[i][1:]
		}
	}
	return strings.Join(parts, "")
}
