package store

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/tribune/tribune/moderation"
)

// randomExplanation builds an explanation with awkward features: quotes, backslashes, control
// characters, non-ASCII and invalid UTF-8.
func randomExplanation(r *rand.Rand) map[string][]moderation.Contribution {
	pieces := []string{"a", "idiot", "é", "\"", "\\", "\n", "\x01", "\u2028", "\xff", "😀", "</script>", " "}
	ex := map[string][]moderation.Contribution{}
	for range r.IntN(4) {
		var cs []moderation.Contribution
		for range r.IntN(6) {
			f := ""
			for range r.IntN(4) {
				f += pieces[r.IntN(len(pieces))]
			}
			w := []float64{0, -0.5, 1e-9, 123456.789, r.NormFloat64(), math.SmallestNonzeroFloat64}[r.IntN(6)]
			cs = append(cs, moderation.Contribution{Feature: f, Class: pieces[r.IntN(len(pieces))], Weight: w, Start: r.IntN(1000) - 1, End: r.IntN(1000)})
		}
		ex[pieces[r.IntN(len(pieces))]+"head"] = cs
	}
	if r.IntN(8) == 0 {
		return nil
	}
	return ex
}

func TestExplanationRoundTrip(t *testing.T) {
	t.Parallel()
	r := rand.New(rand.NewPCG(1, 2))
	for i := range 2000 {
		ex := randomExplanation(r)
		s, err := encodeExplanation(ex)
		if err != nil {
			t.Fatal(err)
		}
		fast, ok := parseExplanation(s)
		if !ok {
			t.Fatalf("case %d: parseExplanation rejected the encoder's output %s", i, s)
		}
		slow, err := decodeExplanationJSON(s)
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(slow, fast); diff != "" {
			t.Fatalf("case %d: parseExplanation differs from encoding/json (-json +fast) on %s:\n%s", i, s, diff)
		}
		// What goes in comes out (an empty head may come back as a nil or an empty slice),
		// except invalid UTF-8, which JSON replaces by U+FFFD.
		if !hasInvalidUTF8(ex) {
			if diff := cmp.Diff(ex, fast, cmpopts.EquateEmpty()); diff != "" {
				t.Fatalf("case %d: round trip (-in +out):\n%s", i, diff)
			}
		}
	}
}

func hasInvalidUTF8(ex map[string][]moderation.Contribution) bool {
	for h, cs := range ex {
		if !validUTF8(h) {
			return true
		}
		for _, c := range cs {
			if !validUTF8(c.Feature) || !validUTF8(c.Class) {
				return true
			}
		}
	}
	return false
}

func validUTF8(s string) bool {
	for _, r := range s {
		if r == '\uFFFD' {
			return false
		}
	}
	return true
}

func TestParseExplanationRejects(t *testing.T) {
	t.Parallel()
	for _, s := range []string{
		``, `{`, `nul`, `null x`, `[]`, `{"h":{"f":["a"],"c":[],"w":[],"s":[],"e":[]}}`,
		`{"h":{"f":["a"],"f":["b"],"c":["1"],"w":[1],"s":[1],"e":[1]}}`,
		`{"h":{"x":[]}}`, `{"h":{"s":[1.5]}}`, `{"h":{"w":["1"]}}`, `{"h":{"f":["a\u00"]}}`,
		`{"h":{}, "h":{}}`, `{"h":{"f":["` + "\x01" + `"]}}`,
	} {
		if out, ok := parseExplanation(s); ok {
			t.Errorf("parseExplanation(%q) = %v, true; want rejection", s, out)
		}
	}
}

// FuzzParseExplanation checks that the fast parser never panics and, whenever it accepts a
// text that encoding/json also accepts, agrees with it.
func FuzzParseExplanation(f *testing.F) {
	r := rand.New(rand.NewPCG(3, 4))
	for range 20 {
		s, _ := encodeExplanation(randomExplanation(r))
		f.Add(s)
	}
	f.Add(`{"h":{"f":["a\"b"],"c":["1"],"w":[0.5],"s":[0],"e":[3]}}`)
	f.Fuzz(func(t *testing.T, s string) {
		fast, ok := parseExplanation(s)
		slow, err := decodeExplanationJSON(s)
		if ok && err == nil {
			if diff := cmp.Diff(slow, fast); diff != "" {
				t.Errorf("parseExplanation(%q) differs from encoding/json (-json +fast):\n%s", s, diff)
			}
		}
	})
}
