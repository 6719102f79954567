package main

import (
	"encoding/json"
	"fmt"
	"os"
	"slices"
	"strings"

	"github.com/tribune/tribune/classifier"
	"github.com/tribune/tribune/moderation"
)

// showMisses prints the suite's misses with their explanations.
var showMisses bool

// evalSet is a data set evaluate measures: its rows, the classes it is scored on and how a
// prediction's probabilities map to one of them.
type evalSet struct {
	name    string
	rows    []classifier.Example
	classes []string
	mapPred func(probs []float64) string
}

// argmax decides the most probable of classes.
func argmax(classes []string) func([]float64) string {
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

// noneAsDiscuss decides the most probable stance, unrelated counting as discuss.
func noneAsDiscuss(p []float64) string {
	l := argmax(classifier.StanceClasses)(p)
	if l == "unrelated" {
		return "discuss"
	}
	return l
}

// evaluate prints per-set metrics with confusion matrices.
func evaluate(m *classifier.Model, data, suite, inDomain string, arcDev []classifier.Example) error {
	sets, err := evalSets(data, suite, inDomain, arcDev)
	if err != nil {
		return err
	}
	for _, s := range sets {
		measure(m, s)
	}
	return nil
}

// evalSets returns the sets evaluate measures: the dev splits of Perspectrum, SemEval-2016 and
// RumourEval, ARC's carved-out rows if any, and our suite if suite is set. The set named by
// inDomain (if any) was trained on, and its name says so.
func evalSets(data, suite, inDomain string, arcDev []classifier.Example) ([]evalSet, error) {
	var sets []evalSet
	for _, d := range []struct {
		name, folder string
		mapping      map[string]string
		classes      []string
		mapPred      func([]float64) string
	}{
		{"perspectrum dev (agree/disagree)", "perspectrum_stance", stanceMap,
			[]string{"agree", "disagree"}, argmax([]string{"agree", "disagree"})},
		{"semeval2016 dev (zero-shot)", "semeval2016_task6_stance",
			map[string]string{"favor": "agree", "against": "disagree", "none": "discuss"},
			[]string{"agree", "disagree", "discuss"}, noneAsDiscuss},
		{"rumoureval2017 dev (zero-shot)", "rumoureval2017_reply_stance",
			map[string]string{"support": "agree", "deny": "disagree", "query": "discuss", "comment": "discuss"},
			[]string{"agree", "disagree", "discuss"}, noneAsDiscuss},
	} {
		rows, err := read(data, d.folder, "dev")
		if err != nil {
			return nil, err
		}
		var exs []classifier.Example
		for _, r := range rows {
			l, ok := d.mapping[r.Label]
			if !ok {
				return nil, fmt.Errorf("%s: unknown label %q", d.folder, r.Label)
			}
			exs = append(exs, classifier.Example{Text: r.Text, Context: r.Context, Label: l})
		}
		name := d.name
		if inDomain != "" && inDomainSets[inDomain].folder == d.folder {
			name = strings.Replace(name, "(zero-shot)", "(trained on its train split: -in-domain "+inDomain+")", 1)
		}
		sets = append(sets, evalSet{name: name, rows: exs, classes: d.classes, mapPred: d.mapPred})
	}
	if len(arcDev) > 0 {
		sets = append(sets, evalSet{name: "ARC dev carved by comment", rows: arcDev,
			classes: classifier.StanceClasses, mapPred: argmax(classifier.StanceClasses)})
	}
	if suite != "" {
		exs, err := readSuite(suite)
		if err != nil {
			return nil, err
		}
		sets = append(sets, evalSet{name: "our stance suite (" + suite + ")", rows: exs,
			classes: classifier.StanceClasses, mapPred: argmax(classifier.StanceClasses)})
	}
	return sets, nil
}

// measure prints set s's report and how many of its rows the model decides confidently, and
// how many of those rightly.
func measure(m *classifier.Model, s evalSet) {
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
		printMisses(m, s.rows, gold, pred)
	}
	fmt.Print(report(s.name, s.classes, gold, pred))
	fmt.Printf("   confident (top stance >= %.2f): %d of %d, right %d (%.3f); unclear %d\n",
		moderation.StanceConfidence, confident, len(gold), right, float64(right)/float64(max(confident, 1)), len(gold)-confident)
}

// printMisses prints every row decided wrongly with the features that decided it.
func printMisses(m *classifier.Model, rows []classifier.Example, gold, pred []string) {
	for i, ex := range rows {
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
