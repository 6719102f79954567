package wordpiece

import (
	"os"
	"strings"
	"sync"
	"testing"
	"unicode"
	"unicode/utf8"

	"github.com/sugarme/tokenizer"
	"github.com/sugarme/tokenizer/pretrained"
)

// vocabPath is the bert-base-uncased vocabulary shipped in models/.
const vocabPath = "../../models/bert-base-uncased-vocab.txt"

var (
	loadOnce sync.Once
	testTok  *Tokenizer
	libTok   *tokenizer.Tokenizer
	loadErr  error
)

// load reads the vocabulary and builds both tokenizers once. The library's
// constructor changes the working directory while it runs, so nothing else
// may read files at the same time; sync.Once serializes it with our own
// vocabulary read.
func load(t testing.TB) (*Tokenizer, *tokenizer.Tokenizer) {
	t.Helper()
	loadOnce.Do(func() {
		f, err := os.Open(vocabPath)
		if err != nil {
			loadErr = err
			return
		}
		defer f.Close()
		vocab, err := ParseVocab(f)
		if err != nil {
			loadErr = err
			return
		}
		testTok, loadErr = New(vocab)
		if loadErr != nil {
			return
		}
		libTok = pretrained.BertBaseUncased()
	})
	if loadErr != nil {
		t.Fatalf("load tokenizers: %v", loadErr)
	}
	return testTok, libTok
}

// libraryEncode runs the library's full pipeline without special tokens. ok
// is false when it fails or panics.
func libraryEncode(lib *tokenizer.Tokenizer, text string) (ids []int, offsets [][]int, ok bool) {
	defer func() {
		if recover() != nil {
			ok = false
		}
	}()
	en, err := lib.EncodeSingle(text, false)
	if err != nil {
		return nil, nil, false
	}
	return en.Ids, en.Offsets, true
}

// libraryClean reports whether the library is expected to tokenize text
// correctly, so that our output must equal its output. The library is known
// to go wrong on:
//
//   - invalid UTF-8 (it panics or repeats text);
//   - "[CLS]", "[SEP]" and "[MASK]", which it turns into special tokens;
//   - runes with a canonical decomposition after lower-casing (é, ñ, Hangul
//     syllables, ...): it never decomposes, so its accent stripping only
//     removes marks that were already separate, and accented words become
//     [UNK];
//   - runes whose lower-case form has a different UTF-8 length (İ, Ⱥ): it
//     lower-cases without updating its offset table and then slices the
//     string at stale offsets (it panics or garbles the text);
//   - non-ASCII runes that it deletes (Cc, Cf and U+FFFD, such as U+2066
//     LEFT-TO-RIGHT ISOLATE or U+200D ZERO WIDTH JOINER): its offset table
//     counts them as one byte, and with several of them in a text it
//     repeats whole stretches of text;
//   - non-ASCII White_Space runes (U+00A0, U+2028, ...): it only splits
//     on space, tab, CR and LF, gluing the neighbouring words together;
//   - CJK Extension A ideographs (U+3400..U+4DBF): its CJK range table
//     lists them after U+4E00..U+9FFF, but unicode.Is scans short tables
//     linearly and stops at the first range above the rune, so it never
//     splits them off as words;
//   - combining marks (Mn) or CJK characters in a text that also has a
//     deleted ASCII control character: its mark filter and CJK padding then
//     work on a stale offset table, so "\x18\u0301" makes it fail and
//     "本藥未\x10" gets an extra [UNK].
//
// Lone combining marks (category Mn) are otherwise fine: the library deletes
// them as we do.
func libraryClean(text string) bool {
	if !utf8.ValidString(text) {
		return false
	}
	for _, special := range []string{"[CLS]", "[SEP]", "[MASK]"} {
		if strings.Contains(text, special) {
			return false
		}
	}
	var buf [64]byte
	var control, shifts bool
	for _, r := range text {
		if r < utf8.RuneSelf {
			control = control || isControl(r) && r != '\t' && r != '\n' && r != '\r'
			continue
		}
		if r >= 0x3400 && r <= 0x4dbf {
			return false
		}
		shifts = shifts || unicode.Is(unicode.Mn, r) || isCJK(r)
		lower := unicode.ToLower(r)
		if utf8.RuneLen(lower) != utf8.RuneLen(r) || isControl(r) || unicode.IsSpace(r) {
			return false
		}
		if d := decompose(buf[:0], lower); string(d) != string(lower) {
			return false
		}
	}
	return !(control && shifts)
}
