package api

import (
	"encoding/json"
	"math"
	"testing"
)

// The plain* types mirror the response types without their MarshalJSON methods, so that
// encoding/json's own output is the reference for the hand-written encoder.
type plainScores struct {
	Tone        map[string]float64 `json:"tone"`
	Stance      map[string]float64 `json:"stance,omitempty"`
	StanceLabel string             `json:"stance_label,omitempty"`
}

type plainScoreResponse struct {
	Verdict      string                        `json:"verdict"`
	Reasons      []reasonJSON                  `json:"reasons"`
	ModelVersion string                        `json:"model_version"`
	Language     string                        `json:"language"`
	Scores       plainScores                   `json:"scores"`
	Explanation  map[string][]contributionJSON `json:"explanation,omitempty"`
}

func plain(r scoreResponse) plainScoreResponse {
	return plainScoreResponse{Verdict: r.Verdict, Reasons: r.Reasons, ModelVersion: r.ModelVersion,
		Language: r.Language, Scores: plainScores(r.Scores), Explanation: r.Explanation}
}

func sampleScoreResponse() scoreResponse {
	four, nine := 4, 9
	return scoreResponse{
		Verdict:      "hold",
		Reasons:      []reasonJSON{{Code: "threshold.insult", Message: "insult 0.93 ≥ hold <threshold> & \"more\""}},
		ModelVersion: "m1\u2028\u2029\x01\t\n\r\b\f\\",
		Language:     "de",
		Scores: scoresJSON{Tone: map[string]float64{"toxicity": 0.93, "insult": 1e-7, "threat": 0, "obscene": 1e21,
			"identity_attack": -0.5, "severe_toxicity": 123456789.125, "z": 5e-324},
			Stance: map[string]float64{"agree": 0.1, "disagree": 0.9}, StanceLabel: "disagree"},
		Explanation: explanationJSON{
			"toxicity": {{Feature: "idiot", Class: "1", Weight: 2.5, Start: &four, End: &nine},
				{Feature: "bias", Weight: -1.25e-9}, {Feature: "bad \xff utf8 é", Class: "", Weight: 0.3}},
			"stance": {},
			"insult": nil,
		},
	}
}

func TestAppendJSONMatchesEncodingJSON(t *testing.T) {
	tests := map[string]scoreResponse{
		"full":           sampleScoreResponse(),
		"no stance":      {Verdict: "approve", Reasons: []reasonJSON{}, Scores: scoresJSON{Tone: map[string]float64{}}},
		"nil everything": {},
	}
	for name, r := range tests {
		t.Run(name, func(t *testing.T) {
			want, err := json.Marshal(plain(r))
			if err != nil {
				t.Fatal(err)
			}
			got, err := r.appendJSON(nil)
			if err != nil {
				t.Fatal(err)
			}
			if string(got) != string(want) {
				t.Errorf("appendJSON =\n%s\nwant\n%s", got, want)
			}
			// Inside another value (the comment response), via MarshalJSON.
			type wrap struct {
				S scoresJSON      `json:"s"`
				E explanationJSON `json:"e,omitempty"`
			}
			type plainWrap struct {
				S plainScores                   `json:"s"`
				E map[string][]contributionJSON `json:"e,omitempty"`
			}
			got, err = json.Marshal(wrap{r.Scores, r.Explanation})
			if err != nil {
				t.Fatal(err)
			}
			if want, _ = json.Marshal(plainWrap{plainScores(r.Scores), r.Explanation}); string(got) != string(want) {
				t.Errorf("json.Marshal =\n%s\nwant\n%s", got, want)
			}
		})
	}
}

func TestAppendJSONNonFinite(t *testing.T) {
	for _, f := range []float64{math.NaN(), math.Inf(1), math.Inf(-1)} {
		r := scoreResponse{Scores: scoresJSON{Tone: map[string]float64{"toxicity": f}}}
		if _, err := r.appendJSON(nil); err == nil {
			t.Errorf("appendJSON(tone %v) err = nil, want an error", f)
		}
	}
}

func BenchmarkScoreResponseJSON(b *testing.B) {
	r := sampleScoreResponse()
	b.Run("encoding/json", func(b *testing.B) {
		p := plain(r)
		b.ReportAllocs()
		for b.Loop() {
			if _, err := json.Marshal(p); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("append", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, err := r.appendJSON(make([]byte, 0, 4096)); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// FuzzScoreResponseJSON holds the hand-written score response to encoding/json's bytes for any
// strings and numbers in it.
func FuzzScoreResponseJSON(f *testing.F) {
	f.Add("hold", "threshold.insult", "insult <0.93> & \"x\"", "toxicity", "idiot", "1", 0.93, 2.5, 4)
	f.Add("", "", "\xff\u2028", "", "", "", 1e-7, -1e21, -1)
	f.Fuzz(func(t *testing.T, verdict, code, msg, head, feature, class string, score, weight float64, start int) {
		r := scoreResponse{Verdict: verdict, Reasons: []reasonJSON{{Code: code, Message: msg}}, ModelVersion: msg, Language: code,
			Scores: scoresJSON{Tone: map[string]float64{head: score, "z": weight}, Stance: map[string]float64{class: score},
				StanceLabel: class},
			Explanation: explanationJSON{head: {{Feature: feature, Class: class, Weight: weight, Start: &start, End: &start}}}}
		want, werr := json.Marshal(plain(r))
		got, err := r.appendJSON(nil)
		if (werr != nil) != (err != nil) {
			t.Fatalf("appendJSON error %v, encoding/json's %v", err, werr)
		}
		if err == nil && string(got) != string(want) {
			t.Errorf("appendJSON =\n%s\nwant\n%s", got, want)
		}
	})
}
