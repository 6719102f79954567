package classifier

import (
	"strings"
	"testing"
)

// TestWordInfoMatchesLists checks that one wordInfos lookup answers what the lexicon tables,
// stanceCues and stopwords answer, for every listed word and for unlisted and prefixed ones.
func TestWordInfoMatchesLists(t *testing.T) {
	words := map[string]bool{}
	for _, lex := range lexTables {
		for w := range lex.words {
			words[w] = true
		}
	}
	for w := range stanceCues {
		words[w] = true
	}
	for _, w := range strings.Fields(stopwordList) {
		words[w] = true
	}
	for _, w := range []string{"", "a", "fuckwits", "shitshow", "motherfudge", "bullshitter", "fuck",
		"shitt", "tram", "council", "idiots", "x", "'", ".", "unfair", "café"} {
		words[w] = true
	}
	for w := range words {
		info := wordInfos.lookup(w, hashString(w))
		for v, lex := range lexTables {
			if got, want := info.cats[v], lex.category(w); got != want {
				t.Errorf("%q: cats[%d] = %#x, want %#x", w, v, got, want)
			}
		}
		if got, want := info.cue, stanceCues[w]; got != want {
			t.Errorf("%q: cue = %#x, want %#x", w, got, want)
		}
		if got, want := info.stop, stopwords[hashString(w)]; got != want {
			t.Errorf("%q: stop = %v, want %v", w, got, want)
		}
		if got, want := toneOnlyInfo(info), toneOnly(w); got != want {
			t.Errorf("%q: toneOnlyInfo = %v, want %v", w, got, want)
		}
	}
}

// TestWordInfoHashCollision checks that a word sharing a listed word's hash gets none of its
// categories but keeps the hash-keyed stop word status.
func TestWordInfoHashCollision(t *testing.T) {
	h := hashString("the")
	info := wordInfos.lookup("not-the", h)
	if info.cats != [len(info.cats)]uint16{} || info.cue != 0 || !info.stop {
		t.Errorf("lookup(other word, hash of \"the\") = %+v, want only stop", info)
	}
}
