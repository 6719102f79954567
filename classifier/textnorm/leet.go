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
	letters := 0
	for _, x := range w[lo:hi] {
		if unicode.IsLetter(x.r) {
			letters++
		}
	}
	if letters == 0 {
		return
	}
	inner, edge := false, false
	for i := lo; i < hi; {
		if unicode.IsLetter(w[i].r) {
			i++
			continue
		}
		j := i
		for j < hi && !unicode.IsLetter(w[j].r) {
			if leetLetter(w[j].r) == 0 {
				return
			}
			j++
		}
		if i > lo && j < hi {
			inner = true
		} else {
			if j-i != 1 || isSymbol(w[i].r) {
				return
			}
			edge = true
		}
		i = j
	}
	if edge && (!inner || letters < 3) {
		return
	}
	for i := lo; i < hi; i++ {
		r := w[i].r
		switch {
		case unicode.IsLetter(r):
		case r == '1':
			j := i
			for j < hi && w[j].r == '1' {
				j++
			}
			c := 'i'
			if j-i >= 2 {
				c = 'l'
			}
			for k := i; k < j; k++ {
				w[k].r = c
			}
			i = j - 1
		default:
			w[i].r = leetLetter(r)
		}
	}
	// The edges are judged on the folded core, as they would be when the
	// folded word is folded again.
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
