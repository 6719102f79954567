package classifier

import (
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
	// LexPresence keeps the lexicon features out of the comment's normalisation (with
	// Sublinear): each category or pair present counts 1+ln(tf) however long the comment is.
	// Normalised with the words, an insult word weighed a fifth as much in a 25-word sentence as
	// alone, so "the boss is a useless moron who should be sacked" scored below "moron".
	LexPresence bool `json:"lex_presence,omitempty"`
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

// blkLex marks lexicon features kept out of normalisation (FeatureConfig.LexPresence). It is
// not a normalised block: per-block arrays have numBlocks entries.
const blkLex = numBlocks

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
	sents     [][2]int   // sentence byte ranges of the comment
	best      []float64  // per output column: the highest logit over the whole and its sentences
	win       []int      // per head: the sentence whose logit won, or -1 for the whole comment
	cats      []uint16   // lexicon categories of each comment word
	info      []wordInfo // what the word lists say of each comment word (Lexicon), else empty
	wordFeat  []int32    // first feature index of each comment word, then the end
	lexFeat   []int32    // first lexicon feature index of each comment word, then the end
	rowOf     []int32    // weight table row of each feature, -1 when absent (sentence scoring)
	sub       []int32    // feature indices of one sentence
	subVal    []float32  // their values
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
	s.wordRuns()
	f.wordFeatures(s, trace)
	s.info = s.info[:0]
	if f.cfg.Lexicon {
		s.info = lookupWords(s.info, s.words, &s.enc)
		f.lexiconFeatures(s, &s.enc, trace)
		s.endLexicon()
	}
	nComment := len(s.feats)
	s.scaleComment(nComment, &f.cfg)
	if withContext && context != "" {
		f.contextFeatures(s, context, trace)
	}
	return nComment
}

// wordRuns fills s.first with the first token index of each word of s.enc. Tokens are in word
// order and every word has at least one.
func (s *scratch) wordRuns() {
	enc := &s.enc
	s.first = s.first[:0]
	for i, t := range enc.Tokens {
		for int(t.Word) >= len(s.first) {
			s.first = append(s.first, int32(i))
		}
	}
	for len(s.first) < len(enc.Words) {
		s.first = append(s.first, int32(len(enc.Tokens)))
	}
}

// wordFeatures appends the word, negated-word, bigram and sub-word features of every word of
// s.enc, recording each word's hash in s.words and its first feature in s.wordFeat.
func (f *featurizer) wordFeatures(s *scratch, trace bool) {
	enc := &s.enc
	nw := len(enc.Words)
	cfg := &f.cfg
	neg := 0
	prev := ""
	var prevHash uint64
	s.words = s.words[:0]
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
