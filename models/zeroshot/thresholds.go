package main

import (
	"fmt"
	"path/filepath"
	"slices"
	"sort"

	"github.com/tribune/tribune/classifier"
)

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
	civil, abusive, err := civilAndAbusive(m, data)
	if err != nil {
		return err
	}
	named, err := namedNotHateful(m, data)
	if err != nil {
		return err
	}
	hm := holdModel{civil: civil, abusive: abusive, prior: prior, sorted: map[string][]float64{}}
	for _, h := range m.Heads() {
		if !h.Binary {
			continue
		}
		pool := civil
		if h.Name == "identity_attack" {
			pool = append(slices.Clip(civil), named...)
		}
		hm.addHead(h.Name, pool)
	}
	if holdShare > 0 {
		q = hm.quantileFor(holdShare)
	}
	t := hm.at(q)
	fmt.Printf("model %s: %d civil (wiki talk, civil comments) and %d abusive (the same and kaggle insults) dev comments, per-head civil quantile %.4f\n",
		m.Version(), len(civil), len(abusive), q)
	for _, h := range hm.heads {
		fmt.Printf("%s: hold at %.4f\n", h, t[h])
	}
	fmt.Printf("all heads together hold %.2f%% of the civil and %.2f%% of the abusive comments; at %.0f%% abusive, %.2f%% of a site's comments\n",
		100*hm.held(civil, t), 100*hm.held(abusive, t), 100*prior, 100*hm.expected(t))
	return nil
}

// civilAndAbusive scores the dev splits of Wikipedia talk, Kaggle insults and Civil Comments and
// returns their civil and abusive rows. Kaggle's negative label means "not an insult aimed at
// another commenter", which includes rude comments about third parties: its insults count as
// abusive, its other rows as neither.
func civilAndAbusive(m *classifier.Model, data string) (civil, abusive []scored, err error) {
	for _, src := range []struct {
		set, civilLabel string
		civil           bool
	}{
		{"wiki_context_toxicity_cat", "not_toxic", true}, {"kaggle_insults_social_commentary", "not_insult", false},
		{"civil_comments_toxic_span_types", "not_toxic", true}} {
		rs, err := score(m, filepath.Join(data, src.set, "dev.jsonl"))
		if err != nil {
			return nil, nil, err
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
	return civil, abusive, nil
}

// namedNotHateful scores the dev splits of the hate speech sources and returns the rows they
// label not hateful (not sexist). The identity head's threshold is also a quantile of comments
// that name groups without attacking them, which Wikipedia talk and Civil Comments have few of.
func namedNotHateful(m *classifier.Model, data string) ([]scored, error) {
	var named []scored
	for _, src := range []struct{ set, label string }{{"hatexplain", "normal"}, {"implicit_hate", "not_hate"},
		{"stormfront_hate", "not_hate"}, {"edos_sexism", "not_sexist"}} {
		rs, err := score(m, filepath.Join(data, src.set, "dev.jsonl"))
		if err != nil {
			return nil, err
		}
		for _, r := range rs {
			if r.Label == src.label {
				named = append(named, r)
			}
		}
	}
	return named, nil
}

// holdModel predicts what per-head hold thresholds do: each head's threshold is a quantile of
// the scores of its pool of civil comments, and a comment is held when any head holds it.
type holdModel struct {
	heads          []string
	sorted         map[string][]float64 // per head: its pool's scores, in order
	civil, abusive []scored
	prior          float64 // the share of a site's comments that are abusive
}

// addHead adds head with the scores of the comments of pool.
func (hm *holdModel) addHead(head string, pool []scored) {
	hm.heads = append(hm.heads, head)
	var s []float64
	for _, r := range pool {
		s = append(s, r.scores[head])
	}
	sort.Float64s(s)
	hm.sorted[head] = s
}

// at returns each head's threshold at civil quantile q.
func (hm *holdModel) at(q float64) map[string]float64 {
	t := map[string]float64{}
	for _, h := range hm.heads {
		s := hm.sorted[h]
		t[h] = s[min(len(s)-1, int(q*float64(len(s))))]
	}
	return t
}

// held is the share of rs that at least one head holds (score >= threshold, as the policy
// holds).
func (hm *holdModel) held(rs []scored, t map[string]float64) float64 {
	n := 0
	for _, r := range rs {
		for _, h := range hm.heads {
			if r.scores[h] >= t[h] {
				n++
				break
			}
		}
	}
	return float64(n) / float64(max(len(rs), 1))
}

// expected is the share of a site's comments that thresholds t would hold.
func (hm *holdModel) expected(t map[string]float64) float64 {
	return (1-hm.prior)*hm.held(hm.civil, t) + hm.prior*hm.held(hm.abusive, t)
}

// quantileFor returns, by bisection, the smallest civil quantile whose thresholds are expected
// to hold at most holdShare of a site's comments.
func (hm *holdModel) quantileFor(holdShare float64) float64 {
	lo, hi := 0.5, 1.0
	for range 40 {
		if mid := (lo + hi) / 2; hm.expected(hm.at(mid)) <= holdShare {
			hi = mid
		} else {
			lo = mid
		}
	}
	return hi
}
