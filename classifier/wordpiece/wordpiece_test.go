package wordpiece

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// tok is a Token with its text instead of its id, for readable tests.
type tok struct {
	Tok        string
	Word       int32
	Start, End int32
}

// readable converts enc into the words' normalized texts and readable tokens.
func readable(tk *Tokenizer, enc *Encoding) (norms []string, toks []tok) {
	for i := range enc.Words {
		norms = append(norms, enc.Norm(i))
	}
	for _, t := range enc.Tokens {
		toks = append(toks, tok{tk.Token(t.ID), t.Word, t.Start, t.End})
	}
	return norms, toks
}

// encodeTests are the normalization and pre-tokenization edge cases; they
// also seed FuzzEncode.
var encodeTests = []struct {
	name      string
	in        string
	wantNorms []string
	wantToks  []tok
}{
	{name: "empty", in: ""},
	{name: "whitespace only", in: " \t\n\r \r\n"},
	{name: "upper case", in: "HELLO World",
		wantNorms: []string{"hello", "world"},
		wantToks:  []tok{{"hello", 0, 0, 5}, {"world", 1, 6, 11}}},
	{name: "punctuation run", in: "?!...",
		wantNorms: []string{"?", "!", ".", ".", "."},
		wantToks:  []tok{{"?", 0, 0, 1}, {"!", 1, 1, 2}, {".", 2, 2, 3}, {".", 3, 3, 4}, {".", 4, 4, 5}}},
	{name: "accent precomposed", in: "café",
		wantNorms: []string{"cafe"},
		wantToks:  []tok{{"cafe", 0, 0, 5}}},
	{name: "diaeresis", in: "naïve",
		wantNorms: []string{"naive"},
		wantToks:  []tok{{"naive", 0, 0, 6}}},
	{name: "upper case umlaut", in: "Müller",
		wantNorms: []string{"muller"},
		wantToks:  []tok{{"muller", 0, 0, 7}}},
	{name: "combining marks belong to their letter", in: "e\u0301te\u0301",
		wantNorms: []string{"ete"},
		wantToks:  []tok{{"et", 0, 0, 4}, {"##e", 0, 4, 7}}},
	{name: "lone combining mark", in: " \u0301 "},
	{name: "CJK characters are words", in: "日本語",
		wantNorms: []string{"日", "本", "語"},
		wantToks:  []tok{{"日", 0, 0, 3}, {"本", 1, 3, 6}, {"語", 2, 6, 9}}},
	{name: "CJK inside a word", in: "ab日cd",
		wantNorms: []string{"ab", "日", "cd"},
		wantToks:  []tok{{"ab", 0, 0, 2}, {"日", 1, 2, 5}, {"cd", 2, 5, 7}}},
	{name: "Hangul decomposes to jamo", in: "한",
		wantNorms: []string{"\u1112\u1161\u11ab"},
		wantToks:  []tok{{"\u1112", 0, 0, 3}, {"##\u1161", 0, 0, 3}, {"##\u11ab", 0, 0, 3}}},
	{name: "emoji", in: "😀",
		wantNorms: []string{"😀"},
		wantToks:  []tok{{"[UNK]", 0, 0, 4}}},
	{name: "emoji glued to word", in: "x😀y",
		wantNorms: []string{"x😀y"},
		wantToks:  []tok{{"[UNK]", 0, 0, 6}}},
	{name: "control characters are deleted", in: "a\x00b\x07c\u200bd",
		wantNorms: []string{"abcd"},
		wantToks:  []tok{{"abc", 0, 0, 8}, {"##d", 0, 8, 9}}},
	{name: "vertical tab is deleted", in: "a\vb",
		wantNorms: []string{"ab"},
		wantToks:  []tok{{"ab", 0, 0, 3}}},
	{name: "no-break space splits", in: "a\u00a0b",
		wantNorms: []string{"a", "b"},
		wantToks:  []tok{{"a", 0, 0, 1}, {"b", 1, 3, 4}}},
	{name: "invalid byte at end", in: "ok \xff",
		wantNorms: []string{"ok"},
		wantToks:  []tok{{"ok", 0, 0, 2}}},
	{name: "invalid byte at start", in: "\xffabc",
		wantNorms: []string{"abc"},
		wantToks:  []tok{{"abc", 0, 1, 4}}},
	{name: "invalid byte splits", in: "ab\xc3cd",
		wantNorms: []string{"ab", "cd"},
		wantToks:  []tok{{"ab", 0, 0, 2}, {"cd", 1, 3, 5}}},
	{name: "replacement character is deleted", in: "a\ufffdb",
		wantNorms: []string{"ab"},
		wantToks:  []tok{{"ab", 0, 0, 5}}},
	{name: "101 characters", in: strings.Repeat("a", 101),
		wantNorms: []string{strings.Repeat("a", 101)},
		wantToks:  []tok{{"[UNK]", 0, 0, 101}}},
	{name: "101 characters after normalization", in: strings.Repeat("é", 100) + "e",
		wantNorms: []string{strings.Repeat("e", 101)},
		wantToks:  []tok{{"[UNK]", 0, 0, 201}}},
	{name: "digits", in: "12345 3.14",
		wantNorms: []string{"12345", "3", ".", "14"},
		wantToks:  []tok{{"123", 0, 0, 3}, {"##45", 0, 3, 5}, {"3", 1, 6, 7}, {".", 2, 7, 8}, {"14", 3, 8, 10}}},
	{name: "letters and digits", in: "id10t",
		wantNorms: []string{"id10t"},
		wantToks:  []tok{{"id", 0, 0, 2}, {"##10", 0, 2, 4}, {"##t", 0, 4, 5}}},
	{name: "apostrophes", in: "don't it’s",
		wantNorms: []string{"don", "'", "t", "it", "’", "s"},
		wantToks:  []tok{{"don", 0, 0, 3}, {"'", 1, 3, 4}, {"t", 2, 4, 5}, {"it", 3, 6, 8}, {"’", 4, 8, 11}, {"s", 5, 11, 12}}},
	{name: "URL", in: "https://example.com/a?b=1",
		wantNorms: []string{"https", ":", "/", "/", "example", ".", "com", "/", "a", "?", "b", "=", "1"},
		wantToks: []tok{{"https", 0, 0, 5}, {":", 1, 5, 6}, {"/", 2, 6, 7}, {"/", 3, 7, 8}, {"example", 4, 8, 15},
			{".", 5, 15, 16}, {"com", 6, 16, 19}, {"/", 7, 19, 20}, {"a", 8, 20, 21}, {"?", 9, 21, 22},
			{"b", 10, 22, 23}, {"=", 11, 23, 24}, {"1", 12, 24, 25}}},
	{name: "mention", in: "@user_name hi",
		wantNorms: []string{"@", "user", "_", "name", "hi"},
		wantToks:  []tok{{"@", 0, 0, 1}, {"user", 1, 1, 5}, {"_", 2, 5, 6}, {"name", 3, 6, 10}, {"hi", 4, 11, 13}}},
	{name: "unicode punctuation", in: "«hi»",
		wantNorms: []string{"«", "hi", "»"},
		wantToks:  []tok{{"«", 0, 0, 2}, {"hi", 1, 2, 4}, {"»", 2, 4, 6}}},
	{name: "special tokens are plain text", in: "[SEP]",
		wantNorms: []string{"[", "sep", "]"},
		wantToks:  []tok{{"[", 0, 0, 1}, {"sep", 1, 1, 4}, {"]", 2, 4, 5}}},
	{name: "greek upper case", in: "Ω",
		wantNorms: []string{"ω"},
		wantToks:  []tok{{"ω", 0, 0, 2}}},
	{name: "dotted capital I", in: "İstanbul",
		wantNorms: []string{"istanbul"},
		wantToks:  []tok{{"istanbul", 0, 0, 9}}},
	{name: "lower case is longer", in: "Ⱥb",
		wantNorms: []string{"ⱥb"},
		wantToks:  []tok{{"[UNK]", 0, 0, 3}}},
}

func TestEncode(t *testing.T) {
	tk, _ := load(t)
	for _, tt := range encodeTests {
		t.Run(tt.name, func(t *testing.T) {
			var enc Encoding
			tk.Encode(tt.in, &enc)
			norms, toks := readable(tk, &enc)
			if diff := cmp.Diff(tt.wantNorms, norms); diff != "" {
				t.Errorf("Encode(%q) words (-want +got):\n%s", tt.in, diff)
			}
			if diff := cmp.Diff(tt.wantToks, toks); diff != "" {
				t.Errorf("Encode(%q) tokens (-want +got):\n%s", tt.in, diff)
			}
			checkInvariants(t, tk, tt.in, &enc)
		})
	}
}

// checkInvariants checks what must hold for every input: offsets in range
// and non-decreasing, tokens inside their words, ids in the vocabulary.
func checkInvariants(t *testing.T, tk *Tokenizer, text string, enc *Encoding) {
	t.Helper()
	prevStart, prevEnd := int32(0), int32(0)
	for i, w := range enc.Words {
		if w.Start < prevEnd || w.Start >= w.End || int(w.End) > len(text) {
			t.Fatalf("Encode(%q): word %d = [%d,%d), previous ends at %d", text, i, w.Start, w.End, prevEnd)
		}
		if enc.Norm(i) == "" {
			t.Fatalf("Encode(%q): word %d has empty normalized text", text, i)
		}
		prevEnd = w.End
	}
	prevEnd = 0
	prevWord := int32(-1)
	for i, tok := range enc.Tokens {
		if tok.ID < 0 || int(tok.ID) >= len(tk.Vocab()) {
			t.Fatalf("Encode(%q): token %d id = %d, out of range", text, i, tok.ID)
		}
		if tok.Word < prevWord || tok.Word > prevWord+1 || int(tok.Word) >= len(enc.Words) {
			t.Fatalf("Encode(%q): token %d word = %d after %d", text, i, tok.Word, prevWord)
		}
		w := enc.Words[tok.Word]
		if tok.Start < prevStart || tok.End < prevEnd || tok.Start >= tok.End || tok.Start < w.Start || tok.End > w.End {
			t.Fatalf("Encode(%q): token %d = [%d,%d) in word [%d,%d), previous [%d,%d)", text, i, tok.Start, tok.End, w.Start, w.End, prevStart, prevEnd)
		}
		prevWord, prevStart, prevEnd = tok.Word, tok.Start, tok.End
	}
	if len(enc.Words) > 0 && int(prevWord) != len(enc.Words)-1 {
		t.Fatalf("Encode(%q): last token is in word %d of %d", text, prevWord, len(enc.Words))
	}
}

func TestNew(t *testing.T) {
	if _, err := New([]string{"a", "b"}); err == nil {
		t.Error("New without [UNK] = nil error, want error")
	}
	tk, err := New([]string{"[UNK]", "play", "##ing", "##s", "!"})
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	if got := tk.UnknownID(); got != 0 {
		t.Errorf("UnknownID() = %d, want 0", got)
	}
	if id, ok := tk.ID("##ing"); id != 2 || !ok {
		t.Errorf("ID(##ing) = %d, %v, want 2, true", id, ok)
	}
	if _, ok := tk.ID("nope"); ok {
		t.Error("ID(nope) ok = true, want false")
	}
	for _, tc := range []struct {
		id   int32
		want string
	}{{1, "play"}, {-1, ""}, {5, ""}} {
		if got := tk.Token(tc.id); got != tc.want {
			t.Errorf("Token(%d) = %q, want %q", tc.id, got, tc.want)
		}
	}
	got := tk.Tokenize("Playings! plays? x")
	want := []Token{{1, 0, 0, 4}, {2, 0, 4, 7}, {3, 0, 7, 8}, {4, 1, 8, 9}, {1, 2, 10, 14}, {3, 2, 14, 15}, {0, 3, 15, 16}, {0, 4, 17, 18}}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("Tokenize (-want +got):\n%s", diff)
	}
}

func TestParseVocab(t *testing.T) {
	got, err := ParseVocab(strings.NewReader("[PAD]\r\n[UNK]\nhello\n##s\n"))
	if err != nil {
		t.Fatalf("ParseVocab: %v", err)
	}
	if diff := cmp.Diff([]string{"[PAD]", "[UNK]", "hello", "##s"}, got); diff != "" {
		t.Errorf("ParseVocab (-want +got):\n%s", diff)
	}
}

func TestCacheDoesNotChangeOutput(t *testing.T) {
	tk, _ := load(t)
	uncached, err := NewWithOptions(tk.Vocab(), Options{CacheSize: -1})
	if err != nil {
		t.Fatalf("NewWithOptions: %v", err)
	}
	// A tiny cache is emptied over and over, exercising eviction.
	tiny, err := NewWithOptions(tk.Vocab(), Options{CacheSize: 1})
	if err != nil {
		t.Fatalf("NewWithOptions: %v", err)
	}
	text := "Unbelievably, the hyperventilating moderators re-moderated everything twice; unbelievably!"
	for range 3 {
		want := uncached.Tokenize(text)
		for _, other := range []*Tokenizer{tk, tiny} {
			if diff := cmp.Diff(want, other.Tokenize(text)); diff != "" {
				t.Fatalf("cached output differs (-uncached +cached):\n%s", diff)
			}
		}
	}
}

func TestNormBounds(t *testing.T) {
	var enc Encoding
	if got := enc.Norm(0); got != "" {
		t.Errorf("Norm(0) on empty encoding = %q, want \"\"", got)
	}
	if got := enc.NormBytes(-1); got != nil {
		t.Errorf("NormBytes(-1) = %q, want nil", got)
	}
}
