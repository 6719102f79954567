package classifier

import (
	"strings"
	"testing"
)

func TestReadExamples(t *testing.T) {
	in := `{"text":"a","label":"x","extra":1}

{"text":"b","context":"c","labels":{"t":1,"u":0,"v":null,"w":true}}
`
	exs, err := ReadExamples(strings.NewReader(in))
	if err != nil {
		t.Fatal(err)
	}
	if len(exs) != 2 || exs[0].Label != "x" || exs[1].Context != "c" || exs[1].Labels["t"] != 1 ||
		exs[1].Labels["w"] != 1 || len(exs[1].Labels) != 3 {
		t.Errorf("ReadExamples = %+v", exs)
	}
	bad := map[string]string{
		"invalid JSON":   "{\"text\":\"a\"}\n{oops",
		"missing text":   `{"label":"x"}`,
		"label 2":        `{"text":"a","labels":{"t":2}}`,
		"label string":   `{"text":"a","labels":{"t":"1"}}`,
		"label object":   `{"text":"a","label":{}}`,
		"empty attr":     `{"text":"a","labels":{"":1}}`,
		"not an object":  `[1,2]`,
		"truncated line": `{"text":"a"`,
	}
	for name, in := range bad {
		t.Run(name, func(t *testing.T) {
			_, err := ReadExamples(strings.NewReader(in))
			if err == nil {
				t.Fatal("no error")
			}
			want := "line 1:"
			if name == "invalid JSON" {
				want = "line 2:"
			}
			if !strings.HasPrefix(err.Error(), want) {
				t.Errorf("error %q does not start with %q", err, want)
			}
		})
	}
}
