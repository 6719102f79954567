package classifier

import (
	"context"
	"errors"
	"fmt"
	"io"
	"math"
	"slices"
	"strconv"

	"github.com/tribune/tribune/classifier/wordpiece"
)

// StanceConfig holds the stance component's training settings. Zero fields take defaults.
type StanceConfig struct {
	// Seed drives the fold assignment.
	Seed int64
	// Folds is the number of cross-validation folds (default 5). Folds are grouped by context
	// (claim or article), never by row: a model that memorises claims gains nothing.
	Folds int
	// Lambdas is the L2 grid (per example) searched for each stage (default 3e-5, 1e-4, 3e-4).
	Lambdas []float64
	// Buckets is the number of hashed stage-two rows (default 1<<18, a power of two).
	Buckets int
	// IDFBuckets is the size of the hashed idf table (default 1<<16, a power of two).
	IDFBuckets int
	// CrossFraming adds the comment's words crossed with the article's framing.
	CrossFraming bool
	// MaxIter bounds L-BFGS iterations per fit (default 100).
	MaxIter int
	// UnrelatedPrior, when in (0, 1), is the share of off-topic comments the served relatedness
	// is set for: P(unrelated) is moved from the training rows' mean (StanceInfo.RefUnrelated,
	// which the synthetic pairings of the training sets make high) to this prior by Bayes'
	// rule, as the policy moves tone scores to a site's priors.
	UnrelatedPrior float64
	// Sources is recorded in the component's info.
	Sources []string
	// Progress, if set, receives one line per step.
	Progress io.Writer
}

func (c *StanceConfig) defaults() error {
	if c.Folds == 0 {
		c.Folds = 5
	}
	if len(c.Lambdas) == 0 {
		c.Lambdas = []float64{3e-5, 1e-4, 3e-4}
	}
	if c.Buckets == 0 {
		c.Buckets = 1 << 18
	}
	if c.IDFBuckets == 0 {
		c.IDFBuckets = 1 << 16
	}
	if c.MaxIter == 0 {
		c.MaxIter = 100
	}
	switch {
	case c.Folds < 2:
		return errors.New("train stance: at least 2 folds")
	case c.Buckets&(c.Buckets-1) != 0 || c.Buckets < 16 || c.Buckets > maxStanceRows:
		return fmt.Errorf("train stance: buckets %d is not a power of two in [16, %d]", c.Buckets, maxStanceRows)
	case c.IDFBuckets&(c.IDFBuckets-1) != 0 || c.IDFBuckets < 16 || c.IDFBuckets > maxIDFBuckets:
		return fmt.Errorf("train stance: idf buckets %d is not a power of two in [16, %d]", c.IDFBuckets, maxIDFBuckets)
	}
	for _, l := range c.Lambdas {
		if !(l > 0) || math.IsInf(l, 0) {
			return fmt.Errorf("train stance: L2 strength %v is not positive", l)
		}
	}
	return nil
}

// stanceRows is the featurized training data of both stages.
type stanceRows struct {
	y      []int // index in StanceClasses
	fold   []int
	src    []int // source index
	nSrc   int
	rel    [][numRel]float64
	ptr    []int // stage-two CSR over buckets
	idx    []int32
	val    []float32
	groups int
}

// TrainStance trains the stance component on examples labeled with StanceClasses (Label) and
// scored against their Context, with base's tokenizer, and returns base with the component in
// place of any stance it had (WithStance): base's other heads are kept exactly.
func TrainStance(ctx context.Context, base *Model, train []Example, cfg StanceConfig) (*Model, error) {
	st, err := FitStance(ctx, base, train, cfg)
	if err != nil {
		return nil, err
	}
	return base.WithStance(st)
}

// Stance is a trained stance component, ready to be put into a model (Model.WithStance).
type Stance struct {
	m *stanceModel
}

// Info returns the component's header: weights of relatedness, settings and CV metrics.
func (s *Stance) Info() StanceInfo { return s.m.hdr }

// FitStance trains a stance component (see TrainStance).
func FitStance(ctx context.Context, base *Model, train []Example, cfg StanceConfig) (*Stance, error) {
	if err := cfg.defaults(); err != nil {
		return nil, err
	}
	progress := func(format string, a ...any) {
		if cfg.Progress != nil {
			fmt.Fprintf(cfg.Progress, format+"\n", a...)
		}
	}
	if err := checkStanceExamples(train); err != nil {
		return nil, err
	}
	st := &stanceModel{tok: base.feat.tok, w: make([]uint16, cfg.Buckets*stanceK)}
	st.hdr = StanceInfo{Classes: StanceClasses, Buckets: cfg.Buckets, IDFBuckets: cfg.IDFBuckets,
		CrossFraming: cfg.CrossFraming, Sources: cfg.Sources, Rel: make([]float64, numRel),
		Bias: make([]float64, stanceK), Settings: map[string]string{}}
	st.idf = buildIDF(st.tok, train, cfg.IDFBuckets)
	d := featurizeStance(st, train, cfg)
	progress("stance: %d rows, %d groups (claims or articles), %d sources", len(d.y), d.groups, d.nSrc)

	relFit, err := fitRelatedness(ctx, d, cfg, progress)
	if err != nil {
		return nil, err
	}
	twoFit, err := fitStageTwo(ctx, d, cfg, progress)
	if err != nil {
		return nil, err
	}
	st.serve(relFit, twoFit, d, cfg)

	// Out-of-fold four-class probabilities: every row's relatedness and stage two from the
	// fits that did not see its claim.
	probs := make([][]float64, len(d.y))
	for i := range d.y {
		pu := sigmoid((relFit.oof[i][1] - relFit.oof[i][0]) / relFit.temp)
		q := twoFit.predictFold(d.idx[d.ptr[i]:d.ptr[i+1]], d.val[d.ptr[i]:d.ptr[i+1]], d.src[i], d.fold[i])
		probs[i] = []float64{(1 - pu) * q[0], (1 - pu) * q[1], (1 - pu) * q[2], pu}
	}
	st.hdr.CV = stanceCV(train, d, probs)
	return &Stance{m: st}, nil
}

// checkStanceExamples refuses an empty training set, a label that is not a stance class and an
// example without a context.
func checkStanceExamples(train []Example) error {
	for i, ex := range train {
		if !slices.Contains(StanceClasses, ex.Label) {
			return fmt.Errorf("train stance: example %d: label %q is not a stance (%v)", i+1, ex.Label, StanceClasses)
		}
		if ex.Context == "" {
			return fmt.Errorf("train stance: example %d has no context", i+1)
		}
	}
	if len(train) == 0 {
		return errors.New("train stance: no examples")
	}
	return nil
}

// fitRelatedness fits stage one, relatedness (unrelated or not), on every row's dense
// relatedness measures.
func fitRelatedness(ctx context.Context, d *stanceRows, cfg StanceConfig, progress func(string, ...any)) (*softmaxProblem, error) {
	relP := &softmaxProblem{k: 2, dim: numRel, nSrc: d.nSrc}
	for r := range d.y {
		relP.addDense(d.rel[r][:], stanceB2i(d.y[r] == 3), d.src[r], d.fold[r])
	}
	if err := relP.selectLambda(ctx, cfg.Lambdas, cfg.Folds, cfg.MaxIter, progress, "relatedness"); err != nil {
		return nil, err
	}
	return relP, nil
}

// fitStageTwo fits stage two, agree / disagree / discuss, on the related rows' features, each
// source's rows over the classes it labels.
func fitStageTwo(ctx context.Context, d *stanceRows, cfg StanceConfig, progress func(string, ...any)) (*softmaxProblem, error) {
	twoP := &softmaxProblem{k: stanceK, dim: cfg.Buckets, nSrc: d.nSrc, balanced: true}
	twoP.allowed = make([]uint8, d.nSrc)
	for i, y := range d.y {
		if y < stanceK {
			twoP.allowed[d.src[i]] |= 1 << y
		}
	}
	for i, y := range d.y {
		if y < stanceK {
			twoP.addSparse(d.idx[d.ptr[i]:d.ptr[i+1]], d.val[d.ptr[i]:d.ptr[i+1]], y, d.src[i], d.fold[i])
		}
	}
	if err := twoP.selectLambda(ctx, cfg.Lambdas, cfg.Folds, cfg.MaxIter, progress, "stance"); err != nil {
		return nil, err
	}
	return twoP, nil
}

// serve sets the served weights from the two fits: the shared intercepts, calibration folded
// in, the relatedness moved to cfg.UnrelatedPrior if set, and the settings that made them.
func (st *stanceModel) serve(relFit, twoFit *softmaxProblem, d *stanceRows, cfg StanceConfig) {
	a := 1 / relFit.temp
	for j := range numRel {
		st.hdr.Rel[j] = a * (relFit.w[j*2+1] - relFit.w[j*2])
	}
	st.hdr.RelBias = a * (relFit.bias[1] - relFit.bias[0])
	a = 1 / twoFit.temp
	for c := range stanceK {
		st.hdr.Bias[c] = a * twoFit.bias[c]
	}
	for j := range cfg.Buckets {
		for c := range stanceK {
			st.w[j*stanceK+c] = floatToHalf(float32(a * twoFit.w[j*stanceK+c]))
		}
	}
	st.hdr.RefUnrelated = meanUnrelated(st, d)
	if p := cfg.UnrelatedPrior; p > 0 && p < 1 {
		st.hdr.RelBias += logit(p) - logit(st.hdr.RefUnrelated)
		st.hdr.UnrelatedPrior = p
	}
	st.hdr.Settings["folds"] = strconv.Itoa(cfg.Folds) + " grouped by context"
	st.hdr.Settings["seed"] = strconv.FormatInt(cfg.Seed, 10)
	st.hdr.Settings["l2.relatedness"] = strconv.FormatFloat(relFit.lambda, 'g', -1, 64)
	st.hdr.Settings["l2.stance"] = strconv.FormatFloat(twoFit.lambda, 'g', -1, 64)
	st.hdr.Settings["temperature.relatedness"] = strconv.FormatFloat(relFit.temp, 'f', 3, 64)
	st.hdr.Settings["temperature.stance"] = strconv.FormatFloat(twoFit.temp, 'f', 3, 64)
}

// stanceCV measures out-of-fold probabilities over all rows and per source.
func stanceCV(train []Example, d *stanceRows, probs [][]float64) []HeadMetrics {
	zero := make([]float64, len(StanceClasses))
	out := []HeadMetrics{metricsFromProbs("stance", StanceClasses, false, d.y, probs, zero)}
	var sources []string
	for _, ex := range train {
		if !slices.Contains(sources, ex.Source) {
			sources = append(sources, ex.Source)
		}
	}
	for _, src := range sources {
		var gold []int
		var ps [][]float64
		for i, ex := range train {
			if ex.Source == src {
				gold = append(gold, d.y[i])
				ps = append(ps, probs[i])
			}
		}
		out = append(out, metricsFromProbs("stance/"+src, StanceClasses, false, gold, ps, zero))
	}
	return out
}

// buildIDF returns the quantized idf (16 × (ln((N+1)/(df+1)) + 1), at most 255) of every
// hashed word stem over the distinct texts and contexts of train.
func buildIDF(tok *wordpiece.Tokenizer, train []Example, buckets int) []uint8 {
	df := make([]uint32, buckets)
	seen := map[string]bool{}
	var enc wordpiece.Encoding
	var set []uint64
	n := 0
	count := func(text string) {
		if seen[text] {
			return
		}
		seen[text] = true
		n++
		tok.Encode(text, &enc)
		set = resetSet(set, len(enc.Words))
		for i := range min(len(enc.Words), maxContextWords) {
			w := enc.Norm(i)
			if h := hashString(w); contentWord(w, h) {
				if k := stemKey(w); setAdd(set, k) {
					df[k&uint64(buckets-1)]++
				}
			}
		}
	}
	for _, ex := range train {
		count(ex.Text)
		count(ex.Context)
	}
	idf := make([]uint8, buckets)
	for b, f := range df {
		v := 16 * (math.Log(float64(n+1)/float64(f+1)) + 1)
		idf[b] = uint8(min(255, math.Round(v)))
	}
	return idf
}

// featurizeStance featurizes every example for both stages.
func featurizeStance(st *stanceModel, train []Example, cfg StanceConfig) *stanceRows {
	d := &stanceRows{ptr: []int{0}}
	srcs := map[string]int{}
	groups := map[string]int{}
	s := &stanceScratch{}
	mask := uint32(cfg.Buckets - 1)
	for _, ex := range train {
		d.y = append(d.y, slices.Index(StanceClasses, ex.Label))
		si, ok := srcs[ex.Source]
		if !ok {
			si = len(srcs)
			srcs[ex.Source] = si
		}
		d.src = append(d.src, si)
		if _, ok := groups[ex.Context]; !ok {
			groups[ex.Context] = len(groups)
		}
		d.fold = append(d.fold, int(mix64(hashString(ex.Context)^uint64(cfg.Seed))%uint64(cfg.Folds)))
		c := st.context(s, ex.Context)
		st.encode(s, ex.Text)
		st.featurize(s, ex.Text, c, false)
		d.rel = append(d.rel, s.x)
		for _, f := range s.feats {
			d.idx = append(d.idx, int32(f.key&mask))
			d.val = append(d.val, f.val)
		}
		d.ptr = append(d.ptr, len(d.idx))
	}
	d.nSrc, d.groups = len(srcs), len(groups)
	return d
}

func stanceB2i(b bool) int {
	if b {
		return 1
	}
	return 0
}

// meanUnrelated is the mean served P(unrelated) over the training rows.
func meanUnrelated(st *stanceModel, d *stanceRows) float64 {
	sum := 0.0
	s := &stanceScratch{}
	for i := range d.rel {
		s.x = d.rel[i]
		sum += st.relatedness(s)
	}
	return sum / float64(len(d.rel))
}

func logit(p float64) float64 { return math.Log(p / (1 - p)) }
