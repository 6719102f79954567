// Package textnorm folds comment text for matching and featurising, so that
// disguised spellings of a word meet the word itself. The classifier's
// tokenizer and the moderation policy's word lists use the same folding.
//
// Fold applies, in order:
//
//  1. Characters: NFKC-style compatibility folding (fullwidth, mathematical
//     and ligature forms become plain letters), lower-casing, removal of
//     accents (non-spacing marks) and of default-ignorable code points (zero-
//     width spaces and joiners, the soft hyphen, bidi controls, variation
//     selectors, tags), which are deleted without splitting the word, and the
//     Latin letters without a decomposition (æ→ae, ß→ss, ł→l, small capitals)
//     as moderation's word lists always folded them. Invalid UTF-8 bytes
//     become spaces.
//  2. Spaced-out spelling: three or more single letters separated by the same
//     single space, dot, dash or underscore ("i d i o t", "f.u.c.k") join into
//     one word. Two single letters ("a b") or a run broken by a longer word
//     ("I am a") stay apart.
//  3. Lookalike letters (confusables): in a word that mixes Latin letters with
//     Greek, Cyrillic, Armenian or Cherokee letters that all look like Latin
//     ones, those letters become the Latin letter ("іdіot" with Cyrillic і →
//     "idiot"). A word with no Latin letter at all is left alone (it is
//     Russian, Greek, ... text), unless every one of its letters is a
//     lookalike and most of the text's word characters are in Latin words
//     ("аѕѕ" in an English sentence).
//  4. Leetspeak, in words whose letters are all Latin: 0→o, 1→i (a run of
//     two or more 1s → l), 3→e, 4→a, 5→s, 7→t, @→a, $→s, !→i, only where the
//     result is plausibly a word, so that numbers, ordinals, units and names
//     such as "2024", "4th", "5km", "covid19", "mp3" or "b2b" are kept. See
//     foldLeet for the exact rule.
//
// Every folded byte remembers the byte range of the original text it came
// from, so a folded word can be traced back to the characters that made it.
// Fold is idempotent: folding folded text changes nothing.
package textnorm

import (
	"unicode"
	"unicode/utf8"
	"unsafe"
)

// MaxBytes is the longest input Fold reads; the rest is ignored. Offsets are
// int32, and folding can lengthen text (one ligature becomes several letters).
const MaxBytes = 1 << 26

// Text is one folded text with the mapping of its bytes back to the original
// text. The zero value is ready to use; Fold reuses its memory, so folding
// many texts into one Text does not allocate once it has grown. A Text is not
// safe for concurrent use.
type Text struct {
	out        []byte
	start, end []int32 // original byte range of each byte of out

	// The character pass's output, with its mapping and, for the bytes of a
	// non-Latin letter, the Latin letter it looks like (0 for none).
	a            []byte
	aStart, aEnd []int32
	aAlike       []byte

	toks   []token
	groups []group
	w      []wrune
}

// token is a run of word runes (letters, digits, marks and the leet
// symbols @ $ !) in the character pass's output.
type token struct {
	lo, hi  int32 // bytes in Text.a
	single  bool  // exactly one letter and nothing else
	latin   bool  // has a Latin letter
	other   bool  // has a letter of another script
	alike   bool  // every non-Latin letter has a Latin lookalike
	letters int32
	runes   int32
}

// group is one word to fold: a token, or a run of single-letter tokens
// spelled out with separators.
type group struct {
	first, last int32 // token indexes, inclusive
	latin       bool
	other       bool
	alike       bool
	runes       int32
}

// wrune is one rune of the word being folded, with its bytes in Text.a.
type wrune struct {
	r      rune
	lo, hi int32
	alike  byte
}

// Fold replaces t's contents with the folding of text.
func (t *Text) Fold(text string) {
	if len(text) > MaxBytes {
		text = text[:MaxBytes]
	}
	t.out, t.start, t.end = t.out[:0], t.start[:0], t.end[:0]
	t.a, t.aStart, t.aEnd, t.aAlike = t.a[:0], t.aStart[:0], t.aEnd[:0], t.aAlike[:0]
	t.toks, t.groups = t.toks[:0], t.groups[:0]
	t.normalize(text)
	t.segment()
	latinMost := t.group()
	t.emit(latinMost)
}

// Len returns the length of the folded text in bytes.
func (t *Text) Len() int { return len(t.out) }

// Bytes returns the folded text. It shares t's memory and is valid until the
// next Fold; the caller must not modify it.
func (t *Text) Bytes() []byte { return t.out[:len(t.out):len(t.out)] }

// String returns the folded text without copying it; like Bytes, it is valid
// only until the next Fold into t.
func (t *Text) String() string {
	if len(t.out) == 0 {
		return ""
	}
	return unsafe.String(&t.out[0], len(t.out))
}

// Orig returns the byte range [start, end) of the original text that folded
// bytes [i, j) came from. It requires 0 <= i < j <= t.Len().
func (t *Text) Orig(i, j int) (start, end int) {
	return int(t.start[i]), int(t.end[j-1])
}

// isSymbol reports whether r is one of the leet symbols that may sit inside
// a word.
func isSymbol(r rune) bool { return r == '@' || r == '$' || r == '!' }

// isWordRune reports whether r belongs to a word: letters, digits and marks
// (other than the non-spacing ones, already removed), plus the leet symbols.
func isWordRune(r rune) bool {
	if r < utf8.RuneSelf {
		return 'a' <= r && r <= 'z' || '0' <= r && r <= '9' || isSymbol(r) || 'A' <= r && r <= 'Z'
	}
	return unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.IsMark(r)
}

// segment splits t.a into word tokens and classifies their letters.
func (t *Text) segment() {
	a := t.a
	for i := 0; i < len(a); {
		r, n := utf8.DecodeRune(a[i:])
		if !isWordRune(r) || r == '!' || r == '@' && !startsWord(a[i+n:]) {
			i += n
			continue
		}
		tk := token{lo: int32(i), alike: true}
		for i < len(a) {
			r, n = utf8.DecodeRune(a[i:])
			if !isWordRune(r) || (r == '!' || r == '@') && !startsWord(a[i+n:]) {
				// A "!" or "@" that no letter or digit follows is
				// punctuation, not leetspeak ("wow!", "me@").
				break
			}
			tk.runes++
			switch {
			case r < utf8.RuneSelf:
				if 'a' <= r && r <= 'z' {
					tk.letters++
					tk.latin = true
				}
			case unicode.IsLetter(r):
				tk.letters++
				if unicode.Is(unicode.Latin, r) {
					tk.latin = true
				} else {
					tk.other = true
					if t.aAlike[i] == 0 {
						tk.alike = false
					}
				}
			}
			i += n
		}
		tk.hi = int32(i)
		tk.single = tk.runes == 1 && tk.letters == 1
		t.toks = append(t.toks, tk)
	}
}

// startsWord reports whether b starts with a letter, digit or leet symbol
// other than "!".
func startsWord(b []byte) bool {
	r, _ := utf8.DecodeRune(b)
	return isWordRune(r) && r != '!'
}

// spacer reports whether c may separate the letters of a spelled-out word.
func spacer(c byte) bool { return c == ' ' || c == '.' || c == '-' || c == '_' }

// group joins spelled-out runs of single letters and sorts the words into
// groups. It reports whether most word runes are in words with a Latin
// letter, counting each word as it will be after folding (a mixed word is
// Latin), so that the decision is the same when folded text is folded again.
func (t *Text) group() (latinMost bool) {
	var latinRunes, otherRunes int32
	for i := 0; i < len(t.toks); {
		j := i
		if t.toks[i].single {
			var sep byte
			for j+1 < len(t.toks) && t.toks[j+1].single {
				lo, hi := t.toks[j].hi, t.toks[j+1].lo
				if hi-lo != 1 || !spacer(t.a[lo]) || (sep != 0 && t.a[lo] != sep) {
					break
				}
				sep = t.a[lo]
				j++
			}
			if j-i+1 < minSpelled {
				j = i
			}
		}
		g := group{first: int32(i), last: int32(j), alike: true}
		for _, tk := range t.toks[i : j+1] {
			g.latin = g.latin || tk.latin
			g.other = g.other || tk.other
			g.alike = g.alike && tk.alike
			g.runes += tk.runes
		}
		switch {
		case g.latin:
			latinRunes += g.runes
		case g.other:
			otherRunes += g.runes
		}
		t.groups = append(t.groups, g)
		i = j + 1
	}
	return latinRunes > otherRunes
}

// minSpelled is the fewest single letters that join into a spelled-out word:
// two would join ordinary pairs such as "a b" or "e.g".
const minSpelled = 3

// emit writes the folded text: the bytes between words as they are, and each
// group's word with lookalikes and leetspeak folded.
func (t *Text) emit(latinMost bool) {
	prev := int32(0)
	for _, g := range t.groups {
		first, last := t.toks[g.first], t.toks[g.last]
		t.copyA(prev, first.lo)
		prev = last.hi
		w := t.w[:0]
		for _, tk := range t.toks[g.first : g.last+1] {
			for i := tk.lo; i < tk.hi; {
				r, n := utf8.DecodeRune(t.a[i:])
				w = append(w, wrune{r: r, lo: i, hi: i + int32(n), alike: t.aAlike[i]})
				i += int32(n)
			}
		}
		t.w = w
		mapped := g.other && g.alike && (g.latin || latinMost)
		if mapped {
			for k := range w {
				if w[k].alike != 0 {
					w[k].r = rune(w[k].alike)
				}
			}
		}
		if !g.other || mapped {
			foldLeet(w)
		}
		for _, x := range w {
			t.putOut(x.r, t.aStart[x.lo], t.aEnd[x.hi-1])
		}
	}
	t.copyA(prev, int32(len(t.a)))
}

// copyA copies t.a[lo:hi] to the output unchanged.
func (t *Text) copyA(lo, hi int32) {
	t.out = append(t.out, t.a[lo:hi]...)
	t.start = append(t.start, t.aStart[lo:hi]...)
	t.end = append(t.end, t.aEnd[lo:hi]...)
}

// putOut appends rune r, from original bytes [lo, hi), to the output.
func (t *Text) putOut(r rune, lo, hi int32) {
	n := len(t.out)
	t.out = utf8.AppendRune(t.out, r)
	for range len(t.out) - n {
		t.start = append(t.start, lo)
		t.end = append(t.end, hi)
	}
}

// Word is one word of a folded text: its folded form and the byte range
// [Start, End) of the original text it came from.
type Word struct {
	Text       string
	Start, End int
}

// AppendWords appends the words of the folded text to dst and returns it: the
// runs of letters, digits and marks. Leet symbols that were not folded into a
// word separate words, like all other characters.
func (t *Text) AppendWords(dst []Word) []Word {
	out := t.out
	for i := 0; i < len(out); {
		r, n := utf8.DecodeRune(out[i:])
		if !isWordRune(r) || isSymbol(r) {
			i += n
			continue
		}
		j := i + n
		for j < len(out) {
			r, n = utf8.DecodeRune(out[j:])
			if !isWordRune(r) || isSymbol(r) {
				break
			}
			j += n
		}
		s, e := t.Orig(i, j)
		dst = append(dst, Word{Text: string(out[i:j]), Start: s, End: e})
		i = j
	}
	return dst
}

// Fold returns the folding of text.
func Fold(text string) string {
	var t Text
	t.Fold(text)
	return string(t.out)
}

// Words folds text and returns its words.
func Words(text string) []Word {
	var t Text
	t.Fold(text)
	return t.AppendWords(nil)
}
