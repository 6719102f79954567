package moderationtest

import (
	"math"
	"testing"

	"github.com/tribune/tribune/moderation"
)

func TestFakeClassifier(t *testing.T) {
	var f FakeClassifier
	for _, tc := range []struct {
		name, text, context string
		verdict             moderation.Verdict
		stance              moderation.Stance
	}{
		{"civil", "Lovely weather today.", "", moderation.Approve, moderation.Unrelated},
		{"insult", "You idiot.", "", moderation.Hold, moderation.Unrelated},
		{"disagree", "The tram line budget is wrong, never again.", "Council approves tram line budget", moderation.Approve, moderation.Disagree},
		{"agree", "Exactly right, the tram budget deserves support.", "Council approves tram line budget", moderation.Approve, moderation.Agree},
		{"discuss", "What does the tram budget cover?", "Council approves tram line budget", moderation.Approve, moderation.Discuss},
		{"invalid UTF-8", "idiot\xff\xfeidiot", "", moderation.Hold, moderation.Unrelated},
	} {
		t.Run(tc.name, func(t *testing.T) {
			a, err := f.Assess(tc.text, tc.context)
			if err != nil {
				t.Fatal(err)
			}
			if v, _ := Policy().Evaluate(tc.text, a, moderation.ModeAuto); v != tc.verdict {
				t.Errorf("verdict = %s, want %s (tone %v)", v, tc.verdict, a.Scores.Tone)
			}
			if st, _ := a.Scores.TopStance(); st != tc.stance {
				t.Errorf("stance = %s, want %s (%v)", st, tc.stance, a.Scores.Stance)
			}
			var sum float64
			for _, p := range a.Scores.Stance {
				sum += p
			}
			if math.Abs(sum-1) > 1e-9 {
				t.Errorf("stance sums to %v", sum)
			}
			for head, cs := range a.Explanation {
				for _, c := range cs {
					if c.Start >= 0 && tc.text[c.Start:c.End] == "" {
						t.Errorf("%s: empty span %+v", head, c)
					}
				}
			}
			again, _ := f.Assess(tc.text, tc.context)
			if again.Scores.Tone["toxicity"] != a.Scores.Tone["toxicity"] {
				t.Error("not deterministic")
			}
		})
	}
	if (FakeClassifier{Name: "x"}).Version() != "x" || f.Version() != FakeVersion {
		t.Error("Version")
	}
	if err := Policy().Validate(); err != nil {
		t.Errorf("Policy().Validate() = %v", err)
	}
}

func TestFakeLanguage(t *testing.T) {
	tests := []struct {
		name string
		f    FakeClassifier
		text string
		want string
	}{
		{"English is undetermined", FakeClassifier{}, "The tram line is a good idea and I support it.", ""},
		{"German", FakeClassifier{}, "Das ist nicht gut.", "de"},
		{"French", FakeClassifier{}, "Je ne suis pas d'accord.", "fr"},
		{"one marker is not enough", FakeClassifier{}, "Das Boot was a great film.", ""},
		{"fixed language", FakeClassifier{Language: "tr"}, "Lovely weather today.", "tr"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a, err := tt.f.Assess(tt.text, "")
			if err != nil {
				t.Fatal(err)
			}
			if a.Language != tt.want {
				t.Errorf("Language = %q, want %q", a.Language, tt.want)
			}
		})
	}
}
