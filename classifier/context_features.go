package classifier

import (
	"math"
	"strconv"
	"strings"
)

// stopwords are English function words left out of comment–context overlap, which should
// measure shared topic words.
var stopwords = func() map[uint64]bool {
	m := make(map[uint64]bool)
	for _, w := range strings.Fields(stopwordList) {
		m[hashString(w)] = true
	}
	return m
}()

const stopwordList = `a an the and or but if then else of to in on at by for with
		from into onto over under about as is are was were be been being am do does did done have
		has had having it its it's this that these those there here i me my mine we us our ours you
		your yours he him his she her hers they them their theirs what which who whom whose when
		where why how all any both each few more most other some such only own same so than too
		very can will just should would could may might must shall also not no nor s t don isn
		aren wasn weren doesn didn won wouldn shouldn couldn hasn haven re ve ll d m o y up down
		out off again further once because while until against between through during before after
		above below said says say one get got like even much many well`

// contextFeatures appends features relating the comment (already in s.words) to context:
// prefixed context words, shared content words, overlap measures and, if configured, comment
// words crossed with the context's identity.
func (f *featurizer) contextFeatures(s *scratch, context string, trace bool) {
	f.tok.Encode(context, &s.cenc)
	ux := f.contextWords(s, trace)
	uc, shared := f.sharedWords(s, trace)
	f.overlapFeatures(s, uc, ux, shared, trace)
	if f.cfg.ContextCross {
		f.crossFeatures(s, context, trace)
	}
}

// contextWords appends the first ContextWords words of the context (s.cenc) as prefixed
// features, fills s.set with its distinct content words and returns how many there are.
func (f *featurizer) contextWords(s *scratch, trace bool) int {
	cenc := &s.cenc
	ncw := min(len(cenc.Words), maxContextWords)
	s.set = resetSet(s.set, ncw)
	ux := 0
	lo := len(s.feats)
	taken := 0
	for i := range ncw {
		w := cenc.Norm(i)
		if isPunct(w) {
			continue
		}
		h := hashString(w)
		if taken < f.cfg.ContextWords {
			taken++
			s.feats = append(s.feats, feat{key(nsCtxWord, h), 1, 0})
			if trace {
				s.spans = append(s.spans, span{"context:" + w, -1, -1})
			}
		}
		if len(w) < 2 || stopwords[h] {
			continue
		}
		if setAdd(s.set, h) {
			ux++
		}
	}
	scaleRange(s.feats, lo, len(s.feats))
	return ux
}

// sharedWords appends a feature for each distinct comment content word found in the context
// set (unless NoSharedWords) and returns the number of distinct comment content words and how
// many of them are shared.
func (f *featurizer) sharedWords(s *scratch, trace bool) (uc, shared int) {
	s.seen = resetSet(s.seen, len(s.words))
	lo := len(s.feats)
	for i, h := range s.words {
		w := s.enc.Norm(i)
		if len(w) < 2 || isPunct(w) || stopwords[h] || !setAdd(s.seen, h) {
			continue
		}
		uc++
		if setHas(s.set, h) {
			shared++
			if f.cfg.NoSharedWords {
				continue
			}
			s.feats = append(s.feats, feat{key(nsShared, h), 1, 0})
			if trace {
				ws := s.enc.Words[i]
				s.spans = append(s.spans, span{"shared:" + w, int(ws.Start), int(ws.End)})
			}
		}
	}
	scaleRange(s.feats, lo, len(s.feats))
	return uc, shared
}

// overlapFeatures appends the overlap measures of uc comment and ux context content words
// sharing shared: cosine of the two content-word sets, the share of the comment's content
// words found in the context, and indicator bins of the shared count, so that the model can
// learn a non-linear relatedness curve.
func (f *featurizer) overlapFeatures(s *scratch, uc, ux, shared int, trace bool) {
	var cos, frac float64
	if uc > 0 && ux > 0 {
		cos = float64(shared) / math.Sqrt(float64(uc)*float64(ux))
		frac = float64(shared) / float64(uc)
	}
	// Names are built only when tracing: the fast path must not allocate.
	var sharedName, fracName string
	if trace {
		sharedName = "overlap:shared=" + countBinName(shared)
		fracName = "overlap:fraction-bin=" + strconv.Itoa(fracBin(frac))
	}
	f.dense(s, 1, "overlap:cosine", float32(cos), trace)
	f.dense(s, 2, "overlap:fraction", float32(frac), trace)
	f.dense(s, 100+uint64(countBin(shared)), sharedName, 1, trace)
	f.dense(s, 200+uint64(fracBin(frac)), fracName, 1, trace)
}

// crossFeatures appends every comment word crossed with the identity of the whole context.
func (f *featurizer) crossFeatures(s *scratch, context string, trace bool) {
	cid := hashString(context)
	lo := len(s.feats)
	for i, h := range s.words {
		s.feats = append(s.feats, feat{key(nsCross, cid^h*0x2545f4914f6cdd1d), 1, 0})
		if trace {
			ws := s.enc.Words[i]
			s.spans = append(s.spans, span{"target×word:" + s.enc.Norm(i), int(ws.Start), int(ws.End)})
		}
	}
	scaleRange(s.feats, lo, len(s.feats))
}

// dense appends the overlap feature id with value v.
func (f *featurizer) dense(s *scratch, id uint64, name string, v float32, trace bool) {
	s.feats = append(s.feats, feat{key(nsOverlap, id), v, 0})
	if trace {
		s.spans = append(s.spans, span{name, -1, -1})
	}
}

// countBins are the lower bounds of the shared-word count bins.
var countBins = [...]int{0, 1, 2, 3, 5, 8, 13}

// countBin returns the bin of count n.
func countBin(n int) int {
	b := 0
	for i, lo := range countBins {
		if n >= lo {
			b = i
		}
	}
	return b
}

// countBinName names the bin of count n by its range ("3", "5-7", "13+").
func countBinName(n int) string {
	b := countBin(n)
	if b == len(countBins)-1 {
		return strconv.Itoa(countBins[b]) + "+"
	}
	if countBins[b+1]-countBins[b] == 1 {
		return strconv.Itoa(countBins[b])
	}
	return strconv.Itoa(countBins[b]) + "-" + strconv.Itoa(countBins[b+1]-1)
}

// fracBin returns the bin of the shared fraction x.
func fracBin(x float64) int {
	switch {
	case x <= 0:
		return 0
	case x < 0.1:
		return 1
	case x < 0.2:
		return 2
	case x < 0.35:
		return 3
	case x < 0.5:
		return 4
	}
	return 5
}
