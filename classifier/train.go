package classifier

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"math"
	"runtime"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/tribune/tribune/classifier/wordpiece"
)

// TrainConfig holds training settings. The zero value of every field but Vocab has a default.
type TrainConfig struct {
	// Head names the multi-class head made from examples' Label (default "label").
	Head string
	// Heads, if not empty, restricts training to these heads.
	Heads []string
	// ContextHeads lists the heads scored against the context; "all" means every head.
	ContextHeads []string
	// Seed drives the cross-validation folds. Training is deterministic for a given seed.
	Seed int64
	// Workers bounds parallelism (default GOMAXPROCS). Results do not depend on it.
	Workers int
	// Progress, if set, receives one line per training step.
	Progress io.Writer
	// Vocab is the WordPiece vocabulary embedded in the model (required).
	Vocab []string
	// Features overrides DefaultFeatures. ContextCross is switched on automatically when the
	// context heads' data has at most MaxCrossTargets distinct contexts.
	Features *FeatureConfig
	// Candidates are further feature configurations to compare with Features (or the
	// default) by cross-validation; the best is kept.
	Candidates []FeatureConfig
	// AutoCross switches ContextCross on automatically (as when Features is nil).
	AutoCross bool
	// Lambdas is the grid of L2 strengths (per example) searched by cross-validation.
	Lambdas []float64
	// Folds is the number of cross-validation folds (default 3). Examples with the same text
	// share a fold, so repeated comments cannot leak between folds.
	Folds int
	// GroupBy chooses which examples share a fold: "text" (default: a comment repeated with
	// other claims cannot leak between folds), "context" (new claims at test time) or
	// "example" (plain k-fold).
	GroupBy string
	// NoIDF penalizes all features alike instead of by inverse document frequency.
	NoIDF bool
	// MaxIter bounds L-BFGS iterations per fit (default 150).
	MaxIter int
	// MinCount drops features seen in fewer training examples (default 2).
	MinCount int
	// Sources is recorded in the model's info.
	Sources []string
	// SourceBias fits one intercept per example Source and head during training, with a
	// Gaussian prior of standard deviation SourceSigma (logit units) around the shared bias,
	// and serves the shared bias alone. Pooled data sets have very different base rates
	// (one is 83% offensive, another 1% toxic); without this the heads inherit whichever
	// prior the pool happens to have, and that prior, not the words, decides short comments.
	SourceBias bool
	// SourceSigma is the prior standard deviation of a source's intercept (default 1).
	SourceSigma float64
	// OneClassSources keeps, with SourceBias, a binary head's rows from sources that label
	// (nearly) only its positive class: fewer than 10 negative rows. By default they are left
	// out of that head: such a source was collected for the attribute (a hate speech corpus),
	// every row has the same label, and all it can teach is what that source's texts look like
	// (tweets are toxic), which is not what the head is for. Sources of only negative rows stay:
	// they are civil text of the kind a site sees (Wikipedia talk pages, newspaper comments),
	// and teach the head what does not carry the attribute.
	OneClassSources bool
	// Dev, if set, is evaluated after training and its metrics stored in the model.
	Dev []Example
	// Created is recorded in the model's info; zero keeps builds byte-for-byte reproducible.
	Created time.Time
}

// MaxCrossTargets is the largest number of distinct contexts for which Train adds target-
// specific word features: with few recurring targets (SemEval's five), a word's stance meaning
// depends on the target; with many (one claim per article), the crosses would only memorize.
const MaxCrossTargets = 50

// defaultLambdas spans strong to weak regularization; the path is fitted in this order with
// warm starts.
var defaultLambdas = []float64{1e-2, 3e-3, 1e-3, 3e-4, 1e-4, 3e-5, 1e-5}

// headData is one head's training set.
type headData struct {
	Head
	rows []int // example indices
	y    []int // class index of each row
}

// dataset is every example's features in compressed sparse rows over compact feature indices.
type dataset struct {
	ptr   []int // row i is [ptr[i], ptr[i+1])
	split []int // row i's comment features end at split[i]
	idx   []int32
	val   []float32
	keys  []uint32 // compact index -> feature key
	// sources maps the compact index of each source-intercept feature to its source name.
	sources map[int32]string
}

// Train trains a model on examples. It is deterministic for a given configuration.
func Train(ctx context.Context, train []Example, cfg TrainConfig) (*Model, error) {
	if len(cfg.Vocab) == 0 {
		return nil, errors.New("train: no vocabulary")
	}
	tok, err := wordpiece.New(cfg.Vocab)
	if err != nil {
		return nil, fmt.Errorf("train: %w", err)
	}
	if cfg.Head == "" {
		cfg.Head = "label"
	}
	if cfg.Workers <= 0 {
		cfg.Workers = runtime.GOMAXPROCS(0)
	}
	if cfg.Folds < 2 {
		cfg.Folds = 3
	}
	if cfg.MaxIter <= 0 {
		cfg.MaxIter = 150
	}
	if cfg.MinCount <= 0 {
		cfg.MinCount = 2
	}
	if len(cfg.Lambdas) == 0 {
		cfg.Lambdas = defaultLambdas
	}
	progress := func(format string, args ...any) {
		if cfg.Progress != nil {
			fmt.Fprintf(cfg.Progress, format+"\n", args...)
		}
	}
	heads, err := collectHeads(train, cfg)
	if err != nil {
		return nil, err
	}
	fc := DefaultFeatures()
	if cfg.Features != nil {
		fc = *cfg.Features
	}
	if fc.Lexicon && fc.LexiconVersion == 0 {
		fc.LexiconVersion = LexiconLatest
	}
	if err := checkFeatures(&fc); err != nil {
		return nil, fmt.Errorf("train: %w", err)
	}
	if cfg.Features == nil || cfg.AutoCross {
		ctxs := map[string]bool{}
		for _, h := range heads {
			if h.Context {
				for _, r := range h.rows {
					ctxs[train[r].Context] = true
				}
			}
		}
		fc.ContextCross = len(ctxs) > 1 && len(ctxs) <= MaxCrossTargets
	}
	if cfg.GroupBy == "" {
		cfg.GroupBy = "text"
	}
	if cfg.GroupBy != "text" && cfg.GroupBy != "context" && cfg.GroupBy != "example" {
		return nil, fmt.Errorf("train: group by %q: want text, context or example", cfg.GroupBy)
	}
	needCtx := make([]bool, len(train))
	for _, h := range heads {
		if h.Context {
			for _, r := range h.rows {
				needCtx[r] = true
			}
		}
	}
	// Feature candidates are compared by cross-validation inside the training data: the
	// lowest mean out-of-fold log loss over heads wins.
	cands := []FeatureConfig{fc}
	for _, c := range cfg.Candidates {
		c.ContextCross = fc.ContextCross
		if c.Lexicon && c.LexiconVersion == 0 {
			c.LexiconVersion = LexiconLatest
		}
		if err := checkFeatures(&c); err != nil {
			return nil, fmt.Errorf("train: %w", err)
		}
		cands = append(cands, c)
	}
	var data *dataset
	var fits []fit
	bestLoss := math.Inf(1)
	for ci, c := range cands {
		start := time.Now()
		d := featurizeAll(featurizer{tok: tok.WithFold(c.Fold), cfg: c}, train, needCtx, cfg.MinCount, cfg.Workers, cfg.SourceBias)
		progress("featurized %d examples: %d features (seen in >= %d examples) in %v",
			len(train), len(d.keys), cfg.MinCount, time.Since(start).Round(time.Millisecond))
		f, err := fitHeads(ctx, d, heads, train, cfg, progress)
		if err != nil {
			return nil, err
		}
		loss := 0.0
		for _, hf := range f {
			loss += hf.cv.LogLoss / float64(len(f))
		}
		if len(cands) > 1 {
			progress("feature candidate %d: mean out-of-fold log loss %.4f", ci, loss)
		}
		if loss < bestLoss {
			bestLoss, data, fits, fc = loss, d, f, c
		}
	}
	// Assemble the weight table: one row of k output columns per kept feature.
	k := 0
	cols := make([]int, len(heads))
	for i, h := range heads {
		cols[i] = k
		k += h.outputs()
	}
	bias := make([]float32, k)
	rows := make([][]float32, len(data.keys))
	sourceOffsets := map[string]string{}
	for i, h := range heads {
		f := fits[i]
		c := h.outputs()
		for j := range c {
			bias[cols[i]+j] = float32(f.bias[j])
		}
		var offs []string
		for l, g := range f.global {
			if name, ok := data.sources[g]; ok {
				// Source intercepts are dropped: the shared bias is the served prior.
				for j := range c {
					offs = append(offs, fmt.Sprintf("%s/%s=%.3f", name, h.Classes[len(h.Classes)-c+j], f.w[l*c+j]))
				}
				continue
			}
			for j := range c {
				w := f.w[l*c+j]
				if math.Abs(w) < pruneBelow {
					continue
				}
				if rows[g] == nil {
					rows[g] = make([]float32, k)
				}
				rows[g][cols[i]+j] = float32(w)
			}
		}
		if len(offs) > 0 {
			sourceOffsets[h.Name] = strings.Join(offs, ",")
		}
	}
	var t table
	for g, r := range rows {
		if r != nil {
			t.keys = append(t.keys, data.keys[g])
			t.rows = append(t.rows, r)
		}
	}
	hs := make([]Head, len(heads))
	info := ModelInfo{Created: cfg.Created.UTC(), Sources: cfg.Sources, Features: fc,
		VocabSize: len(cfg.Vocab), Weights: len(t.keys), Settings: map[string]string{
			"seed": strconv.FormatInt(cfg.Seed, 10), "folds": strconv.Itoa(cfg.Folds),
			"max_iter": strconv.Itoa(cfg.MaxIter), "group_by": cfg.GroupBy, "idf_penalty": strconv.FormatBool(!cfg.NoIDF), "min_count": strconv.Itoa(cfg.MinCount),
			"examples": strconv.Itoa(len(train)), "lambdas": fmtFloats(cfg.Lambdas),
		}}
	if cfg.Created.IsZero() {
		info.Created = time.Time{}
	}
	for i, h := range heads {
		hs[i] = h.Head
		hs[i].Offsets = fits[i].offsets
		hs[i].Prior = fits[i].prior
		info.Settings["lambda."+h.Name] = strconv.FormatFloat(fits[i].lambda, 'g', -1, 64)
		info.CV = append(info.CV, fits[i].cv)
		if o, ok := sourceOffsets[h.Name]; ok {
			info.Settings["source_bias."+h.Name] = o
		}
	}
	if cfg.SourceBias {
		sigma := cfg.SourceSigma
		if sigma <= 0 {
			sigma = 1
		}
		info.Settings["source_sigma"] = strconv.FormatFloat(sigma, 'g', -1, 64)
	}
	m, err := build(header{Heads: hs, Bias: bias, Info: info}, cfg.Vocab, t)
	if err != nil {
		return nil, err
	}
	progress("model: %d heads, %d weights, %d bytes", len(hs), len(t.keys), len(m.raw))
	if len(cfg.Dev) > 0 {
		ev, err := Evaluate(m, cfg.Dev)
		if err != nil {
			return nil, fmt.Errorf("train: dev: %w", err)
		}
		info.Dev = ev.Heads
		for _, h := range ev.Heads {
			progress("dev %s: n=%d accuracy=%.4f macro-F1=%.4f auc=%s", h.Head, h.N, h.Accuracy, h.MacroF1, fmtAUC(h.AUC))
		}
		if m, err = build(header{Heads: hs, Bias: bias, Info: info}, cfg.Vocab, t); err != nil {
			return nil, err
		}
	}
	return m, nil
}

// pruneBelow drops weights too small to change any score visibly; most of them belong to rare
// features that L2 has shrunk to nothing.
const pruneBelow = 2e-4

func build(h header, vocab []string, t table) (*Model, error) {
	var buf bytes.Buffer
	if err := encode(&buf, h, vocab, t); err != nil {
		return nil, fmt.Errorf("train: %w", err)
	}
	m, err := parse(buf.Bytes())
	if err != nil {
		return nil, fmt.Errorf("train: reload: %w", err)
	}
	return m, nil
}

func fmtFloats(xs []float64) string {
	s := make([]string, len(xs))
	for i, x := range xs {
		s[i] = strconv.FormatFloat(x, 'g', -1, 64)
	}
	return strings.Join(s, ",")
}

func fmtAUC(a float64) string {
	if math.IsNaN(a) {
		return "-"
	}
	return strconv.FormatFloat(a, 'f', 4, 64)
}

func (h *headData) outputs() int {
	if h.Binary {
		return 1
	}
	return len(h.Classes)
}

// collectHeads finds the heads the examples label: one multi-class head from Label, one binary
// head per Labels attribute, in name order after the multi-class head.
func collectHeads(train []Example, cfg TrainConfig) ([]*headData, error) {
	want := func(name string) bool { return len(cfg.Heads) == 0 || slices.Contains(cfg.Heads, name) }
	useCtx := func(name string) bool {
		return slices.Contains(cfg.ContextHeads, "all") || slices.Contains(cfg.ContextHeads, name)
	}
	var heads []*headData
	classSet := map[string]bool{}
	attrs := map[string]bool{}
	for _, ex := range train {
		if ex.Label != "" {
			classSet[ex.Label] = true
		}
		for a := range ex.Labels {
			attrs[a] = true
		}
	}
	if len(classSet) > 0 && want(cfg.Head) {
		if attrs[cfg.Head] {
			return nil, fmt.Errorf("train: head %q is both the multi-class head and an attribute", cfg.Head)
		}
		if len(classSet) < 2 {
			return nil, fmt.Errorf("train: head %q: need at least two classes", cfg.Head)
		}
		classes := sortedKeys(classSet)
		h := &headData{Head: Head{Name: cfg.Head, Classes: classes, Context: useCtx(cfg.Head)}}
		for i, ex := range train {
			if ex.Label != "" {
				h.rows = append(h.rows, i)
				h.y = append(h.y, slices.Index(classes, ex.Label))
			}
		}
		heads = append(heads, h)
	}
	for _, a := range sortedKeys(attrs) {
		if !want(a) {
			continue
		}
		h := &headData{Head: Head{Name: a, Classes: []string{"not_" + a, a}, Binary: true, Context: useCtx(a)}}
		pos := 0
		for i, ex := range train {
			if y, ok := ex.Labels[a]; ok {
				h.rows = append(h.rows, i)
				h.y = append(h.y, y)
				pos += y
			}
		}
		if pos == 0 || pos == len(h.rows) {
			return nil, fmt.Errorf("train: head %q: need both 0 and 1 labels", a)
		}
		heads = append(heads, h)
	}
	if len(heads) == 0 {
		return nil, errors.New("train: no labeled examples for the requested heads")
	}
	if cfg.SourceBias && !cfg.OneClassSources {
		for _, h := range heads {
			dropOneClassSources(h, train)
		}
	}
	return heads, nil
}

func sortedKeys(m map[string]bool) []string {
	ks := make([]string, 0, len(m))
	for k := range m {
		ks = append(ks, k)
	}
	sort.Strings(ks)
	return ks
}

// featurizeAll extracts every example's features in parallel and maps feature keys seen in at
// least minCount examples to compact indices, in key order.
//
// With sourceBias, every example with a Source gets one more comment feature, the indicator of
// its source, recorded in dataset.sources: fitted as a per-source intercept and never served.
func featurizeAll(f featurizer, train []Example, needCtx []bool, minCount, workers int, sourceBias bool) *dataset {
	type rowFeats struct {
		feats []feat
		split int
	}
	rows := make([]rowFeats, len(train))
	var wg sync.WaitGroup
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			s := &scratch{}
			for i := w; i < len(train); i += workers {
				n := f.featurize(s, train[i].Text, train[i].Context, needCtx[i], false)
				fs := make([]feat, 0, len(s.feats)+1)
				fs = append(fs, s.feats[:n]...)
				if sourceBias && train[i].Source != "" {
					fs = append(fs, feat{sourceKey(train[i].Source), 1, blkWord})
				}
				split := len(fs)
				fs = append(fs, s.feats[n:]...)
				rows[i] = rowFeats{fs, split}
			}
		}()
	}
	wg.Wait()
	df := map[uint32]int{}
	seen := map[uint32]bool{}
	for _, r := range rows {
		clear(seen)
		for _, ft := range r.feats {
			if !seen[ft.key] {
				seen[ft.key] = true
				df[ft.key]++
			}
		}
	}
	d := &dataset{}
	srcKeys := map[uint32]string{}
	if sourceBias {
		for _, ex := range train {
			if ex.Source != "" {
				srcKeys[sourceKey(ex.Source)] = ex.Source
			}
		}
	}
	for k, n := range df {
		if n >= minCount || srcKeys[k] != "" {
			d.keys = append(d.keys, k)
		}
	}
	slices.Sort(d.keys)
	index := make(map[uint32]int32, len(d.keys))
	for i, k := range d.keys {
		index[k] = int32(i)
		if name, ok := srcKeys[k]; ok {
			if d.sources == nil {
				d.sources = map[int32]string{}
			}
			d.sources[int32(i)] = name
		}
	}
	d.ptr = append(d.ptr, 0)
	for _, r := range rows {
		for j, ft := range r.feats {
			if j == r.split {
				d.split = append(d.split, len(d.idx))
			}
			if i, ok := index[ft.key]; ok {
				d.idx = append(d.idx, i)
				d.val = append(d.val, ft.val)
			}
		}
		if r.split >= len(r.feats) {
			d.split = append(d.split, len(d.idx))
		}
		d.ptr = append(d.ptr, len(d.idx))
	}
	return d
}

// sourceKey is the feature key of a source's intercept. Its namespace is never produced from
// text, so the feature cannot fire at prediction time even if it were kept.
func sourceKey(source string) uint32 { return key(nsSource, hashString(source)) }

// dropOneClassSources removes from a binary head h the rows of every source that has fewer
// than minSourceClass negative rows. Rows without a source stay; multi-class heads are kept
// whole, since their sources legitimately cover different subsets of the classes.
func dropOneClassSources(h *headData, train []Example) {
	if !h.Binary {
		return
	}
	counts := map[string][]int{}
	for i, r := range h.rows {
		src := train[r].Source
		if src == "" {
			continue
		}
		if counts[src] == nil {
			counts[src] = make([]int, len(h.Classes))
		}
		counts[src][h.y[i]]++
	}
	n := 0
	for i, r := range h.rows {
		if c := counts[train[r].Source]; c != nil && c[0] < minSourceClass {
			continue
		}
		h.rows[n], h.y[n] = r, h.y[i]
		n++
	}
	h.rows, h.y = h.rows[:n], h.y[:n]
}
