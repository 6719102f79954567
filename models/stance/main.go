// Command stance trains the stance component of a Tribune model from the stance data sets that
// may feed the default model ("yes" in ../shared/data/README.md: arc_nyt_comments_stance,
// perspectrum_stance, ibm_claim_stance; train splits only) and writes it into an existing model
// file in place of its stance, keeping every tone head exactly as it was
// (classifier.Model.WithStance). It also measures the component on the dev sets.
//
// Usage:
//
//	go run ./models/stance -model models/default.tribune -out models/default.tribune
//	go run ./models/stance -model models/default.tribune -eval          # dev metrics, no output
//	go run ./models/stance -arc-dev -eval                                # ARC carved by comment
//
// Rows, per source:
//
//	arc_nyt_comments_stance  agree / disagree / discuss / unrelated as labeled
//	perspectrum_stance       support -> agree, undermine -> disagree; each perspective also once
//	                         with another claim's text, as unrelated (ARC's own unrelated pairs
//	                         are made the same way), so that relatedness learns short claims too
//	ibm_claim_stance         pro -> agree, con -> disagree; re-paired as perspectrum
//	synthetic discuss        one row per six of perspectrum and IBM: a question about or a neutral
//	                         report of the row's claim, from discussTemplates (written by us)
//
// The served relatedness keeps the training rows' own balance of unrelated pairs (about one half,
// because ARC's and our re-paired rows pair comments with other debates' claims).
// -unrelated-prior moves it to a stated share of off-topic comments instead; 0.2 was tried and
// made our suite and the zero-shot sets worse (models/README.md, "Stance").
//
// Evaluation (-eval) maps classes as ../shared/bench does: SemEval-2016 favor / against / none
// -> agree / disagree / discuss, RumourEval support / deny / query and comment -> agree /
// disagree / discuss; on those two sets a predicted unrelated counts as discuss (both sets'
// "none" and "comment" hold unrelated and neutral replies alike). Perspectrum dev is measured
// on agree / disagree, the larger of the two probabilities deciding. SemEval and RumourEval are
// evaluate-only: never trained on, and no setting was chosen on them.
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"strconv"
	"strings"
	"unicode"

	"github.com/tribune/tribune/classifier"
	"github.com/tribune/tribune/models"
	"github.com/tribune/tribune/models/internal/dataset"
)

// row is one input row of ../shared/data.
type row struct {
	Text    string `json:"text"`
	Label   string `json:"label"`
	Context string `json:"context"`
}

func main() {
	data := flag.String("data", "../shared/data", "folder of the data set folders")
	in := flag.String("model", "", "model file to put the stance into (default: the embedded default model)")
	out := flag.String("out", "", "write the model with the new stance here")
	eval := flag.Bool("eval", false, "print metrics on the dev sets")
	suite := flag.String("suite", "fixtures/stance_suite.jsonl", "our stance suite, measured with -eval")
	arcDev := flag.Bool("arc-dev", false, "hold out a fifth of ARC's comments (by comment) and measure on them")
	cross := flag.Bool("cross-framing", true, "cross comment words with the article's framing")
	seed := flag.Int64("seed", 1, "seed of the fold assignment")
	folds := flag.Int("folds", 5, "cross-validation folds, grouped by claim or article")
	misses := flag.Bool("misses", false, "with -eval, print the suite's misses with the features that decided them")
	prior := flag.Float64("unrelated-prior", 0, "share of off-topic comments the served relatedness assumes (0: the training rows' own)")
	lambdas := flag.String("lambdas", "", "comma-separated L2 grid (default: classifier.StanceConfig's)")
	inDomain := flag.String("in-domain", "", "also train on the train split of this evaluate-only `SET` ("+strings.Join(inDomainNames(), " or ")+
		") and measure (needs -eval; the model is never written)")
	flag.Parse()
	if _, ok := inDomainSets[*inDomain]; *inDomain != "" && !ok {
		fmt.Fprintf(os.Stderr, "stance: -in-domain: unknown set %q (one of %v)\n", *inDomain, inDomainNames())
		os.Exit(2)
	}
	if *inDomain != "" && (*out != "" || !*eval) {
		fmt.Fprintln(os.Stderr, "stance: -in-domain measures only: give -eval and no -out (evaluate-only sets never feed a written model)")
		os.Exit(2)
	}
	cfg := classifier.StanceConfig{Seed: *seed, CrossFraming: *cross, Progress: os.Stderr, Folds: *folds, UnrelatedPrior: *prior,
		Sources: []string{"arc_nyt_comments_stance/train", "perspectrum_stance/train", "ibm_claim_stance/train"}}
	for _, f := range strings.Split(*lambdas, ",") {
		if f = strings.TrimSpace(f); f != "" {
			l, err := strconv.ParseFloat(f, 64)
			if err != nil {
				fmt.Fprintln(os.Stderr, "stance: -lambdas:", err)
				os.Exit(2)
			}
			cfg.Lambdas = append(cfg.Lambdas, l)
		}
	}
	showMisses = *misses
	if err := run(*data, *in, *out, *suite, *inDomain, *eval, *arcDev, cfg); err != nil {
		fmt.Fprintln(os.Stderr, "stance:", err)
		os.Exit(1)
	}
}

// run puts a stance trained on the data sets into the model in (the default if empty), writes
// it to out if set and, with eval, measures it.
func run(data, in, out, suite, inDomain string, eval, arcDev bool, cfg classifier.StanceConfig) error {
	var base *classifier.Model
	var err error
	if in == "" {
		base, err = classifier.LoadFS(models.FS, models.DefaultModel)
	} else {
		base, err = classifier.LoadFile(in)
	}
	if err != nil {
		return err
	}
	train, dev, err := trainingRows(data, arcDev)
	if err != nil {
		return err
	}
	if inDomain != "" {
		rows, err := inDomainRows(data, inDomain)
		if err != nil {
			return err
		}
		train = append(train, rows...)
		cfg.Sources = append(cfg.Sources, inDomainSets[inDomain].folder+"/train")
	}
	m, err := classifier.TrainStance(context.Background(), base, train, cfg)
	if err != nil {
		return err
	}
	for _, hm := range m.Stance().Info().CV {
		fmt.Printf("CV (grouped by claim) %s", hm.String())
	}
	if out != "" {
		f, err := os.Create(out)
		if err != nil {
			return err
		}
		if _, err := m.WriteTo(f); err != nil {
			f.Close()
			return err
		}
		if err := f.Close(); err != nil {
			return err
		}
		fmt.Printf("wrote %s (%s)\n", out, m.Version())
	}
	if eval {
		return evaluate(m, data, suite, inDomain, dev)
	}
	return nil
}

// stanceMap maps the training sets' labels to stance classes.
var stanceMap = map[string]string{"support": "agree", "undermine": "disagree", "pro": "agree", "con": "disagree",
	"agree": "agree", "disagree": "disagree", "discuss": "discuss", "unrelated": "unrelated"}

// trainingRows returns the training rows and, with arcDev, the ARC rows of held-out comments.
func trainingRows(data string, arcDev bool) (train, dev []classifier.Example, err error) {
	arc, err := read(data, "arc_nyt_comments_stance", "train")
	if err != nil {
		return nil, nil, err
	}
	for _, r := range arc {
		ex := classifier.Example{Text: r.Text, Context: r.Context, Label: stanceMap[r.Label], Source: "arc_nyt"}
		if arcDev && heldOut(r.Text) {
			dev = append(dev, ex)
			continue
		}
		train = append(train, ex)
	}
	for _, set := range []string{"perspectrum_stance", "ibm_claim_stance"} {
		rows, err := read(data, set, "train")
		if err != nil {
			return nil, nil, err
		}
		claims := contextsOf(rows)
		for i, r := range rows {
			l, ok := stanceMap[r.Label]
			if !ok {
				return nil, nil, fmt.Errorf("%s: unknown label %q", set, r.Label)
			}
			train = append(train, classifier.Example{Text: r.Text, Context: r.Context, Label: l, Source: set})
			if i%discussEvery == 0 {
				train = append(train, classifier.Example{Text: discussRow(r.Context, i), Context: r.Context,
					Label: "discuss", Source: set})
			}
			if other := otherContext(claims, i); other != r.Context {
				train = append(train, classifier.Example{Text: r.Text, Context: other, Label: "unrelated",
					Source: set + "/re-paired"})
			}
		}
	}
	return train, dev, nil
}

// contextsOf returns the distinct contexts of rows, in the order they first appear.
func contextsOf(rows []row) []string {
	var out []string
	seen := map[string]bool{}
	for _, r := range rows {
		if !seen[r.Context] {
			seen[r.Context] = true
			out = append(out, r.Context)
		}
	}
	return out
}

// otherContext picks, deterministically for row i, the context its row is re-paired with as
// unrelated; callers skip the pair when it is the row's own context.
func otherContext(contexts []string, i int) string {
	return contexts[(i*7919+13)%len(contexts)]
}

// discussEvery: one synthetic discuss row per this many rows of perspectrum and IBM.
const discussEvery = 6

// discussTemplates are written by us: a reader who asks about a claim, wants to know more, or
// reports on it without taking a side. "%[1]s" is the claim, its first letter lower-cased and
// its final full stop removed; "%[2]s" is the claim's longest word, for the short questions
// that name the subject rather than restate the claim. The two data sets label only agree and
// disagree, and ARC's discuss comments are long, mostly off-hand remarks; without these rows no
// data would show what a question or a neutral report looks like.
var discussTemplates = []string{
	"Is it really the case that %[1]s?",
	"What evidence is there that %[1]s?",
	"Who decided that %[1]s, and on what basis?",
	"How would it work in practice if %[1]s?",
	"Can someone explain what it would mean for ordinary people if %[1]s?",
	"Are there any figures on this? I would like to know more before deciding whether %[1]s.",
	"The debate on whether %[1]s continues next week, when the committee meets again.",
	"A survey published on Monday asked people whether %[1]s, and opinion was split.",
	"What exactly counts as %[2]s here?",
	"Is there a link to the original study on %[2]s?",
	"How much would the %[2]s part cost, and who pays for it?",
	"When do we get the details about %[2]s?",
	"Which countries already have rules on %[2]s?",
	"Does this also cover %[2]s in smaller towns?",
	"The hearing on %[2]s lasted four hours and heard from twelve speakers.",
	"Figures on %[2]s are expected to be released at the end of the month.",
}

// discussRow returns the synthetic discuss row of the i-th row, whose claim is claim.
func discussRow(claim string, i int) string {
	c := strings.TrimSuffix(strings.TrimSpace(claim), ".")
	if c != "" && !strings.HasPrefix(c, "I ") {
		c = strings.ToLower(c[:1]) + c[1:]
	}
	long := ""
	for _, w := range strings.FieldsFunc(c, func(r rune) bool { return !unicode.IsLetter(r) }) {
		if len(w) > len(long) {
			long = w
		}
	}
	return fmt.Sprintf(discussTemplates[(i/discussEvery)%len(discussTemplates)], c, strings.ToLower(long))
}

// heldOut puts a fifth of ARC's distinct comments in the carved-out dev set.
func heldOut(text string) bool {
	h := uint32(2166136261)
	for i := 0; i < len(text); i++ {
		h ^= uint32(text[i])
		h *= 16777619
	}
	return h%5 == 0
}

// read returns the rows of one split of a data set.
func read(data, set, split string) ([]row, error) {
	return dataset.Read[row](data, set, split)
}
