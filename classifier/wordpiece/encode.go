package wordpiece

import (
	"math"

	"github.com/tribune/tribune/classifier/textnorm"
	"unicode"
	"unicode/utf8"
)

// builder holds the state of one Encode call: the word being assembled.
type builder struct {
	t   *Tokenizer
	enc *Encoding
	// inWord reports whether a word is open; start and end are its original
	// byte offsets so far, normStart its first byte in enc.norm.
	inWord     bool
	start, end int
	normStart  int
	// mapOff is the word's first entry in enc.origStart/origEnd, or -1 while
	// normalized byte k of the word still comes from original byte start+k.
	mapOff int
}

// Encode splits text into words and word pieces and stores them in enc,
// replacing its previous contents. It accepts any input, including invalid
// UTF-8, and never panics. Only the first math.MaxInt32 bytes of text are
// read, because offsets are int32.
func (t *Tokenizer) Encode(text string, enc *Encoding) {
	if !t.fold || textnorm.Unchanged(text) {
		// Most comments are plain ASCII that folding would only lower-case,
		// which encode does anyway.
		t.encode(text, enc)
		return
	}
	enc.fold.Fold(text)
	t.encode(enc.fold.String(), enc)
	// Offsets so far are in the folded text; every word and token covers at
	// least one folded byte, which maps back to a range of the original.
	for i, w := range enc.Words {
		s, e := enc.fold.Orig(int(w.Start), int(w.End))
		enc.Words[i] = Word{Start: int32(s), End: int32(e)}
	}
	for i, tok := range enc.Tokens {
		s, e := enc.fold.Orig(int(tok.Start), int(tok.End))
		enc.Tokens[i].Start, enc.Tokens[i].End = int32(s), int32(e)
	}
}

// encode is Encode without folding.
func (t *Tokenizer) encode(text string, enc *Encoding) {
	enc.reset()
	if len(text) > math.MaxInt32 {
		text = text[:math.MaxInt32]
	}
	b := builder{t: t, enc: enc}
	for i := 0; i < len(text); {
		switch asciiClass[text[i]] {
		case cWord:
			j := i + 1
			for j < len(text) && asciiClass[text[j]] == cWord {
				j++
			}
			b.appendASCII(text[i:j], i)
			i = j
		case cSpace:
			b.flush()
			i++
		case cPunct:
			b.flush()
			b.appendASCII(text[i:i+1], i)
			b.flush()
			i++
		case cDrop:
			b.extend(i + 1)
			i++
		default:
			r, size := utf8.DecodeRuneInString(text[i:])
			if r == utf8.RuneError && size == 1 {
				// An invalid byte separates words; dropping only it keeps the
				// rest of the text, unlike the library.
				b.flush()
			} else {
				b.appendRune(text[i:i+size], r, i)
			}
			i += size
		}
	}
	b.flush()
	t.allPieces(enc)
}

// appendASCII appends the ASCII word bytes s, found at original offset pos,
// to the open word, starting one if needed.
func (b *builder) appendASCII(s string, pos int) {
	b.open(pos)
	enc := b.enc
	if b.mapOff < 0 && pos != b.start+len(enc.norm)-b.normStart {
		// Something was deleted inside the word, so byte positions no longer
		// line up with the original text.
		b.toMapped()
	}
	n := len(enc.norm)
	enc.norm = append(enc.norm, s...)
	for k, c := range enc.norm[n:] {
		enc.norm[n+k] = asciiLower[c]
	}
	if b.mapOff >= 0 {
		for k := range len(s) {
			enc.origStart = append(enc.origStart, int32(pos+k))
			enc.origEnd = append(enc.origEnd, int32(pos+k+1))
		}
	}
	b.end = pos + len(s)
}

// appendRune handles the valid non-ASCII rune r whose encoding s starts at
// original offset pos.
func (b *builder) appendRune(s string, r rune, pos int) {
	switch {
	case isControl(r):
		b.extend(pos + len(s))
		return
	case unicode.IsSpace(r):
		b.flush()
		return
	case isCJK(r):
		b.flush()
		b.appendNormalized(s, r, pos)
		b.flush()
		return
	}
	b.appendNormalized(s, r, pos)
}

// appendNormalized lower-cases r, decomposes it, drops its non-spacing marks
// (accents) and appends what is left to the open word, splitting off
// punctuation that the decomposition yields.
func (b *builder) appendNormalized(s string, r rune, pos int) {
	var buf [64]byte
	lower := unicode.ToLower(r)
	dec := decompose(buf[:0], lower)
	if d, n := utf8.DecodeRune(dec); n == len(dec) && n == len(s) {
		// One rune of the original's length: byte positions still line up,
		// so the word can keep its implicit mapping.
		if isPunct(d) {
			b.flush()
			b.appendSame(dec, pos)
			b.flush()
			return
		}
		if unicode.Is(unicode.Mn, d) {
			b.extend(pos + len(s))
		} else {
			b.appendSame(dec, pos)
		}
		return
	}
	for len(dec) > 0 {
		d, n := utf8.DecodeRune(dec)
		piece := dec[:n]
		dec = dec[n:]
		switch {
		case unicode.Is(unicode.Mn, d):
			continue
		case isPunct(d):
			b.flush()
			b.appendMapped(piece, pos, len(s))
			b.flush()
		default:
			b.appendMapped(piece, pos, len(s))
		}
	}
}

// appendSame appends the normalized rune bytes p, which have the length of
// the original rune at pos.
func (b *builder) appendSame(p []byte, pos int) {
	b.open(pos)
	enc := b.enc
	if b.mapOff < 0 && pos != b.start+len(enc.norm)-b.normStart {
		b.toMapped()
	}
	enc.norm = append(enc.norm, p...)
	if b.mapOff >= 0 {
		for range p {
			enc.origStart = append(enc.origStart, int32(pos))
			enc.origEnd = append(enc.origEnd, int32(pos+len(p)))
		}
	}
	b.end = pos + len(p)
}

// appendMapped appends the normalized rune bytes p that came from the
// original rune at [pos, pos+size), recording the mapping explicitly.
func (b *builder) appendMapped(p []byte, pos, size int) {
	b.open(pos)
	if b.mapOff < 0 {
		b.toMapped()
	}
	enc := b.enc
	enc.norm = append(enc.norm, p...)
	for range p {
		enc.origStart = append(enc.origStart, int32(pos))
		enc.origEnd = append(enc.origEnd, int32(pos+size))
	}
	b.end = pos + size
}

// extend makes the last character of the open word also cover the deleted
// original bytes up to end (a control character or a lone combining mark), so
// that "e" followed by U+0301 maps back to both runes, as a precomposed "é"
// does.
func (b *builder) extend(end int) {
	if !b.inWord || len(b.enc.norm) == b.normStart {
		return
	}
	if b.mapOff < 0 {
		b.toMapped()
	}
	b.enc.origEnd[len(b.enc.origEnd)-1] = int32(end)
	b.end = end
}

// open starts a word at original offset pos unless one is open.
func (b *builder) open(pos int) {
	if b.inWord {
		return
	}
	b.inWord = true
	b.start = pos
	b.end = pos
	b.normStart = len(b.enc.norm)
	b.mapOff = -1
}

// toMapped switches the open word to an explicit byte mapping, filling in the
// implicit one for the bytes appended so far.
func (b *builder) toMapped() {
	enc := b.enc
	b.mapOff = len(enc.origStart)
	for k := range len(enc.norm) - b.normStart {
		enc.origStart = append(enc.origStart, int32(b.start+k))
		enc.origEnd = append(enc.origEnd, int32(b.start+k+1))
	}
}

// flush closes the open word, if any; encode splits the words into pieces at the end.
func (b *builder) flush() {
	if !b.inWord {
		return
	}
	b.inWord = false
	enc := b.enc
	if len(enc.norm) == b.normStart {
		// Everything in it was dropped (only accents, say): no word.
		return
	}
	enc.Words = append(enc.Words, Word{Start: int32(b.start), End: int32(b.end)})
	enc.words = append(enc.words, wordNorm{start: int32(b.normStart), end: int32(len(enc.norm)), mapOff: int32(b.mapOff)})
}
