package textnorm

import (
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// asciiLower lower-cases ASCII bytes through a table.
var asciiLower = func() (tab [utf8.RuneSelf]byte) {
	for c := range tab {
		tab[c] = byte(c)
		if 'A' <= c && c <= 'Z' {
			tab[c] = byte(c) + 'a' - 'A'
		}
	}
	return tab
}()

// ignorable reports whether r is a Default_Ignorable_Code_Point (Unicode's
// DerivedCoreProperties): characters that render as nothing, such as zero-width
// spaces and joiners, the soft hyphen, bidi controls, variation selectors and
// tag characters. They are deleted without splitting the word around them, so
// "id\u200Biot" folds to "idiot".
func ignorable(r rune) bool {
	switch {
	case r < 0xAD:
		return false
	case r == 0x00AD, r == 0x034F, r == 0x061C, r == 0x115F, r == 0x1160,
		r == 0x3164, r == 0xFEFF, r == 0xFFA0:
		return true
	case r >= 0x17B4 && r <= 0x17B5, // Khmer inherent vowels
		r >= 0x180B && r <= 0x180F, // Mongolian variation selectors and vowel separator
		r >= 0x200B && r <= 0x200F, // zero-width space, (non-)joiner, direction marks
		r >= 0x202A && r <= 0x202E, // bidi embeddings and overrides
		r >= 0x2060 && r <= 0x206F, // word joiner, invisible operators, bidi isolates
		r >= 0xFE00 && r <= 0xFE0F, // variation selectors
		r >= 0xFFF0 && r <= 0xFFF8,
		r >= 0x1BCA0 && r <= 0x1BCA3, // shorthand format controls
		r >= 0x1D173 && r <= 0x1D17A, // musical formatting
		r >= 0xE0000 && r <= 0xE0FFF: // tags and variation selectors supplement
		return true
	}
	return false
}

// latinExtra maps lower-case Latin letters that have no compatibility
// decomposition to the plain letters they stand for: the stroked and ligature
// letters of European languages (as moderation's word lists always folded
// them) and the small capitals and variant forms that Unicode's confusables
// data lists as lookalikes of a Latin letter. They are Latin script, so they
// are folded everywhere, not only inside mixed-script words.
var latinExtra = map[rune]string{
	'æ': "ae", 'œ': "oe", 'ß': "ss", 'þ': "th", 'ð': "d", 'ø': "o", 'đ': "d", 'ł': "l",
	'ħ': "h", 'ı': "i", 'ŧ': "t", 'ŉ': "n", 'ƀ': "b", 'ƚ': "l", 'ȷ': "j",
	// Lookalikes: script and IPA forms, small capitals.
	'ɑ': "a", 'ɡ': "g", 'ɩ': "i", 'ɪ': "i", 'ʏ': "y", 'ʋ': "u", 'ɣ': "y",
	'ᴀ': "a", 'ʙ': "b", 'ᴄ': "c", 'ᴅ': "d", 'ᴇ': "e", 'ɢ': "g", 'ʜ': "h", 'ᴊ': "j",
	'ᴋ': "k", 'ʟ': "l", 'ᴍ': "m", 'ɴ': "n", 'ᴏ': "o", 'ᴘ': "p", 'ʀ': "r", 'ꜱ': "s",
	'ᴛ': "t", 'ᴜ': "u", 'ᴠ': "v", 'ᴡ': "w", 'ᴢ': "z",
}

// putByte appends one folded byte that came from original bytes [lo, hi).
func (t *Text) putByte(c, alike byte, lo, hi int) {
	t.a = append(t.a, c)
	t.aAlike = append(t.aAlike, alike)
	t.aStart = append(t.aStart, int32(lo))
	t.aEnd = append(t.aEnd, int32(hi))
}

// normalize is the character pass: it fills t.a with text lower-cased,
// compatibility-decomposed (NFKD, so fullwidth, mathematical and ligature
// forms become plain letters) with non-spacing marks (accents) and default-
// ignorable code points removed, and records where each byte came from.
// Invalid UTF-8 bytes become spaces, so they separate words.
func (t *Text) normalize(s string) {
	for i := 0; i < len(s); {
		if c := s[i]; c < utf8.RuneSelf {
			t.putByte(asciiLower[c], 0, i, i+1)
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			t.putByte(' ', 0, i, i+1)
		} else {
			t.putRune(r, i, i+size, 0)
		}
		i += size
	}
}

// putRune appends the folded form of r, which came from original bytes
// [lo, hi). depth bounds the recursion through decompositions and lower-case
// forms, which the Unicode tables keep to one or two levels.
func (t *Text) putRune(r rune, lo, hi int, depth int) {
	if r < utf8.RuneSelf {
		t.putByte(asciiLower[r], 0, lo, hi)
		return
	}
	if ignorable(r) || unicode.Is(unicode.Mn, r) {
		return
	}
	var buf [utf8.UTFMax]byte
	if depth < maxDepth {
		n := utf8.EncodeRune(buf[:], r)
		if d := norm.NFKD.Properties(buf[:n]).Decomposition(); d != nil {
			for len(d) > 0 {
				x, m := utf8.DecodeRune(d)
				t.putRune(x, lo, hi, depth+1)
				d = d[m:]
			}
			return
		}
	}
	// The lookalike is taken before lower-casing: Cyrillic В looks like B,
	// its lower-case в does not look like b. A letter whose lower-case form
	// has a lookalike has one too, so that folding the folded text again
	// finds no new lookalikes.
	l := unicode.ToLower(r)
	alike := confusable[r]
	if alike == 0 {
		alike = confusable[l]
	}
	if s, ok := latinExtra[l]; ok {
		for k := range len(s) {
			t.putByte(s[k], 0, lo, hi)
		}
		return
	}
	n := utf8.EncodeRune(buf[:], l)
	if l != r && depth < maxDepth && norm.NFKD.Properties(buf[:n]).Decomposition() != nil {
		// A lower-case form can itself decompose (rare); fold it again so
		// that folding folded text changes nothing.
		t.putRune(l, lo, hi, depth+1)
		return
	}
	for k := range n {
		t.putByte(buf[k], alike, lo, hi)
	}
}

// maxDepth bounds putRune's recursion.
const maxDepth = 4
