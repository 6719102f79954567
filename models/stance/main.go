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
	"bufio"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"unicode"

	"github.com/tribune/tribune/classifier"
	"github.com/tribune/tribune/models"
	"github.com/tribune/tribune/moderation"
)

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
	flag.Parse()
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
	if err := run(*data, *in, *out, *suite, *eval, *arcDev, cfg); err != nil {
		fmt.Fprintln(os.Stderr, "stance:", err)
		os.Exit(1)
	}
}

func run(data, in, out, suite string, eval, arcDev bool, cfg classifier.StanceConfig) error {
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
		return evaluate(m, data, suite, dev)
	}
	return nil
}

// showMisses prints the suite's misses with their explanations.
var showMisses bool

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
		var claims []string
		for _, r := range rows {
			if !slices.Contains(claims, r.Context) {
				claims = append(claims, r.Context)
			}
		}
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
			// Another claim of the same set, chosen deterministically.
			other := claims[(i*7919+13)%len(claims)]
			if other != r.Context {
				train = append(train, classifier.Example{Text: r.Text, Context: other, Label: "unrelated",
					Source: set + "/re-paired"})
			}
		}
	}
	return train, dev, nil
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

func read(data, set, split string) ([]row, error) {
	f, err := os.Open(filepath.Join(data, set, split+".jsonl"))
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var rows []row
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 0, 1<<16), 1<<26)
	for n := 1; sc.Scan(); n++ {
		var r row
		if err := json.Unmarshal(sc.Bytes(), &r); err != nil {
			return nil, fmt.Errorf("%s/%s line %d: %w", set, split, n, err)
		}
		rows = append(rows, r)
	}
	return rows, sc.Err()
}

// evaluate prints per-set metrics with confusion matrices.
func evaluate(m *classifier.Model, data, suite string, arcDev []classifier.Example) error {
	type set struct {
		name    string
		rows    []classifier.Example
		classes []string
		mapPred func(probs []float64) string
	}
	argmax := func(classes []string) func([]float64) string {
		return func(p []float64) string {
			best := 0
			for i := range p {
				if slices.Contains(classes, classifier.StanceClasses[i]) && (p[i] > p[best] ||
					!slices.Contains(classes, classifier.StanceClasses[best])) {
					best = i
				}
			}
			return classifier.StanceClasses[best]
		}
	}
	noneAsDiscuss := func(p []float64) string {
		l := argmax(classifier.StanceClasses)(p)
		if l == "unrelated" {
			return "discuss"
		}
		return l
	}
	var sets []set
	load := func(name, folder, split string, mapping map[string]string) error {
		rows, err := read(data, folder, split)
		if err != nil {
			return err
		}
		var exs []classifier.Example
		for _, r := range rows {
			l, ok := mapping[r.Label]
			if !ok {
				return fmt.Errorf("%s: unknown label %q", folder, r.Label)
			}
			exs = append(exs, classifier.Example{Text: r.Text, Context: r.Context, Label: l})
		}
		sets = append(sets, set{name: name, rows: exs})
		return nil
	}
	if err := load("perspectrum dev (agree/disagree)", "perspectrum_stance", "dev", stanceMap); err != nil {
		return err
	}
	sets[len(sets)-1].classes = []string{"agree", "disagree"}
	sets[len(sets)-1].mapPred = argmax([]string{"agree", "disagree"})
	if err := load("semeval2016 dev (zero-shot)", "semeval2016_task6_stance", "dev",
		map[string]string{"favor": "agree", "against": "disagree", "none": "discuss"}); err != nil {
		return err
	}
	sets[len(sets)-1].classes = []string{"agree", "disagree", "discuss"}
	sets[len(sets)-1].mapPred = noneAsDiscuss
	if err := load("rumoureval2017 dev (zero-shot)", "rumoureval2017_reply_stance", "dev",
		map[string]string{"support": "agree", "deny": "disagree", "query": "discuss", "comment": "discuss"}); err != nil {
		return err
	}
	sets[len(sets)-1].classes = []string{"agree", "disagree", "discuss"}
	sets[len(sets)-1].mapPred = noneAsDiscuss
	if len(arcDev) > 0 {
		sets = append(sets, set{name: "ARC dev carved by comment", rows: arcDev,
			classes: classifier.StanceClasses, mapPred: argmax(classifier.StanceClasses)})
	}
	if suite != "" {
		exs, err := readSuite(suite)
		if err != nil {
			return err
		}
		sets = append(sets, set{name: "our stance suite (" + suite + ")", rows: exs,
			classes: classifier.StanceClasses, mapPred: argmax(classifier.StanceClasses)})
	}
	for _, s := range sets {
		gold := make([]string, len(s.rows))
		pred := make([]string, len(s.rows))
		var p classifier.Prediction
		confident, right := 0, 0
		for i, ex := range s.rows {
			m.PredictInto(&p, ex.Text, ex.Context)
			h := p.Heads[len(p.Heads)-1]
			gold[i], pred[i] = ex.Label, s.mapPred(h.Probs)
			if _, top := h.Top(); top >= moderation.StanceConfidence {
				confident++
				if gold[i] == pred[i] {
					right++
				}
			}
		}
		if showMisses && strings.HasPrefix(s.name, "our stance suite") {
			for i, ex := range s.rows {
				if gold[i] == pred[i] {
					continue
				}
				e := m.Explain(ex.Text, ex.Context, 6)
				h := e.Heads[len(e.Heads)-1]
				fmt.Printf("MISS want %s got %s %.2f: %q\n", gold[i], pred[i], h.Probs, ex.Text)
				for _, c := range h.Explanation {
					fmt.Printf("      %+.3f %s\n", c.Weight, c.Feature)
				}
			}
		}
		fmt.Print(report(s.name, s.classes, gold, pred))
		fmt.Printf("   confident (top stance >= %.2f): %d of %d, right %d (%.3f); unclear %d\n",
			moderation.StanceConfidence, confident, len(gold), right, float64(right)/float64(max(confident, 1)), len(gold)-confident)
	}
	return nil
}

// report formats macro-F1, per-class F1 and the confusion matrix (rows gold, columns decided).
func report(name string, classes, gold, pred []string) string {
	var b strings.Builder
	all := slices.Clone(classes)
	for _, p := range pred {
		if !slices.Contains(all, p) {
			all = append(all, p)
		}
	}
	conf := make([][]int, len(all))
	for i := range conf {
		conf[i] = make([]int, len(all))
	}
	for i := range gold {
		conf[slices.Index(all, gold[i])][slices.Index(all, pred[i])]++
	}
	macro := 0.0
	var per []string
	for c, name := range classes {
		tp, sup, dec := conf[c][c], 0, 0
		for k := range all {
			sup += conf[c][k]
			dec += conf[k][c]
		}
		f := 0.0
		if sup+dec > 0 {
			f = 2 * float64(tp) / float64(sup+dec)
		}
		macro += f
		per = append(per, fmt.Sprintf("%s %.3f (n=%d)", name, f, sup))
	}
	macro /= float64(len(classes))
	fmt.Fprintf(&b, "== %s: n=%d macro-F1 %.4f; F1 %s\n", name, len(gold), macro, strings.Join(per, ", "))
	fmt.Fprintf(&b, "   gold \\ decided: %s\n", strings.Join(all, " "))
	for i, c := range all {
		fmt.Fprintf(&b, "   %-10s %v\n", c, conf[i])
	}
	return b.String()
}

// readSuite reads our stance suite: rows {"article", "text", "label"} and, beside it,
// <name>_articles.jsonl with {"id", "title", "body"}; the context is the title, a line break
// and the body, as the service reads an article (moderation.Article.StanceContext).
func readSuite(path string) ([]classifier.Example, error) {
	type art struct{ ID, Title, Body string }
	arts := map[string]string{}
	apath := strings.TrimSuffix(path, ".jsonl") + "_articles.jsonl"
	b, err := os.ReadFile(apath)
	if err != nil {
		return nil, err
	}
	for _, line := range strings.Split(strings.TrimSpace(string(b)), "\n") {
		var a art
		if err := json.Unmarshal([]byte(line), &a); err != nil {
			return nil, fmt.Errorf("%s: %w", apath, err)
		}
		arts[a.ID] = a.Title + "\n" + a.Body
	}
	b, err = os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var out []classifier.Example
	for n, line := range strings.Split(strings.TrimSpace(string(b)), "\n") {
		var r struct{ Article, Text, Label string }
		if err := json.Unmarshal([]byte(line), &r); err != nil {
			return nil, fmt.Errorf("%s line %d: %w", path, n+1, err)
		}
		ctx, ok := arts[r.Article]
		if !ok {
			return nil, fmt.Errorf("%s line %d: no article %q", path, n+1, r.Article)
		}
		out = append(out, classifier.Example{Text: r.Text, Context: ctx, Label: r.Label})
	}
	return out, nil
}
