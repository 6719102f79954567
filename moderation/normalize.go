package moderation

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// NormalizeWords splits text into lower-cased words with accents removed: runs of letters and
// digits, everything else a separator. Invalid UTF-8 bytes are separators too.
func NormalizeWords(text string) []string {
	var words []string
	var b strings.Builder
	flush := func() {
		if b.Len() > 0 {
			words = append(words, b.String())
			b.Reset()
		}
	}
	for i := 0; i < len(text); {
		r, size := utf8.DecodeRuneInString(text[i:])
		i += size
		if r == utf8.RuneError && size == 1 {
			flush()
			continue
		}
		if unicode.Is(unicode.Mn, r) {
			// A combining accent written as its own code point: drop it, keep the word going.
			continue
		}
		if !unicode.IsLetter(r) && !unicode.IsDigit(r) {
			flush()
			continue
		}
		b.WriteString(foldRune(unicode.ToLower(r)))
	}
	flush()
	return words
}

// foldRune maps a lower-case letter to its unaccented base letters. The table covers the
// Latin-1 Supplement and Latin Extended-A blocks, where nearly all accented letters of
// European languages live; other runes are kept as they are.
func foldRune(r rune) string {
	if r < 0xC0 {
		return string(r)
	}
	if s, ok := latinFold[r]; ok {
		return s
	}
	return string(r)
}

var latinFold = func() map[rune]string {
	groups := map[string]string{
		"a":  "àáâãäåāăą",
		"ae": "æ",
		"c":  "çćĉċč",
		"d":  "ďđð",
		"e":  "èéêëēĕėęě",
		"g":  "ĝğġģ",
		"h":  "ĥħ",
		"i":  "ìíîïĩīĭįı",
		"ij": "ĳ",
		"j":  "ĵ",
		"k":  "ķ",
		"l":  "ĺļľŀł",
		"n":  "ñńņňŉ",
		"o":  "òóôõöøōŏő",
		"oe": "œ",
		"r":  "ŕŗř",
		"s":  "śŝşš",
		"ss": "ß",
		"t":  "ţťŧ",
		"th": "þ",
		"u":  "ùúûüũūŭůűų",
		"w":  "ŵ",
		"y":  "ýÿŷ",
		"z":  "źżž",
	}
	m := make(map[rune]string)
	for base, letters := range groups {
		for _, r := range letters {
			m[r] = base
		}
	}
	return m
}()
