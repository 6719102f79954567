// Command recipe converts the labeled data sets that may feed Tribune's default model (those
// marked "yes" in ../shared/data/README.md) into the JSON Lines that `tribune train` reads:
// tone.jsonl (binary tone heads), stance.jsonl (the stance head) and dev.jsonl (development
// rows for the model card's metrics, never trained on), plus the synthetic rows of synth.go.
// Every row names its source, so that training fits one intercept per source and head (see
// classifier.TrainConfig.SourceBias). models/recipe.sh runs it and then trains
// models/default.tribune.
//
// Source to head mapping (see models/README.md for why). A head left out of a row is unlabeled.
//
//	civil_comments_toxic_span_types  toxicity (label toxic), insult, threat, identity_attack,
//	                                 profanity (profane_obscene)
//	kaggle_insults_social_commentary insult 1/0; toxicity 1 for insults
//	davidson_hate_offensive          hate_speech: toxicity 1, identity_attack 1;
//	                                 offensive_language: toxicity 1, identity_attack 0;
//	                                 neither: all five heads 0
//	fox_news_comments_hate           hateful: toxicity 1, identity_attack 1; not_hateful: identity_attack 0
//	hatexplain                       hatespeech: toxicity 1, identity_attack 1; offensive:
//	                                 toxicity 1, identity_attack 0; normal: all but profanity 0
//	edos_sexism                      sexist: identity_attack 1 (toxicity 1 unless only prejudiced
//	                                 discussion); threat 1 for sexist threats, else 0;
//	                                 not_sexist: identity_attack 0, threat 0
//	implicit_hate                    hate: identity_attack 1, toxicity 1; not_hate: identity_attack 0
//	stormfront_hate                  hate: identity_attack 1, toxicity 1; not_hate: identity_attack 0
//	wiki_context_toxicity_cat        toxic: toxicity 1; not_toxic: all five heads 0
//	arc_nyt_comments_stance          stance as labeled; each distinct (pre-moderated) comment
//	                                 once as a civil example: all five tone heads 0
//	perspectrum_stance               stance: support -> agree, undermine -> disagree
//	ibm_claim_stance                 stance: pro -> agree, con -> disagree
//	synthetic (synth.go)             templates written by us, labels per category
package main

import (
	"bufio"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
)

// row is one input row of ../shared/data.
type row struct {
	Text    string         `json:"text"`
	Label   string         `json:"label"`
	Context string         `json:"context"`
	Labels  map[string]int `json:"labels"`
}

// out is one output row for tribune train.
type out struct {
	Text    string         `json:"text"`
	Context string         `json:"context,omitempty"`
	Label   string         `json:"label,omitempty"`
	Labels  map[string]int `json:"labels,omitempty"`
	Source  string         `json:"source,omitempty"`
}

var toneHeads = []string{"toxicity", "insult", "threat", "identity_attack", "profanity"}

func main() {
	data := flag.String("data", "../shared/data", "folder of the data set folders")
	dir := flag.String("out", "", "folder to write tone.jsonl, stance.jsonl and dev.jsonl into")
	synth := flag.Bool("synth", true, "add the synthetic rows of synth.go to tone.jsonl")
	only := flag.String("sources", "", "comma-separated tone sources to keep (default: all)")
	repeat := flag.String("repeat", "", "comma-separated source=N: write each tone row of the source N times (weights it N-fold)")
	flag.Parse()
	if *dir == "" {
		fmt.Fprintln(os.Stderr, "recipe: -out is required")
		os.Exit(2)
	}
	reps, err := parseRepeat(*repeat)
	if err != nil {
		fmt.Fprintln(os.Stderr, "recipe:", err)
		os.Exit(2)
	}
	if err := run(*data, *dir, *synth, *only, reps); err != nil {
		fmt.Fprintln(os.Stderr, "recipe:", err)
		os.Exit(1)
	}
}

// parseRepeat reads "source=N,source=N".
func parseRepeat(s string) (map[string]int, error) {
	reps := map[string]int{}
	for _, f := range strings.Split(s, ",") {
		if f = strings.TrimSpace(f); f == "" {
			continue
		}
		name, n, ok := strings.Cut(f, "=")
		k, err := strconv.Atoi(n)
		if !ok || err != nil || k < 1 || k > 20 {
			return nil, fmt.Errorf("-repeat %q: want source=N with N from 1 to 20", f)
		}
		reps[name] = k
	}
	return reps, nil
}

func run(data, dir string, synth bool, only string, reps map[string]int) error {
	read := func(set, split string) ([]row, error) {
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
	var tone, stance, dev []out
	civil := func(r row) out {
		l := map[string]int{"insult": r.Labels["insult"], "threat": r.Labels["threat"],
			"identity_attack": r.Labels["identity_attack"], "profanity": r.Labels["profane_obscene"]}
		l["toxicity"] = b2i(r.Label == "toxic")
		return out{Text: r.Text, Labels: l}
	}
	kaggle := func(r row) out {
		if r.Label == "insult" {
			return out{Text: r.Text, Labels: map[string]int{"insult": 1, "toxicity": 1}}
		}
		return out{Text: r.Text, Labels: map[string]int{"insult": 0}}
	}
	stanceMap := map[string]string{"support": "agree", "undermine": "disagree", "pro": "agree", "con": "disagree",
		"agree": "agree", "disagree": "disagree", "discuss": "discuss", "unrelated": "unrelated"}
	mapStance := func(r row) (out, error) {
		l, ok := stanceMap[r.Label]
		if !ok {
			return out{}, fmt.Errorf("unknown stance label %q", r.Label)
		}
		return out{Text: r.Text, Context: r.Context, Label: l}, nil
	}

	rows, err := read("civil_comments_toxic_span_types", "train")
	if err != nil {
		return err
	}
	for _, r := range rows {
		tone = append(tone, civil(r).from("civil_comments"))
	}
	if rows, err = read("kaggle_insults_social_commentary", "train"); err != nil {
		return err
	}
	for _, r := range rows {
		tone = append(tone, kaggle(r).from("kaggle_insults"))
	}
	if rows, err = read("davidson_hate_offensive", "train"); err != nil {
		return err
	}
	for _, r := range rows {
		switch r.Label {
		case "hate_speech":
			tone = append(tone, out{Text: r.Text, Labels: map[string]int{"toxicity": 1, "identity_attack": 1}}.from("davidson"))
		case "offensive_language":
			tone = append(tone, out{Text: r.Text, Labels: map[string]int{"toxicity": 1, "identity_attack": 0}}.from("davidson"))
		case "neither":
			tone = append(tone, out{Text: r.Text, Labels: allTone(0)}.from("davidson"))
		default:
			return fmt.Errorf("davidson: unknown label %q", r.Label)
		}
	}
	if rows, err = read("fox_news_comments_hate", "train"); err != nil {
		return err
	}
	for _, r := range rows {
		if r.Label == "hateful" {
			tone = append(tone, out{Text: r.Text, Labels: map[string]int{"toxicity": 1, "identity_attack": 1}}.from("fox_news"))
		} else {
			tone = append(tone, out{Text: r.Text, Labels: map[string]int{"identity_attack": 0}}.from("fox_news"))
		}
	}
	if rows, err = read("hatexplain", "train"); err != nil {
		return err
	}
	for _, r := range rows {
		o, err := hatexplain(r)
		if err != nil {
			return err
		}
		tone = append(tone, o)
	}
	if rows, err = read("edos_sexism", "train"); err != nil {
		return err
	}
	for _, r := range rows {
		tone = append(tone, edos(r))
	}
	for _, set := range []string{"implicit_hate", "stormfront_hate"} {
		if rows, err = read(set, "train"); err != nil {
			return err
		}
		for _, r := range rows {
			o := out{Text: r.Text, Labels: map[string]int{"identity_attack": 0}}
			if r.Label == "hate" {
				o.Labels = map[string]int{"identity_attack": 1, "toxicity": 1}
			}
			tone = append(tone, o.from(set))
		}
	}
	if rows, err = read("wiki_context_toxicity_cat", "train"); err != nil {
		return err
	}
	for _, r := range rows {
		tone = append(tone, wiki(r))
	}
	if synth {
		for _, o := range synthRows(1) {
			tone = append(tone, o.from("synthetic"))
		}
	}
	if len(reps) > 0 {
		var extra []out
		for _, o := range tone {
			for range reps[o.Source] - 1 {
				extra = append(extra, o)
			}
		}
		tone = append(tone, extra...)
	}
	if rows, err = read("arc_nyt_comments_stance", "train"); err != nil {
		return err
	}
	seen := map[string]bool{}
	for _, r := range rows {
		o, err := mapStance(r)
		if err != nil {
			return fmt.Errorf("arc: %w", err)
		}
		stance = append(stance, o.from("arc_nyt"))
		if !seen[r.Text] {
			seen[r.Text] = true
			tone = append(tone, out{Text: r.Text, Labels: allTone(0)}.from("arc_nyt"))
		}
	}
	for _, set := range []string{"perspectrum_stance", "ibm_claim_stance"} {
		if rows, err = read(set, "train"); err != nil {
			return err
		}
		for _, r := range rows {
			o, err := mapStance(r)
			if err != nil {
				return fmt.Errorf("%s: %w", set, err)
			}
			stance = append(stance, o.from(set))
		}
	}
	// Development rows: the dev splits of the same sources.
	if rows, err = read("civil_comments_toxic_span_types", "dev"); err != nil {
		return err
	}
	for _, r := range rows {
		dev = append(dev, civil(r))
	}
	if rows, err = read("kaggle_insults_social_commentary", "dev"); err != nil {
		return err
	}
	for _, r := range rows {
		dev = append(dev, kaggle(r))
	}
	for _, set := range []string{"hatexplain", "edos_sexism", "implicit_hate", "stormfront_hate", "wiki_context_toxicity_cat"} {
		if rows, err = read(set, "dev"); err != nil {
			return err
		}
		for _, r := range rows {
			var o out
			switch set {
			case "hatexplain":
				if o, err = hatexplain(r); err != nil {
					return err
				}
			case "edos_sexism":
				o = edos(r)
			case "wiki_context_toxicity_cat":
				o = wiki(r)
			default:
				o = out{Text: r.Text, Labels: map[string]int{"identity_attack": b2i(r.Label == "hate")}}
			}
			dev = append(dev, o)
		}
	}
	if rows, err = read("perspectrum_stance", "dev"); err != nil {
		return err
	}
	for _, r := range rows {
		o, err := mapStance(r)
		if err != nil {
			return err
		}
		dev = append(dev, o)
	}
	if only != "" {
		keep := map[string]bool{}
		for _, src := range strings.Split(only, ",") {
			keep[strings.TrimSpace(src)] = true
		}
		tone = slices.DeleteFunc(tone, func(o out) bool { return !keep[o.Source] })
	}
	for name, rows := range map[string][]out{"tone.jsonl": tone, "stance.jsonl": stance, "dev.jsonl": dev} {
		if err := write(filepath.Join(dir, name), rows); err != nil {
			return err
		}
		fmt.Printf("%s: %d rows\n", name, len(rows))
	}
	return nil
}

// from returns o with its source set.
func (o out) from(source string) out {
	o.Source = source
	return o
}

// hatexplain maps a HateXplain row. Its "normal" posts may still swear, so profanity is left
// unlabeled for them.
func hatexplain(r row) (out, error) {
	switch r.Label {
	case "hatespeech":
		return out{Text: r.Text, Labels: map[string]int{"toxicity": 1, "identity_attack": 1}, Source: "hatexplain"}, nil
	case "offensive":
		return out{Text: r.Text, Labels: map[string]int{"toxicity": 1, "identity_attack": 0}, Source: "hatexplain"}, nil
	case "normal":
		return out{Text: r.Text, Labels: map[string]int{"toxicity": 0, "identity_attack": 0, "insult": 0, "threat": 0},
			Source: "hatexplain"}, nil
	}
	return out{}, fmt.Errorf("hatexplain: unknown label %q", r.Label)
}

// edos maps an EDOS row: sexism is an identity attack; only its prejudiced-discussion subtype
// may be civil in tone, so it leaves toxicity unlabeled. Threat is labeled on every row, so that
// the source has both classes.
func edos(r row) out {
	l := map[string]int{"identity_attack": 0, "threat": r.Labels["sexist_threat"]}
	if r.Label == "sexist" {
		l["identity_attack"] = 1
		if r.Labels["sexist_prejudiced_discussion"] == 0 {
			l["toxicity"] = 1
		}
	}
	return out{Text: r.Text, Labels: l, Source: "edos"}
}

// wiki maps a Wikipedia talk page row: its civil rows are civil in every respect.
func wiki(r row) out {
	if r.Label == "toxic" {
		return out{Text: r.Text, Labels: map[string]int{"toxicity": 1}, Source: "wiki_talk"}
	}
	return out{Text: r.Text, Labels: allTone(0), Source: "wiki_talk"}
}

func allTone(v int) map[string]int {
	m := make(map[string]int, len(toneHeads))
	for _, h := range toneHeads {
		m[h] = v
	}
	return m
}

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}

func write(path string, rows []out) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	w := bufio.NewWriter(f)
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	for _, r := range rows {
		if err := enc.Encode(r); err != nil {
			f.Close()
			return err
		}
	}
	if err := w.Flush(); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}
