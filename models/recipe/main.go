// Command recipe converts the labeled data sets that may feed Tribune's default model (those
// marked "yes" in ../shared/data/README.md) into the JSON Lines that `tribune train` reads:
// tone.jsonl (binary tone heads), stance.jsonl (the stance head) and dev.jsonl (development
// rows for the model card's metrics, never trained on). models/recipe.sh runs it and then
// trains models/default.tribune.
//
// Source to head mapping (see models/README.md for why):
//
//	civil_comments_toxic_span_types  toxicity (label toxic), insult, threat, identity_attack,
//	                                 profanity (profane_obscene)
//	kaggle_insults_social_commentary insult 1/0; toxicity 1 for insults
//	davidson_hate_offensive          hate_speech: toxicity 1, identity_attack 1;
//	                                 offensive_language: toxicity 1, identity_attack 0;
//	                                 neither: all five heads 0
//	fox_news_comments_hate           hateful: toxicity 1, identity_attack 1; not_hateful: identity_attack 0
//	arc_nyt_comments_stance          stance as labeled; each distinct (pre-moderated) comment
//	                                 once as a civil example: all five tone heads 0
//	perspectrum_stance               stance: support -> agree, undermine -> disagree
//	ibm_claim_stance                 stance: pro -> agree, con -> disagree
package main

import (
	"bufio"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"path/filepath"
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
}

var toneHeads = []string{"toxicity", "insult", "threat", "identity_attack", "profanity"}

func main() {
	data := flag.String("data", "../shared/data", "folder of the data set folders")
	dir := flag.String("out", "", "folder to write tone.jsonl, stance.jsonl and dev.jsonl into")
	flag.Parse()
	if *dir == "" {
		fmt.Fprintln(os.Stderr, "recipe: -out is required")
		os.Exit(2)
	}
	if err := run(*data, *dir); err != nil {
		fmt.Fprintln(os.Stderr, "recipe:", err)
		os.Exit(1)
	}
}

func run(data, dir string) error {
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
		tone = append(tone, civil(r))
	}
	if rows, err = read("kaggle_insults_social_commentary", "train"); err != nil {
		return err
	}
	for _, r := range rows {
		tone = append(tone, kaggle(r))
	}
	if rows, err = read("davidson_hate_offensive", "train"); err != nil {
		return err
	}
	for _, r := range rows {
		switch r.Label {
		case "hate_speech":
			tone = append(tone, out{Text: r.Text, Labels: map[string]int{"toxicity": 1, "identity_attack": 1}})
		case "offensive_language":
			tone = append(tone, out{Text: r.Text, Labels: map[string]int{"toxicity": 1, "identity_attack": 0}})
		case "neither":
			tone = append(tone, out{Text: r.Text, Labels: allTone(0)})
		default:
			return fmt.Errorf("davidson: unknown label %q", r.Label)
		}
	}
	if rows, err = read("fox_news_comments_hate", "train"); err != nil {
		return err
	}
	for _, r := range rows {
		if r.Label == "hateful" {
			tone = append(tone, out{Text: r.Text, Labels: map[string]int{"toxicity": 1, "identity_attack": 1}})
		} else {
			tone = append(tone, out{Text: r.Text, Labels: map[string]int{"identity_attack": 0}})
		}
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
		stance = append(stance, o)
		if !seen[r.Text] {
			seen[r.Text] = true
			tone = append(tone, out{Text: r.Text, Labels: allTone(0)})
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
			stance = append(stance, o)
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
	for name, rows := range map[string][]out{"tone.jsonl": tone, "stance.jsonl": stance, "dev.jsonl": dev} {
		if err := write(filepath.Join(dir, name), rows); err != nil {
			return err
		}
		fmt.Printf("%s: %d rows\n", name, len(rows))
	}
	return nil
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
