package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"os"
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

// runTrain trains a model from labeled JSON Lines and writes it to --out.
func runTrain(ctx context.Context, args []string, e env) error {
	fs := newFlagSet("train", e)
	var data listFlag
	fs.Var(&data, "data", "labeled JSON Lines `FILE` to train on (repeatable)")
	dev := fs.String("dev", "", "labeled JSON Lines `FILE` to report metrics on (never trained on)")
	head := fs.String("head", "label", "`NAME` of the multi-class head made from \"label\"")
	heads := fs.String("heads", "", "comma-separated heads to train (default: every labeled head)")
	ctxHeads := fs.String("context", "", "comma-separated heads scored against \"context\", or \"all\"")
	seed := fs.Int64("seed", 1, "seed of the cross-validation folds")
	out := fs.String("out", "", "model `FILE` to write")
	folds := fs.Int("folds", 3, "cross-validation folds (choose L2 strength, calibrate)")
	lambdas := fs.String("lambdas", "1e-3,3e-4,1e-4", "comma-separated L2 strengths to search by cross-validation")
	maxIter := fs.Int("max-iter", 100, "L-BFGS iterations per fit")
	minCount := fs.Int("min-count", 3, "drop features seen in fewer training examples")
	workers := fs.Int("workers", 0, "parallel fits (default: all cores); results do not depend on it")
	vocab := fs.String("vocab", "", "WordPiece vocabulary `FILE` (default: the BERT uncased vocabulary shipped in models/)")
	chars := fs.String("chars", "auto", "character n-grams: none, split (words WordPiece splits into pieces), all, or auto (split or all, chosen by cross-validation)")
	cross := fs.String("context-cross", "auto", "target-specific word features: auto (with at most 50 distinct contexts), on or off")
	groupBy := fs.String("group-by", "text", "cross-validation groups: text (repeated comments share a fold), context or example")
	ctxWords := fs.Int("context-words", 0, "context words taken as features (0: none; the context then counts only through its overlap with the comment)")
	sharedWords := fs.Bool("shared-words", false, "per-word features of comment words found in the context")
	idf := fs.Bool("idf", true, "scale each feature's L2 penalty by 1/idf^2 (TF-IDF-like)")
	blockNorm := autoBool("auto")
	fs.Var(&blockNorm, "block-norm", "scale words, bigrams and sub-words to unit norm separately: true, false or auto (chosen by cross-validation; write --block-norm=auto)")
	sublinear := fs.Bool("sublinear", true, "sublinear term frequencies (1+ln tf) and unit-norm comment features")
	fold := fs.Bool("fold", true, "fold lookalike letters, invisible characters, leetspeak and spaced-out spelling before tokenizing")
	charMin := fs.Int("char-min", 2, "shortest character n-gram")
	sources := fs.String("sources", "", "comma-separated source names to record in the model instead of the --data paths")
	lexicon := fs.Bool("lexicon", true, "lexicon category features (profane, insult, violence, identity, slur, ...) and nearby pairs of them")
	sentences := fs.Bool("sentences", true, "score every sentence too; a comment's tone follows its worst sentence")
	sourceBias := fs.Bool("source-bias", true, "fit one intercept per example \"source\" and head, and serve the shared one")
	sourceSigma := fs.Float64("source-sigma", 1, "prior standard deviation of a source's intercept (logit units)")
	oneClass := fs.Bool("one-class-sources", false, "with --source-bias, keep a binary head's rows from sources with (nearly) no negative rows")
	sentenceMargin := fs.Float64("sentence-margin", 1.5, "logit margin a sentence must clear to decide a comment's score over the whole comment")
	quiet := fs.Bool("quiet", false, "no progress lines")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if len(data) == 0 || *out == "" {
		fmt.Fprintln(e.stderr, "tribune train: --data and --out are required")
		fs.Usage()
		return errUsage
	}
	cfg := classifier.TrainConfig{Head: *head, Seed: *seed, Workers: *workers, Folds: *folds,
		MaxIter: *maxIter, MinCount: *minCount, Heads: splitList(*heads), ContextHeads: splitList(*ctxHeads),
		SourceBias: *sourceBias, SourceSigma: *sourceSigma, OneClassSources: *oneClass}
	if !(*sourceSigma > 0) {
		return fmt.Errorf("train: --source-sigma must be positive, not %v", *sourceSigma)
	}
	if !*quiet {
		cfg.Progress = e.stderr
	}
	for _, s := range splitList(*lambdas) {
		v, err := strconv.ParseFloat(s, 64)
		if err != nil || v < 0 {
			return fmt.Errorf("train: bad --lambdas value %q", s)
		}
		cfg.Lambdas = append(cfg.Lambdas, v)
	}
	fc := classifier.DefaultFeatures()
	switch *chars {
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
		return fmt.Errorf("train: --chars must be none, split, all or auto, not %q", *chars)
	}
	cfg.GroupBy = *groupBy
	cfg.NoIDF = !*idf
	if *ctxWords >= 0 {
		fc.ContextWords = *ctxWords
	}
	fc.NoSharedWords = !*sharedWords
	fc.BlockNorm = blockNorm == "true"
	fc.Sublinear = *sublinear
	fc.Sentences = *sentences
	fc.SentenceMargin = *sentenceMargin
	fc.Lexicon = *lexicon
	fc.Fold = *fold
	if fc.CharMin > 0 {
		fc.CharMin = *charMin
	}
	for i := range cfg.Candidates {
		cfg.Candidates[i].NoSharedWords, cfg.Candidates[i].BlockNorm = fc.NoSharedWords, fc.BlockNorm
		cfg.Candidates[i].Sublinear, cfg.Candidates[i].Sentences = fc.Sublinear, fc.Sentences
		cfg.Candidates[i].Lexicon, cfg.Candidates[i].SentenceMargin = fc.Lexicon, fc.SentenceMargin
		cfg.Candidates[i].Fold = fc.Fold
		cfg.Candidates[i].CharMin, cfg.Candidates[i].ContextWords = fc.CharMin, fc.ContextWords
	}
	if blockNorm == "auto" {
		// Every character candidate is tried with and without per-block norms.
		for _, c := range append([]classifier.FeatureConfig{fc}, cfg.Candidates...) {
			c.BlockNorm = true
			cfg.Candidates = append(cfg.Candidates, c)
		}
	}
	cfg.Features = &fc
	switch *cross {
	case "auto":
		cfg.AutoCross = true
	case "on":
		fc.ContextCross = true
	case "off":
	default:
		return fmt.Errorf("train: --context-cross must be auto, on or off, not %q", *cross)
	}
	var err error
	if cfg.Vocab, err = loadVocab(*vocab); err != nil {
		return err
	}
	var train []classifier.Example
	for _, path := range data {
		exs, err := readExampleFile(path)
		if err != nil {
			return err
		}
		train = append(train, exs...)
		cfg.Sources = append(cfg.Sources, path)
	}
	if *dev != "" {
		if cfg.Dev, err = readExampleFile(*dev); err != nil {
			return err
		}
	}
	if *sources != "" {
		cfg.Sources = splitList(*sources)
	}
	m, err := classifier.Train(ctx, train, cfg)
	if err != nil {
		return err
	}
	if err := writeModel(m, *out); err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "wrote %s (%s)\n", *out, m.Version())
	for _, hm := range m.Info().Dev {
		fmt.Fprint(e.stdout, "dev ", hm.String())
	}
	return nil
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
