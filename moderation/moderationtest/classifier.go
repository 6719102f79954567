// Package moderationtest holds hand-written fakes of moderation's dependencies, shared by the
// tests of every package that builds a moderation.Service.
package moderationtest

import (
	"math"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/tribune/tribune/moderation"
)

// FakeVersion is the model version FakeClassifier reports unless told otherwise. Tests that need
// the real model recognise the fake by its "fake" prefix.
const FakeVersion = "fake-keywords-1"

// FakeClassifier is a deterministic keyword model implementing moderation.Classifier. Each tone
// head's log-odds is a bias plus a fixed weight per listed keyword found in the text, so under
// Policy one insult word ("idiot") crosses the insult hold threshold and two cross the reject
// one. Its scores are not meant for DefaultPolicy, whose thresholds follow the shipped model.
// Stance comes from word overlap with the context plus polarity words: overlap with negations
// or criticism reads as disagree, with approval words as agree, bare overlap as discuss, and
// no overlap as unrelated. Explanations carry the keywords' byte offsets in the text. The
// language is "de" or "fr" for a text with two or more of a few German or French function
// words (see FakeLanguage), otherwise undetermined (""). The zero value is ready to use and
// it is safe for concurrent use.
type FakeClassifier struct {
	// Name overrides FakeVersion as the reported model version when set.
	Name string
	// Language, when set, is reported as every text's language instead of FakeLanguage's.
	Language string
}

var _ moderation.Classifier = FakeClassifier{}

// Policy returns the policy FakeClassifier's keyword weights were chosen for: fixed thresholds
// that do not move when the shipped model is retrained, English only, no priors (the fake
// reports no reference priors either, so Adjust would leave its scores alone anyway). Tests that
// are about something other than the default thresholds pin it. Its thresholds are the
// defaults of the release before the retrained model, so moderation.UpgradePolicy replaces them:
// a test that reopens a store holding this policy gets DefaultPolicy's thresholds.
func Policy() moderation.Policy {
	return moderation.Policy{
		Hold: map[string]float64{
			"toxicity": 0.90, "insult": 0.70, "threat": 0.50, "identity_attack": 0.50, "profanity": 0.50,
		},
		Reject: map[string]float64{
			"toxicity": 0.99, "insult": 0.97, "threat": 0.90, "identity_attack": 0.90, "profanity": 0.95,
		},
		Languages:           []string{"en"},
		UnsupportedLanguage: moderation.Hold,
	}
}

// fakeBias is every tone head's log-odds with no keyword: P ≈ 0.018.
const fakeBias = -4.0

// fakeTone maps a keyword to its log-odds weight per tone head.
var fakeTone = map[string]map[string]float64{
	"idiot":    {"toxicity": 6, "insult": 6},
	"idiots":   {"toxicity": 6, "insult": 6},
	"moron":    {"toxicity": 6, "insult": 6},
	"stupid":   {"toxicity": 5, "insult": 6},
	"loser":    {"toxicity": 4, "insult": 6},
	"hate":     {"toxicity": 4},
	"garbage":  {"toxicity": 4},
	"kill":     {"toxicity": 5, "threat": 7},
	"hurt":     {"threat": 6},
	"vermin":   {"toxicity": 6, "identity_attack": 7},
	"subhuman": {"toxicity": 6, "identity_attack": 7},
	"damn":     {"profanity": 5},
	"crap":     {"profanity": 6, "toxicity": 2},
	"shit":     {"profanity": 8, "toxicity": 4},
}

// Stance polarity words.
var (
	fakeDisagree = map[string]bool{"not": true, "no": true, "never": true, "wrong": true, "failed": true,
		"fails": true, "false": true, "disagree": true, "nonsense": true, "pretended": true}
	fakeAgree = map[string]bool{"agree": true, "right": true, "exactly": true, "support": true,
		"yes": true, "true": true, "great": true, "correct": true}
)

// Version implements moderation.Classifier.
func (f FakeClassifier) Version() string {
	if f.Name != "" {
		return f.Name
	}
	return FakeVersion
}

// Assess implements moderation.Classifier.
func (f FakeClassifier) Assess(text, context string) (moderation.Assessment, error) {
	words := fakeWords(text)
	logit := map[string]float64{}
	expl := map[string][]moderation.Contribution{}
	for _, w := range words {
		for head, weight := range fakeTone[w.word] {
			logit[head] += weight
			expl[head] = append(expl[head], moderation.Contribution{
				Feature: w.word, Class: head, Weight: weight, Start: w.start, End: w.end})
		}
	}
	tone := make(map[string]float64, len(moderation.ToneAttributes))
	for _, head := range moderation.ToneAttributes {
		tone[head] = sigmoid(fakeBias + logit[head])
	}
	stance, contribs := fakeStance(words, context)
	expl["stance"] = contribs
	language := f.Language
	if language == "" {
		language = fakeLanguage(words)
	}
	return moderation.Assessment{
		ModelVersion: f.Version(),
		Scores:       moderation.Scores{Tone: tone, Stance: stance},
		Explanation:  expl,
		Language:     language,
	}, nil
}

// fakeMarkers are function words that no English test sentence uses, per language.
var fakeMarkers = map[string]map[string]bool{
	"de": {"und": true, "ist": true, "nicht": true, "ein": true, "eine": true, "ich": true, "du": true, "bist": true, "das": true},
	"fr": {"et": true, "est": true, "je": true, "pas": true, "une": true, "les": true, "vous": true},
}

// FakeLanguage is the fake's language detector: "de" or "fr" when text has at least two of
// that language's marker words (German: und, ist, nicht, ein, eine, ich, du, bist, das;
// French: et, est, je, pas, une, les, vous), otherwise "" (undetermined).
func FakeLanguage(text string) string { return fakeLanguage(fakeWords(text)) }

func fakeLanguage(words []fakeWord) string {
	for _, lang := range []string{"de", "fr"} {
		n := 0
		for _, w := range words {
			if fakeMarkers[lang][w.word] {
				n++
			}
		}
		if n >= 2 {
			return lang
		}
	}
	return ""
}

// fakeStance scores stance from overlap with the context's longer words and polarity words.
func fakeStance(words []fakeWord, context string) (map[moderation.Stance]float64, []moderation.Contribution) {
	ctx := map[string]bool{}
	for _, w := range fakeWords(context) {
		if len(w.word) >= 4 {
			ctx[w.word] = true
		}
	}
	logit := map[moderation.Stance]float64{moderation.Unrelated: 1}
	var contribs []moderation.Contribution
	add := func(st moderation.Stance, weight float64, w fakeWord) {
		logit[st] += weight
		contribs = append(contribs, moderation.Contribution{
			Feature: w.word, Class: string(st), Weight: weight, Start: w.start, End: w.end})
	}
	overlap := 0
	for _, w := range words {
		switch {
		case ctx[w.word]:
			overlap++
			add(moderation.Discuss, 0.5, w)
		case fakeDisagree[w.word]:
			add(moderation.Disagree, 2.5, w)
		case fakeAgree[w.word]:
			add(moderation.Agree, 2.5, w)
		}
	}
	if overlap == 0 {
		// Polarity means little about a text that shares nothing with the article.
		logit[moderation.Unrelated] += 3
	} else {
		contribs = append(contribs, moderation.Contribution{
			Feature: "context_overlap", Class: string(moderation.Discuss), Weight: 1, Start: -1, End: -1})
		logit[moderation.Discuss]++
	}
	var sum float64
	exp := map[moderation.Stance]float64{}
	for _, st := range moderation.Stances {
		exp[st] = math.Exp(logit[st])
		sum += exp[st]
	}
	out := make(map[moderation.Stance]float64, len(exp))
	for st, e := range exp {
		out[st] = e / sum
	}
	return out, contribs
}

// fakeWord is one lower-cased word of a text and its byte span.
type fakeWord struct {
	word       string
	start, end int
}

// fakeWords splits text into runs of letters and digits; invalid UTF-8 bytes separate words.
func fakeWords(text string) []fakeWord {
	var out []fakeWord
	start := -1
	for i := 0; i <= len(text); {
		r, size := utf8.RuneError, 1
		if i < len(text) {
			r, size = utf8.DecodeRuneInString(text[i:])
		}
		inWord := i < len(text) && !(r == utf8.RuneError && size == 1) && (unicode.IsLetter(r) || unicode.IsDigit(r))
		switch {
		case inWord && start < 0:
			start = i
		case !inWord && start >= 0:
			out = append(out, fakeWord{word: strings.ToLower(text[start:i]), start: start, end: i})
			start = -1
		}
		i += size
	}
	return out
}

func sigmoid(x float64) float64 { return 1 / (1 + math.Exp(-x)) }
