package classifier

import (
	"math"
	"strings"
	"sync"

	"github.com/tribune/tribune/classifier/wordpiece"
)

// StanceClasses are the stance component's classes in output order.
var StanceClasses = []string{"agree", "disagree", "discuss", "unrelated"}

// The stance component scores a comment against its article in two stages. Relatedness comes
// first and alone: a logistic model over a few measures of how much the comment and the article
// share (idf-weighted overlap of word stems with the title and the whole text, named entities,
// lengths) gives P(unrelated), and it never reads a stance word. Then a softmax over the
// comment's words and stance cues (evaluation, negation, hedges, questions, reports), crossed
// with the article's own framing, gives agree / disagree / discuss among related comments. The
// four probabilities are P(unrelated) and (1 − P(unrelated)) × the three. Words of tone alone
// (insults, swearing, slurs) are left out of both stages.
type stanceModel struct {
	hdr StanceInfo
	w   []uint16 // stage-two weights: Buckets rows of 3 half floats
	idf []uint8  // quantized idf per hashed word stem, idfBuckets
	tok *wordpiece.Tokenizer

	mu    sync.RWMutex
	ctxs  map[string]*stanceContext
	bytes int
	pool  sync.Pool
}

// StanceInfo is the stance component's header in a model file.
type StanceInfo struct {
	// Classes are StanceClasses.
	Classes []string `json:"classes"`
	// Rel are the relatedness weights (one per relatedness measure) and RelBias its intercept,
	// calibration folded in: P(unrelated) = σ(RelBias + Σ Rel·x).
	Rel     []float64 `json:"rel"`
	RelBias float64   `json:"rel_bias"`
	// RefUnrelated is the mean P(unrelated) the relatedness stage gave its training rows before
	// any prior was set; UnrelatedPrior, when set, is the share of off-topic comments the served
	// relatedness assumes instead (StanceConfig.UnrelatedPrior).
	RefUnrelated   float64 `json:"ref_unrelated"`
	UnrelatedPrior float64 `json:"unrelated_prior,omitempty"`
	// Bias is the stage-two intercept of agree, disagree and discuss.
	Bias []float64 `json:"bias"`
	// Buckets is the number of hashed stage-two feature rows (a power of two).
	Buckets int `json:"buckets"`
	// IDFBuckets is the size of the hashed idf table (a power of two).
	IDFBuckets int `json:"idf_buckets"`
	// CrossFraming adds the comment's words crossed with the article's framing (negative or
	// not) to stage two.
	CrossFraming bool `json:"cross_framing"`
	// Sources names the training data, Settings the chosen settings.
	Sources  []string          `json:"sources,omitempty"`
	Settings map[string]string `json:"settings,omitempty"`
	// CV holds the out-of-fold metrics, folds grouped by claim or article.
	CV []HeadMetrics `json:"cv,omitempty"`
}

// Stage-two feature rows and the width of a row.
const (
	stanceK       = 3
	maxStanceRows = 1 << 22
	maxIDFBuckets = 1 << 20
)

// Relatedness measures, in the order of StanceInfo.Rel.
const (
	relCos = iota
	relCosTitle
	relCoverComment
	relCoverTitle
	relCoverContext
	relLogShared
	relShared0
	relShared1
	relShared2
	relShared3
	relShared5
	relShared8
	relLen0
	relLen3
	relLen6
	relLen11
	relLen21
	relLen41
	relNoneLong
	relEntShared
	relEntMissing
	relMaxIDF
	relSqrtCos
	relShortContext
	relCosShort
	relCoverShort
	relTitleShared
	relShortCommentShared
	relShortCommentMaxIDF
	numRel
)

var relNames = [numRel]string{"cosine", "cosine_title", "cover_comment", "cover_title", "cover_article",
	"log_shared", "shared=0", "shared=1", "shared=2", "shared=3-4", "shared=5-7", "shared=8+",
	"comment_words=0-2", "comment_words=3-5", "comment_words=6-10", "comment_words=11-20",
	"comment_words=21-40", "comment_words=41+", "none_shared_long", "entities_shared",
	"entities_missing", "max_idf_shared", "sqrt_cosine", "short_article", "cosine_short",
	"cover_short", "title_words_shared", "short_comment_shares", "short_comment_max_idf_shared"}

// stanceContext is what the component keeps of one context (article or claim): cached, since
// an article gets many comments.
type stanceContext struct {
	stems    map[uint64]float32 // stem -> idf, all content words
	title    map[uint64]float32 // stem -> idf, content words of the first line
	norm     float64            // sqrt of the sum of squared idf over stems
	titleN   float64
	mass     float64 // sum of idf over stems
	tmass    float64
	negative bool // the article's first line is framed negatively (a ban, a cut, a "not")
	negated  bool // the article's first line holds a negation ("should not")
	positive bool // the article's first line praises (good, fair, safe) more than it blames
	// anti holds the stems of the context's words with a negating prefix taken off
	// ("unfair" -> "fair"), so that a comment's "fair" is seen to contradict it.
	anti  map[uint64]bool
	short bool // a claim or headline rather than an article body
}

// stanceScratch is per-call working memory.
type stanceScratch struct {
	// enc, hash and info are the comment's encoding, word hashes (hashString) and wordInfo
	// being featurized: their own, or the tone features' (predictEnc).
	enc     *wordpiece.Encoding
	hash    []uint64
	info    []wordInfo
	own     wordpiece.Encoding
	ownHash []uint64
	ownInfo []wordInfo
	seen    []uint64
	stems   []uint64 // stem hash of each comment word, 0 for non-content words
	shared  []bool   // per word: its stem is in the context
	sent    []int32  // per word: its sentence index
	insult  []bool   // per sentence: holds a word of tone alone
	ask     []bool   // per sentence: a question
	x       [numRel]float64
	feats   []feat
	pairs   []uint64
	tf      []stanceTF // normalize's counting table, all zero between calls
	tfAt    []int32    // the tf slot of each feature
	// sortTmp and sortCounts are sortHashed's working memory.
	sortTmp    []uint64
	sortCounts []int32
	spans      []span
}

// maxStanceContexts and maxStanceContextBytes bound the context cache; when either is passed
// the cache starts afresh.
const (
	maxStanceContexts     = 1024
	maxStanceContextBytes = 16 << 20
)

// stemKey returns the hash of a crude stem of a normalized content word: plural and verb
// endings removed, then at most six bytes, so "trams" meets "tram" and "cycling" meets
// "cycle" often enough for overlap to count.
func stemKey(w string) uint64 {
	n := len(w)
	switch {
	case n > 4 && strings.HasSuffix(w, "ies"):
		w = w[:n-3] + "y"
	case n > 4 && strings.HasSuffix(w, "sses"):
		w = w[:n-2]
	case n > 3 && w[n-1] == 's' && w[n-2] != 's' && w[n-2] != 'u' && w[n-2] != 'i':
		w = w[:n-1]
	}
	n = len(w)
	switch {
	case n > 5 && strings.HasSuffix(w, "ing"):
		w = w[:n-3]
	case n > 4 && strings.HasSuffix(w, "ed"):
		w = w[:n-2]
	case n > 4 && w[n-1] == 'e':
		w = w[:n-1]
	}
	if len(w) > 6 {
		w = w[:6]
	}
	return hashString(w)
}

// contentWord reports whether a normalized word counts for overlap: not punctuation, not a
// stop word, at least two bytes.
func contentWord(w string, h uint64) bool {
	return len(w) >= 2 && !isPunct(w) && !stopwords[h]
}

func (st *stanceModel) idfOf(stem uint64) float32 {
	return float32(st.idf[stem&uint64(len(st.idf)-1)]) / 16
}

// context returns the cached representation of context, building it on first use.
func (st *stanceModel) context(s *stanceScratch, context string) *stanceContext {
	st.mu.RLock()
	c := st.ctxs[context]
	st.mu.RUnlock()
	if c != nil {
		return c
	}
	c = st.buildContext(s, context)
	st.mu.Lock()
	if len(st.ctxs) >= maxStanceContexts || st.bytes+len(context) > maxStanceContextBytes {
		st.ctxs = make(map[string]*stanceContext)
		st.bytes = 0
	}
	if st.ctxs == nil {
		st.ctxs = make(map[string]*stanceContext)
	}
	st.ctxs[context] = c
	st.bytes += len(context)
	st.mu.Unlock()
	return c
}

func (st *stanceModel) buildContext(s *stanceScratch, context string) *stanceContext {
	c := &stanceContext{stems: map[uint64]float32{}, title: map[uint64]float32{}, anti: map[uint64]bool{}}
	first := len(context)
	if i := strings.IndexByte(context, '\n'); i >= 0 {
		first = i
	}
	enc := &s.own
	st.tok.Encode(context, enc)
	n := min(len(enc.Words), maxContextWords)
	neg, pos := 0, 0
	for i := range n {
		w := enc.Norm(i)
		h := hashString(w)
		inTitle := int(enc.Words[i].Start) < first
		if inTitle {
			if isNegation(w) || w == "t" && i > 0 && enc.Norm(i-1) == "'" {
				neg++
				c.negated = true
			}
			if cue := stanceCues[w]; cue&cueNegative != 0 {
				neg++
			} else if cue&cuePositive != 0 {
				pos++
			}
		}
		if !contentWord(w, h) {
			continue
		}
		k := stemKey(w)
		if rest, ok := unprefixed(w); ok {
			c.anti[stemKey(rest)] = true
		}
		idf := st.idfOf(k)
		if _, ok := c.stems[k]; !ok {
			c.stems[k] = idf
			c.norm += float64(idf * idf)
			c.mass += float64(idf)
		}
		if _, ok := c.title[k]; inTitle && !ok {
			c.title[k] = idf
			c.titleN += float64(idf * idf)
			c.tmass += float64(idf)
		}
	}
	c.norm, c.titleN = math.Sqrt(c.norm), math.Sqrt(c.titleN)
	c.negative = neg > pos
	c.positive = pos > neg
	c.short = len(c.stems) <= 24
	return c
}

func (st *stanceModel) scratch() *stanceScratch {
	if s, ok := st.pool.Get().(*stanceScratch); ok {
		return s
	}
	return &stanceScratch{}
}

// predict writes the log-probabilities of StanceClasses for text against context into out
// (len 4). With trace set, s.spans names every stage-two feature.
func (st *stanceModel) predict(s *stanceScratch, text, context string, out []float64, trace bool) {
	c := st.context(s, context)
	st.encode(s, text)
	st.featurize(s, text, c, trace)
	st.logProbs(s, out)
}

// encode encodes text into s's own storage and points s at it.
func (st *stanceModel) encode(s *stanceScratch, text string) {
	st.tok.Encode(text, &s.own)
	s.ownHash = s.ownHash[:0]
	for i := range s.own.Words {
		s.ownHash = append(s.ownHash, hashString(s.own.Norm(i)))
	}
	s.ownInfo = lookupWords(s.ownInfo[:0], s.ownHash, &s.own)
	s.enc, s.hash, s.info = &s.own, s.ownHash, s.ownInfo
}

// predictEnc is predict for a comment the caller has already encoded with st.tok into enc,
// with its words' hashes and, unless empty, their wordInfo: the tone features', so that
// scoring a comment tokenizes it and looks its words up once.
func (st *stanceModel) predictEnc(s *stanceScratch, enc *wordpiece.Encoding, hash []uint64, info []wordInfo, text, context string, out []float64) {
	c := st.context(s, context)
	if len(info) != len(hash) {
		s.ownInfo = lookupWords(s.ownInfo[:0], hash, enc)
		info = s.ownInfo
	}
	s.enc, s.hash, s.info = enc, hash, info
	st.featurize(s, text, c, false)
	st.logProbs(s, out)
}

// logProbs writes the log-probabilities of StanceClasses from the features in s into out.
func (st *stanceModel) logProbs(s *stanceScratch, out []float64) {
	pu := st.relatedness(s)
	var z [stanceK]float64
	st.stageTwo(s, z[:])
	var q [stanceK]float64
	softmax(q[:], z[:])
	for i := range stanceK {
		out[i] = math.Log(max((1-pu)*q[i], 1e-300))
	}
	out[stanceK] = math.Log(max(pu, 1e-300))
}

// relatedness returns P(unrelated) from the measures in s.x.
func (st *stanceModel) relatedness(s *stanceScratch) float64 {
	z := st.hdr.RelBias
	for i, v := range s.x {
		z += st.hdr.Rel[i] * v
	}
	return sigmoid(z)
}

// stageTwo writes the agree / disagree / discuss logits of the features in s into z.
func (st *stanceModel) stageTwo(s *stanceScratch, z []float64) {
	copy(z, st.hdr.Bias)
	mask := uint32(len(st.w)/stanceK - 1)
	for _, f := range s.feats {
		row := st.w[int(f.key&mask)*stanceK:]
		for c := range stanceK {
			z[c] += float64(halfTable[row[c]] * f.val)
		}
	}
}

// unprefixed returns w without a negating prefix ("unfair", "illegal", "dishonest",
// "nonviolent"), when what is left is a word of at least four bytes.
func unprefixed(w string) (string, bool) {
	for _, p := range [...]string{"non", "dis", "un", "in", "im", "il", "ir"} {
		if len(w) >= len(p)+4 && strings.HasPrefix(w, p) {
			return w[len(p):], true
		}
	}
	return "", false
}
