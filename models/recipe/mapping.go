package main

import "fmt"

// The functions below map one row of a data set to the heads it labels (see the table in
// main.go's package comment). Those that name their row's source do so for training and
// development rows alike.

// civil maps a Civil Comments toxic span types row: toxic is toxicity, profane_obscene is
// profanity, the other types are their heads.
func civil(r row) (out, error) {
	l := map[string]int{"insult": r.Labels["insult"], "threat": r.Labels["threat"],
		"identity_attack": r.Labels["identity_attack"], "profanity": r.Labels["profane_obscene"]}
	l["toxicity"] = b2i(r.Label == "toxic")
	return out{Text: r.Text, Labels: l}, nil
}

// kaggle maps a Kaggle insults row: an insult is toxic too; a non-insult says nothing of the
// other heads.
func kaggle(r row) (out, error) {
	if r.Label == "insult" {
		return out{Text: r.Text, Labels: map[string]int{"insult": 1, "toxicity": 1}}, nil
	}
	return out{Text: r.Text, Labels: map[string]int{"insult": 0}}, nil
}

// davidson maps a Davidson et al. row: hate speech is a toxic identity attack, offensive
// language toxic without one, "neither" civil in every respect.
func davidson(r row) (out, error) {
	switch r.Label {
	case "hate_speech":
		return out{Text: r.Text, Labels: map[string]int{"toxicity": 1, "identity_attack": 1}}.from("davidson"), nil
	case "offensive_language":
		return out{Text: r.Text, Labels: map[string]int{"toxicity": 1, "identity_attack": 0}}.from("davidson"), nil
	case "neither":
		return out{Text: r.Text, Labels: allTone(0)}.from("davidson"), nil
	}
	return out{}, fmt.Errorf("davidson: unknown label %q", r.Label)
}

// foxNews maps a Fox News comments row: a hateful comment is a toxic identity attack; the
// others are labeled only as no identity attack.
func foxNews(r row) (out, error) {
	if r.Label == "hateful" {
		return out{Text: r.Text, Labels: map[string]int{"toxicity": 1, "identity_attack": 1}}.from("fox_news"), nil
	}
	return out{Text: r.Text, Labels: map[string]int{"identity_attack": 0}}.from("fox_news"), nil
}

// hateCorpus maps a training row of a hate speech corpus (implicit_hate, stormfront_hate): hate
// is a toxic identity attack; the others are labeled only as no identity attack.
func hateCorpus(r row) (out, error) {
	if r.Label == "hate" {
		return out{Text: r.Text, Labels: map[string]int{"identity_attack": 1, "toxicity": 1}}, nil
	}
	return out{Text: r.Text, Labels: map[string]int{"identity_attack": 0}}, nil
}

// hateDev maps a development row of a hate speech corpus: identity attack only.
func hateDev(r row) (out, error) {
	return out{Text: r.Text, Labels: map[string]int{"identity_attack": b2i(r.Label == "hate")}}, nil
}

// stanceLabels maps the stance sets' labels to the stance head's classes.
var stanceLabels = map[string]string{"support": "agree", "undermine": "disagree", "pro": "agree", "con": "disagree",
	"agree": "agree", "disagree": "disagree", "discuss": "discuss", "unrelated": "unrelated"}

// mapStance maps a stance row, its label to the stance head's class.
func mapStance(r row) (out, error) {
	l, ok := stanceLabels[r.Label]
	if !ok {
		return out{}, fmt.Errorf("unknown stance label %q", r.Label)
	}
	return out{Text: r.Text, Context: r.Context, Label: l}, nil
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
func edos(r row) (out, error) {
	l := map[string]int{"identity_attack": 0, "threat": r.Labels["sexist_threat"]}
	if r.Label == "sexist" {
		l["identity_attack"] = 1
		if r.Labels["sexist_prejudiced_discussion"] == 0 {
			l["toxicity"] = 1
		}
	}
	return out{Text: r.Text, Labels: l, Source: "edos"}, nil
}

// wiki maps a Wikipedia talk page row: its civil rows are civil in every respect.
func wiki(r row) (out, error) {
	if r.Label == "toxic" {
		return out{Text: r.Text, Labels: map[string]int{"toxicity": 1}, Source: "wiki_talk"}, nil
	}
	return out{Text: r.Text, Labels: allTone(0), Source: "wiki_talk"}, nil
}

// allTone returns every tone head labeled v.
func allTone(v int) map[string]int {
	m := make(map[string]int, len(toneHeads))
	for _, h := range toneHeads {
		m[h] = v
	}
	return m
}

// b2i is 1 for true, 0 for false.
func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}
