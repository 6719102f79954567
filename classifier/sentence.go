package classifier

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// maxSentences bounds the sentences scored separately in one comment. A comment with more is
// scored in as many runs of consecutive sentences. Each sentence costs about its own share of
// the comment's features plus a fixed few hundred nanoseconds, so the bound keeps a comment of
// thousands of one-word "sentences" cheap while an insult after dozens of civil sentences is
// still scored on its own.
const maxSentences = 512

// splitSentences appends to dst the byte ranges of text's sentences: runs ending after '.',
// '!', '?' or '…' (with any closing quotes or brackets) followed by white space, or at a line
// break. Leading and trailing white space is left out, and ranges without a letter or digit are
// dropped. A full stop after a single letter or a common abbreviation ("Mr.", "e.g.") does not
// end a sentence. Invalid UTF-8 is kept inside the ranges as it is.
func splitSentences(text string, dst [][2]int) [][2]int {
	start := 0
	emit := func(end int) {
		a, b := start, end
		for a < b && isSpaceByte(text[a]) {
			a++
		}
		for b > a && isSpaceByte(text[b-1]) {
			b--
		}
		if hasAlnum(text[a:b]) {
			dst = append(dst, [2]int{a, b})
		}
		start = end
	}
	for i := 0; i < len(text); {
		r, size := utf8.DecodeRuneInString(text[i:])
		switch {
		case r == '\n' || r == '\r' || r == '\u2028' || r == '\u2029':
			emit(i)
			i += size
			start = i
			continue
		case r == '.' || r == '!' || r == '?' || r == '…':
			j := i + size
			for j < len(text) && (text[j] == '.' || text[j] == '!' || text[j] == '?' ||
				text[j] == '"' || text[j] == '\'' || text[j] == ')' || text[j] == ']') {
				j++
			}
			if j < len(text) && !isSpaceByte(text[j]) {
				i = j
				continue
			}
			if r == '.' && j == i+1 && abbreviation(text[start:i]) {
				i = j
				continue
			}
			emit(j)
			i = j
			continue
		}
		i += size
	}
	emit(len(text))
	if n := len(dst); n > maxSentences {
		dst = mergeRuns(dst, maxSentences)
	}
	return dst
}

// mergeRuns merges consecutive ranges so that at most n remain.
func mergeRuns(rs [][2]int, n int) [][2]int {
	per := (len(rs) + n - 1) / n
	out := rs[:0]
	for i := 0; i < len(rs); i += per {
		j := min(i+per, len(rs)) - 1
		out = append(out, [2]int{rs[i][0], rs[j][1]})
	}
	return out
}

// abbreviation reports whether the word before a full stop at the end of s is a single letter
// or a common abbreviation, after which a full stop does not end a sentence.
func abbreviation(s string) bool {
	end := len(s)
	i := end
	for i > 0 && (isASCIILetter(s[i-1]) || s[i-1] == '.') {
		i--
	}
	w := s[i:end]
	if len(w) == 1 || strings.Contains(w, ".") {
		// A single letter ("J. Smith") or dotted initials ("p.m.", "U.S.").
		return true
	}
	switch w {
	case "Mr", "Mrs", "Ms", "Dr", "Prof", "St", "Jr", "Sr", "vs", "etc", "e.g", "i.e", "approx",
		"Gov", "Sen", "Rep", "Gen", "Col", "Lt", "Sgt", "Inc", "Ltd", "Co":
		return true
	}
	return false
}

func isASCIILetter(b byte) bool { return b|0x20 >= 'a' && b|0x20 <= 'z' }

func isSpaceByte(b byte) bool {
	return b == ' ' || b == '\t' || b == '\n' || b == '\r' || b == '\v' || b == '\f'
}

func hasAlnum(s string) bool {
	for _, r := range s {
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			return true
		}
	}
	return false
}
