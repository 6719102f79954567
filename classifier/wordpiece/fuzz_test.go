package wordpiece

import (
	"slices"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

// FuzzEncode checks, for any input: no panic, the same output from a fresh
// and a reused Encoding and from a Tokenizer without cache, offsets in range
// and non-decreasing, ids in the vocabulary, and, where the library is known
// to be right (libraryClean), the library's ids. The same input through a
// folding Tokenizer must keep its offsets in range and non-decreasing.
func FuzzEncode(f *testing.F) {
	for _, tt := range encodeTests {
		f.Add(tt.in)
	}
	for _, s := range goldenSentences {
		f.Add(s)
	}
	tk, lib := load(f)
	uncached, err := NewWithOptions(tk.Vocab(), Options{CacheSize: -1})
	if err != nil {
		f.Fatalf("NewWithOptions: %v", err)
	}
	fold := tk.WithFold(true)
	f.Add("You are an іdіot, a m0r0n: i d i o t! ½ ＯＫ \xff")
	var reused Encoding
	f.Fuzz(func(t *testing.T, text string) {
		var fresh, plain Encoding
		tk.Encode(text, &fresh)
		// Fill the reused encoding with something else first, so stale
		// state would show.
		tk.Encode("Stale words, stale pieces: unbelievable!", &reused)
		tk.Encode(text, &reused)
		uncached.Encode(text, &plain)
		if diff := cmp.Diff(fresh.Tokens, reused.Tokens, cmpopts.EquateEmpty()); diff != "" {
			t.Fatalf("Encode(%q) with reused Encoding differs (-fresh +reused):\n%s", text, diff)
		}
		if diff := cmp.Diff(fresh.Tokens, plain.Tokens, cmpopts.EquateEmpty()); diff != "" {
			t.Fatalf("Encode(%q) without cache differs (-cached +uncached):\n%s", text, diff)
		}
		checkInvariants(t, tk, text, &fresh)
		var folded Encoding
		fold.Encode(text, &folded)
		checkFoldInvariants(t, fold, text, &folded)
		if !libraryClean(text) {
			return
		}
		want, _, ok := libraryEncode(lib, text)
		if !ok {
			t.Fatalf("library failed on clean input %q", text)
		}
		got := make([]int, len(fresh.Tokens))
		for i, tok := range fresh.Tokens {
			got[i] = int(tok.ID)
		}
		if !slices.Equal(got, want) {
			t.Fatalf("Encode(%q) ids = %v, library %v", text, got, want)
		}
	})
}
