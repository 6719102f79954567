package classifier

import (
	"bytes"
	"math"
	"testing"
)

func FuzzPredict(f *testing.F) {
	m, held := trainedFixture(f)
	for _, ex := range held {
		f.Add(ex.Text, ex.Context)
	}
	f.Add("ok \xff", "")
	f.Add("", "\xc3")
	f.Add("id10t!!! y0u m0r0n", "Schools should ban mobile phones during class.")
	f.Fuzz(func(t *testing.T, text, context string) {
		a := m.Predict(text, context)
		b := m.Explain(text, context, 0)
		checkPrediction(t, m, a, text)
		checkPrediction(t, m, b, text)
		for i := range a.Heads {
			for c := range a.Heads[i].Probs {
				if math.Abs(a.Heads[i].Probs[c]-b.Heads[i].Probs[c]) > 1e-12 {
					t.Fatalf("Predict and Explain differ on head %s", a.Heads[i].Name)
				}
			}
			if a.Heads[i].Label != b.Heads[i].Label {
				t.Fatalf("labels differ on head %s", a.Heads[i].Name)
			}
		}
		var p Prediction
		m.PredictInto(&p, text, context)
		for i := range a.Heads {
			for c := range a.Heads[i].Probs {
				if a.Heads[i].Probs[c] != p.Heads[i].Probs[c] {
					t.Fatalf("prediction not deterministic on head %s", a.Heads[i].Name)
				}
			}
		}
	})
}

func FuzzReadExamples(f *testing.F) {
	f.Add([]byte(`{"text":"a","label":"x"}` + "\n" + `{"text":"b","labels":{"t":1}}`))
	f.Add([]byte(`{"text":"a","label":3}`))
	f.Add([]byte(`{"text":"a","labels":{"t":2}}`))
	f.Add([]byte("\n\n{}"))
	f.Fuzz(func(t *testing.T, data []byte) {
		exs, err := ReadExamples(bytes.NewReader(data))
		if err != nil {
			return
		}
		for _, ex := range exs {
			for k, v := range ex.Labels {
				if k == "" || v != 0 && v != 1 {
					t.Fatalf("bad label %q=%d accepted", k, v)
				}
			}
		}
	})
}
