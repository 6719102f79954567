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

	"github.com/tribune/tribune/classifier"
	"github.com/tribune/tribune/classifier/textnorm"
	"github.com/tribune/tribune/models/internal/dataset"
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
	strict := flag.Bool("kaggle-strict", false, "leave out Kaggle's not_insult rows that hold a word of the lexicon's insult, slur or dehumanising categories (Kaggle labels only insults aimed at another commenter, so such rows may insult a third party)")
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
	if err := run(*data, *dir, *synth, *only, reps, *strict); err != nil {
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

// run converts the data sets under data into tone.jsonl, stance.jsonl and dev.jsonl in dir:
// the training rows of every tone set (plus the synthetic rows if synth, each source's rows
// repeated as reps says), the stance sets' training rows with the distinct ARC comments as civil
// tone rows, and the development rows. With only set, tone rows of other sources are dropped;
// with strict, the Kaggle rows thirdPartyInsult reports are left out.
func run(data, dir string, synth bool, only string, reps map[string]int, strict bool) error {
	rd := reader{data: data}
	tone, err := toneTrain(rd)
	if err != nil {
		return err
	}
	if strict {
		n := len(tone)
		tone = slices.DeleteFunc(tone, thirdPartyInsult)
		fmt.Fprintf(os.Stderr, "recipe: -kaggle-strict left out %d Kaggle not_insult rows\n", n-len(tone))
	}
	if synth {
		for _, o := range synthRows(1) {
			tone = append(tone, o.from("synthetic"))
		}
	}
	tone = repeatRows(tone, reps)
	stance, civilTone, err := stanceTrain(rd)
	if err != nil {
		return err
	}
	tone = append(tone, civilTone...)
	dev, err := devRows(rd)
	if err != nil {
		return err
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

// reader reads the data sets in the folder data.
type reader struct{ data string }

// read returns the rows of one split ("train", "dev") of a data set.
func (rd reader) read(set, split string) ([]row, error) {
	return dataset.Read[row](rd.data, set, split)
}

// conversion is a data set and the function that maps one of its rows.
type conversion struct {
	set     string
	convert func(row) (out, error)
}

// convert reads one split of each data set in order and maps its rows.
func (rd reader) convert(split string, cs []conversion) ([]out, error) {
	var outs []out
	for _, c := range cs {
		rows, err := rd.read(c.set, split)
		if err != nil {
			return nil, err
		}
		for _, r := range rows {
			o, err := c.convert(r)
			if err != nil {
				return nil, err
			}
			outs = append(outs, o)
		}
	}
	return outs, nil
}

// toneTrain returns the training rows of the tone data sets, each naming its source.
func toneTrain(rd reader) ([]out, error) {
	return rd.convert("train", []conversion{
		{"civil_comments_toxic_span_types", withSource(civil, "civil_comments")},
		{"kaggle_insults_social_commentary", withSource(kaggle, "kaggle_insults")},
		{"davidson_hate_offensive", davidson},
		{"fox_news_comments_hate", foxNews},
		{"hatexplain", hatexplain},
		{"edos_sexism", edos},
		{"implicit_hate", withSource(hateCorpus, "implicit_hate")},
		{"stormfront_hate", withSource(hateCorpus, "stormfront_hate")},
		{"wiki_context_toxicity_cat", wiki},
	})
}

// repeatRows appends, for each row of a source that reps repeats N times, N-1 copies of it
// after all rows, weighting the source N-fold.
func repeatRows(tone []out, reps map[string]int) []out {
	if len(reps) == 0 {
		return tone
	}
	var extra []out
	for _, o := range tone {
		for range reps[o.Source] - 1 {
			extra = append(extra, o)
		}
	}
	return append(tone, extra...)
}

// stanceTrain returns the training rows of the stance data sets and, as civil tone rows, each
// distinct comment of the (pre-moderated) ARC set once.
func stanceTrain(rd reader) (stance, civilTone []out, err error) {
	rows, err := rd.read("arc_nyt_comments_stance", "train")
	if err != nil {
		return nil, nil, err
	}
	seen := map[string]bool{}
	for _, r := range rows {
		o, err := mapStance(r)
		if err != nil {
			return nil, nil, fmt.Errorf("arc: %w", err)
		}
		stance = append(stance, o.from("arc_nyt"))
		if !seen[r.Text] {
			seen[r.Text] = true
			civilTone = append(civilTone, out{Text: r.Text, Labels: allTone(0)}.from("arc_nyt"))
		}
	}
	for _, set := range []string{"perspectrum_stance", "ibm_claim_stance"} {
		more, err := rd.convert("train", []conversion{{set, func(r row) (out, error) {
			o, err := mapStance(r)
			if err != nil {
				return out{}, fmt.Errorf("%s: %w", set, err)
			}
			return o.from(set), nil
		}}})
		if err != nil {
			return nil, nil, err
		}
		stance = append(stance, more...)
	}
	return stance, civilTone, nil
}

// devRows returns the development rows: the dev splits of the same sources. Rows mapped by the
// functions that name their source keep it; the others have none.
func devRows(rd reader) ([]out, error) {
	return rd.convert("dev", []conversion{
		{"civil_comments_toxic_span_types", civil},
		{"kaggle_insults_social_commentary", kaggle},
		{"hatexplain", hatexplain},
		{"edos_sexism", edos},
		{"implicit_hate", hateDev},
		{"stormfront_hate", hateDev},
		{"wiki_context_toxicity_cat", wiki},
		{"perspectrum_stance", mapStance},
	})
}

// thirdPartyInsult reports whether o is a Kaggle not_insult training row with a word of the
// lexicon's insult, slur or dehumanising categories: Kaggle's label is "an insult aimed at
// another commenter", so such a row may well insult someone else, which our insult head counts.
func thirdPartyInsult(o out) bool {
	if o.Source != "kaggle_insults" || len(o.Labels) != 1 || o.Labels["insult"] != 0 {
		return false
	}
	for _, w := range textnorm.Words(o.Text) {
		for _, c := range classifier.LexiconCategories(w.Text) {
			if c == "insult" || c == "slur" || c == "dehuman" {
				return true
			}
		}
	}
	return false
}

// withSource returns convert with the source of its rows set to source.
func withSource(convert func(row) (out, error), source string) func(row) (out, error) {
	return func(r row) (out, error) {
		o, err := convert(r)
		return o.from(source), err
	}
}

// from returns o with its source set.
func (o out) from(source string) out {
	o.Source = source
	return o
}

// write writes rows to path as JSON Lines, without HTML escaping.
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
