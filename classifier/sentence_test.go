package classifier

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestSplitSentences(t *testing.T) {
	tests := []struct {
		name string
		text string
		want []string
	}{
		{"empty", "", nil},
		{"one", "Yes", []string{"Yes"}},
		{"two", "Good point. You are an idiot!", []string{"Good point.", "You are an idiot!"}},
		{"question and quotes", `He said "no." Why? Because.`, []string{`He said "no."`, "Why?", "Because."}},
		{"abbreviation", "Mr. Smith met Dr. Jones at 5 p.m. today. Fine.", []string{"Mr. Smith met Dr. Jones at 5 p.m. today.", "Fine."}},
		{"decimal", "It costs 2.4 million. Too much.", []string{"It costs 2.4 million.", "Too much."}},
		{"line breaks", "first line\nsecond line\r\n\nthird", []string{"first line", "second line", "third"}},
		{"ellipsis", "Well… I don't know", []string{"Well…", "I don't know"}},
		{"punctuation only", "!!! ... ?", nil},
		{"invalid utf8", "ok \xff. fine", []string{"ok \xff.", "fine"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got []string
			for _, r := range splitSentences(tt.text, nil) {
				got = append(got, tt.text[r[0]:r[1]])
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("splitSentences(%q) mismatch (-want +got):\n%s", tt.text, diff)
			}
		})
	}
}

func TestSplitSentencesBounded(t *testing.T) {
	text := ""
	for range 1000 {
		text += "Short one. "
	}
	rs := splitSentences(text, nil)
	if len(rs) > maxSentences {
		t.Fatalf("len = %d, want at most %d", len(rs), maxSentences)
	}
	if rs[0][0] != 0 || rs[len(rs)-1][1] != len(text)-1 {
		t.Errorf("ranges %v..%v do not cover the text (len %d)", rs[0], rs[len(rs)-1], len(text))
	}
}

func TestLexCategory(t *testing.T) {
	tests := []struct {
		word string
		want uint8
	}{
		{"idiot", lexInsult},
		{"fucking", lexProfane},
		{"fuckwits", lexProfane},
		{"you", lexYou},
		{"kill", lexViolence},
		{"muslims", lexIdentity},
		{"vermin", lexDehuman},
		{"table", 0},
		{"class", 0},
	}
	for _, tt := range tests {
		t.Run(tt.word, func(t *testing.T) {
			if got := lexCategory(tt.word); got != tt.want {
				t.Errorf("lexCategory(%q) = %b, want %b", tt.word, got, tt.want)
			}
		})
	}
}
