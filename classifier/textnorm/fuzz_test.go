package textnorm

import (
	"slices"
	"strings"
	"testing"
	"unicode/utf8"
)

// FuzzFold checks, for any input: no panic, valid UTF-8 out, folding is
// idempotent (as text and as words), a reused Text gives the same result as a
// fresh one, and every folded byte maps to a non-empty range of the original
// text, with starts and ends non-decreasing; when Unchanged says so, folding
// only lower-cases.
func FuzzFold(f *testing.F) {
	for _, tt := range foldTests {
		f.Add(tt.in)
	}
	f.Add("\xff\xfe i d \xff i o t")
	var reused Text
	f.Fuzz(func(t *testing.T, text string) {
		var x Text
		x.Fold(text)
		got := x.String()
		if !utf8.ValidString(got) {
			t.Fatalf("Fold(%q) = %q, not valid UTF-8", text, got)
		}
		reused.Fold("stale іdіot text, f.u.c.k")
		reused.Fold(text)
		if reused.String() != got {
			t.Fatalf("Fold(%q) with reused Text = %q, fresh %q", text, reused.String(), got)
		}
		if again := Fold(got); again != got {
			t.Fatalf("Fold(%q) = %q, but Fold of that = %q", text, got, again)
		}
		w1, w2 := x.AppendWords(nil), Words(got)
		if !slices.EqualFunc(w1, w2, func(a, b Word) bool { return a.Text == b.Text }) {
			t.Fatalf("words of Fold(%q) = %v, words of folding again %v", text, w1, w2)
		}
		n := min(len(text), MaxBytes)
		prevS, prevE := 0, 0
		for i := range x.Len() {
			s, e := x.Orig(i, i+1)
			if s < 0 || e > n || s >= e {
				t.Fatalf("Fold(%q): byte %d maps to [%d, %d), outside [0, %d) or empty", text, i, s, e, n)
			}
			if s < prevS || e < prevE {
				t.Fatalf("Fold(%q): byte %d maps to [%d, %d), before [%d, %d)", text, i, s, e, prevS, prevE)
			}
			prevS, prevE = s, e
		}
		if Unchanged(text) {
			if got != strings.ToLower(text) {
				t.Fatalf("Unchanged(%q) but Fold = %q", text, got)
			}
			for i := range x.Len() {
				if s, e := x.Orig(i, i+1); s != i || e != i+1 {
					t.Fatalf("Unchanged(%q) but byte %d maps to [%d, %d)", text, i, s, e)
				}
			}
		}
		for _, w := range w1 {
			if w.Start < 0 || w.End > n || w.Start >= w.End {
				t.Fatalf("Fold(%q): word %+v out of range", text, w)
			}
		}
	})
}
