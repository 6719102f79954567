// Package wordpiece is a fast, allocation-light BERT-uncased WordPiece
// tokenizer.
//
// It reproduces the token ids of github.com/sugarme/tokenizer's
// pretrained.BertBaseUncased pipeline (BertNormalizer with clean text,
// lower-casing, CJK splitting and accent stripping, then BertPreTokenizer and
// WordPiece with a 100-character limit, the "##" continuation prefix and
// [UNK]) on valid, accent-free text, in one pass over the input bytes and
// typically without allocating. Where that library is wrong this package
// follows the reference BERT tokenizer instead:
//
//   - Accents are stripped by decomposing each rune (NFD) and dropping
//     non-spacing marks (Mn), so "café" becomes "cafe" rather than [UNK].
//   - Invalid UTF-8 bytes act as word separators and are dropped; the rest of
//     the text is kept (the library panics or repeats text).
//   - Every Unicode White_Space rune (such as U+00A0 NO-BREAK SPACE) separates
//     words; the library only splits on space, tab, CR and LF.
//   - CJK Extension A ideographs (U+3400..U+4DBF) are split off as words,
//     like the other CJK blocks; the library's range table is unsorted, so
//     it misses them.
//   - Deleted characters (controls, lone combining marks) never shift or
//     repeat the text around them.
//   - Literal "[CLS]", "[SEP]" and "[MASK]" in the text are ordinary text, not
//     special tokens, because comment text is untrusted.
//   - Token offsets are byte offsets into the original text, also for
//     non-ASCII text.
//
// It keeps the library's choices where they differ from Hugging Face's BERT
// only in rare corners: only categories Cc and Cf (plus U+FFFD) are deleted,
// not private-use or unassigned code points, and lower-casing is per rune,
// without the context-dependent final sigma.
package wordpiece

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"math"
	"strings"
)

// Fixed WordPiece parameters of bert-base-uncased.
const (
	// UnknownToken is the token emitted for words that cannot be split.
	UnknownToken = "[UNK]"
	// ContinuationPrefix marks a piece that continues a word.
	ContinuationPrefix = "##"
	// MaxWordChars is the longest word, in runes after normalization, that is
	// split into pieces; longer words become a single [UNK].
	MaxWordChars = 100
)

// DefaultCacheSize is the number of words the piece cache holds when
// Options.CacheSize is zero. Words that are whole vocabulary tokens never
// enter the cache, so this only has to cover the long tail.
const DefaultCacheSize = 1 << 16

// Options configures a Tokenizer built by NewWithOptions.
type Options struct {
	// CacheSize bounds the number of words whose pieces are cached. Zero
	// means DefaultCacheSize; a negative value disables the cache. The cache
	// never changes the output, only the speed.
	CacheSize int
	// Fold folds the text with textnorm before tokenizing it (lookalike
	// letters, invisible characters, leetspeak, spaced-out spelling), so
	// disguised words meet the plain ones. Offsets still refer to the
	// original text. Off by default, which keeps the library's token ids.
	Fold bool
}

// Tokenizer splits text into BERT-uncased WordPiece tokens. It is immutable
// apart from its internal cache and safe for concurrent use by many
// goroutines.
type Tokenizer struct {
	vocab []string
	// ids maps every token to its id; it serves whole words and first pieces.
	ids map[string]int32
	// cont maps continuation tokens, without their "##" prefix, to their ids,
	// so a piece can be looked up straight from the word's bytes.
	cont map[string]int32
	// words holds the short keys of ids for the whole-word lookup.
	words *wordTable
	// maxFirst and maxCont are the longest keys, in bytes, of ids and cont;
	// no longer piece can match, so the greedy search starts there.
	maxFirst, maxCont int
	unk               int32
	cache             *cache
	fold              bool
}

// New returns a Tokenizer for vocab, where vocab[i] is the token with id i.
// The vocabulary must contain [UNK]. It uses the default cache size.
func New(vocab []string) (*Tokenizer, error) {
	return NewWithOptions(vocab, Options{})
}

// NewWithOptions is like New but lets the caller size or disable the cache.
func NewWithOptions(vocab []string, opts Options) (*Tokenizer, error) {
	if len(vocab) > math.MaxInt32 {
		return nil, fmt.Errorf("wordpiece: vocabulary has %d tokens, more than %d", len(vocab), math.MaxInt32)
	}
	t := &Tokenizer{
		vocab: append([]string(nil), vocab...),
		ids:   make(map[string]int32, len(vocab)),
		cont:  make(map[string]int32),
	}
	// A later duplicate overwrites an earlier one, as in the library, which
	// fills its map line by line.
	for i, tok := range t.vocab {
		t.ids[tok] = int32(i)
		t.maxFirst = max(t.maxFirst, len(tok))
		if rest, ok := strings.CutPrefix(tok, ContinuationPrefix); ok && rest != "" {
			t.cont[rest] = int32(i)
			t.maxCont = max(t.maxCont, len(rest))
		}
	}
	unk, ok := t.ids[UnknownToken]
	if !ok {
		return nil, errors.New("wordpiece: vocabulary has no [UNK] token")
	}
	t.unk = unk
	t.words = newWordTable(t.ids)
	size := opts.CacheSize
	if size == 0 {
		size = DefaultCacheSize
	}
	if size > 0 {
		t.cache = newCache(size)
	}
	t.fold = opts.Fold
	return t, nil
}

// WithFold returns a Tokenizer like t that folds text (see Options.Fold) or
// not. It shares t's vocabulary and cache, which map normalized words to
// pieces whichever way the words were found, so it is cheap.
func (t *Tokenizer) WithFold(fold bool) *Tokenizer {
	if t.fold == fold {
		return t
	}
	c := *t
	c.fold = fold
	return &c
}

// Folds reports whether t folds text before tokenizing it.
func (t *Tokenizer) Folds() bool { return t.fold }

// ParseVocab reads a vocabulary with one token per line; the line number,
// counting from zero, is the token's id. A trailing carriage return is
// removed from each line.
func ParseVocab(r io.Reader) ([]string, error) {
	var vocab []string
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 64*1024), 16*1024*1024)
	for sc.Scan() {
		vocab = append(vocab, sc.Text())
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("wordpiece: read vocabulary: %w", err)
	}
	return vocab, nil
}

// Vocab returns the vocabulary, indexed by id. The caller must not modify it.
func (t *Tokenizer) Vocab() []string { return t.vocab }

// ID returns the id of token and whether the vocabulary contains it.
func (t *Tokenizer) ID(token string) (int32, bool) {
	id, ok := t.ids[token]
	return id, ok
}

// Token returns the token with the given id, or "" if id is out of range.
func (t *Tokenizer) Token(id int32) string {
	if id < 0 || int(id) >= len(t.vocab) {
		return ""
	}
	return t.vocab[id]
}

// UnknownID returns the id of [UNK].
func (t *Tokenizer) UnknownID() int32 { return t.unk }

// Tokenize returns the tokens of text in a newly allocated slice. Use Encode
// with a reused Encoding to avoid allocating.
func (t *Tokenizer) Tokenize(text string) []Token {
	var enc Encoding
	t.Encode(text, &enc)
	return enc.Tokens
}
