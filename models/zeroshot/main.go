// Command zeroshot measures a model on labeled data sets of ../shared/data: the ROC AUC of a
// tone head against each set's gold label, for the sets the default model never trains on
// (zero-shot: evaluate-only sets and the dev split of UCC) and for the dev splits of the sets it
// trains on (where settings are chosen), and what the default policy's hold does on UCC dev.
//
// Usage: go run ./models/zeroshot [-model FILE] [-data DIR] [-only a,b]
//
// Without -model it measures the embedded default model.
package main

import (
	"bufio"
	"encoding/json"
	"flag"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"sort"
	"strings"
	"sync"

	"github.com/tribune/tribune/classifier"
	"github.com/tribune/tribune/classifier/lang"
	"github.com/tribune/tribune/models"
	"github.com/tribune/tribune/moderation"
)

// eval is one measurement: a head's score against a gold label derived from a row.
type eval struct {
	set, split, gold, head string
	zeroShot               bool // never trained on: a generalisation number
	pos                    func(r row) (bool, bool)
}

type row struct {
	Text   string         `json:"text"`
	Label  string         `json:"label"`
	Labels map[string]int `json:"labels"`
}

func label(want ...string) func(r row) (bool, bool) {
	return func(r row) (bool, bool) { return slices.Contains(want, r.Label), true }
}

func attr(name string) func(r row) (bool, bool) {
	return func(r row) (bool, bool) {
		v, ok := r.Labels[name]
		return v == 1, ok
	}
}

var evals = []eval{
	{"ucc_unhealthy_comments", "dev", "unhealthy", "toxicity", true, attr("unhealthy")},
	{"ucc_unhealthy_comments", "dev", "hostile", "insult", true, attr("hostile")},
	{"tweeteval_offensive_olid", "dev", "offensive", "toxicity", true, label("offensive")},
	{"tweeteval_hate_hateval", "dev", "hate", "identity_attack", true, label("hate")},
	{"ethos_hate_speech", "train", "hate", "identity_attack", true, label("hate")},
	{"sfu_constructiveness_toxicity", "train", "toxic or very_toxic", "toxicity", true, label("toxic", "very_toxic")},
	{"gab_hate_corpus", "dev", "cv", "threat", true, attr("cv")},
	{"gab_hate_corpus", "dev", "hate", "identity_attack", true, attr("hate")},
	{"gab_hate_corpus", "dev", "vo", "profanity", true, attr("vo")},
	{"kaggle_insults_social_commentary", "dev", "insult", "insult", false, label("insult")},
	{"civil_comments_toxic_span_types", "dev", "insult", "insult", false, attr("insult")},
	{"civil_comments_toxic_span_types", "dev", "threat", "threat", false, attr("threat")},
	{"civil_comments_toxic_span_types", "dev", "identity_attack", "identity_attack", false, attr("identity_attack")},
	{"civil_comments_toxic_span_types", "dev", "profane_obscene", "profanity", false, attr("profane_obscene")},
	{"hatexplain", "dev", "hatespeech or offensive", "toxicity", false, label("hatespeech", "offensive")},
	{"hatexplain", "dev", "hatespeech", "identity_attack", false, label("hatespeech")},
	{"edos_sexism", "dev", "sexist", "identity_attack", false, label("sexist")},
	{"edos_sexism", "dev", "sexist_threat", "threat", false, attr("sexist_threat")},
	{"implicit_hate", "dev", "hate", "identity_attack", false, label("hate")},
	{"stormfront_hate", "dev", "hate", "identity_attack", false, label("hate")},
	{"wiki_context_toxicity_cat", "dev", "toxic", "toxicity", false, label("toxic")},
}

func main() {
	modelPath := flag.String("model", "", "model `FILE` (default: the embedded default model)")
	data := flag.String("data", "../shared/data", "folder of the data set folders")
	only := flag.String("only", "", "comma-separated data sets to measure (default: all)")
	civilQ := flag.Float64("civil-quantile", 0.99, "with -thresholds: the share of civil dev comments each head's hold threshold lets through")
	thresholds := flag.Bool("thresholds", false, "print hold thresholds chosen on civil dev comments of training sources instead of measuring")
	holdShare := flag.Float64("hold-share", 0, "with -thresholds: choose one per-head civil quantile so that a site would expect all heads together to hold at most this share of its comments (overrides -civil-quantile)")
	prior := flag.Float64("prior", 0.08, "with -hold-share: the share of a site's comments that are abusive")
	margin := flag.Float64("sentence-margin", math.NaN(), "score with this sentence margin instead of the model's (negative: whole comments only)")
	flag.Parse()
	if *thresholds {
		if err := chooseThresholds(*modelPath, *data, *civilQ, *holdShare, *prior, *margin); err != nil {
			fmt.Fprintln(os.Stderr, "zeroshot:", err)
			os.Exit(1)
		}
		return
	}
	if err := run(*modelPath, *data, *only, *margin); err != nil {
		fmt.Fprintln(os.Stderr, "zeroshot:", err)
		os.Exit(1)
	}
}

func load(modelPath string, margin float64) (*classifier.Model, error) {
	var m *classifier.Model
	var err error
	if modelPath == "" {
		m, err = classifier.LoadFS(models.FS, models.DefaultModel)
	} else {
		m, err = classifier.LoadFile(modelPath)
	}
	if err != nil {
		return nil, err
	}
	if !math.IsNaN(margin) {
		m = m.WithSentenceMargin(margin)
	}
	return m, nil
}

// chooseThresholds prints hold thresholds chosen on the dev splits of three training sources:
// Wikipedia talk comments (toxic or not) and Civil Comments news comments (toxic or not) for
// civil and abusive comments, and Kaggle's insults as abusive ones. Each head holds at the score
// below which a share q of the civil ones fall (for identity_attack, of those and of the rows
// the hate speech sources label not hateful). With a hold share, q is the smallest share (the most holds) for
// which a news site whose comments are abusive at rate prior would expect all heads together to
// hold at most that share of its comments: (1-prior) × civil held + prior × abusive held. No
// evaluate-only set is read.
func chooseThresholds(modelPath, data string, q, holdShare, prior, margin float64) error {
	m, err := load(modelPath, margin)
	if err != nil {
		return err
	}
	var civil, abusive []scored
	// Kaggle's negative label means "not an insult aimed at another commenter", which includes
	// rude comments about third parties: its insults count as abusive, its other rows as
	// neither.
	for _, src := range []struct {
		set, civilLabel string
		civil           bool
	}{
		{"wiki_context_toxicity_cat", "not_toxic", true}, {"kaggle_insults_social_commentary", "not_insult", false},
		{"civil_comments_toxic_span_types", "not_toxic", true}} {
		rs, err := score(m, filepath.Join(data, src.set, "dev.jsonl"))
		if err != nil {
			return err
		}
		for _, r := range rs {
			switch {
			case r.Label != src.civilLabel:
				abusive = append(abusive, r)
			case src.civil:
				civil = append(civil, r)
			}
		}
	}
	// The identity head's threshold is also a quantile of comments that name groups without
	// attacking them, which Wikipedia talk and Civil Comments have few of: the rows the hate
	// speech sources label not hateful (not sexist) join its civil comments.
	var named []scored
	for _, src := range []struct{ set, label string }{{"hatexplain", "normal"}, {"implicit_hate", "not_hate"},
		{"stormfront_hate", "not_hate"}, {"edos_sexism", "not_sexist"}} {
		rs, err := score(m, filepath.Join(data, src.set, "dev.jsonl"))
		if err != nil {
			return err
		}
		for _, r := range rs {
			if r.Label == src.label {
				named = append(named, r)
			}
		}
	}
	var heads []string
	sorted := map[string][]float64{}
	for _, h := range m.Heads() {
		if !h.Binary {
			continue
		}
		heads = append(heads, h.Name)
		var s []float64
		pool := civil
		if h.Name == "identity_attack" {
			pool = append(slices.Clip(civil), named...)
		}
		for _, r := range pool {
			s = append(s, r.scores[h.Name])
		}
		sort.Float64s(s)
		sorted[h.Name] = s
	}
	at := func(q float64) map[string]float64 {
		t := map[string]float64{}
		for _, h := range heads {
			s := sorted[h]
			t[h] = s[min(len(s)-1, int(q*float64(len(s))))]
		}
		return t
	}
	// held is the share of rs that at least one head holds (score >= threshold, as the policy
	// holds).
	held := func(rs []scored, t map[string]float64) float64 {
		n := 0
		for _, r := range rs {
			for _, h := range heads {
				if r.scores[h] >= t[h] {
					n++
					break
				}
			}
		}
		return float64(n) / float64(max(len(rs), 1))
	}
	expected := func(t map[string]float64) float64 {
		return (1-prior)*held(civil, t) + prior*held(abusive, t)
	}
	if holdShare > 0 {
		lo, hi := 0.5, 1.0
		for range 40 {
			if mid := (lo + hi) / 2; expected(at(mid)) <= holdShare {
				hi = mid
			} else {
				lo = mid
			}
		}
		q = hi
	}
	t := at(q)
	fmt.Printf("model %s: %d civil (wiki talk, civil comments) and %d abusive (the same and kaggle insults) dev comments, per-head civil quantile %.4f\n",
		m.Version(), len(civil), len(abusive), q)
	for _, h := range heads {
		fmt.Printf("%s: hold at %.4f\n", h, t[h])
	}
	fmt.Printf("all heads together hold %.2f%% of the civil and %.2f%% of the abusive comments; at %.0f%% abusive, %.2f%% of a site's comments\n",
		100*held(civil, t), 100*held(abusive, t), 100*prior, 100*expected(t))
	return nil
}

func run(modelPath, data, only string, margin float64) error {
	m, err := load(modelPath, margin)
	if err != nil {
		return err
	}
	fmt.Printf("model %s, sentences %v, margin %g\n\n", m.Version(), m.Info().Features.Sentences, m.Info().Features.SentenceMargin)
	fmt.Println("| set (split) | gold | head | zero-shot | n | positives | ROC AUC |")
	fmt.Println("| --- | --- | --- | --- | --- | --- | --- |")
	cache := map[string][]scored{}
	for _, e := range evals {
		if only != "" && !slices.Contains(strings.Split(only, ","), e.set) {
			continue
		}
		k := e.set + "/" + e.split
		rs, ok := cache[k]
		if !ok {
			if rs, err = score(m, filepath.Join(data, e.set, e.split+".jsonl")); err != nil {
				return err
			}
			cache[k] = rs
		}
		var s []float64
		var y []bool
		for _, r := range rs {
			p, ok := e.pos(r.row)
			if !ok {
				continue
			}
			s = append(s, r.scores[e.head])
			y = append(y, p)
		}
		npos := 0
		for _, p := range y {
			if p {
				npos++
			}
		}
		zs := "no (dev of a training source)"
		if e.zeroShot {
			zs = "yes"
		}
		fmt.Printf("| %s (%s) | %s | %s | %s | %d | %d | %.3f |\n", e.set, e.split, e.gold, e.head, zs, len(y), npos, auc(s, y))
	}
	if rs, ok := cache["ucc_unhealthy_comments/dev"]; ok {
		operatingPoint(rs)
	}
	return nil
}

type scored struct {
	row
	scores map[string]float64
}

// score reads a JSON Lines file and scores every row with every binary head, in parallel.
func score(m *classifier.Model, path string) ([]scored, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var rs []scored
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 0, 1<<16), 1<<26)
	for sc.Scan() {
		var r row
		if err := json.Unmarshal(sc.Bytes(), &r); err != nil {
			return nil, fmt.Errorf("%s: %w", path, err)
		}
		rs = append(rs, scored{row: r})
	}
	if err := sc.Err(); err != nil {
		return nil, err
	}
	var wg sync.WaitGroup
	w := runtime.GOMAXPROCS(0)
	for i := range w {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var p classifier.Prediction
			pol := moderation.DefaultPolicy()
			priors := map[string]float64{}
			for _, h := range m.Heads() {
				if h.Binary && h.Prior > 0 {
					priors[h.Name] = h.Prior
				}
			}
			for j := i; j < len(rs); j += w {
				m.PredictInto(&p, rs[j].Text, "")
				tone := map[string]float64{}
				for _, h := range p.Heads {
					if h.Binary {
						tone[h.Name] = h.Positive()
					}
				}
				// Scores as the service gives them: moved to the default policy's site priors.
				rs[j].scores = pol.Adjust(moderation.Assessment{Scores: moderation.Scores{Tone: tone}, Priors: priors}).Scores.Tone
			}
		}()
	}
	wg.Wait()
	return rs, nil
}

// operatingPoint prints what the default policy's hold thresholds do to UCC dev.
func operatingPoint(rs []scored) {
	pol := moderation.DefaultPolicy()
	held := 0
	var hu, hh, nu, nh int
	for _, r := range rs {
		s := moderation.Scores{Tone: r.scores}
		code, _ := lang.Detect(r.Text)
		v, _ := pol.Evaluate(r.Text, moderation.Assessment{Scores: s, Language: code}, moderation.ModeAuto)
		h := v != moderation.Approve
		u, ho := r.Labels["unhealthy"] == 1, r.Labels["hostile"] == 1
		if h {
			held++
		}
		if u {
			nu++
			if h {
				hu++
			}
		}
		if ho {
			nh++
			if h {
				hh++
			}
		}
	}
	prec := func(a int) float64 { return float64(a) / float64(max(held, 1)) }
	fmt.Printf("\nDefault policy on UCC dev (%d comments): holds %d (%.1f%%); hold precision/recall: unhealthy %.3f/%.3f (%d), hostile %.3f/%.3f (%d)\n",
		len(rs), held, 100*float64(held)/float64(len(rs)), prec(hu), float64(hu)/float64(max(nu, 1)), nu,
		prec(hh), float64(hh)/float64(max(nh, 1)), nh)
}

// auc is classifier.ROCAUC, 0 without both classes.
func auc(s []float64, y []bool) float64 {
	a, _ := classifier.ROCAUC(s, y)
	return a
}
