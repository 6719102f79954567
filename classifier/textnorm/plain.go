package textnorm

// Byte classes for Unchanged.
const (
	bOther  = iota
	bLetter // ASCII letter
	bDigit  // ASCII digit
	bSymbol // leet symbol: @ $ !
	bHigh   // non-ASCII byte
)

var byteClass = func() (tab [256]uint8) {
	for c := range 256 {
		switch {
		case 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z':
			tab[c] = bLetter
		case '0' <= c && c <= '9':
			tab[c] = bDigit
		case c == '@' || c == '$' || c == '!':
			tab[c] = bSymbol
		case c >= 0x80:
			tab[c] = bHigh
		}
	}
	return tab
}()

// Unchanged reports, conservatively and quickly, that folding text only
// lower-cases its ASCII letters: byte i of the folding is byte i of text,
// lower-cased, and comes from it. It holds for text that is all ASCII, has no
// digit, @ or $ next to a letter, no ! before a word character, and no two
// single letters separated by one spacer. A tokenizer that lower-cases anyway
// can then skip folding.
func Unchanged(text string) bool {
	letterAt := func(i int) bool { return i >= 0 && i < len(text) && byteClass[text[i]] == bLetter }
	prevSingle := -2 // end of the last single letter
	for i := 0; i < len(text); i++ {
		switch c := text[i]; byteClass[c] {
		case bHigh:
			return false
		case bDigit:
			if letterAt(i-1) || letterAt(i+1) {
				return false
			}
		case bSymbol:
			next := uint8(bOther)
			if i+1 < len(text) {
				next = byteClass[text[i+1]]
			}
			if c == '!' {
				// "!!" and "wow!" are punctuation; a "!" before a word
				// character may fold.
				if next == bLetter || next == bDigit || next == bSymbol && text[i+1] != '!' {
					return false
				}
			} else if letterAt(i-1) || next == bLetter || next == bDigit || next == bSymbol {
				return false
			}
		case bLetter:
			if letterAt(i + 1) {
				// Every letter of a run of two or more has a letter beside it: skip the run.
				for i+2 < len(text) && byteClass[text[i+2]] == bLetter {
					i++
				}
				i++
				continue
			}
			if letterAt(i - 1) {
				continue
			}
			// A single letter: two of them around one spacer may start a
			// spelled-out word.
			if prevSingle == i-1 && spacer(text[i-1]) {
				return false
			}
			prevSingle = i + 1
		}
	}
	return true
}
