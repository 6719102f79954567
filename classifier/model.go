// Package classifier scores comments with bag-of-words linear models: tone heads (toxicity,
// insult, ...) and stance heads scored against the comment's context. It trains models,
// evaluates them and reads and writes self-describing model files. It depends only on the
// standard library and the WordPiece tokenizer in classifier/wordpiece.
package classifier

import (
	"math"
	"sync"
	"time"

	"github.com/tribune/tribune/classifier/wordpiece"
)

// Head is one output of a model: a binary attribute (toxicity) or a multi-class label (stance).
type Head struct {
	// Name is the head's name, e.g. "toxicity" or "stance".
	Name string `json:"name"`
	// Classes are the classes in output order. For binary heads they are "not_<name>" and
	// "<name>".
	Classes []string `json:"classes"`
	// Binary marks a head trained from 0/1 attribute labels.
	Binary bool `json:"binary"`
	// Context marks a head that scores the comment against its context.
	Context bool `json:"context"`
	// Offsets are per-class decision offsets added to log-probabilities to pick a label. They
	// were tuned on cross-validated training predictions for macro-F1; probabilities stay
	// calibrated.
	Offsets []float64 `json:"offsets"`
	// Prior is, for a binary head, the reference prior its probabilities are calibrated to:
	// the mean probability the served model gives its training comments. A model trained with
	// per-source intercepts serves none of them, so this is no single source's base rate. A
	// site where the attribute is more or less common shifts scores by the difference in
	// log-odds (moderation.Policy.Priors). Zero when unknown.
	Prior float64 `json:"prior,omitempty"`
}

// ModelInfo describes how a model was made.
type ModelInfo struct {
	// Created is when the model was trained (UTC); zero for reproducible builds.
	Created time.Time `json:"created,omitzero"`
	// Sources names the training data files.
	Sources []string `json:"sources,omitempty"`
	// Settings records training settings (seed, folds, chosen L2 strength per head, ...).
	Settings map[string]string `json:"settings,omitempty"`
	// Features is the feature configuration.
	Features FeatureConfig `json:"features"`
	// VocabSize is the number of WordPiece tokens in the embedded vocabulary.
	VocabSize int `json:"vocab_size"`
	// Weights is the number of hashed features kept in the weight table.
	Weights int `json:"weights"`
	// CV holds cross-validated training metrics per head (out-of-fold, after calibration).
	CV []HeadMetrics `json:"cv,omitempty"`
	// Dev holds metrics on the development data given to Train, if any.
	Dev []HeadMetrics `json:"dev,omitempty"`
}

// Model is a trained classifier. It is immutable after loading and safe for concurrent use.
type Model struct {
	version string
	raw     []byte
	info    ModelInfo
	heads   []Head
	col     []int // first output column of each head
	k       int   // output columns in all
	bias    []float32
	tab     []uint16 // open-addressing weight table of entries, see allocTable
	stride  int      // uint16s per entry
	mask    uint32
	// lineMask clears the low bits of a slot index that pick a slot within a cache line.
	lineMask uint32
	feat     featurizer
	context  bool // any table head uses the context
	pool     sync.Pool
	// stance is the stance component (stance.go), the last head, when the model has one.
	stance *stanceModel
}

// Prediction holds one comment's scores for every head of a model.
type Prediction struct {
	Heads []HeadPrediction
}

// HeadPrediction is one head's output.
type HeadPrediction struct {
	// Name is the head's name.
	Name string
	// Classes are the head's classes; for binary heads "not_<name>" then "<name>". The slice is
	// shared with the model and must not be modified.
	Classes []string
	// Probs are calibrated probabilities aligned with Classes; they are finite and sum to 1.
	Probs []float64
	// Binary marks a binary attribute head.
	Binary bool
	// Label is the decided class: the most probable one after the head's decision offsets.
	Label string
	// Explanation lists the features that moved this head most (only from Explain).
	Explanation []Contribution
	// Start and End are the byte range of the text that decided the score: the whole comment,
	// or for a model that scores sentences (FeatureConfig.Sentences) the sentence scoring
	// highest on this head.
	Start, End int
}

// Positive returns the probability of the attribute for a binary head (the last class).
func (h HeadPrediction) Positive() float64 {
	if len(h.Probs) == 0 {
		return 0
	}
	return h.Probs[len(h.Probs)-1]
}

// Top returns the most probable class and its probability.
func (h HeadPrediction) Top() (class string, p float64) {
	best := -1
	for i, q := range h.Probs {
		if best < 0 || q > p {
			best, p = i, q
		}
	}
	if best < 0 {
		return "", 0
	}
	return h.Classes[best], p
}

// Contribution is one feature's push on a head's score: Weight is its share of the logit of
// Class (for multi-class heads, relative to the mean over classes). Start and End are byte
// offsets in the comment text, or -1 for context and overlap features.
type Contribution struct {
	Feature string  `json:"feature"`
	Class   string  `json:"class"`
	Weight  float64 `json:"weight"`
	Start   int     `json:"start"`
	End     int     `json:"end"`
}

// Version returns the model's content hash, "sha256:" and 16 hex digits.
func (m *Model) Version() string { return m.version }

// Heads returns the model's heads. The caller must not modify them.
func (m *Model) Heads() []Head { return m.heads }

// Info returns how the model was made.
func (m *Model) Info() ModelInfo { return m.info }

// Tokenizer returns the model's tokenizer.
func (m *Model) Tokenizer() *wordpiece.Tokenizer { return m.feat.tok }

// Predict scores text against context with every head.
func (m *Model) Predict(text, context string) Prediction {
	var p Prediction
	m.PredictInto(&p, text, context)
	return p
}

// PredictInto is Predict writing into p, reusing its storage: once p has been used with this
// model, it does not allocate.
func (m *Model) PredictInto(p *Prediction, text, context string) {
	s := m.getScratch()
	m.score(s, text, context)
	m.fill(p, s.logits)
	m.setSpans(p, s, len(text))
	m.pool.Put(s)
}

// score computes the logits of every head into s.logits. The stance component reads the
// comment's encoding from the tone features before worstSentence, which may encode sentences
// into s.enc.
func (m *Model) score(s *scratch, text, context string) {
	m.featurize(s, text, context, false)
	if m.stance != nil {
		m.stanceLogits(s, text, context)
	}
	m.worstSentence(s, text)
}

// getScratch returns pooled working memory, or new memory sized for m's output columns.
func (m *Model) getScratch() *scratch {
	if s, ok := m.pool.Get().(*scratch); ok {
		return s
	}
	return &scratch{logits: make([]float64, m.outputs())}
}

// featurize computes features and the logits of every output column into s.
func (m *Model) featurize(s *scratch, text, context string, trace bool) {
	m.feat.featurize(s, text, context, m.context, trace)
	m.logits(s)
}

// fill turns logits into per-head probabilities in p.
func (m *Model) fill(p *Prediction, logits []float64) {
	if len(p.Heads) != len(m.heads) {
		p.Heads = make([]HeadPrediction, len(m.heads))
	}
	for i := range m.heads {
		h := &m.heads[i]
		hp := &p.Heads[i]
		hp.Name, hp.Classes, hp.Binary = h.Name, h.Classes, h.Binary
		hp.Explanation = hp.Explanation[:0]
		if cap(hp.Probs) < len(h.Classes) {
			hp.Probs = make([]float64, len(h.Classes))
		}
		hp.Probs = hp.Probs[:len(h.Classes)]
		z := logits[m.col[i]:]
		if h.Binary {
			q := sigmoid(z[0])
			hp.Probs[0], hp.Probs[1] = 1-q, q
		} else {
			softmax(hp.Probs, z[:len(h.Classes)])
		}
		hp.Label = h.Classes[decide(hp.Probs, h.Offsets)]
	}
}

// decide returns the class index maximizing log p + offset.
func decide(probs, offsets []float64) int {
	best, bestScore := 0, math.Inf(-1)
	for c, q := range probs {
		s := math.Log(max(q, 1e-300))
		if c < len(offsets) {
			s += offsets[c]
		}
		if s > bestScore {
			best, bestScore = c, s
		}
	}
	return best
}

// sigmoid is the logistic function, exact in both tails.
func sigmoid(z float64) float64 {
	if z >= 0 {
		return 1 / (1 + math.Exp(-z))
	}
	e := math.Exp(z)
	return e / (1 + e)
}

// softmax writes the softmax of z into p (len(p) == len(z)).
func softmax(p, z []float64) {
	mx := math.Inf(-1)
	for _, v := range z {
		mx = max(mx, v)
	}
	sum := 0.0
	for i, v := range z {
		p[i] = math.Exp(v - mx)
		sum += p[i]
	}
	for i := range p {
		p[i] /= sum
	}
}

// WithSentenceMargin returns a copy of m that scores sentences with the given margin
// (FeatureConfig.SentenceMargin), or the whole comment only when margin is negative. It is
// for measuring the choice; the copy shares m's weights and reports m's version.
func (m *Model) WithSentenceMargin(margin float64) *Model {
	c := &Model{version: m.version, raw: m.raw, info: m.info, heads: m.heads, col: m.col, k: m.k,
		bias: m.bias, tab: m.tab, stride: m.stride, mask: m.mask, lineMask: m.lineMask, feat: m.feat, context: m.context,
		stance: m.stance}
	c.info.Features.Sentences = margin >= 0
	c.info.Features.SentenceMargin = max(margin, 0)
	return c
}
