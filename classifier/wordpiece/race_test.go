package wordpiece

import (
	"fmt"
	"sync"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// TestConcurrentEncode shares one Tokenizer, and so its cache, between many
// goroutines; run it with -race.
func TestConcurrentEncode(t *testing.T) {
	tk, _ := load(t)
	shared, err := NewWithOptions(tk.Vocab(), Options{CacheSize: 64})
	if err != nil {
		t.Fatalf("NewWithOptions: %v", err)
	}
	texts := append([]string(nil), goldenSentences...)
	for i := range 50 {
		texts = append(texts, fmt.Sprintf("word%dpiece unbelievabl%d hyperventilat%d", i, i, i*7))
	}
	want := make([][]Token, len(texts))
	for i, s := range texts {
		want[i] = tk.Tokenize(s)
	}
	var wg sync.WaitGroup
	for g := range 16 {
		wg.Go(func() {
			var enc Encoding
			for k := range 200 {
				i := (g*31 + k) % len(texts)
				shared.Encode(texts[i], &enc)
				if diff := cmp.Diff(want[i], enc.Tokens); diff != "" {
					t.Errorf("goroutine %d text %d (-want +got):\n%s", g, i, diff)
					return
				}
			}
		})
	}
	wg.Wait()
}
