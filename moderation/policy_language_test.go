package moderation

import (
	"errors"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestPolicyEvaluateLanguage(t *testing.T) {
	low := map[string]float64{"toxicity": 0.1, "insult": 0.05, "threat": 0.01, "identity_attack": 0.02, "profanity": 0.03}
	insult := map[string]float64{"toxicity": 0.5, "insult": 0.8}
	withDE := testPolicy()
	withDE.Languages = []string{"en", "de"}
	off := testPolicy()
	off.Languages = nil
	approve := testPolicy()
	approve.UnsupportedLanguage = Approve
	reject := testPolicy()
	reject.UnsupportedLanguage = Reject
	autoReject := reject
	autoReject.AutoReject = true
	zeroVerdict := testPolicy()
	zeroVerdict.UnsupportedLanguage = ""

	tests := []struct {
		name      string
		policy    Policy
		lang      string
		tone      map[string]float64
		want      Verdict
		wantCodes []string
		wantMsg   string // message of the language reason, when there is one
	}{
		{"unsupported language holds", testPolicy(), "de", low, Hold, []string{"language.unsupported"}, "language de not supported"},
		{"undetermined language is supported", testPolicy(), "", low, Approve, []string{"ok"}, ""},
		{"English is supported by default", testPolicy(), "en", low, Approve, []string{"ok"}, ""},
		{"listed language is supported", withDE, "de", low, Approve, []string{"ok"}, ""},
		{"unlisted language with a longer list holds", withDE, "fr", low, Hold, []string{"language.unsupported"}, "language fr not supported"},
		{"empty list turns the check off", off, "ru", low, Approve, []string{"ok"}, ""},
		{"tone reasons are still listed", testPolicy(), "de", insult, Hold, []string{"threshold.insult", "language.unsupported"}, "language de not supported"},
		{"approve lets it through with the reason", approve, "tr", low, Approve, []string{"language.unsupported"}, "language tr not supported"},
		{"reject without auto reject holds", reject, "it", low, Hold, []string{"language.unsupported"}, "language it not supported (auto-reject off: held)"},
		{"reject with auto reject rejects", autoReject, "it", low, Reject, []string{"language.unsupported"}, "language it not supported"},
		{"empty verdict means hold", zeroVerdict, "pt", low, Hold, []string{"language.unsupported"}, "language pt not supported"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a := Assessment{Scores: scores(tt.tone), Language: tt.lang}
			got, reasons := tt.policy.Evaluate("text", a, ModeAuto)
			if got != tt.want {
				t.Errorf("verdict = %s, want %s (reasons %v)", got, tt.want, reasons)
			}
			var codes []string
			msg := ""
			for _, r := range reasons {
				codes = append(codes, r.Code)
				if r.Code == "language.unsupported" {
					msg = r.Message
				}
			}
			if diff := cmp.Diff(tt.wantCodes, codes); diff != "" {
				t.Errorf("reason codes mismatch (-want +got):\n%s", diff)
			}
			if msg != tt.wantMsg {
				t.Errorf("language reason = %q, want %q", msg, tt.wantMsg)
			}
		})
	}
}

func TestPolicyValidateLanguages(t *testing.T) {
	tests := []struct {
		name      string
		langs     []string
		verdict   Verdict
		wantField string
	}{
		{"default", []string{"en"}, Hold, ""},
		{"several, with a three-letter code", []string{"en", "de", "fil"}, Hold, ""},
		{"empty list", nil, Hold, ""},
		{"empty verdict", []string{"en"}, "", ""},
		{"upper case", []string{"EN"}, Hold, "languages"},
		{"region subtag", []string{"en-US"}, Hold, "languages"},
		{"one letter", []string{"e"}, Hold, "languages"},
		{"four letters", []string{"engl"}, Hold, "languages"},
		{"blank", []string{""}, Hold, "languages"},
		{"unknown verdict", []string{"en"}, "ignore", "unsupported_language"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := DefaultPolicy()
			p.Languages, p.UnsupportedLanguage = tt.langs, tt.verdict
			err := p.Validate()
			if tt.wantField == "" {
				if err != nil {
					t.Fatalf("Validate() = %v, want nil", err)
				}
				return
			}
			var ie *InputError
			if !errors.As(err, &ie) || ie.Field != tt.wantField {
				t.Fatalf("Validate() = %v, want an InputError on %s", err, tt.wantField)
			}
		})
	}
}
