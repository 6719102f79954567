package classifier

import (
	"math"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/tribune/tribune/classifier/wordpiece"
)

// FeatureConfig says which features a model extracts. It is stored in the model file, so a
// model always featurizes text the way it was trained.
type FeatureConfig struct {
	// Bigrams adds pairs of adjacent words.
	Bigrams bool `json:"bigrams"`
	// Negation marks the words after a negation ("not", "never", "n't", ...) up to the next
	// punctuation or NegationScope words, so "not good" and "good" get different weights.
	Negation      bool `json:"negation"`
	NegationScope int  `json:"negation_scope"`
	// CharMin and CharMax bound the character n-grams taken from words that the WordPiece
	// vocabulary splits into several pieces (rare, misspelled or obfuscated words such as
	// "id10t"); 0 disables them. Common words are whole vocabulary tokens and get none, which
	// keeps featurization fast.
	CharMin int `json:"char_min"`
	CharMax int `json:"char_max"`
	// CharAll takes character n-grams from every word, not only multi-piece ones: better on
	// short, noisy texts (tweets), several times slower.
	CharAll bool `json:"char_all"`
	// BlockNorm scales words, bigrams and sub-word features to unit norm separately instead
	// of together.
	BlockNorm bool `json:"block_norm,omitempty"`
	// Sublinear replaces a comment feature's count tf by 1+ln(tf) and scales the comment
	// features (each block, with BlockNorm) to unit Euclidean norm, as a sublinear TF vectorizer
	// does: a word repeated ten times counts about three times as much as once, not ten.
	Sublinear bool `json:"sublinear,omitempty"`
	// Pieces adds the WordPiece pieces of multi-piece words as features.
	Pieces bool `json:"pieces"`
	// ContextWords caps the number of context words taken as prefixed context features.
	ContextWords int `json:"context_words"`
	// NoSharedWords leaves out the per-word features of comment words found in the context,
	// keeping only the overlap measures.
	NoSharedWords bool `json:"no_shared_words,omitempty"`
	// ContextCross adds comment words crossed with the identity of the whole context: target-
	// specific word weights, useful when the data has a few recurring stance targets.
	ContextCross bool `json:"context_cross"`
	// Sentences makes a binary head that reads the comment alone score every sentence as well
	// as the whole comment, and report the highest: civil sentences around an insult or a
	// threat cannot dilute it. Heads scored against a context read the whole comment only.
	Sentences bool `json:"sentences,omitempty"`
	// SentenceMargin is subtracted from a sentence's logit before it is compared with the
	// whole comment's: a sentence alone is a short text, whose few features each weigh more
	// after normalisation than in the whole, so without a margin long civil comments would be
	// scored by their one sharpest sentence.
	SentenceMargin float64 `json:"sentence_margin,omitempty"`
	// Lexicon adds one feature per word of a lexicon category (profane, insult, violence,
	// identity, slur, ...; see lexicon.go) and one per nearby pair of categories ("you" then an
	// insult, "should" then a violent word), so that rare words of a category share what the
	// common ones teach.
	Lexicon bool `json:"lexicon,omitempty"`
	// LexiconVersion is the version of the lexicon's lists the model was trained with (0 means
	// 1); Train sets LexiconLatest.
	LexiconVersion int `json:"lexicon_version,omitempty"`
	// Fold folds text before tokenizing it (textnorm: lookalike letters, invisible characters,
	// leetspeak, spaced-out spelling), so disguised words get the plain words' weights.
	Fold bool `json:"fold,omitempty"`
}

// DefaultFeatures is the feature configuration Train uses unless told otherwise.
func DefaultFeatures() FeatureConfig {
	return FeatureConfig{Bigrams: true, Negation: true, NegationScope: 3, CharMin: 3, CharMax: 5,
		Pieces: true, ContextWords: 64, Fold: true}
}

// Feature namespaces, mixed into each hash so that the same word in different roles gets
// different weights.
const (
	nsWord uint64 = iota + 1
	nsNeg
	nsBigram
	nsPiece
	nsChar
	nsCtxWord
	nsShared
	nsCross
	nsOverlap
	nsSource
	nsLex
	nsLexPair
)

// maxContextWords bounds how much of a long context (an article body) is read for overlap.
const maxContextWords = 4096

// maxCharWordBytes bounds the words that get character n-grams.
const maxCharWordBytes = 24

// feat is one feature occurrence: a hashed key and its value.
type feat struct {
	key uint32
	val float32
	blk uint8 // comment feature block, for per-block scaling
}

// Comment feature blocks, each scaled to unit norm on its own (as a union of separately
// normalized vectorizers), so that the many character n-grams do not drown the words.
const (
	blkWord = iota
	blkBigram
	blkSub
	numBlocks
)

// slot pairs a feature occurrence with its row in the weight table.
type slot struct{ row, feat int32 }

// span locates a feature occurrence for explanations: its readable name and its byte range in
// the comment (-1, -1 for context and overlap features).
type span struct {
	name       string
	start, end int
}

// featurizer turns a comment and its context into hashed feature occurrences.
type featurizer struct {
	tok *wordpiece.Tokenizer
	cfg FeatureConfig
}

// scratch is per-call working memory, pooled by Model so that prediction does not allocate.
type scratch struct {
	enc, cenc wordpiece.Encoding
	words     []uint64 // hash of each comment word
	first     []int32  // first token index of each comment word
	feats     []feat
	set       []uint64 // open-addressing set of context content words
	seen      []uint64 // open-addressing set of comment content words
	logits    []float64
	tf        []uint64 // open-addressing table of feature key << 32 | count (sublinearValues)
	tfAt      []int32  // the table slot of each feature counted
	slots     []slot
	spans     []span
	sents     [][2]int  // sentence byte ranges of the comment
	best      []float64 // per output column: the highest logit over the whole and its sentences
	win       []int     // per head: the sentence whose logit won, or -1 for the whole comment
	cats      []uint16  // lexicon categories of each comment word
	wordFeat  []int32   // first feature index of each comment word, then the end
	lexFeat   []int32   // first lexicon feature index of each comment word, then the end
	rowOf     []int32   // weight table row of each feature, -1 when absent (sentence scoring)
	sub       []int32   // feature indices of one sentence
	subVal    []float32 // their values
}

// Hashing: FNV-1a over bytes, finished with the splitmix64 finalizer so that low bits are well
// mixed; keys are the low 32 bits of a namespaced mix.
const (
	fnvOffset = 14695981039346656037
	fnvPrime  = 1099511628211
)

func hashString(s string) uint64 {
	h := uint64(fnvOffset)
	for i := 0; i < len(s); i++ {
		h ^= uint64(s[i])
		h *= fnvPrime
	}
	return mix64(h)
}

func mix64(x uint64) uint64 {
	x ^= x >> 30
	x *= 0xbf58476d1ce4e5b9
	x ^= x >> 27
	x *= 0x94d049bb133111eb
	x ^= x >> 31
	return x
}

// key returns the 32-bit feature key of value x in namespace ns. Key 0 marks an empty slot in
// the weight table, so it is never returned.
func key(ns, x uint64) uint32 {
	k := uint32(mix64(x ^ ns*0x9e3779b97f4a7c15))
	if k == 0 {
		k = 1
	}
	return k
}

// isPunct reports whether a normalized word is a single punctuation or symbol character (the
// pre-tokenizer splits those off as words of their own).
func isPunct(w string) bool {
	r, n := utf8.DecodeRuneInString(w)
	if n != len(w) {
		return false
	}
	return !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r > 0x7f && r != '’' && r != '“' && r != '”')
}

// isNegation reports whether a normalized word starts a negation scope. A switch compiles to a
// few length and byte comparisons, cheaper than a map lookup on this per-word path.
func isNegation(w string) bool {
	switch w {
	case "not", "no", "never", "nor", "cannot", "without", "nothing", "nobody", "none", "neither",
		"nowhere", "dont", "doesnt", "didnt", "isnt", "arent", "wasnt", "werent", "cant", "wont",
		"wouldnt", "shouldnt", "couldnt", "hasnt", "havent", "aint":
		return true
	}
	return false
}

// stopwords are English function words left out of comment–context overlap, which should
// measure shared topic words.
var stopwords = func() map[uint64]bool {
	m := make(map[uint64]bool)
	for _, w := range strings.Fields(`a an the and or but if then else of to in on at by for with
		from into onto over under about as is are was were be been being am do does did done have
		has had having it its it's this that these those there here i me my mine we us our ours you
		your yours he him his she her hers they them their theirs what which who whom whose when
		where why how all any both each few more most other some such only own same so than too
		very can will just should would could may might must shall also not no nor s t don isn
		aren wasn weren doesn didn won wouldn shouldn couldn hasn haven re ve ll d m o y up down
		out off again further once because while until against between through during before after
		above below said says say one get got like even much many well`) {
		m[hashString(w)] = true
	}
	return m
}()

// isNegator reports whether word w, after word prev, starts a negation scope. "t" is the tail
// of "n't" after the pre-tokenizer splits "don't" into "don", "'", "t".
func isNegator(w, prev string) bool {
	if w == "t" {
		return prev == "'" || prev == "’"
	}
	return isNegation(w)
}

// featurize fills s.feats with the features of text and, when withContext is set and context
// is not empty, of its relation to context. It returns how many leading entries of s.feats are
// comment features; the rest relate to the context. With trace set, s.spans gets one entry per
// feature, aligned with s.feats.
func (f *featurizer) featurize(s *scratch, text, context string, withContext, trace bool) int {
	s.feats = s.feats[:0]
	s.spans = s.spans[:0]
	f.tok.Encode(text, &s.enc)
	enc := &s.enc
	nw := len(enc.Words)
	s.words = s.words[:0]
	s.first = s.first[:0]
	// Token runs per word: tokens are in word order and every word has at least one.
	for i, t := range enc.Tokens {
		for int(t.Word) >= len(s.first) {
			s.first = append(s.first, int32(i))
		}
	}
	for len(s.first) < nw {
		s.first = append(s.first, int32(len(enc.Tokens)))
	}
	cfg := &f.cfg
	neg := 0
	prev := ""
	var prevHash uint64
	s.wordFeat = s.wordFeat[:0]
	s.lexFeat = s.lexFeat[:0]
	for i := range nw {
		s.wordFeat = append(s.wordFeat, int32(len(s.feats)))
		w := enc.Norm(i)
		h := hashString(w)
		s.words = append(s.words, h)
		punct := isPunct(w)
		ns := nsWord
		if neg > 0 {
			ns = nsNeg
			neg--
		}
		if punct {
			neg = 0
			ns = nsWord
		}
		s.feats = append(s.feats, feat{key(ns, h), 1, blkWord})
		if trace {
			name := "word:" + w
			if ns == nsNeg {
				name = "neg:" + w
			}
			s.spans = append(s.spans, span{name, int(enc.Words[i].Start), int(enc.Words[i].End)})
		}
		if cfg.Bigrams && i > 0 {
			s.feats = append(s.feats, feat{key(nsBigram, prevHash*31+h), 1, blkBigram})
			if trace {
				s.spans = append(s.spans, span{"bigram:" + prev + " " + w,
					int(enc.Words[i-1].Start), int(enc.Words[i].End)})
			}
		}
		if cfg.Negation && isNegator(w, prev) {
			neg = cfg.NegationScope
		}
		lo, hi := s.first[i], int32(len(enc.Tokens))
		if i+1 < nw {
			hi = s.first[i+1]
		}
		if hi-lo > 1 || cfg.CharAll && !punct {
			f.subwords(s, enc, i, lo, hi, w, trace)
		}
		prev, prevHash = w, h
	}
	s.wordFeat = append(s.wordFeat, int32(len(s.feats)))
	if cfg.Lexicon {
		f.lexiconFeatures(s, enc, trace)
		s.endLexicon()
	}
	nComment := len(s.feats)
	if cfg.Sublinear {
		s.sublinear(nComment, cfg.BlockNorm)
	} else if cfg.BlockNorm {
		var n [numBlocks]int
		for _, ft := range s.feats {
			n[ft.blk]++
		}
		var v [numBlocks]float32
		for b, c := range n {
			if c > 0 {
				v[b] = float32(1 / math.Sqrt(float64(c)))
			}
		}
		for i := range s.feats {
			s.feats[i].val = v[s.feats[i].blk]
		}
	} else {
		scaleRange(s.feats, 0, nComment)
	}
	if withContext && context != "" {
		f.contextFeatures(s, context, trace)
	}
	return nComment
}

// subwords adds piece and character n-gram features of word i, which spans tokens [lo, hi).
func (f *featurizer) subwords(s *scratch, enc *wordpiece.Encoding, i int, lo, hi int32, w string, trace bool) {
	cfg := &f.cfg
	ws, we := int(enc.Words[i].Start), int(enc.Words[i].End)
	if cfg.Pieces && hi-lo > 1 {
		for _, t := range enc.Tokens[lo:hi] {
			s.feats = append(s.feats, feat{key(nsPiece, uint64(t.ID)), 1, blkSub})
			if trace {
				s.spans = append(s.spans, span{"piece:" + f.tok.Token(t.ID), int(t.Start), int(t.End)})
			}
		}
	}
	if cfg.CharMin <= 0 || len(w) > maxCharWordBytes {
		return
	}
	// Character n-grams of "<word>", over bytes: boundaries marked so prefixes and suffixes
	// differ from inner grams. Hashing bytes directly avoids building the bracketed string.
	nb := len(w) + 2
	at := func(j int) byte {
		switch j {
		case 0:
			return '<'
		case nb - 1:
			return '>'
		}
		return w[j-1]
	}
	for n := cfg.CharMin; n <= cfg.CharMax; n++ {
		for j := 0; j+n <= nb; j++ {
			h := uint64(fnvOffset)
			for k := j; k < j+n; k++ {
				h ^= uint64(at(k))
				h *= fnvPrime
			}
			s.feats = append(s.feats, feat{key(nsChar, h), 1, blkSub})
			if trace {
				var b strings.Builder
				for k := j; k < j+n; k++ {
					b.WriteByte(at(k))
				}
				s.spans = append(s.spans, span{"chars:" + strings.ToValidUTF8(b.String(), "?"), ws, we})
			}
		}
	}
}

// sublinear gives the first n features sublinear term frequencies and unit norm (per block if
// perBlock). A feature key occurring tf times keeps its occurrences, in place so that traced
// spans stay aligned, each with value (1+ln tf)/tf: their sum, all a linear model sees, is
// 1+ln tf.
func (s *scratch) sublinear(n int, perBlock bool) {
	s.sub = s.sub[:0]
	for i := range n {
		s.sub = append(s.sub, int32(i))
	}
	s.sublinearValues(s.sub, perBlock)
	for i, v := range s.subVal {
		s.feats[i].val = v
	}
}

// sublinearValues sets s.subVal[j], for the features s.feats[idx[j]] taken as one text, to
// their sublinear term frequency value scaled to unit norm (per block if perBlock).
func (s *scratch) sublinearValues(idx []int32, perBlock bool) {
	// Count each key's occurrences in an open-addressing table of key<<32 | count (0: empty),
	// sized to at most half full. Keys are already well-mixed hashes, so their low bits index
	// it directly. Counting is linear in the number of features; sorting them was a fifth of
	// scoring. The table is all zeros between calls: the slots used are cleared at the end.
	size := 16
	for size < 2*len(idx) {
		size <<= 1
	}
	if cap(s.tf) < size {
		s.tf = make([]uint64, size)
	}
	tab := s.tf[:size]
	mask := uint32(size - 1)
	s.tfAt = s.tfAt[:0]
	for _, i := range idx {
		k := s.feats[i].key
		h := k & mask
		for {
			e := tab[h]
			if e == 0 {
				tab[h] = uint64(k)<<32 | 1
				break
			}
			if uint32(e>>32) == k {
				tab[h] = e + 1
				break
			}
			h = (h + 1) & mask
		}
		s.tfAt = append(s.tfAt, int32(h))
	}
	var sq [numBlocks]float64
	s.subVal = s.subVal[:0]
	for j, i := range idx {
		val, share := sublinearValue(int(uint32(tab[s.tfAt[j]])))
		s.subVal = append(s.subVal, float32(val))
		// Each occurrence adds its share of the key's squared value a^2.
		if perBlock {
			sq[s.feats[i].blk] += share
		} else {
			sq[0] += share
		}
	}
	for _, h := range s.tfAt {
		tab[h] = 0
	}
	var v [numBlocks]float32
	for b, q := range sq {
		if q > 0 {
			v[b] = float32(1 / math.Sqrt(q))
		}
	}
	if !perBlock {
		for j := range s.subVal {
			s.subVal[j] *= v[0]
		}
		return
	}
	for j, i := range idx {
		s.subVal[j] *= v[s.feats[i].blk]
	}
}

// scaleRange gives feats[lo:hi] the value 1/sqrt(hi-lo): an occurrence-count L2 scaling, so that
// long and short comments produce logits on the same scale.
func scaleRange(fs []feat, lo, hi int) {
	if hi <= lo {
		return
	}
	v := float32(1 / math.Sqrt(float64(hi-lo)))
	for i := lo; i < hi; i++ {
		fs[i].val *= v
	}
}

// contextFeatures appends features relating the comment (already in s.words) to context:
// prefixed context words, shared content words, overlap measures and, if configured, comment
// words crossed with the context's identity.
func (f *featurizer) contextFeatures(s *scratch, context string, trace bool) {
	cfg := &f.cfg
	f.tok.Encode(context, &s.cenc)
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
		if taken < cfg.ContextWords {
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

	// Shared content words: unique comment words found in the context set.
	s.seen = resetSet(s.seen, len(s.words))
	uc, shared := 0, 0
	lo = len(s.feats)
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

	// Overlap measures: cosine of the two content-word sets, the share of the comment's
	// content words found in the context, and indicator bins of the shared count, so that the
	// model can learn a non-linear relatedness curve.
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

	if cfg.ContextCross {
		cid := hashString(context)
		lo = len(s.feats)
		for i, h := range s.words {
			s.feats = append(s.feats, feat{key(nsCross, cid^h*0x2545f4914f6cdd1d), 1, 0})
			if trace {
				ws := s.enc.Words[i]
				s.spans = append(s.spans, span{"target×word:" + s.enc.Norm(i), int(ws.Start), int(ws.End)})
			}
		}
		scaleRange(s.feats, lo, len(s.feats))
	}
}

func (f *featurizer) dense(s *scratch, id uint64, name string, v float32, trace bool) {
	s.feats = append(s.feats, feat{key(nsOverlap, id), v, 0})
	if trace {
		s.spans = append(s.spans, span{name, -1, -1})
	}
}

var countBins = [...]int{0, 1, 2, 3, 5, 8, 13}

func countBin(n int) int {
	b := 0
	for i, lo := range countBins {
		if n >= lo {
			b = i
		}
	}
	return b
}

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

// resetSet returns an empty open-addressing set with room for n entries at load factor <= 1/2.
func resetSet(set []uint64, n int) []uint64 {
	size := 16
	for size < 2*n {
		size <<= 1
	}
	if cap(set) < size {
		return make([]uint64, size)
	}
	set = set[:size]
	clear(set)
	return set
}

// setAdd inserts h (0 is stored as 1: a collision too rare to matter) and reports whether it
// was new.
func setAdd(set []uint64, h uint64) bool {
	if h == 0 {
		h = 1
	}
	m := uint64(len(set) - 1)
	for i := h & m; ; i = (i + 1) & m {
		switch set[i] {
		case 0:
			set[i] = h
			return true
		case h:
			return false
		}
	}
}

func setHas(set []uint64, h uint64) bool {
	if h == 0 {
		h = 1
	}
	m := uint64(len(set) - 1)
	for i := h & m; ; i = (i + 1) & m {
		switch set[i] {
		case 0:
			return false
		case h:
			return true
		}
	}
}

// lexiconFeatures adds the lexicon category features of the comment's words and of nearby
// category pairs within a sentence.
func (f *featurizer) lexiconFeatures(s *scratch, enc *wordpiece.Encoding, trace bool) {
	lex := lexTables[f.cfg.LexiconVersion] // checked by checkFeatures
	nw := len(enc.Words)
	s.cats = s.cats[:0]
	for i := range nw {
		s.cats = append(s.cats, lex.category(enc.Norm(i)))
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
			s.feats = append(s.feats, feat{key(nsLex, uint64(b)), 1, blkWord})
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
					s.feats = append(s.feats, feat{key(nsLexPair, uint64(pi)), 1, blkWord})
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

// sublinearTable holds, for a term frequency tf below its length, each occurrence's value
// (1+ln tf)/tf and its share of the squared norm (1+ln tf)²/tf: nearly every feature of a
// comment occurs a handful of times, and a logarithm per feature was the largest cost of
// scoring.
var sublinearTable = func() [17][2]float64 {
	var t [17][2]float64
	for tf := 1; tf < len(t); tf++ {
		a := 1 + math.Log(float64(tf))
		t[tf] = [2]float64{a / float64(tf), a * a / float64(tf)}
	}
	return t
}()

// sublinearValue returns, for a feature occurring tf times, each occurrence's value
// (1+ln tf)/tf and its share (1+ln tf)²/tf of the squared norm.
func sublinearValue(tf int) (val, share float64) {
	if tf < len(sublinearTable) {
		return sublinearTable[tf][0], sublinearTable[tf][1]
	}
	a := 1 + math.Log(float64(tf))
	return a / float64(tf), a * a / float64(tf)
}
