package moderation

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"math"
	"sort"
	"strconv"
	"strings"
)

// Policy maps calibrated tone scores and the site's word lists to a verdict. Stance is never
// consulted: disagreement is not incivility.
type Policy struct {
	// Hold maps a tone attribute to the score at or above which a comment is held.
	Hold map[string]float64
	// Reject maps a tone attribute to the score at or above which a comment is rejected,
	// when AutoReject is on. Without AutoReject such comments are held instead.
	Reject map[string]float64
	// AutoReject lets the machine reject on its own. Off by default: humans have the last word.
	AutoReject bool
	// BannedWords are words or phrases that reject (or hold, without AutoReject).
	BannedWords []string
	// SuspectWords are words or phrases that hold a comment for review.
	SuspectWords []string
	// Languages lists the ISO 639 codes of the languages the model's scores can be trusted
	// on. A comment detected in another language gets UnsupportedLanguage; one whose language
	// could not be told counts as supported. Empty turns the check off.
	Languages []string
	// UnsupportedLanguage is the verdict for a comment in a language not in Languages: Hold
	// (also when empty) by default, so that a moderator reads what the model cannot. Reject
	// needs AutoReject like every other rejection; Approve lets it through with the reason
	// still listed.
	UnsupportedLanguage Verdict
	// Priors maps a tone attribute to the share of this site's comments expected to carry it.
	// The model's scores are calibrated to a reference prior of its own (Assessment.Priors);
	// a site whose readers are more or less often toxic than that sets its share here, and
	// every score of the attribute moves by the difference in log-odds (Adjust). Empty: the
	// model's reference prior.
	Priors map[string]float64
}

// DefaultPolicy returns the policy a new site starts with. The hold thresholds spend the aim of
// holding at most 8% of a news site's comments: each head holds at the same quantile of civil
// comments, the lowest at which a site whose comments are 8% abusive (DefaultPriors' toxicity)
// would expect all heads together to hold 8% of them, (0.92 × civil held + 0.08 × abusive held).
// Both shares are measured with the default model, scores moved to DefaultPriors, on dev splits
// of training sources (civil: Wikipedia talk and Civil Comments labeled not toxic, and for the
// identity head also the rows the hate speech sources label not hateful, which name groups
// without attacking them; abusive: the toxic ones and Kaggle's insults; `go run
// ./models/zeroshot -thresholds -hold-share 0.08`): 3.4% of the civil comments, 59% of the
// abusive ones. No evaluation-only data set took part.
// Reject thresholds apply only with AutoReject and are far stricter.
func DefaultPolicy() Policy {
	return Policy{
		Hold: map[string]float64{
			"toxicity": 0.026, "insult": 0.093, "threat": 0.0023, "identity_attack": 0.055, "profanity": 0.0063,
		},
		Reject: map[string]float64{
			"toxicity": 0.90, "insult": 0.90, "threat": 0.50, "identity_attack": 0.50, "profanity": 0.95,
		},
		Languages:           []string{"en"},
		UnsupportedLanguage: Hold,
		Priors:              DefaultPriors(),
	}
}

// UpgradePolicy returns p with the current default thresholds when its thresholds are still an
// earlier release's defaults, which were chosen for an earlier model's scores: a site that never
// changed them gets the thresholds chosen for the model it now runs. A site's own thresholds
// are kept. It reports whether it changed anything.
func UpgradePolicy(p Policy) (Policy, bool) {
	for _, old := range previousDefaults {
		if maps.Equal(p.Hold, old.hold) && maps.Equal(p.Reject, old.reject) {
			def := DefaultPolicy()
			p.Hold, p.Reject = def.Hold, def.Reject
			return p, true
		}
	}
	return p, false
}

// LoadPolicy returns the site's saved policy, upgraded (UpgradePolicy), or DefaultPolicy when
// none was saved yet.
func LoadPolicy(ctx context.Context, store PolicyStore) (Policy, error) {
	p, err := store.Policy(ctx)
	switch {
	case errors.Is(err, ErrNotFound):
		return DefaultPolicy(), nil
	case err != nil:
		return Policy{}, fmt.Errorf("load policy: %w", err)
	}
	p, _ = UpgradePolicy(p)
	return p, nil
}

// previousDefaults are the default thresholds of earlier releases, newest first.
var previousDefaults = []struct{ hold, reject map[string]float64 }{
	{
		hold:   map[string]float64{"toxicity": 0.10, "insult": 0.09, "threat": 0.004, "identity_attack": 0.023, "profanity": 0.27},
		reject: map[string]float64{"toxicity": 0.90, "insult": 0.90, "threat": 0.50, "identity_attack": 0.50, "profanity": 0.95},
	},
	{
		hold:   map[string]float64{"toxicity": 0.90, "insult": 0.70, "threat": 0.50, "identity_attack": 0.50, "profanity": 0.50},
		reject: map[string]float64{"toxicity": 0.99, "insult": 0.97, "threat": 0.90, "identity_attack": 0.90, "profanity": 0.95},
	},
}

// DefaultPriors is the share of comments carrying each tone attribute that the default policy
// assumes, roughly that of a moderated news site's comment section: about 8% toxic, as in the
// Civil Comments corpus of news comments, and the narrower attributes rarer. The model's own
// reference priors are those of its training pool with every source's base rate taken out;
// moving scores to these makes a score read as the share of such comments on a news site.
func DefaultPriors() map[string]float64 {
	return map[string]float64{"toxicity": 0.08, "insult": 0.05, "threat": 0.01, "identity_attack": 0.02, "profanity": 0.03}
}

// Validate checks thresholds are probabilities, reject thresholds are not below hold ones,
// word list entries are non-empty after normalization, and languages are ISO 639 codes.
func (p Policy) Validate() error {
	for _, attr := range sortedKeys(p.Hold) {
		if t := p.Hold[attr]; !(t > 0 && t <= 1) {
			return invalid("hold."+attr, "threshold %v must be in (0, 1]", t)
		}
	}
	for _, attr := range sortedKeys(p.Reject) {
		t := p.Reject[attr]
		if !(t > 0 && t <= 1) {
			return invalid("reject."+attr, "threshold %v must be in (0, 1]", t)
		}
		if h, ok := p.Hold[attr]; ok && t < h {
			return invalid("reject."+attr, "threshold %s is below the hold threshold %s", FormatScore(t), FormatScore(h))
		}
	}
	for _, list := range []struct {
		field string
		words []string
	}{{"banned_words", p.BannedWords}, {"suspect_words", p.SuspectWords}} {
		for _, w := range list.words {
			if len(NormalizeWords(w)) == 0 {
				return invalid(list.field, "entry %q has no letters or digits", w)
			}
		}
	}
	for _, attr := range sortedKeys(p.Priors) {
		if t := p.Priors[attr]; !(t > 0 && t < 1) {
			return invalid("priors."+attr, "prior %v must be in (0, 1)", t)
		}
	}
	for _, code := range p.Languages {
		if !validLanguage(code) {
			return invalid("languages", "%q is not an ISO 639 code (two or three lower-case letters, like en or de)", code)
		}
	}
	if v := p.UnsupportedLanguage; v != "" && !v.Valid() {
		return invalid("unsupported_language", "must be one of approve, hold, reject")
	}
	return nil
}

// validLanguage reports whether code looks like an ISO 639-1 or 639-3 code.
func validLanguage(code string) bool {
	if len(code) < 2 || len(code) > 3 {
		return false
	}
	for _, r := range code {
		if r < 'a' || r > 'z' {
			return false
		}
	}
	return true
}

// Supports reports whether the policy trusts the model on text in language lang: every
// language does when Languages is empty, and so does an undetermined one ("").
func (p Policy) Supports(lang string) bool {
	if lang == "" || len(p.Languages) == 0 {
		return true
	}
	for _, l := range p.Languages {
		if l == lang {
			return true
		}
	}
	return false
}

// Evaluate gives the verdict for a comment with the given text and assessment (scores and
// detected language) in an article of the given mode, with every reason that contributed. The
// verdict is the strictest of all reasons.
func (p Policy) Evaluate(text string, a Assessment, mode Mode) (Verdict, []Reason) {
	s := a.Scores
	var reasons []Reason
	verdict := Approve
	raise := func(v Verdict, code, msg string) {
		reasons = append(reasons, Reason{Code: code, Message: msg})
		if severity(v) > severity(verdict) {
			verdict = v
		}
	}
	switch mode {
	case ModeClosed:
		raise(Reject, reasonClosed, "the article is closed for comments")
	case ModePremoderate:
		raise(Hold, "mode.premoderate", "the article is pre-moderated: every comment is reviewed")
	}
	for _, attr := range ToneAttributes {
		score, ok := s.Tone[attr]
		if !ok {
			continue
		}
		// ToneVerdict reports the reject threshold before the hold one, so t is the reject
		// threshold exactly when the score reached it.
		v, t := p.ToneVerdict(attr, score)
		switch {
		case v == Approve:
		case v == Reject:
			raise(Reject, "threshold."+attr, fmt.Sprintf("%s %s ≥ reject threshold %s", attr, FormatScore(score), FormatScore(t)))
		case t == p.Reject[attr]:
			raise(Hold, "threshold."+attr, fmt.Sprintf("%s %s ≥ reject threshold %s (auto-reject off: held)", attr, FormatScore(score), FormatScore(t)))
		default:
			raise(Hold, "threshold."+attr, fmt.Sprintf("%s %s ≥ hold threshold %s", attr, FormatScore(score), FormatScore(t)))
		}
	}
	if !p.Supports(a.Language) {
		// The tone scores of a language the model was not trained on mean little either
		// way, so the site's policy decides instead of an English reading of the text.
		msg := fmt.Sprintf("language %s not supported", a.Language)
		switch v := p.UnsupportedLanguage; {
		case v == Reject && !p.AutoReject:
			raise(Hold, "language.unsupported", msg+" (auto-reject off: held)")
		case v.Valid():
			raise(v, "language.unsupported", msg)
		default:
			raise(Hold, "language.unsupported", msg)
		}
	}
	if len(p.BannedWords) > 0 || len(p.SuspectWords) > 0 {
		words := NormalizeWords(text)
		if w, ok := firstMatch(words, p.BannedWords); ok {
			if p.AutoReject {
				raise(Reject, "banned_word", fmt.Sprintf("contains banned word %q", w))
			} else {
				raise(Hold, "banned_word", fmt.Sprintf("contains banned word %q (auto-reject off: held)", w))
			}
		}
		if w, ok := firstMatch(words, p.SuspectWords); ok {
			raise(Hold, "suspect_word", fmt.Sprintf("contains suspect word %q", w))
		}
	}
	if len(reasons) == 0 {
		_, top := s.MaxTone()
		reasons = append(reasons, Reason{Code: "ok", Message: fmt.Sprintf("every tone score below its threshold (highest %s)", FormatScore(top))})
	}
	return verdict, reasons
}

// Priority ranks a held comment in the queue: the riskiest first, and among equally risky ones
// those the model was least sure about (scores near 0.5 carry the most information for a
// moderator and for retraining). Risk dominates: uncertainty is weighted by a quarter, so it
// orders comments of similar risk without lifting a mild comment over a clearly abusive one.
// It lies in [0, 1.25].
func Priority(s Scores) float64 {
	_, risk := s.MaxTone()
	uncertainty := 0.0
	for _, p := range s.Tone {
		// 1 at p = 0.5, 0 at p = 0 or 1.
		if u := 1 - 2*abs(p-0.5); u > uncertainty {
			uncertainty = u
		}
	}
	return risk + 0.25*uncertainty
}

func severity(v Verdict) int {
	switch v {
	case Reject:
		return 2
	case Hold:
		return 1
	}
	return 0
}

// firstMatch returns the first list entry (in list order) whose normalized words occur as a
// contiguous run in words. Matching is on whole normalized words, so "IDIOT", "idiot!" and
// "ídiot" all match "idiot", and there are no regular expressions to time out.
func firstMatch(words []string, list []string) (string, bool) {
	for _, entry := range list {
		pat := NormalizeWords(entry)
		if len(pat) == 0 {
			continue
		}
		for i := 0; i+len(pat) <= len(words); i++ {
			if equalWords(words[i:i+len(pat)], pat) {
				return entry, true
			}
		}
	}
	return "", false
}

func equalWords(a, b []string) bool {
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

func abs(x float64) float64 {
	if x < 0 {
		return -x
	}
	return x
}

func sortedKeys(m map[string]float64) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// CleanWordList normalizes a word list for storage: trims entries, drops empty ones and
// duplicates (by normalized form), keeps the first spelling of each.
func CleanWordList(list []string) []string {
	seen := make(map[string]bool)
	var out []string
	for _, w := range list {
		w = strings.TrimSpace(w)
		key := strings.Join(NormalizeWords(w), " ")
		if key == "" || seen[key] {
			continue
		}
		seen[key] = true
		out = append(out, w)
	}
	return out
}

// Adjust returns a with its tone scores moved from the model's reference priors to the site's
// (Priors): for an attribute with both, logit(score) + logit(site prior) − logit(model prior).
// Bayes' rule for a change of base rate, it keeps the order of comments and moves every score
// of the attribute alike. Attributes without either prior are left as they are.
func (p Policy) Adjust(a Assessment) Assessment {
	if len(p.Priors) == 0 || len(a.Priors) == 0 {
		return a
	}
	tone := make(map[string]float64, len(a.Scores.Tone))
	for attr, score := range a.Scores.Tone {
		site, ok1 := p.Priors[attr]
		ref, ok2 := a.Priors[attr]
		if ok1 && ok2 && ref > 0 && ref < 1 && site > 0 && site < 1 {
			score = sigmoid(logit(score) + logit(site) - logit(ref))
		}
		tone[attr] = score
	}
	a.Scores.Tone = tone
	return a
}

// logit is the log-odds of p, clamped away from 0 and 1 so that it stays finite.
func logit(p float64) float64 {
	p = math.Min(math.Max(p, 1e-9), 1-1e-9)
	return math.Log(p / (1 - p))
}

func sigmoid(z float64) float64 { return 1 / (1 + math.Exp(-z)) }

// FormatScore writes a score or threshold for people: two decimals, or as many as it takes to
// show two significant digits for small ones (a threat threshold of 0.004 is not "0.00").
func FormatScore(x float64) string {
	if x >= 0.1 || x <= 0 {
		return strconv.FormatFloat(x, 'f', 2, 64)
	}
	d := 2
	for y := x; y < 0.1 && d < 6; y *= 10 {
		d++
	}
	return strconv.FormatFloat(x, 'f', d, 64)
}
