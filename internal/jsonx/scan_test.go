package jsonx

import (
	"encoding/json"
	"testing"
)

// Scanner.Str reads a string token as encoding/json does, or refuses it; and it accepts every
// string AppendString writes.
func FuzzScannerStr(f *testing.F) {
	for _, s := range []string{`"plain"`, `"esc \" \\ \n \u00e9 \ud83d\ude00"`, "\"bad \xff\"", `"open`, "\"ctl \x01\"", `  "sp", 1`} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		p := NewScanner(s)
		if got, ok := p.Str(); ok {
			var want string
			if err := json.Unmarshal([]byte(s[:p.i]), &want); err != nil || got != want {
				t.Errorf("Str(%q) = %q, encoding/json: %q, %v", s[:p.i], got, want, err)
			}
		}
		tok := string(AppendString(nil, s))
		var want string
		if err := json.Unmarshal([]byte(tok), &want); err != nil {
			t.Fatal(err)
		}
		if got, ok := NewScanner(tok).Str(); !ok || got != want {
			t.Errorf("Str(%s) = %q, %t; want %q", tok, got, ok, want)
		}
	})
}

func TestValueEndAndLoneSurrogate(t *testing.T) {
	obj := `{"a":"x,}","b":[1,{"c":"]"}],"d":-1.5e3 ,"e":null}`
	var ends []string
	for i := 1; i < len(obj); {
		i = SkipSpace(obj, i)
		i = StringEnd(obj, i)
		i = SkipSpace(obj, i) + 1
		i = SkipSpace(obj, i)
		start := i
		i = ValueEnd(obj, i)
		ends = append(ends, obj[start:i])
		i = SkipSpace(obj, i) + 1
	}
	want := []string{`"x,}"`, `[1,{"c":"]"}]`, `-1.5e3`, `null`}
	if len(ends) != len(want) {
		t.Fatalf("values = %q, want %q", ends, want)
	}
	for i := range want {
		if ends[i] != want[i] {
			t.Errorf("value %d = %q, want %q", i, ends[i], want[i])
		}
	}
	for in, bad := range map[string]bool{`"\ud83d\ude00"`: false, `"\udc00"`: true, `"\ud800x"`: true, `"\\udc00"`: false, `"\u0041"`: false} {
		if _, got := LoneSurrogate([]byte(in)); got != bad {
			t.Errorf("LoneSurrogate(%s) = %t, want %t", in, got, bad)
		}
	}
}
