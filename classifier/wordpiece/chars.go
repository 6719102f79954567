package wordpiece

import (
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// Byte classes for the ASCII fast path.
const (
	cNonASCII = iota // starts a multi-byte rune or is invalid UTF-8
	cWord            // letter, digit or any other word byte
	cSpace           // splits words and is dropped
	cPunct           // becomes a single-character word
	cDrop            // control character: removed without splitting
)

// asciiClass classifies every byte; bytes from 0x80 up are cNonASCII.
var asciiClass = func() (tab [256]uint8) {
	for c := range utf8.RuneSelf {
		switch {
		case c == ' ' || c == '\t' || c == '\n' || c == '\r':
			tab[c] = cSpace
		case c < 0x20 || c == 0x7f:
			// Includes \v and \f: BERT treats every Cc other than tab, CR and
			// LF as a control character to delete, not as whitespace.
			tab[c] = cDrop
		case isPunct(rune(c)):
			tab[c] = cPunct
		default:
			tab[c] = cWord
		}
	}
	return tab
}()

// asciiLower lower-cases ASCII bytes through a table, which is faster than
// branching on each byte.
var asciiLower = func() (tab [utf8.RuneSelf]byte) {
	for c := range tab {
		tab[c] = byte(c)
		if 'A' <= c && c <= 'Z' {
			tab[c] = byte(c) + 'a' - 'A'
		}
	}
	return tab
}()

// isPunct reports whether BERT splits r off as its own word: the ASCII
// symbols (which Unicode partly calls symbols, like $ + < = > ^ ` | ~) and
// every rune in Unicode category P.
func isPunct(r rune) bool {
	if (r >= 33 && r <= 47) || (r >= 58 && r <= 64) || (r >= 91 && r <= 96) || (r >= 123 && r <= 126) {
		return true
	}
	return r >= utf8.RuneSelf && unicode.IsPunct(r)
}

// isCJK reports whether r is in one of the CJK ideograph blocks that BERT
// surrounds with spaces. The ranges are those of the reference BERT
// implementation (and of the library).
func isCJK(r rune) bool {
	return (r >= 0x4e00 && r <= 0x9fff) ||
		(r >= 0x3400 && r <= 0x4dbf) ||
		(r >= 0xf900 && r <= 0xfaff) ||
		(r >= 0x20000 && r <= 0x2a6df) ||
		(r >= 0x2a700 && r <= 0x2b73f) ||
		(r >= 0x2b740 && r <= 0x2b81f) ||
		(r >= 0x2b820 && r <= 0x2ceaf) ||
		(r >= 0x2f800 && r <= 0x2fa1f)
}

// isControl reports whether BERT deletes r: NUL, U+FFFD and the Cc and Cf
// categories (tab, CR and LF are handled as whitespace before this is asked).
// Deleting does not split the word around r.
func isControl(r rune) bool {
	return r == utf8.RuneError || unicode.In(r, unicode.Cc, unicode.Cf)
}

// Hangul syllable decomposition constants (Unicode §3.12). The norm package
// stores no table entries for Hangul because NFD decomposes it
// arithmetically, so decompose does the same.
const (
	hangulBase  = 0xac00
	hangulCount = 11172
	jamoLBase   = 0x1100
	jamoVBase   = 0x1161
	jamoTBase   = 0x11a7
	jamoTCount  = 28
	jamoNCount  = 588
)

// decompose appends to dst the canonical (NFD) decomposition of r, which is
// r itself when it has none, and returns the extended buffer.
func decompose(dst []byte, r rune) []byte {
	if r >= hangulBase && r < hangulBase+hangulCount {
		s := r - hangulBase
		dst = utf8.AppendRune(dst, jamoLBase+s/jamoNCount)
		dst = utf8.AppendRune(dst, jamoVBase+(s%jamoNCount)/jamoTCount)
		if t := s % jamoTCount; t != 0 {
			dst = utf8.AppendRune(dst, jamoTBase+t)
		}
		return dst
	}
	start := len(dst)
	dst = utf8.AppendRune(dst, r)
	if d := norm.NFD.Properties(dst[start:]).Decomposition(); d != nil {
		// The tables hold the full, recursive decomposition.
		dst = append(dst[:start], d...)
	}
	return dst
}
