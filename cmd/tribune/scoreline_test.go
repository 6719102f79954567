package main

import (
	"bytes"
	"encoding/json"
	"testing"
)

// FuzzScanScoreLine checks the fast path against encoding/json wherever it accepts a line.
func FuzzScanScoreLine(f *testing.F) {
	for _, s := range []string{`{"text":"a","context":"b","x":[1,{"y":"}"}]}`, `{"TEXT":"a","text":"b"}`,
		`{"text":"a\u00e9\"","scores":null, "Context" : null }`, `{"text":"a","context":3}`, `{"ſcores":1,"text":"x"}`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		data = bytes.TrimSpace(data)
		if len(data) == 0 || data[0] != '{' || !json.Valid(data) {
			return
		}
		got, text, context, ok := scanScoreLine(data)
		if !ok {
			return
		}
		var want scoreLine
		if err := json.Unmarshal(data, &want); err != nil {
			t.Fatalf("fast path accepted %q, json: %v", data, err)
		}
		var wctx string
		if len(want.Context) > 0 && string(want.Context) != "null" {
			if err := json.Unmarshal(want.Context, &wctx); err != nil {
				t.Fatalf("fast path accepted context of %q", data)
			}
		}
		if want.Text == nil || *want.Text != text || wctx != context ||
			(got.Scores == nil) != (want.Scores == nil) || (got.Explanations == nil) != (want.Explanations == nil) ||
			(got.Decisions == nil) != (want.Decisions == nil) {
			t.Fatalf("%q: fast path %q %q %+v, json %+v", data, text, context, got, want)
		}
	})
}
