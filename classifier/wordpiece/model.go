package wordpiece

import "unicode/utf8"

// piece is one WordPiece of a normalized word: its id and the end of its
// bytes in the normalized word (it starts where the previous piece ended).
type piece struct {
	id  int32
	end int32
}

// allPieces splits every word of enc into tokens. It first hashes each word short enough for
// the whole-word table and reads the table line the search starts at, with nothing waiting on
// what it reads, so that the cache misses of all the words are in flight together; then the
// searches, one word after another, find their lines in cache. Searching word by word, each
// miss stalled the found-or-not branch after it.
func (t *Tokenizer) allPieces(enc *Encoding) {
	enc.hash = enc.hash[:0]
	var touched uint8
	for _, wn := range enc.words {
		var h uint64
		if n := wn.end - wn.start; n > 0 && n <= wordKeyMax {
			h = t.words.hash(enc.norm[wn.start:wn.end])
			touched |= t.words.entries[uint32(h)&t.words.mask].n
		}
		enc.hash = append(enc.hash, h)
	}
	enc.touched = touched // keeps the reads
	for wi := range enc.words {
		t.pieces(enc, wi)
	}
}

// pieces splits word wi of enc into tokens and appends them to enc.Tokens. For a word of at
// most wordKeyMax bytes, enc.hash[wi] is its wordTable hash.
func (t *Tokenizer) pieces(enc *Encoding, wi int) {
	wn := enc.words[wi]
	w := enc.norm[wn.start:wn.end]
	if len(w) > MaxWordChars && utf8.RuneCount(w) > MaxWordChars {
		t.emit(enc, wi, []piece{{id: t.unk, end: int32(len(w))}})
		return
	}
	// Most words are whole vocabulary tokens; the greedy search would find
	// them with its first lookup, so they skip the cache.
	if len(w) <= wordKeyMax {
		if id, ok := t.words.lookupHash(w, enc.hash[wi]); ok {
			t.emit1(enc, wi, id)
			return
		}
	} else if len(w) <= t.maxFirst {
		if id, ok := t.ids[string(w)]; ok {
			t.emit1(enc, wi, id)
			return
		}
	}
	if t.cache != nil {
		if ps, ok := t.cache.get(w); ok {
			t.emit(enc, wi, ps)
			return
		}
	}
	var buf [16]piece
	ps := t.split(w, buf[:0])
	if t.cache != nil {
		t.cache.put(w, ps)
	}
	t.emit(enc, wi, ps)
}

// split runs WordPiece's greedy longest-match-first search over the
// normalized word w, appending the pieces to dst. Like the library, it
// returns a single [UNK] covering the word when some position matches no
// token. The lookups use w's bytes directly: continuation tokens are keyed
// without their "##" prefix, so no string is built.
func (t *Tokenizer) split(w []byte, dst []piece) []piece {
	base := len(dst)
	for start := 0; start < len(w); {
		dict, longest := t.ids, t.maxFirst
		if start > 0 {
			dict, longest = t.cont, t.maxCont
		}
		end := min(len(w), start+longest)
		found := false
		for ; end > start; end-- {
			if end < len(w) && !utf8.RuneStart(w[end]) {
				// Pieces are whole runes, as in the library.
				continue
			}
			if id, ok := dict[string(w[start:end])]; ok {
				dst = append(dst, piece{id: id, end: int32(end)})
				found = true
				break
			}
		}
		if !found {
			return append(dst[:base], piece{id: t.unk, end: int32(len(w))})
		}
		start = end
	}
	return dst
}

// emit1 appends the single token id covering all of word wi.
func (t *Tokenizer) emit1(enc *Encoding, wi int, id int32) {
	w := enc.Words[wi]
	enc.Tokens = append(enc.Tokens, Token{ID: id, Word: int32(wi), Start: w.Start, End: w.End})
}

// emit appends the tokens for pieces ps of word wi, translating normalized
// byte offsets back to original ones.
func (t *Tokenizer) emit(enc *Encoding, wi int, ps []piece) {
	w := enc.Words[wi]
	wn := enc.words[wi]
	prev := int32(0)
	for _, p := range ps {
		tok := Token{ID: p.id, Word: int32(wi)}
		if wn.mapOff < 0 {
			tok.Start, tok.End = w.Start+prev, w.Start+p.end
		} else {
			tok.Start = enc.origStart[wn.mapOff+prev]
			tok.End = enc.origEnd[wn.mapOff+p.end-1]
		}
		enc.Tokens = append(enc.Tokens, tok)
		prev = p.end
	}
}
