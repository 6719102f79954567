package textnorm

import "unicode"

// leetLetter maps a leet character to the letter it stands for, or 0.
func leetLetter(r rune) rune {
	switch r {
	case '0':
		return 'o'
	case '1', '!':
		return 'i'
	case '3':
		return 'e'
	case '4', '@':
		return 'a'
	case '5', '$':
		return 's'
	case '7':
		return 't'
	}
	return 0
}

// maxMentionRunes is the longest word whose leading @ is read as an "a":
// "@ss" is leetspeak, "@user" or "@john" a mention.
const maxMentionRunes = 4

// foldLeet replaces leet characters in the word w (whose letters are all
// Latin) by letters when the word is plausibly a disguised word:
//
//   - Leet characters inside the word, with a letter on each side ("id10t",
//     "sh!t", "b@stard", "a$$hole"), fold.
//   - A single leet digit at either end folds only together with inner ones
//     and when the word has at least three letters ("h3ll0"), so "covid19",
//     "mp3", "5km", "4th", "10pm" and "h1n1" stay.
//   - A leading $ followed by two letters ("$hit"), a leading @ followed by two
//     letters in a word of at most four runes ("@ss", not "@john"), and a
//     trailing run of two or more $ after a letter ("a$$") fold.
//   - Any other digit (2, 6, 8, 9, non-ASCII digits) or a misplaced leet
//     character leaves the whole word as it is ("b2b", "a1b2"); leading and
//     trailing symbols that do not fold are punctuation ("wow!").
//
// A run of two or more 1s becomes "l"s ("he11o" → "hello"), a single 1 "i".
func foldLeet(w []wrune) {
	n := len(w)
	lo, hi := 0, n
	for lo < n && isSymbol(w[lo].r) {
		lo++
	}
	for hi > lo && isSymbol(w[hi-1].r) {
		hi--
	}
	if !disguised(w[lo:hi]) {
		return
	}
	foldCore(w[lo:hi])
	foldEdges(w, lo, hi)
}

// disguised reports whether core, a word without its leading and trailing symbols, reads as a
// disguised word by the rules of foldLeet: it has letters, only leet characters besides them,
// and a leet character at an edge only when it is single, not a symbol, and accompanied by
// inner ones in a word of at least three letters.
func disguised(core []wrune) bool {
	letters := 0
	for _, x := range core {
		if unicode.IsLetter(x.r) {
			letters++
		}
	}
	if letters == 0 {
		return false
	}
	inner, edge := false, false
	for i := 0; i < len(core); {
		if unicode.IsLetter(core[i].r) {
			i++
			continue
		}
		j := i
		for j < len(core) && !unicode.IsLetter(core[j].r) {
			if leetLetter(core[j].r) == 0 {
				return false
			}
			j++
		}
		if i > 0 && j < len(core) {
			inner = true
		} else {
			if j-i != 1 || isSymbol(core[i].r) {
				return false
			}
			edge = true
		}
		i = j
	}
	return !edge || inner && letters >= 3
}

// foldCore replaces the leet characters of a disguised word's core by letters: a run of two
// or more 1s by "l"s, a single 1 by "i".
func foldCore(core []wrune) {
	for i := 0; i < len(core); i++ {
		r := core[i].r
		switch {
		case unicode.IsLetter(r):
		case r == '1':
			j := i
			for j < len(core) && core[j].r == '1' {
				j++
			}
			c := 'i'
			if j-i >= 2 {
				c = 'l'
			}
			for k := i; k < j; k++ {
				core[k].r = c
			}
			i = j - 1
		default:
			core[i].r = leetLetter(r)
		}
	}
}

// foldEdges folds the symbols around the folded core w[lo:hi] that stand for letters: a
// trailing run of two or more $ after a letter, and a leading $ or @ (the latter in a short
// word only) before two letters. The edges are judged on the folded core, as they would be
// when the folded word is folded again.
func foldEdges(w []wrune, lo, hi int) {
	n := len(w)
	isLetter := func(k int) bool { return k < n && unicode.IsLetter(w[k].r) }
	trail := n-hi >= 2 && hi > lo && isLetter(hi-1)
	for _, x := range w[hi:] {
		trail = trail && x.r == '$'
	}
	if trail {
		for k := hi; k < n; k++ {
			w[k].r = 's'
		}
	}
	if lo == 1 && isLetter(1) && isLetter(2) && (w[0].r == '$' || w[0].r == '@' && n <= maxMentionRunes) {
		w[0].r = leetLetter(w[0].r)
	}
}
