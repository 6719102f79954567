package jsonx

import (
	"encoding/json"
	"strings"
	"testing"
	"unicode/utf8"
)

var validSeeds = []string{
	`{"text": "plain", "context": null}`, `{"text":"esc \" \\ \/ \b\f\n\r\t \u00e9 \ud83d\ude00"}`,
	`{"a":[1,-0,0.5,1e5,-2.5E-3,true,false,null,{},[]]}`, `"lone \ud800 \udc00 \ud800\u0041 \ud800x"`,
	"\"bad \xff utf8\"", `{"a":01}`, `{"a":1.}`, `{"a":.5}`, `{"a":1e}`, `{"a":-}`, `{"a" 1}`,
	`{"a":1,}`, `[1,]`, `[,1]`, `{,}`, `{"a":tru}`, `nul`, "\"ctl \x01\"", `"\x"`, `"\u12"`,
	`"\u12G4"`, ` 1 `, `1 2`, `{"a":"b"}}`, `[[[]]]`, "", " ", `{"a":{"b":[{"c":"d"}]}}`,
	`-`, `-01`, `1e+5`, `1E-0`, `"\uD834\uDD1E"`, "\t{\r\n}\n",
	strings.Repeat("[", maxDepth) + strings.Repeat("]", maxDepth),
	strings.Repeat("[", maxDepth+1) + strings.Repeat("]", maxDepth+1),
	strings.Repeat(`{"a":`, maxDepth) + "1" + strings.Repeat("}", maxDepth),
	strings.Repeat(`{"a":`, maxDepth+1) + "1" + strings.Repeat("}", maxDepth+1),
}

// FuzzValid checks Valid against json.Valid, and Unquote of every valid string token against
// json.Unmarshal.
func FuzzValid(f *testing.F) {
	for _, s := range validSeeds {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		b := []byte(s)
		if got, want := Valid(b), json.Valid(b); got != want {
			t.Fatalf("Valid(%q) = %v, json.Valid %v", s, got, want)
		}
		if !json.Valid(b) || SkipSpace(b, 0) == len(b) || b[SkipSpace(b, 0)] != '"' {
			return
		}
		tok := b[SkipSpace(b, 0):StringEnd(b, SkipSpace(b, 0))]
		var want string
		if err := json.Unmarshal(tok, &want); err != nil {
			t.Fatal(err)
		}
		got, ok := Unquote(tok)
		if ok && got != want || !ok && utf8.Valid(tok) {
			t.Errorf("Unquote(%s) = %q, %v; encoding/json %q", tok, got, ok, want)
		}
	})
}

func TestValidSeeds(t *testing.T) {
	for _, s := range validSeeds {
		if got, want := Valid([]byte(s)), json.Valid([]byte(s)); got != want {
			t.Errorf("Valid(%.40q) = %v, want %v", s, got, want)
		}
	}
}
