package wordpiece

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// checkFoldInvariants checks a folding tokenizer's output: offsets in range
// and non-decreasing. Unlike without folding, neighbouring words may share
// original bytes (one character can fold to several words, as "…" to three
// dots).
func checkFoldInvariants(t *testing.T, tk *Tokenizer, text string, enc *Encoding) {
	t.Helper()
	var prevStart, prevEnd int32
	for i, w := range enc.Words {
		if w.Start < prevStart || w.End < prevEnd || w.Start >= w.End || int(w.End) > len(text) {
			t.Fatalf("folded Encode(%q): word %d = [%d,%d), previous [%d,%d)", text, i, w.Start, w.End, prevStart, prevEnd)
		}
		if enc.Norm(i) == "" {
			t.Fatalf("folded Encode(%q): word %d has empty normalized text", text, i)
		}
		prevStart, prevEnd = w.Start, w.End
	}
	prevStart, prevEnd = 0, 0
	for i, tok := range enc.Tokens {
		if tok.ID < 0 || int(tok.ID) >= len(tk.Vocab()) || int(tok.Word) >= len(enc.Words) {
			t.Fatalf("folded Encode(%q): token %d = %+v out of range", text, i, tok)
		}
		w := enc.Words[tok.Word]
		if tok.Start < prevStart || tok.End < prevEnd || tok.Start >= tok.End || tok.Start < w.Start || tok.End > w.End {
			t.Fatalf("folded Encode(%q): token %d = [%d,%d) in word [%d,%d), previous [%d,%d)", text, i, tok.Start, tok.End, w.Start, w.End, prevStart, prevEnd)
		}
		prevStart, prevEnd = tok.Start, tok.End
	}
}

func TestEncodeFold(t *testing.T) {
	tk, _ := load(t)
	fold := tk.WithFold(true)
	if tk.Folds() || !fold.Folds() || fold.WithFold(false).Folds() {
		t.Fatal("WithFold does not set folding")
	}
	type word struct {
		Norm       string
		Start, End int32
	}
	tests := []struct {
		name, in string
		want     []word
	}{
		{"plain", "You idiot!", []word{{"you", 0, 3}, {"idiot", 4, 9}, {"!", 9, 10}}},
		{"lookalikes", "an іdіot", []word{{"an", 0, 2}, {"idiot", 3, 10}}},
		{"zero width", "id\u200biot", []word{{"idiot", 0, 8}}},
		{"soft hyphen", "id\u00adiot", []word{{"idiot", 0, 7}}},
		{"leet", "id10t.", []word{{"idiot", 0, 5}, {".", 5, 6}}},
		{"spaced", "f.u.c.k off", []word{{"fuck", 0, 7}, {"off", 8, 11}}},
		{"fullwidth", "ＯＫ", []word{{"ok", 0, 6}}},
		{"numbers kept", "covid19 in 2024", []word{{"covid19", 0, 7}, {"in", 8, 10}, {"2024", 11, 15}}},
		{"ellipsis shares a rune", "no…", []word{{"no", 0, 2}, {".", 2, 5}, {".", 2, 5}, {".", 2, 5}}},
		{"invalid byte", "ab\xffcd", []word{{"ab", 0, 2}, {"cd", 3, 5}}},
	}
	var enc Encoding
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fold.Encode(tt.in, &enc)
			var got []word
			for i, w := range enc.Words {
				got = append(got, word{enc.Norm(i), w.Start, w.End})
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("folded Encode(%q) words mismatch (-want +got):\n%s", tt.in, diff)
			}
			checkFoldInvariants(t, fold, tt.in, &enc)
		})
	}
	// Without folding, the tokenizer is unchanged.
	tk.Encode("an іdіot", &enc)
	if got := enc.Norm(1); got == "idiot" {
		t.Errorf("Encode without folding folded lookalikes: word 1 = %q", got)
	}
}

func TestEncodeFoldAllocs(t *testing.T) {
	tk, _ := load(t)
	fold := tk.WithFold(true)
	text := strings.Repeat("You are an іdіot, a m0r0n and an a$$: i d i o t! ", 10) + ownText
	var enc Encoding
	fold.Encode(text, &enc)
	if n := testing.AllocsPerRun(20, func() { fold.Encode(text, &enc) }); n != 0 {
		t.Errorf("folded Encode allocates %v times per call, want 0", n)
	}
}
