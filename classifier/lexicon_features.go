package classifier

import "github.com/tribune/tribune/classifier/wordpiece"

// lexiconFeatures adds the lexicon category features of the comment's words and of nearby
// category pairs within a sentence. It reads the words' categories from s.info.
func (f *featurizer) lexiconFeatures(s *scratch, enc *wordpiece.Encoding, trace bool) {
	v := f.cfg.LexiconVersion // checked by checkFeatures
	lex := lexTables[v]
	blk := uint8(blkWord)
	if f.cfg.LexPresence {
		blk = blkLex
	}
	s.cats = s.cats[:0]
	for _, info := range s.info {
		s.cats = append(s.cats, info.cats[v])
	}
	for i, c := range s.cats {
		s.lexFeat = append(s.lexFeat, int32(len(s.feats)))
		if c == 0 {
			continue
		}
		for b := range len(lexNames) {
			if c&(1<<b) == 0 {
				continue
			}
			s.feats = append(s.feats, feat{key(nsLex, uint64(b)), 1, blk})
			if trace {
				s.spans = append(s.spans, span{"lex:" + lexNames[b], int(enc.Words[i].Start), int(enc.Words[i].End)})
			}
		}
		for pi, pr := range lex.pairs {
			if c&pr[1] == 0 {
				continue
			}
			for j := i - 1; j >= 0 && j >= i-lexWindow; j-- {
				if w := enc.Norm(j); w == "." || w == "!" || w == "?" {
					break
				}
				if s.cats[j]&pr[0] != 0 {
					s.feats = append(s.feats, feat{key(nsLexPair, uint64(pi)), 1, blk})
					if trace {
						s.spans = append(s.spans, span{"lex:" + lexPairName(pr), int(enc.Words[j].Start), int(enc.Words[i].End)})
					}
					break
				}
			}
		}
	}
}

// endLexicon closes s.lexFeat.
func (s *scratch) endLexicon() { s.lexFeat = append(s.lexFeat, int32(len(s.feats))) }

// lexPairName names a category pair as "first+second".
func lexPairName(pr [2]uint16) string {
	name := func(c uint16) string {
		for b := range len(lexNames) {
			if c == 1<<b {
				return lexNames[b]
			}
		}
		return "?"
	}
	return name(pr[0]) + "+" + name(pr[1])
}
