package moderation

import (
	"errors"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestNormalizeWords(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want []string
	}{
		{"empty", "", nil},
		{"punctuation only", "?!… --", nil},
		{"upper case", "IDIOT", []string{"idiot"}},
		{"trailing punctuation", "idiot!", []string{"idiot"}},
		{"precomposed accent", "ídiot", []string{"idiot"}},
		{"combining accent", "i\u0301diot", []string{"idiot"}},
		{"ligature and sharp s", "Œuvre Straße", []string{"oeuvre", "strasse"}},
		{"numbers kept", "2024 covid19 5km 4th mp3", []string{"2024", "covid19", "5km", "4th", "mp3"}},
		{"leetspeak folded", "id10t sh1t @ss", []string{"idiot", "shit", "ass"}},
		{"zero-width space inside word", "id\u200biot", []string{"idiot"}},
		{"soft hyphen inside word", "id\u00adiot", []string{"idiot"}},
		{"word joiner inside word", "id\u2060iot", []string{"idiot"}},
		{"cyrillic lookalikes", "іdіot", []string{"idiot"}},
		{"greek lookalikes", "mοrοn", []string{"moron"}},
		{"fullwidth", "ＩＤＩＯＴ", []string{"idiot"}},
		{"spaced out", "you i d i o t", []string{"you", "idiot"}},
		{"dotted out", "f.u.c.k off", []string{"fuck", "off"}},
		{"short sentence stays", "I am a fan", []string{"i", "am", "a", "fan"}},
		{"invalid utf8 separates", "bad\xffword", []string{"bad", "word"}},
		{"non latin kept", "Привет мир", []string{"привет", "мир"}},
		{"apostrophe splits", "don't", []string{"don", "t"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if diff := cmp.Diff(tt.want, NormalizeWords(tt.in)); diff != "" {
				t.Errorf("NormalizeWords(%q) mismatch (-want +got):\n%s", tt.in, diff)
			}
		})
	}
}

func scores(tone map[string]float64) Scores {
	return Scores{Tone: tone, Stance: map[Stance]float64{Disagree: 0.7, Agree: 0.1, Discuss: 0.1, Unrelated: 0.1}}
}

// testPolicy is the policy the evaluation tests were written for: fixed thresholds that do not
// follow the default model's retraining (an earlier release's defaults), English only, no
// priors. Tests of how a policy decides pin it; tests of DefaultPolicy itself use that.
func testPolicy() Policy {
	return Policy{
		Hold: map[string]float64{
			"toxicity": 0.90, "insult": 0.70, "threat": 0.50, "identity_attack": 0.50, "profanity": 0.50,
		},
		Reject: map[string]float64{
			"toxicity": 0.99, "insult": 0.97, "threat": 0.90, "identity_attack": 0.90, "profanity": 0.95,
		},
		Languages:           []string{"en"},
		UnsupportedLanguage: Hold,
	}
}

func TestDefaultPolicy(t *testing.T) {
	p := DefaultPolicy()
	wantHold := map[string]float64{"toxicity": 0.026, "insult": 0.093, "threat": 0.0023, "identity_attack": 0.055, "profanity": 0.0063}
	wantReject := map[string]float64{"toxicity": 0.90, "insult": 0.90, "threat": 0.50, "identity_attack": 0.50, "profanity": 0.95}
	if diff := cmp.Diff(wantHold, p.Hold); diff != "" {
		t.Errorf("hold thresholds (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff(wantReject, p.Reject); diff != "" {
		t.Errorf("reject thresholds (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff(DefaultPriors(), p.Priors); diff != "" || len(p.Priors) != len(ToneAttributes) {
		t.Errorf("priors = %v, want DefaultPriors for every tone attribute (-want +got):\n%s", p.Priors, diff)
	}
	if p.AutoReject || len(p.BannedWords) != 0 || len(p.SuspectWords) != 0 {
		t.Errorf("a new site starts with auto-reject or word lists: %+v", p)
	}
	if !cmp.Equal(p.Languages, []string{"en"}) || p.UnsupportedLanguage != Hold {
		t.Errorf("languages = %v, %q; want [en], hold", p.Languages, p.UnsupportedLanguage)
	}
	if err := p.Validate(); err != nil {
		t.Errorf("Validate() = %v", err)
	}
	// Each call is a fresh copy: a caller editing its policy does not edit the next one's.
	p.Hold["insult"], p.Priors["insult"] = 0.5, 0.5
	if q := DefaultPolicy(); q.Hold["insult"] != 0.093 || q.Priors["insult"] != 0.05 {
		t.Errorf("DefaultPolicy shares its maps between calls: %+v", q)
	}
}

func TestDefaultPolicyEvaluate(t *testing.T) {
	tests := []struct {
		name string
		tone map[string]float64
		want Verdict
		msgs []string
	}{
		{"below every threshold", map[string]float64{"toxicity": 0.02, "insult": 0.04, "threat": 0.001, "identity_attack": 0.005, "profanity": 0.005},
			Approve, []string{"every tone score below its threshold (highest 0.040)"}},
		{"small threat threshold shows its digits", map[string]float64{"toxicity": 0.02, "threat": 0.0023},
			Hold, []string{"threat 0.0023 ≥ hold threshold 0.0023"}},
		{"insult and identity attack", map[string]float64{"insult": 0.3, "identity_attack": 0.06},
			Hold, []string{"insult 0.30 ≥ hold threshold 0.093", "identity_attack 0.060 ≥ hold threshold 0.055"}},
		{"reject threshold holds without auto reject", map[string]float64{"toxicity": 0.95},
			Hold, []string{"toxicity 0.95 ≥ reject threshold 0.90 (auto-reject off: held)"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, reasons := DefaultPolicy().Evaluate("x", Assessment{Scores: scores(tt.tone)}, ModeAuto)
			if got != tt.want {
				t.Errorf("verdict = %s, want %s (reasons %v)", got, tt.want, reasons)
			}
			var msgs []string
			for _, r := range reasons {
				msgs = append(msgs, r.Message)
			}
			if diff := cmp.Diff(tt.msgs, msgs); diff != "" {
				t.Errorf("reason messages (-want +got):\n%s", diff)
			}
		})
	}
}

func TestFormatScore(t *testing.T) {
	tests := []struct {
		in   float64
		want string
	}{
		{0, "0.00"}, {1, "1.00"}, {0.5, "0.50"}, {0.1, "0.10"}, {0.93, "0.93"}, {0.999, "1.00"},
		{0.09, "0.090"}, {0.023, "0.023"}, {0.004, "0.0040"}, {0.0179, "0.018"}, {0.00012, "0.00012"},
		{1e-9, "0.000000"},
	}
	for _, tt := range tests {
		if got := FormatScore(tt.in); got != tt.want {
			t.Errorf("FormatScore(%v) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestPolicyEvaluate(t *testing.T) {
	low := map[string]float64{"toxicity": 0.1, "insult": 0.05, "threat": 0.01, "identity_attack": 0.02, "profanity": 0.03}
	withBanned := testPolicy()
	withBanned.BannedWords = []string{"idiot", "go back home"}
	withBanned.SuspectWords = []string{"crypto"}
	autoReject := withBanned
	autoReject.AutoReject = true

	tests := []struct {
		name      string
		policy    Policy
		text      string
		tone      map[string]float64
		mode      Mode
		want      Verdict
		wantCodes []string
	}{
		{"civil disagreement is approved", testPolicy(), "I think this is wrong.", low, ModeAuto, Approve, []string{"ok"}},
		{"insult at hold threshold holds", testPolicy(), "x", map[string]float64{"insult": 0.70}, ModeAuto, Hold, []string{"threshold.insult"}},
		{"just below threshold approves", testPolicy(), "x", map[string]float64{"insult": 0.6999}, ModeAuto, Approve, []string{"ok"}},
		{"reject threshold holds without auto reject", testPolicy(), "x", map[string]float64{"threat": 0.99}, ModeAuto, Hold, []string{"threshold.threat"}},
		{"reject threshold rejects with auto reject", autoReject, "x", map[string]float64{"threat": 0.99}, ModeAuto, Reject, []string{"threshold.threat"}},
		{"banned word holds without auto reject", withBanned, "You ÍDIOT!", low, ModeAuto, Hold, []string{"banned_word"}},
		{"banned word rejects with auto reject", autoReject, "you idiot", low, ModeAuto, Reject, []string{"banned_word"}},
		{"banned phrase matches across punctuation", withBanned, "Go... back, HOME", low, ModeAuto, Hold, []string{"banned_word"}},
		{"banned word needs whole words", withBanned, "idiotic idiots", low, ModeAuto, Approve, []string{"ok"}},
		{"suspect word holds", withBanned, "buy Crypto now", low, ModeAuto, Hold, []string{"suspect_word"}},
		{"banned word behind zero-width space", autoReject, "you id\u200biot", low, ModeAuto, Reject, []string{"banned_word"}},
		{"banned word behind soft hyphen", autoReject, "you id\u00adiot", low, ModeAuto, Reject, []string{"banned_word"}},
		{"banned word in cyrillic lookalikes", autoReject, "You are an іdіot.", low, ModeAuto, Reject, []string{"banned_word"}},
		{"banned word in leetspeak", autoReject, "what an id10t", low, ModeAuto, Reject, []string{"banned_word"}},
		{"banned word spelled out", autoReject, "you i.d.i.o.t", low, ModeAuto, Reject, []string{"banned_word"}},
		{"banned word in fullwidth", autoReject, "ＩＤＩＯＴ", low, ModeAuto, Reject, []string{"banned_word"}},
		{"banned phrase with lookalikes", withBanned, "gо bаck hоme", low, ModeAuto, Hold, []string{"banned_word"}},
		{"suspect word with lookalikes", withBanned, "buy сrурto now", low, ModeAuto, Hold, []string{"suspect_word"}},
		{"russian text is not folded into a banned word", autoReject, "Это идиот", low, ModeAuto, Approve, []string{"ok"}},
		{"premoderated article holds everything", testPolicy(), "nice", low, ModePremoderate, Hold, []string{"mode.premoderate"}},
		{"closed article rejects", testPolicy(), "nice", low, ModeClosed, Reject, []string{"mode.closed"}},
		{"several reasons, strictest wins", autoReject, "idiot", map[string]float64{"insult": 0.85}, ModePremoderate, Reject, []string{"mode.premoderate", "threshold.insult", "banned_word"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, reasons := tt.policy.Evaluate(tt.text, Assessment{Scores: scores(tt.tone)}, tt.mode)
			if got != tt.want {
				t.Errorf("verdict = %s, want %s (reasons %v)", got, tt.want, reasons)
			}
			var codes []string
			for _, r := range reasons {
				codes = append(codes, r.Code)
				if r.Message == "" {
					t.Errorf("reason %s has no message", r.Code)
				}
			}
			if diff := cmp.Diff(tt.wantCodes, codes); diff != "" {
				t.Errorf("reason codes mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

func TestPolicyEvaluateReasonMessage(t *testing.T) {
	_, reasons := testPolicy().Evaluate("x", Assessment{Scores: scores(map[string]float64{"insult": 0.93})}, ModeAuto)
	if want := "insult 0.93 ≥ hold threshold 0.70"; reasons[0].Message != want {
		t.Errorf("message = %q, want %q", reasons[0].Message, want)
	}
}

// TestStanceNeverActs checks principle 1: whatever the stance scores, the verdict is the same.
func TestStanceNeverActs(t *testing.T) {
	tone := map[string]float64{"toxicity": 0.2, "insult": 0.1}
	for _, st := range Stances {
		s := Scores{Tone: tone, Stance: map[Stance]float64{st: 1}}
		if v, _ := testPolicy().Evaluate("text", Assessment{Scores: s}, ModeAuto); v != Approve {
			t.Errorf("stance %s: verdict = %s, want approve", st, v)
		}
	}
}

func TestPolicyValidate(t *testing.T) {
	tests := []struct {
		name      string
		mutate    func(*Policy)
		wantField string
	}{
		{"default is valid", func(*Policy) {}, ""},
		{"hold above one", func(p *Policy) { p.Hold["insult"] = 1.5 }, "hold.insult"},
		{"hold zero", func(p *Policy) { p.Hold["insult"] = 0 }, "hold.insult"},
		{"reject below hold", func(p *Policy) { p.Reject["threat"] = p.Hold["threat"] / 2 }, "reject.threat"},
		{"reject equal to hold", func(p *Policy) { p.Reject["threat"] = p.Hold["threat"] }, ""},
		{"blank banned word", func(p *Policy) { p.BannedWords = []string{"  !! "} }, "banned_words"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := DefaultPolicy()
			tt.mutate(&p)
			err := p.Validate()
			if tt.wantField == "" {
				if err != nil {
					t.Fatalf("Validate() = %v, want nil", err)
				}
				return
			}
			var ie *InputError
			if !errors.As(err, &ie) || ie.Field != tt.wantField || !errors.Is(err, ErrInvalid) {
				t.Fatalf("Validate() = %v, want InputError on %s", err, tt.wantField)
			}
		})
	}
}

func TestPriority(t *testing.T) {
	risky := Priority(Scores{Tone: map[string]float64{"insult": 0.95}})
	unsure := Priority(Scores{Tone: map[string]float64{"insult": 0.55}})
	calm := Priority(Scores{Tone: map[string]float64{"insult": 0.02}})
	if !(risky > unsure && unsure > calm) {
		t.Errorf("priorities risky %.3f, unsure %.3f, calm %.3f: want strictly decreasing", risky, unsure, calm)
	}
}

func TestCleanWordList(t *testing.T) {
	got := CleanWordList([]string{" Idiot ", "idiot", "ÍDIOT", "", "go back home", "!!"})
	want := []string{"Idiot", "go back home"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("CleanWordList mismatch (-want +got):\n%s", diff)
	}
}

func TestScoresTopStanceDeterministic(t *testing.T) {
	s := Scores{Stance: map[Stance]float64{Agree: 0.4, Disagree: 0.4, Discuss: 0.2}}
	if st, _ := s.TopStance(); st != Agree {
		t.Errorf("TopStance() = %s, want agree on a tie", st)
	}
	if st, _ := (Scores{}).TopStance(); st != "" {
		t.Errorf("TopStance() of empty scores = %q, want empty", st)
	}
}

func TestInputErrorMessage(t *testing.T) {
	err := invalid("text", "is %d bytes long", 5)
	if !strings.Contains(err.Error(), "text: is 5 bytes long") {
		t.Errorf("Error() = %q", err.Error())
	}
}

func TestPolicyAdjust(t *testing.T) {
	a := Assessment{Scores: Scores{Tone: map[string]float64{"toxicity": 0.5, "insult": 0.2}},
		Priors: map[string]float64{"toxicity": 0.2, "insult": 0.1}}
	tests := []struct {
		name   string
		priors map[string]float64
		want   map[string]float64
	}{
		{"no site priors", nil, map[string]float64{"toxicity": 0.5, "insult": 0.2}},
		{"same as the model's", map[string]float64{"toxicity": 0.2}, map[string]float64{"toxicity": 0.5, "insult": 0.2}},
		// Odds 1 × (0.05/0.95)/(0.2/0.8) = 0.2105… → p = 0.1739…
		{"rarer on this site", map[string]float64{"toxicity": 0.05}, map[string]float64{"toxicity": 0.17391, "insult": 0.2}},
		// Odds 0.25 × (0.5/0.5)/(0.1/0.9) = 2.25 → p = 0.6923…
		{"commoner on this site", map[string]float64{"insult": 0.5}, map[string]float64{"toxicity": 0.5, "insult": 0.69231}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := Policy{Priors: tt.priors}.Adjust(a).Scores.Tone
			for attr, want := range tt.want {
				if d := got[attr] - want; d > 1e-4 || d < -1e-4 {
					t.Errorf("%s = %.5f, want %.5f", attr, got[attr], want)
				}
			}
		})
	}
	if a.Scores.Tone["toxicity"] != 0.5 {
		t.Errorf("Adjust changed its argument's scores")
	}
	if err := (Policy{Priors: map[string]float64{"toxicity": 1}}).Validate(); err == nil {
		t.Errorf("Validate accepted a prior of 1")
	}
}

func TestUpgradePolicy(t *testing.T) {
	old := Policy{
		Hold:        map[string]float64{"toxicity": 0.90, "insult": 0.70, "threat": 0.50, "identity_attack": 0.50, "profanity": 0.50},
		Reject:      map[string]float64{"toxicity": 0.99, "insult": 0.97, "threat": 0.90, "identity_attack": 0.90, "profanity": 0.95},
		BannedWords: []string{"spam"}, AutoReject: true,
	}
	got, changed := UpgradePolicy(old)
	if !changed || !cmp.Equal(got.Hold, DefaultPolicy().Hold) || !cmp.Equal(got.Reject, DefaultPolicy().Reject) {
		t.Errorf("UpgradePolicy(earlier defaults) = %v, %v, want the current default thresholds", got.Hold, changed)
	}
	if !got.AutoReject || !cmp.Equal(got.BannedWords, []string{"spam"}) {
		t.Errorf("UpgradePolicy changed more than thresholds: %+v", got)
	}
	if got.Priors != nil {
		t.Errorf("UpgradePolicy set priors %v: those are the store's to fill in", got.Priors)
	}
	if got, changed := UpgradePolicy(DefaultPolicy()); changed || !cmp.Equal(got, DefaultPolicy()) {
		t.Errorf("UpgradePolicy(DefaultPolicy()) = %+v, %v; want it unchanged", got, changed)
	}
	if got, changed := UpgradePolicy(got); changed {
		t.Errorf("UpgradePolicy upgraded its own result again: %+v", got)
	}
	own := old
	own.Hold = map[string]float64{"toxicity": 0.8}
	if got, changed := UpgradePolicy(own); changed || !cmp.Equal(got.Hold, own.Hold) {
		t.Errorf("UpgradePolicy changed a site's own thresholds: %v", got.Hold)
	}
}
