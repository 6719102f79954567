package store

import (
	"strconv"

	"github.com/tribune/tribune/internal/jsonx"
	"github.com/tribune/tribune/moderation"
)

// Bulk rescoring writes a million score rows, and encoding/json's reflection costs more than
// SQLite's insert. appendExplanation writes, from jsonx's pieces, the bytes codec.go's
// encodeExplanation writes through encoding/json (explanations column-wise, heads sorted),
// several times faster; FuzzRescoreJSONMatchesCodec holds the two to the same bytes.

// appendExplanation appends ex in encodeExplanation's column-wise shape, heads sorted.
func appendExplanation(b []byte, ex map[string][]moderation.Contribution) ([]byte, error) {
	if ex == nil {
		return append(b, "null"...), nil
	}
	b = append(b, '{')
	var err error
	var buf [8]string
	for i, h := range jsonx.SortedKeys(buf[:0], ex) {
		if b, err = appendColumns(jsonx.AppendKey(b, i, h), ex[h]); err != nil {
			return b, err
		}
	}
	return append(b, '}'), nil
}

// appendColumns appends one head's contributions column-wise: {"f":[…],"c":[…],"w":[…],
// "s":[…],"e":[…]}.
func appendColumns(b []byte, cs []moderation.Contribution) ([]byte, error) {
	b = append(b, `{"f":[`...)
	for j, c := range cs {
		b = jsonx.AppendString(jsonx.Comma(b, j), c.Feature)
	}
	b = append(b, `],"c":[`...)
	for j, c := range cs {
		b = jsonx.AppendString(jsonx.Comma(b, j), c.Class)
	}
	b = append(b, `],"w":[`...)
	var err error
	for j, c := range cs {
		if b, err = jsonx.AppendFloat(jsonx.Comma(b, j), c.Weight); err != nil {
			return b, err
		}
	}
	b = append(b, `],"s":[`...)
	for j, c := range cs {
		b = strconv.AppendInt(jsonx.Comma(b, j), int64(c.Start), 10)
	}
	b = append(b, `],"e":[`...)
	for j, c := range cs {
		b = strconv.AppendInt(jsonx.Comma(b, j), int64(c.End), 10)
	}
	return append(b, "]}"...), nil
}
