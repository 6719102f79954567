package main

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"slices"
	"strconv"
	"strings"

	"github.com/tribune/tribune/classifier"
	"github.com/tribune/tribune/classifier/wordpiece"
	"github.com/tribune/tribune/models"
)

// listFlag is a repeatable string flag.
type listFlag []string

func (l *listFlag) String() string { return strings.Join(*l, ",") }

func (l *listFlag) Set(v string) error {
	*l = append(*l, v)
	return nil
}

// trainFlags are tribune train's flags.
type trainFlags struct {
	data                                                    listFlag
	dev, head, heads, ctxHeads, out, lambdas                *string
	vocab, chars, cross, groupBy, sources, stance           *string
	seed                                                    *int64
	folds, maxIter, minCount, workers                       *int
	ctxWords, charMin, stanceBuckets                        *int
	sharedWords, idf, sublinear, fold, lexicon, lexPresence *bool
	sentences, sourceBias, oneClass, quiet                  *bool
	sourceSigma, sentenceMargin                             *float64
	blockNorm                                               autoBool
}

func newTrainFlags(fs *flag.FlagSet) *trainFlags {
	f := &trainFlags{blockNorm: "auto"}
	fs.Var(&f.data, "data", "labeled JSON Lines `FILE` to train on (repeatable)")
	f.dev = fs.String("dev", "", "labeled JSON Lines `FILE` to report metrics on (never trained on)")
	f.head = fs.String("head", "label", "`NAME` of the multi-class head made from \"label\"")
	f.heads = fs.String("heads", "", "comma-separated heads to train (default: every labeled head)")
	f.ctxHeads = fs.String("context", "", "comma-separated heads scored against \"context\", or \"all\"")
	f.seed = fs.Int64("seed", 1, "seed of the cross-validation folds")
	f.out = fs.String("out", "", "model `FILE` to write")
	f.folds = fs.Int("folds", 3, "cross-validation folds (choose L2 strength, calibrate)")
	f.lambdas = fs.String("lambdas", "1e-3,3e-4,1e-4", "comma-separated L2 strengths to search by cross-validation")
	f.maxIter = fs.Int("max-iter", 100, "L-BFGS iterations per fit")
	f.minCount = fs.Int("min-count", 3, "drop features seen in fewer training examples")
	f.workers = fs.Int("workers", 0, "parallel fits (default: all cores); results do not depend on it")
	f.vocab = fs.String("vocab", "", "WordPiece vocabulary `FILE` (default: the BERT uncased vocabulary shipped in models/)")
	f.chars = fs.String("chars", "auto", "character n-grams: none, split (words WordPiece splits into pieces), all, or auto (split or all, chosen by cross-validation)")
	f.cross = fs.String("context-cross", "auto", "target-specific word features: auto (with at most 50 distinct contexts), on or off")
	f.groupBy = fs.String("group-by", "text", "cross-validation groups: text (repeated comments share a fold), context or example")
	f.ctxWords = fs.Int("context-words", 0, "context words taken as features (0: none; the context then counts only through its overlap with the comment)")
	f.sharedWords = fs.Bool("shared-words", false, "per-word features of comment words found in the context")
	f.idf = fs.Bool("idf", true, "scale each feature's L2 penalty by 1/idf^2 (TF-IDF-like)")
	fs.Var(&f.blockNorm, "block-norm", "scale words, bigrams and sub-words to unit norm separately: true, false or auto (chosen by cross-validation; write --block-norm=auto)")
	f.sublinear = fs.Bool("sublinear", true, "sublinear term frequencies (1+ln tf) and unit-norm comment features")
	f.fold = fs.Bool("fold", true, "fold lookalike letters, invisible characters, leetspeak and spaced-out spelling before tokenizing")
	f.charMin = fs.Int("char-min", 2, "shortest character n-gram")
	f.sources = fs.String("sources", "", "comma-separated source names to record in the model instead of the --data paths")
	f.lexicon = fs.Bool("lexicon", true, "lexicon category features (profane, insult, violence, identity, slur, ...) and nearby pairs of them")
	f.lexPresence = fs.Bool("lex-presence", false, "count lexicon features by presence, outside the comment's normalisation (needs --lexicon and --sublinear)")
	f.sentences = fs.Bool("sentences", true, "score every sentence too; a comment's tone follows its worst sentence")
	f.sourceBias = fs.Bool("source-bias", true, "fit one intercept per example \"source\" and head, and serve the shared one")
	f.sourceSigma = fs.Float64("source-sigma", 1, "prior standard deviation of a source's intercept (logit units)")
	f.oneClass = fs.Bool("one-class-sources", false, "with --source-bias, keep a binary head's rows from sources with (nearly) no negative rows")
	f.sentenceMargin = fs.Float64("sentence-margin", 1.5, "logit margin a sentence must clear to decide a comment's score over the whole comment")
	f.stance = fs.String("stance", "component", "with --head stance: component (relatedness first, then agree, disagree or discuss; what the default model serves) or table (a column of the weight table, as releases before 2026-12)")
	f.stanceBuckets = fs.Int("stance-buckets", 1<<18, "with --stance component: hashed feature rows of its agree/disagree/discuss stage, a power of two (fewer for a small training set: a smaller model, faster to train)")
	f.quiet = fs.Bool("quiet", false, "no progress lines")
	return f
}

// runTrain trains a model from labeled JSON Lines and writes it to --out.
func runTrain(ctx context.Context, args []string, e env) error {
	fs := newFlagSet("train", e)
	f := newTrainFlags(fs)
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if len(f.data) == 0 || *f.out == "" {
		fmt.Fprintln(e.stderr, "tribune train: --data and --out are required")
		fs.Usage()
		return errUsage
	}
	cfg, err := f.config()
	if err != nil {
		return err
	}
	if !*f.quiet {
		cfg.Progress = e.stderr
	}
	var train []classifier.Example
	for _, path := range f.data {
		exs, err := readExampleFile(path)
		if err != nil {
			return err
		}
		train = append(train, exs...)
		cfg.Sources = append(cfg.Sources, path)
	}
	if *f.dev != "" {
		if cfg.Dev, err = readExampleFile(*f.dev); err != nil {
			return err
		}
	}
	if *f.sources != "" {
		cfg.Sources = splitList(*f.sources)
	}
	component, err := f.stanceComponent(cfg)
	if err != nil {
		return err
	}
	var stanceTrain, stanceDev []classifier.Example
	if component {
		if train, stanceTrain, err = splitStance(train); err != nil {
			return err
		}
		if cfg.Dev, stanceDev, err = splitStance(cfg.Dev); err != nil {
			return fmt.Errorf("--dev: %w", err)
		}
		if len(stanceTrain) > 0 && (len(train) == 0 || (len(cfg.Heads) == 1 && cfg.Heads[0] == classifier.StanceHead)) {
			return errors.New("tribune train: the stance component goes into a model with tone heads: give rows with tone \"labels\" too (or --stance table)")
		}
	}
	m, err := classifier.Train(ctx, train, cfg)
	if err != nil {
		return err
	}
	var stanceMetrics []classifier.HeadMetrics
	if len(stanceTrain) > 0 {
		scfg := classifier.StanceConfig{Seed: *f.seed, CrossFraming: true, Sources: cfg.Sources, Progress: cfg.Progress,
			Buckets: *f.stanceBuckets}
		if m, err = classifier.TrainStance(ctx, m, stanceTrain, scfg); err != nil {
			return err
		}
		if len(stanceDev) > 0 {
			met, err := classifier.EvaluateHead(m, stanceDev, classifier.StanceHead)
			if err != nil {
				return err
			}
			stanceMetrics = met.Heads
		}
	}
	if err := writeModel(m, *f.out); err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "wrote %s (%s)\n", *f.out, m.Version())
	for _, hm := range append(m.Info().Dev, stanceMetrics...) {
		fmt.Fprint(e.stdout, "dev ", hm.String())
	}
	return nil
}

// stanceComponent reports whether the run trains the stance component: --head stance, the
// stance head wanted (--heads empty or naming it) and --stance component.
func (f *trainFlags) stanceComponent(cfg classifier.TrainConfig) (bool, error) {
	switch *f.stance {
	case "component", "table":
	default:
		return false, fmt.Errorf("train: --stance must be component or table, not %q", *f.stance)
	}
	if b := *f.stanceBuckets; b < 16 || b&(b-1) != 0 {
		return false, fmt.Errorf("train: --stance-buckets must be a power of two from 16 up, not %d", b)
	}
	return *f.stance == "component" && cfg.Head == classifier.StanceHead &&
		(len(cfg.Heads) == 0 || slices.Contains(cfg.Heads, classifier.StanceHead)), nil
}

// splitStance separates the rows that label the stance (Label) from those that label tone heads
// (Labels): a row with both goes to each, without its Label among the tone rows. A stance row
// without a context is refused, since stance is always towards an article or a claim.
func splitStance(exs []classifier.Example) (tone, stance []classifier.Example, err error) {
	for i, ex := range exs {
		if ex.Label != "" {
			if ex.Context == "" {
				return nil, nil, fmt.Errorf("train: row %d labels a stance (%q) but has no \"context\" (the article or claim it is towards)", i+1, ex.Label)
			}
			stance = append(stance, ex)
		}
		if len(ex.Labels) > 0 {
			ex.Label = ""
			tone = append(tone, ex)
		}
	}
	return tone, stance, nil
}

// config turns the flags into a training configuration (without data and progress).
func (f *trainFlags) config() (classifier.TrainConfig, error) {
	cfg := classifier.TrainConfig{Head: *f.head, Seed: *f.seed, Workers: *f.workers, Folds: *f.folds,
		MaxIter: *f.maxIter, MinCount: *f.minCount, Heads: splitList(*f.heads), ContextHeads: splitList(*f.ctxHeads),
		SourceBias: *f.sourceBias, SourceSigma: *f.sourceSigma, OneClassSources: *f.oneClass,
		GroupBy: *f.groupBy, NoIDF: !*f.idf}
	if !(*f.sourceSigma > 0) {
		return cfg, fmt.Errorf("train: --source-sigma must be positive, not %v", *f.sourceSigma)
	}
	for _, s := range splitList(*f.lambdas) {
		v, err := strconv.ParseFloat(s, 64)
		if err != nil || v < 0 {
			return cfg, fmt.Errorf("train: bad --lambdas value %q", s)
		}
		cfg.Lambdas = append(cfg.Lambdas, v)
	}
	fc, err := f.features(&cfg)
	if err != nil {
		return cfg, err
	}
	cfg.Features = fc
	switch *f.cross {
	case "auto":
		cfg.AutoCross = true
	case "on":
		fc.ContextCross = true
	case "off":
	default:
		return cfg, fmt.Errorf("train: --context-cross must be auto, on or off, not %q", *f.cross)
	}
	cfg.Vocab, err = loadVocab(*f.vocab)
	return cfg, err
}

// features returns the feature configuration the flags ask for and adds to cfg the
// candidates cross-validation chooses among (--chars auto, --block-norm auto).
func (f *trainFlags) features(cfg *classifier.TrainConfig) (*classifier.FeatureConfig, error) {
	fc := classifier.DefaultFeatures()
	switch *f.chars {
	case "none":
		fc.CharMin, fc.CharMax = 0, 0
	case "split":
	case "all":
		fc.CharAll = true
	case "auto":
		all := fc
		all.CharAll = true
		cfg.Candidates = append(cfg.Candidates, all)
	default:
		return nil, fmt.Errorf("train: --chars must be none, split, all or auto, not %q", *f.chars)
	}
	if *f.ctxWords >= 0 {
		fc.ContextWords = *f.ctxWords
	}
	fc.NoSharedWords = !*f.sharedWords
	fc.BlockNorm = f.blockNorm == "true"
	fc.Sublinear = *f.sublinear
	fc.Sentences = *f.sentences
	fc.SentenceMargin = *f.sentenceMargin
	fc.Lexicon = *f.lexicon
	fc.LexPresence = *f.lexPresence
	fc.Fold = *f.fold
	if fc.CharMin > 0 {
		fc.CharMin = *f.charMin
	}
	for i := range cfg.Candidates {
		c := &cfg.Candidates[i]
		c.NoSharedWords, c.BlockNorm, c.Sublinear, c.Sentences = fc.NoSharedWords, fc.BlockNorm, fc.Sublinear, fc.Sentences
		c.Lexicon, c.LexPresence, c.SentenceMargin, c.Fold = fc.Lexicon, fc.LexPresence, fc.SentenceMargin, fc.Fold
		c.CharMin, c.ContextWords = fc.CharMin, fc.ContextWords
	}
	if f.blockNorm == "auto" {
		// Every character candidate is tried with and without per-block norms.
		for _, c := range append([]classifier.FeatureConfig{fc}, cfg.Candidates...) {
			c.BlockNorm = true
			cfg.Candidates = append(cfg.Candidates, c)
		}
	}
	return &fc, nil
}

// autoBool is a boolean flag that also accepts "auto"; given bare, it is "true".
type autoBool string

func (b *autoBool) String() string { return string(*b) }

func (b *autoBool) Set(v string) error {
	switch v {
	case "true", "false", "auto":
		*b = autoBool(v)
		return nil
	}
	return fmt.Errorf("want true, false or auto, not %q", v)
}

// IsBoolFlag lets the flag be given without a value.
func (b *autoBool) IsBoolFlag() bool { return true }

func splitList(s string) []string {
	var out []string
	for _, f := range strings.Split(s, ",") {
		if f = strings.TrimSpace(f); f != "" {
			out = append(out, f)
		}
	}
	return out
}

func loadVocab(path string) ([]string, error) {
	var f interface {
		Read([]byte) (int, error)
		Close() error
	}
	var err error
	if path == "" {
		f, err = models.FS.Open(models.Vocabulary)
	} else {
		f, err = os.Open(path)
	}
	if err != nil {
		return nil, fmt.Errorf("vocabulary: %w", err)
	}
	defer f.Close()
	return wordpiece.ParseVocab(f)
}

func readExampleFile(path string) ([]classifier.Example, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	exs, err := classifier.ReadExamples(bufio.NewReaderSize(f, 1<<20))
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	if len(exs) == 0 {
		return nil, fmt.Errorf("%s: no examples", path)
	}
	return exs, nil
}

// writeModel writes m to path through a temporary file, so a failed write leaves no torn model.
func writeModel(m *classifier.Model, path string) error {
	tmp := path + ".tmp"
	f, err := os.Create(tmp)
	if err != nil {
		return fmt.Errorf("write model: %w", err)
	}
	_, werr := m.WriteTo(f)
	cerr := f.Close()
	if err := errors.Join(werr, cerr); err != nil {
		os.Remove(tmp)
		return fmt.Errorf("write model: %w", err)
	}
	if err := os.Rename(tmp, path); err != nil {
		return fmt.Errorf("write model: %w", err)
	}
	return nil
}
