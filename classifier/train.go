package classifier

import (
	"context"
	"errors"
	"fmt"
	"io"
	"math"
	"runtime"
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

// Train trains a model on examples. It is deterministic for a given configuration.
func Train(ctx context.Context, train []Example, cfg TrainConfig) (*Model, error) {
	if len(cfg.Vocab) == 0 {
		return nil, errors.New("train: no vocabulary")
	}
	tok, err := wordpiece.New(cfg.Vocab)
	if err != nil {
		return nil, fmt.Errorf("train: %w", err)
	}
	cfg.setDefaults()
	progress := func(format string, args ...any) {
		if cfg.Progress != nil {
			fmt.Fprintf(cfg.Progress, format+"\n", args...)
		}
	}
	heads, err := collectHeads(train, cfg)
	if err != nil {
		return nil, err
	}
	fc, err := baseFeatures(cfg, heads, train)
	if err != nil {
		return nil, err
	}
	if cfg.GroupBy != "text" && cfg.GroupBy != "context" && cfg.GroupBy != "example" {
		return nil, fmt.Errorf("train: group by %q: want text, context or example", cfg.GroupBy)
	}
	cands, err := featureCandidates(fc, cfg.Candidates)
	if err != nil {
		return nil, err
	}
	data, fits, fc, err := chooseFeatures(ctx, tok, cands, train, heads, cfg, progress)
	if err != nil {
		return nil, err
	}
	bias, t, sourceOffsets := weightTable(heads, fits, data)
	hs, info := modelInfo(cfg, fc, heads, fits, len(train), len(t.keys), sourceOffsets)
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

// setDefaults fills in the settings left at their zero value.
func (cfg *TrainConfig) setDefaults() {
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
	if cfg.GroupBy == "" {
		cfg.GroupBy = "text"
	}
}

// baseFeatures returns the checked feature configuration to train with: cfg.Features or the
// default, at the latest lexicon version, with ContextCross switched on when the context
// heads' data has a few recurring contexts (unless cfg.Features is given without AutoCross).
func baseFeatures(cfg TrainConfig, heads []*headData, train []Example) (FeatureConfig, error) {
	fc := DefaultFeatures()
	if cfg.Features != nil {
		fc = *cfg.Features
	}
	if fc.Lexicon && fc.LexiconVersion == 0 {
		fc.LexiconVersion = LexiconLatest
	}
	if err := checkFeatures(&fc); err != nil {
		return fc, fmt.Errorf("train: %w", err)
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
	return fc, nil
}

// featureCandidates returns fc followed by the checked extra candidates, which share fc's
// ContextCross.
func featureCandidates(fc FeatureConfig, extra []FeatureConfig) ([]FeatureConfig, error) {
	cands := []FeatureConfig{fc}
	for _, c := range extra {
		c.ContextCross = fc.ContextCross
		if c.Lexicon && c.LexiconVersion == 0 {
			c.LexiconVersion = LexiconLatest
		}
		if err := checkFeatures(&c); err != nil {
			return nil, fmt.Errorf("train: %w", err)
		}
		cands = append(cands, c)
	}
	return cands, nil
}

// chooseFeatures featurizes the examples and fits the heads with every candidate feature
// configuration, and returns the data, fits and configuration of the candidate with the lowest
// mean out-of-fold log loss over heads: candidates are compared by cross-validation inside the
// training data, never on dev.
func chooseFeatures(ctx context.Context, tok *wordpiece.Tokenizer, cands []FeatureConfig, train []Example,
	heads []*headData, cfg TrainConfig, progress func(string, ...any)) (*dataset, []fit, FeatureConfig, error) {
	needCtx := make([]bool, len(train))
	for _, h := range heads {
		if h.Context {
			for _, r := range h.rows {
				needCtx[r] = true
			}
		}
	}
	var data *dataset
	var fits []fit
	fc := cands[0]
	bestLoss := math.Inf(1)
	for ci, c := range cands {
		start := time.Now()
		d := featurizeAll(featurizer{tok: tok.WithFold(c.Fold), cfg: c}, train, needCtx, cfg.MinCount, cfg.Workers, cfg.SourceBias)
		progress("featurized %d examples: %d features (seen in >= %d examples) in %v",
			len(train), len(d.keys), cfg.MinCount, time.Since(start).Round(time.Millisecond))
		f, err := fitHeads(ctx, d, heads, train, cfg, progress)
		if err != nil {
			return nil, nil, fc, err
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
	return data, fits, fc, nil
}
