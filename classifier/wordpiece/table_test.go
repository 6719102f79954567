package wordpiece

import (
	"strings"
	"testing"
)

// TestWordTableMatchesMap checks the inline-key table against the map it is built from: every
// short token is found with its id, and words that are not tokens (near misses, a longer or
// shorter variant, the continuation form) are not.
func TestWordTableMatchesMap(t *testing.T) {
	tk, _ := load(t)
	short := 0
	for k, id := range tk.ids {
		got, ok := tk.words.lookup([]byte(k))
		if len(k) == 0 || len(k) > wordKeyMax {
			if ok {
				t.Errorf("lookup(%q) found a token the table does not hold", k)
			}
			continue
		}
		short++
		if !ok || got != id {
			t.Fatalf("lookup(%q) = %d, %v; want %d", k, got, ok, id)
		}
		for _, miss := range []string{k + "qq", k[:len(k)-1] + "\x00", "##" + k} {
			if _, exists := tk.ids[miss]; exists {
				continue
			}
			if got, ok := tk.words.lookup([]byte(miss)); ok {
				t.Errorf("lookup(%q) = %d for a word that is not a token", miss, got)
			}
		}
	}
	if short < len(tk.ids)*9/10 {
		t.Errorf("only %d of %d tokens are short enough for the table", short, len(tk.ids))
	}
	if _, ok := tk.words.lookup([]byte(strings.Repeat("a", wordKeyMax+1))); ok {
		t.Error("lookup of a word longer than the table's keys found something")
	}
}
