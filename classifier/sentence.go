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

// worstSentence, for a model that scores sentences, raises the logit of every binary head that
// reads the comment alone to that of its highest-scoring sentence, and records which sentence
// won in s.win. It expects s.logits to hold the whole comment's logits and leaves the whole
// comment's features in s.feats only when there is a single sentence.
func (m *Model) worstSentence(s *scratch, text string) {
	s.win = s.win[:0]
	for range m.heads {
		s.win = append(s.win, -1)
	}
	if !m.info.Features.Sentences {
		return
	}
	s.sents = splitSentences(text, s.sents[:0])
	if len(s.sents) < 2 {
		return
	}
	s.best = append(s.best[:0], s.logits[:m.k]...)
	margin := m.info.Features.SentenceMargin
	fast := m.info.Features.Sublinear
	if fast {
		m.indexRows(s)
	}
	wlo := 0
	for si, r := range s.sents {
		if fast {
			// The sentence's features are the whole comment's features of its words: score
			// them from the rows already found, renormalised, without tokenizing again.
			for wlo < len(s.enc.Words) && int(s.enc.Words[wlo].Start) < r[0] {
				wlo++
			}
			whi := wlo
			for whi < len(s.enc.Words) && int(s.enc.Words[whi].End) <= r[1] {
				whi++
			}
			if whi == wlo {
				continue
			}
			m.sentenceLogits(s, wlo, whi)
			wlo = whi
		} else {
			m.feat.featurize(s, text[r[0]:r[1]], "", false, false)
			m.logits(s)
		}
		for i := range m.heads {
			h := &m.heads[i]
			if !h.Binary || h.Context {
				continue
			}
			if c := m.col[i]; s.logits[c]-margin > s.best[c] {
				s.best[c] = s.logits[c] - margin
				s.win[i] = si
			}
		}
	}
	copy(s.logits, s.best)
}

// setSpans records in p the byte range that decided each head.
func (m *Model) setSpans(p *Prediction, s *scratch, n int) {
	for i := range p.Heads {
		p.Heads[i].Start, p.Heads[i].End = 0, n
		if i < len(s.win) && s.win[i] >= 0 {
			r := s.sents[s.win[i]]
			p.Heads[i].Start, p.Heads[i].End = r[0], r[1]
		}
	}
}

// indexRows records in s.rowOf the weight table row of every feature found by logits.
func (m *Model) indexRows(s *scratch) {
	s.rowOf = s.rowOf[:0]
	for range s.feats {
		s.rowOf = append(s.rowOf, -1)
	}
	for _, sl := range s.slots {
		s.rowOf[sl.feat] = sl.row
	}
}

// sentenceLogits writes into s.logits the logits of the comment's words [wlo, whi) alone,
// from the whole comment's features in s (featurized with sublinear term frequencies, rows
// indexed by indexRows): the features of those words, except a bigram that reaches back into
// the previous word, renormalised as featurize would normalise the sentence on its own. It
// equals featurizing the sentence's text except where tokenization depends on text outside the
// sentence, which sentence boundaries make rare.
func (m *Model) sentenceLogits(s *scratch, wlo, whi int) {
	s.sub = s.sub[:0]
	first := s.wordFeat[wlo]
	for i := first; i < s.wordFeat[whi]; i++ {
		if s.feats[i].blk == blkBigram && i < s.wordFeat[wlo+1] {
			continue
		}
		s.sub = append(s.sub, i)
	}
	if len(s.lexFeat) > whi {
		for i := s.lexFeat[wlo]; i < s.lexFeat[whi]; i++ {
			s.sub = append(s.sub, i)
		}
	}
	s.sublinearValues(s.sub, m.info.Features.BlockNorm)
	logits := s.logits[:m.k]
	for c, b := range m.bias {
		logits[c] = float64(b)
	}
	for j, i := range s.sub {
		r := s.rowOf[i]
		if r < 0 {
			continue
		}
		val := s.subVal[j]
		for c, w := range m.row(int(r)) {
			logits[c] += float64(halfTable[w] * val)
		}
	}
}
