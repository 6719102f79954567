// Package classifier scores comments with bag-of-words linear models: tone heads (toxicity,
// insult, ...) and stance heads scored against the comment's context. It trains models,
// evaluates them and reads and writes self-describing model files. It depends only on the
// standard library and the WordPiece tokenizer in classifier/wordpiece.
package classifier

import (
	"math"
	"slices"
	"sort"
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
	feat    featurizer
	context bool // any table head uses the context
	pool    sync.Pool
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
	m.featurize(s, text, context, false)
	m.worstSentence(s, text)
	if m.stance != nil {
		m.stanceLogits(s, text, context)
	}
	m.fill(p, s.logits)
	m.setSpans(p, s, len(text))
	m.pool.Put(s)
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

// logits computes the logits of every output column from the features in s.
func (m *Model) logits(s *scratch) {
	logits := s.logits[:m.k]
	for c, b := range m.bias {
		logits[c] = float64(b)
	}
	// Three passes. The first reads the home entry of every feature with no branch on what it
	// reads, so the CPU keeps dozens of these cache misses in flight instead of stalling on a
	// mispredicted found/absent branch after each. The second resolves the probes from cache
	// (compacting s.slots in place), and the third reads rows, which share cache lines with
	// their keys.
	s.slots = s.slots[:0]
	if len(m.tab) == 0 {
		return
	}
	for _, f := range s.feats {
		h := f.key & m.mask
		e := m.tab[int(h)*m.stride:]
		s.slots = append(s.slots, slot{int32(h), int32(uint32(e[0]) | uint32(e[1])<<16)})
	}
	n := 0
	for i, f := range s.feats {
		r, home := int(s.slots[i].row), uint32(s.slots[i].feat)
		if home != f.key {
			if home == 0 {
				continue
			}
			if r = m.probe(f.key, uint32(r+1)); r < 0 {
				continue
			}
		}
		s.slots[n] = slot{int32(r), int32(i)}
		n++
	}
	s.slots = s.slots[:n]
	for _, sl := range s.slots {
		row := m.row(int(sl.row))
		v := s.feats[sl.feat].val
		for c, w := range row {
			logits[c] += float64(halfTable[w] * v)
		}
	}
}

// lookup returns the table slot of key, or -1.
func (m *Model) lookup(key uint32) int {
	if len(m.tab) == 0 {
		return -1
	}
	return m.probe(key, key&m.mask)
}

// probe returns the table slot of key searching from slot i on, or -1.
func (m *Model) probe(key, i uint32) int {
	for i &= m.mask; ; i = (i + 1) & m.mask {
		e := m.tab[int(i)*m.stride:]
		switch uint32(e[0]) | uint32(e[1])<<16 {
		case key:
			return int(i)
		case 0:
			return -1
		}
	}
}

// row returns the k half-precision weights of table slot r.
func (m *Model) row(r int) []uint16 {
	o := r*m.stride + 2
	return m.tab[o : o+m.k : o+m.k]
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

// Explain is Predict plus, for every head, the topK features (all if topK <= 0) that moved its
// decided class most, by absolute weight.
func (m *Model) Explain(text, context string, topK int) Prediction {
	s := m.getScratch()
	defer m.pool.Put(s)
	m.featurize(s, text, context, false)
	m.worstSentence(s, text)
	if m.stance != nil {
		m.stanceLogits(s, text, context)
	}
	var p Prediction
	m.fill(&p, s.logits)
	m.setSpans(&p, s, len(text))
	win := slices.Clone(s.win)
	sents := slices.Clone(s.sents)
	// Explain each head from the text that decided it: the whole comment, or its sentence.
	m.feat.featurize(s, text, context, m.context, true)
	m.explainHeads(&p, s, win, -1, 0, topK)
	done := map[int]bool{}
	for _, w := range win {
		if w < 0 || done[w] {
			continue
		}
		done[w] = true
		r := sents[w]
		m.feat.featurize(s, text[r[0]:r[1]], "", false, true)
		m.explainHeads(&p, s, win, w, r[0], topK)
	}
	if m.stance != nil {
		m.explainStance(&p, text, context, topK)
	}
	return p
}

// explainHeads fills the explanation of every head whose deciding text is sentence sent (-1:
// the whole comment) from the traced features in s, shifting their offsets by shift bytes.
func (m *Model) explainHeads(p *Prediction, s *scratch, win []int, sent, shift, topK int) {
	for i := range m.heads {
		if win[i] != sent || m.isStance(i) {
			continue
		}
		h := &m.heads[i]
		hp := &p.Heads[i]
		target := len(h.Classes) - 1 // binary: the attribute
		if !h.Binary {
			target = indexOf(h.Classes, hp.Label)
		}
		var top topContribs
		top.reset(topK)
		for j, f := range s.feats {
			r := m.lookup(f.key)
			if r < 0 {
				continue
			}
			width := len(h.Classes)
			if h.Binary {
				width = 1 // one logit column
			}
			row := m.row(r)[m.col[i] : m.col[i]+width]
			var w float64
			if h.Binary {
				w = float64(halfTable[row[0]])
			} else {
				mean := 0.0
				for _, x := range row {
					mean += float64(halfTable[x])
				}
				w = float64(halfTable[row[target]]) - mean/float64(len(row))
			}
			w *= float64(f.val)
			if w == 0 {
				continue
			}
			top.add(w, j)
		}
		cs := make([]Contribution, len(top.items))
		for n, it := range top.items {
			sp := s.spans[it.feat]
			if sp.start >= 0 {
				sp.start += shift
				sp.end += shift
			}
			cs[n] = Contribution{Feature: sp.name, Class: h.Classes[target], Weight: it.weight,
				Start: sp.start, End: sp.end}
		}
		hp.Explanation = cs
	}
}

// topContribs keeps the k contributions of largest magnitude in order, earlier features first
// among equals (as a stable sort would). A comment has hundreds of feature occurrences and an
// explanation wants a handful: insertion into a short sorted list is far cheaper than sorting
// them all. k <= 0 keeps everything.
type topContribs struct {
	k     int
	items []weighted
}

type weighted struct {
	weight float64
	feat   int
}

func (t *topContribs) reset(k int) {
	t.k = k
	t.items = t.items[:0]
}

func (t *topContribs) add(w float64, feat int) {
	a := math.Abs(w)
	n := len(t.items)
	if t.k > 0 && n == t.k && a <= math.Abs(t.items[n-1].weight) {
		return
	}
	// Position after every item at least as large: ties keep feature order.
	i := sort.Search(n, func(i int) bool { return math.Abs(t.items[i].weight) < a })
	if t.k <= 0 || n < t.k {
		t.items = append(t.items, weighted{})
	}
	copy(t.items[i+1:], t.items[i:len(t.items)-1])
	t.items[i] = weighted{weight: w, feat: feat}
}

func indexOf(xs []string, x string) int {
	for i, y := range xs {
		if y == x {
			return i
		}
	}
	return 0
}

// WithSentenceMargin returns a copy of m that scores sentences with the given margin
// (FeatureConfig.SentenceMargin), or the whole comment only when margin is negative. It is
// for measuring the choice; the copy shares m's weights and reports m's version.
func (m *Model) WithSentenceMargin(margin float64) *Model {
	c := &Model{version: m.version, raw: m.raw, info: m.info, heads: m.heads, col: m.col, k: m.k,
		bias: m.bias, tab: m.tab, stride: m.stride, mask: m.mask, feat: m.feat, context: m.context,
		stance: m.stance}
	c.info.Features.Sentences = margin >= 0
	c.info.Features.SentenceMargin = max(margin, 0)
	return c
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
