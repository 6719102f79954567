package registry

import (
	"testing"

	"github.com/tribune/tribune/moderation"
)

// TestModelClassifierLanguage checks that the real model's adapter reports the detected
// language on both paths, and that the default policy then holds a German comment for its
// language instead of judging it as English.
func TestModelClassifierLanguage(t *testing.T) {
	clf, err := LoadClassifier("")
	if err != nil {
		t.Fatalf("LoadClassifier: %v", err)
	}
	quick, ok := clf.(moderation.QuickClassifier)
	if !ok {
		t.Fatalf("%T is not a QuickClassifier", clf)
	}
	tests := []struct {
		name, text, want string
		held             bool // held for its language under the default policy
	}{
		{"German", "Du bist ein Vollidiot und ein Arschloch, geh nach Hause.", "de", true},
		{"civil German", "Ich finde den Artikel gut geschrieben, aber die Zahlen zur Straßenbahn fehlen mir.", "de", true},
		{"English", "I think the council should publish the numbers before the vote.", "en", false},
		{"short reply", "Yes", "", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			full, err := clf.Assess(tt.text, "")
			if err != nil {
				t.Fatal(err)
			}
			fast, err := quick.Score(tt.text, "")
			if err != nil {
				t.Fatal(err)
			}
			if full.Language != tt.want || fast.Language != tt.want {
				t.Errorf("Language: Assess %q, Score %q; want %q", full.Language, fast.Language, tt.want)
			}
			_, reasons := moderation.DefaultPolicy().Evaluate(tt.text, full, moderation.ModeAuto)
			held := false
			for _, r := range reasons {
				if r.Code == "language.unsupported" {
					held = true
				}
			}
			if held != tt.held {
				t.Errorf("held for language = %v, want %v (reasons %v)", held, tt.held, reasons)
			}
		})
	}
}
