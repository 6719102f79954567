package classifier

import (
	"context"
	"math"
	"slices"
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
		want uint16
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
			if got := lexTables[1].category(tt.word); got != tt.want {
				t.Errorf("version 1 category(%q) = %b, want %b", tt.word, got, tt.want)
			}
		})
	}
}

// TestLexiconVersions checks that version 2 adds words and categories without changing what a
// version 1 model (or one that records no version) reads, and that an unknown version is refused.
func TestLexiconVersions(t *testing.T) {
	v0, err := lexiconFor(0)
	if err != nil || v0 != lexTables[1] {
		t.Fatalf("lexiconFor(0) = %p, %v; want version 1", v0, err)
	}
	v2, err := lexiconFor(LexiconLatest)
	if err != nil {
		t.Fatal(err)
	}
	for w, c := range lexTables[1].words {
		if v2.words[w]&c != c {
			t.Errorf("version 2 drops a category of %q: %b, version 1 %b", w, v2.words[w], c)
		}
	}
	tests := []struct {
		word   string
		v1, v2 uint16
	}{
		{"legs", 0, lexBody},
		{"firebomb", 0, lexViolence},
		{"breaks", 0, 0},
		{"incompetent", 0, lexInsult},
		{"allowed", 0, lexExclude},
		{"address", 0, lexMenace},
		{"typical", 0, lexGeneral},
		{"idiot", lexInsult, lexInsult},
	}
	for _, tt := range tests {
		if got := lexTables[1].category(tt.word); got != tt.v1 {
			t.Errorf("version 1 category(%q) = %b, want %b", tt.word, got, tt.v1)
		}
		if got := v2.category(tt.word); got != tt.v2 {
			t.Errorf("version 2 category(%q) = %b, want %b", tt.word, got, tt.v2)
		}
	}
	if len(v2.pairs) <= len(lexPairsV1) || !slices.Equal(v2.pairs[:len(lexPairsV1)], lexPairsV1) {
		t.Errorf("version 2 pairs must extend version 1's in order")
	}
	if _, err := lexiconFor(LexiconLatest + 1); err == nil {
		t.Errorf("lexiconFor(%d) accepted a version this build does not know", LexiconLatest+1)
	}
}

// TestSentenceLogitsMatchRefeaturizing checks the fast sentence scores (the whole comment's
// features of a sentence's words, renormalised) against featurizing each sentence's text on
// its own, on a sublinear, lexicon model trained on the fixtures.
func TestSentenceLogitsMatchRefeaturizing(t *testing.T) {
	cfg := smallConfig(t)
	fc := DefaultFeatures()
	fc.Sublinear, fc.Lexicon, fc.Sentences, fc.Fold = true, true, true, true
	cfg.Features = &fc
	m, err := Train(context.Background(), fixtureExamples(t, "tone"), cfg)
	if err != nil {
		t.Fatal(err)
	}
	texts := []string{
		"The budget is sensible. The plan is good. You are a complete idiot.",
		"Great article! I will kill you. Thanks for writing it.",
		"Not bad at all. Not good either. The council should not have voted for it.",
		"Mr. Smith said it was fine. I disagree, and so does Dr. Jones.\nSecond line here",
	}
	for _, ex := range fixtureExamples(t, "tone") {
		texts = append(texts, ex.Text)
	}
	s := &scratch{logits: make([]float64, m.k)}
	slow := &scratch{logits: make([]float64, m.k)}
	compared, close := 0, 0
	for _, text := range texts {
		m.featurize(s, text, "", false)
		m.indexRows(s)
		for _, r := range splitSentences(text, nil) {
			wlo := 0
			for wlo < len(s.enc.Words) && int(s.enc.Words[wlo].Start) < r[0] {
				wlo++
			}
			whi := wlo
			for whi < len(s.enc.Words) && int(s.enc.Words[whi].End) <= r[1] {
				whi++
			}
			if whi == wlo {
				continue
			}
			m.sentenceLogits(s, wlo, whi)
			m.featurize(slow, text[r[0]:r[1]], "", false)
			compared++
			worst := 0.0
			for c := range m.k {
				worst = math.Max(worst, math.Abs(s.logits[c]-slow.logits[c]))
			}
			if worst < 1e-3 {
				close++
			} else if worst > 0.5 {
				t.Errorf("sentence %q of %q: logits differ by %.3f", text[r[0]:r[1]], text, worst)
			}
		}
	}
	if compared == 0 || float64(close) < 0.9*float64(compared) {
		t.Errorf("%d of %d sentences score as when featurized alone (within 1e-3), want at least 90%%", close, compared)
	}
	t.Logf("%d of %d sentences within 1e-3", close, compared)
}
