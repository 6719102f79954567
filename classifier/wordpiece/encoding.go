package wordpiece

import (
	"unsafe"

	"github.com/tribune/tribune/classifier/textnorm"
)

// Token is one word piece: its vocabulary id, the index of the word it came
// from in Encoding.Words, and its byte offsets [Start, End) in the original
// input text.
//
// Offsets cover whole original runes. When one original rune normalizes to
// several runes (a Hangul syllable decomposes into jamo) and a piece boundary
// falls between them, both pieces cover that rune, so consecutive tokens may
// overlap; Start and End are still non-decreasing.
type Token struct {
	ID    int32
	Word  int32
	Start int32
	End   int32
}

// Word is one pre-tokenized word (a run of letters and digits, a single
// punctuation character, or a single CJK character), with byte offsets
// [Start, End) in the original text. A word may span dropped characters, such
// as control characters or combining marks, that sit inside it.
type Word struct {
	Start int32
	End   int32
}

// wordNorm locates a word's normalized bytes in Encoding.norm and, for words
// whose normalized bytes do not map one to one onto the original bytes, its
// entries in Encoding.origStart and Encoding.origEnd.
type wordNorm struct {
	start, end int32
	// mapOff is the index of the word's first byte in origStart/origEnd, or -1
	// when normalized byte i comes from original byte Word.Start+i (plain
	// ASCII), which is by far the common case and needs no table.
	mapOff int32
}

// Encoding is reusable output storage; Encode resets and refills it, reusing
// its memory, so encoding many texts into one Encoding does not allocate once
// it has grown large enough.
type Encoding struct {
	// Tokens are the word pieces in text order.
	Tokens []Token
	// Words are the pre-tokenized words in text order; every word yields at
	// least one token.
	Words []Word

	norm      []byte
	words     []wordNorm
	origStart []int32
	origEnd   []int32
	// fold holds the folded text when the Tokenizer folds.
	fold textnorm.Text
	// hash holds each word's wordTable hash while encoding (allPieces); touched what reading
	// their table lines found, kept so that the reads are not optimized away.
	hash    []uint64
	touched uint8
}

// reset empties e, keeping its memory.
func (e *Encoding) reset() {
	e.Tokens = e.Tokens[:0]
	e.Words = e.Words[:0]
	e.norm = e.norm[:0]
	e.words = e.words[:0]
	e.origStart = e.origStart[:0]
	e.origEnd = e.origEnd[:0]
}

// Norm returns the normalized (lower-cased, accent-stripped) text of word i,
// or "" if i is out of range. It does not allocate: the string shares memory
// with e and is valid only until the next Encode into e, which overwrites it.
// Use strings.Clone to keep it longer (for example as a map key).
func (e *Encoding) Norm(i int) string {
	if i < 0 || i >= len(e.words) {
		return ""
	}
	w := e.words[i]
	if w.end <= w.start {
		return ""
	}
	return unsafe.String(&e.norm[w.start], int(w.end-w.start))
}

// NormBytes is like Norm but returns a slice of e's internal storage, which
// the caller must not modify and which is valid until the next Encode into e.
func (e *Encoding) NormBytes(i int) []byte {
	if i < 0 || i >= len(e.words) {
		return nil
	}
	w := e.words[i]
	return e.norm[w.start:w.end:w.end]
}
