package classifier

import (
	"math/bits"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Stage-two feature namespaces. The stance component has its own weight rows, so these need
// only differ from one another.
const (
	nsStWord uint64 = 0x5301 + iota
	nsStNeg
	nsStBigram
	nsStCue
	nsStCueTopic
	nsStCueFraming
	nsStFramedWord
	nsStQuestion
	nsStRel
)

// Stage-two feature blocks: the comment's words and bigrams share one unit norm; cues and
// relatedness bins keep their own values, so that a long comment's cues are not diluted.
const (
	stBlkWords = iota
	stBlkCue
)

// cueWindow is how many words from a word the article shares an evaluative word may stand to
// count as aimed at the article's subject.
const cueWindow = 4

// featurize fills s.x with the relatedness measures of text, whose words are in s.enc, s.hash
// and s.info, against c and s.feats with the stage-two features.
func (st *stanceModel) featurize(s *stanceScratch, text string, c *stanceContext, trace bool) {
	s.stems, s.shared, s.sent = s.stems[:0], s.shared[:0], s.sent[:0]
	s.insult, s.ask = s.insult[:0], s.ask[:0]
	s.feats, s.spans = s.feats[:0], s.spans[:0]
	s.seen = resetSet(s.seen, len(s.enc.Words))
	st.relMeasures(s, c, st.overlap(s, text, c))
	negations := st.words(s, c, trace)
	st.questions(s, trace)
	// Whether the comment and the article's first line negate: a "not" on one side only often
	// marks the opposite position.
	parity := uint64(0)
	if negations > 0 {
		parity = 1
	}
	if c.negated {
		parity += 2
	}
	st.add(s, key(nsStCue, 300+parity), 1, stBlkCue, trace, tn(trace, "negation:", [...]string{"neither", "comment", "article", "both"}[parity]), -1, -1)
	st.relBins(s, trace)
	st.normalize(s)
}

// overlap is pass one over the comment's words: it records each word's stem, whether the
// context shares it and its sentence, marks sentences that insult or ask, and returns the
// overlap counts of the comment's unique stems with the context.
func (st *stanceModel) overlap(s *stanceScratch, text string, c *stanceContext) relStats {
	enc := s.enc
	nw := len(enc.Words)
	var r relStats
	sent := int32(0)
	sentStart := true
	s.insult = append(s.insult, false)
	s.ask = append(s.ask, false)
	for i := range nw {
		w := enc.Norm(i)
		info := &s.info[i]
		s.sent = append(s.sent, sent)
		var stem uint64
		shared := false
		if len(w) >= 2 && !info.stop && !isPunct(w) { // contentWord
			stem = stemKey(w)
			idf, inCtx := c.stems[stem]
			shared = inCtx
			if setAdd(s.seen, stem) {
				v := float64(st.idfOf(stem))
				r.uniq++
				r.mass += v
				r.sq += v * v
				if inCtx {
					r.shared++
					r.sharedMass += v
					r.dotAll += v * float64(idf)
					r.maxShared = max(r.maxShared, v)
				}
				if tv, ok := c.title[stem]; ok {
					r.titleShared++
					r.dotTitle += v * float64(tv)
					r.titleMass += float64(tv)
				}
				if !sentStart && capitalized(text[enc.Words[i].Start:enc.Words[i].End]) {
					r.entities++
					if inCtx {
						r.entShared++
					}
				}
			}
		}
		s.stems = append(s.stems, stem)
		s.shared = append(s.shared, shared)
		if toneOnlyInfo(*info) {
			s.insult[sent] = true
		}
		switch w {
		case ".", "!", "?", ";":
			if w == "?" {
				s.ask[sent] = true
			}
			if i+1 < nw {
				sent++
				s.insult = append(s.insult, false)
				s.ask = append(s.ask, false)
			}
			sentStart = true
		default:
			if !isPunct(w) {
				sentStart = false
			}
		}
	}
	return r
}

// words is pass two: it adds the word, framed-word, bigram, cue and contradiction features of
// the comment's words and returns how many negations it read.
func (st *stanceModel) words(s *stanceScratch, c *stanceContext, trace bool) int {
	enc := s.enc
	neg, negations := 0, 0
	prev := ""
	var prevHash uint64
	first := true
	for i := range len(enc.Words) {
		w := enc.Norm(i)
		if isPunct(w) {
			// Punctuation ends a negation scope and a bigram, but stays the previous word for
			// "n't", which the pre-tokenizer splits into "don", "'", "t".
			neg = 0
			prev, prevHash = w, 0
			first = true
			continue
		}
		if toneOnlyInfo(s.info[i]) {
			// Tone is not stance: an insult's word weighs nothing here, and it breaks bigrams.
			prev, prevHash = "", 0
			first = false
			continue
		}
		h := s.hash[i]
		negated := neg > 0
		if neg > 0 {
			neg--
		}
		ns := nsStWord
		if negated {
			ns = nsStNeg
		}
		st.add(s, key(ns, h), 1, stBlkWords, trace, tn(trace, "word:", w), i, i)
		if fr := c.framing(); fr != 0 && st.hdr.CrossFraming {
			st.add(s, key(nsStFramedWord, h*4+fr), 1, stBlkWords, trace, tn(trace, "framed:", w), i, i)
		}
		if prevHash != 0 {
			st.add(s, key(nsStBigram, prevHash*31+h), 1, stBlkWords, trace, tn(trace, "bigram:", prev, " ", w), i-1, i)
		}
		st.cues(s, c, w, i, negated, first, trace)
		st.contradiction(s, c, w, i, negated, trace)
		if isNegator(w, prev) {
			neg = 3
			negations++
		}
		prev, prevHash = w, h
		first = false
	}
	return negations
}

// questions adds a feature per question sentence, one when the last sentence asks, and one when
// the comment asks nothing else.
func (st *stanceModel) questions(s *stanceScratch, trace bool) {
	asks := 0
	for si, q := range s.ask {
		if q {
			asks++
			st.add(s, key(nsStQuestion, 1), 1, stBlkCue, trace, "question", -1, -1)
			if si == len(s.ask)-1 {
				st.add(s, key(nsStQuestion, 2), 1, stBlkCue, trace, "question:last", -1, -1)
			}
		}
	}
	if asks > 0 && asks == len(s.ask) {
		// Nothing but questions: a reader who asks rather than argues.
		st.add(s, key(nsStQuestion, 3), 1, stBlkCue, trace, "question:only", -1, -1)
	}
}

// capitalized reports whether an original word starts with an upper-case letter: inside a
// sentence, a name.
func capitalized(w string) bool {
	r, _ := utf8.DecodeRuneInString(w)
	return unicode.IsUpper(r)
}

// cues adds the stance cue features of word i.
func (st *stanceModel) cues(s *stanceScratch, c *stanceContext, w string, i int, negated, first, trace bool) {
	cat := s.info[i].cue
	if cat == 0 {
		return
	}
	for b := range len(cueNames) {
		bit := uint16(1) << b
		if cat&bit == 0 {
			continue
		}
		if bit == cueAsk && !(first && s.ask[s.sent[i]]) {
			continue // "is" opens a question only at a question's start
		}
		v := uint64(b)
		suffix := ""
		name := cueNames[b]
		if bit == cuePositive || bit == cueNegative || bit == cueAgree || bit == cueDisagree {
			switch {
			case negated:
				// "not good" is disapproval and "not wrong" mild approval: a word of its own.
				v += 16
				suffix = "~negated"
			case (bit == cuePositive || bit == cueAgree) && s.insult[s.sent[i]]:
				// Praise in a sentence that insults ("only an idiot would support it") derides:
				// it counts as disapproval. No training set has enough such sentences to learn it.
				v = uint64(bits.TrailingZeros16(cueNegative))
				name, suffix = cueNames[v], "~derided"
			}
			if st.nearShared(s, i) {
				st.add(s, key(nsStCueTopic, v), 1, stBlkCue, trace, tn(trace, "cue@topic:", name, suffix), i, i)
			}
			st.add(s, key(nsStCueFraming, v*4+c.framing()), 1, stBlkCue, trace, tn(trace, "cue×framing:", name, suffix), i, i)
		}
		if bit == cueInfo && s.ask[s.sent[i]] {
			v += 48
			suffix = "~asked"
		}
		st.add(s, key(nsStCue, v), 1, stBlkCue, trace, tn(trace, "cue:", name, suffix), i, i)
	}
}

// nearShared reports whether a word the article shares stands within cueWindow words of word
// i in the same sentence.
func (st *stanceModel) nearShared(s *stanceScratch, i int) bool {
	lo, hi := max(0, i-cueWindow), min(len(s.shared)-1, i+cueWindow)
	for j := lo; j <= hi; j++ {
		if j != i && s.shared[j] && s.sent[j] == s.sent[i] {
			return true
		}
	}
	return false
}

// add appends one stage-two feature occurrence; with trace it names it and its word range.
func (st *stanceModel) add(s *stanceScratch, k uint32, v float32, blk uint8, trace bool, name string, wi, wj int) {
	s.feats = append(s.feats, feat{k, v, blk})
	if trace {
		sp := span{name, -1, -1}
		if wi >= 0 {
			sp.start, sp.end = int(s.enc.Words[wi].Start), int(s.enc.Words[wj].End)
		}
		s.spans = append(s.spans, sp)
	}
}

// tn joins a feature's name only when tracing: the scoring path must not allocate.
func tn(trace bool, parts ...string) string {
	if !trace {
		return ""
	}
	return strings.Join(parts, "")
}

// framing is the article's framing as a small number: 0 neutral, 1 negative, 2 positive.
func (c *stanceContext) framing() uint64 {
	switch {
	case c.negative:
		return 1
	case c.positive:
		return 2
	}
	return 0
}

// contradiction adds features for a comment word that turns a word of the article around: a
// word the article uses, negated in the comment ("is not fair" against "fair"), or its opposite
// by a negating prefix ("unfair" against "fair", "fair" against "unfair"). Each is crossed with
// the article's framing.
func (st *stanceModel) contradiction(s *stanceScratch, c *stanceContext, w string, i int, negated, trace bool) {
	if s.stems[i] == 0 || len(c.stems) == 0 {
		return // not a content word, or a context without one (and so without anti) to turn
	}
	kind := uint64(0)
	switch {
	case s.shared[i] && negated:
		kind = 1
	case c.anti[s.stems[i]]:
		kind = 2
	default:
		if rest, ok := unprefixed(w); ok {
			if _, in := c.stems[stemKey(rest)]; in {
				kind = 2
			}
		}
	}
	if kind == 0 {
		return
	}
	name := [...]string{"", "negated", "opposite"}[kind]
	st.add(s, key(nsStCue, 200+kind), 1, stBlkCue, trace, tn(trace, "turned:", name), i, i)
	st.add(s, key(nsStCueFraming, 1000+kind*4+c.framing()), 1, stBlkCue, trace, tn(trace, "turned×framing:", name), i, i)
}
