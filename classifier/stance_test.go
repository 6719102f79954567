package classifier

import (
	"bytes"
	"context"
	"math"
	"slices"
	"strings"
	"sync"
	"testing"
)

var (
	stanceOnce    sync.Once
	stanceFixture *Model
	stanceErr     error
)

// trainedStance returns the fixture model with a stance component trained on
// fixtures/stance.jsonl in place of its stance table head (trained once per test binary).
func trainedStance(t testing.TB) *Model {
	t.Helper()
	base, _ := trainedFixture(t)
	stanceOnce.Do(func() {
		cfg := StanceConfig{Seed: 1, Folds: 2, Lambdas: []float64{1e-3}, Buckets: 1 << 12, IDFBuckets: 1 << 10,
			MaxIter: 40, CrossFraming: true}
		stanceFixture, stanceErr = TrainStance(context.Background(), base, fixtureExamples(t, "stance"), cfg)
	})
	if stanceErr != nil {
		t.Fatal(stanceErr)
	}
	return stanceFixture
}

func TestWithStanceKeepsTableHeads(t *testing.T) {
	base, held := trainedFixture(t)
	m := trainedStance(t)
	var want []string
	for _, h := range base.Heads() {
		if h.Name != "stance" {
			want = append(want, h.Name)
		}
	}
	want = append(want, "stance")
	var got []string
	for _, h := range m.Heads() {
		got = append(got, h.Name)
	}
	if !slices.Equal(got, want) {
		t.Fatalf("heads = %v, want %v", got, want)
	}
	for _, ex := range held {
		pb, pm := base.Predict(ex.Text, ex.Context), m.Predict(ex.Text, ex.Context)
		for i, h := range pm.Heads[:len(pm.Heads)-1] {
			bi := indexHead(base, h.Name)
			if !slices.Equal(h.Probs, pb.Heads[bi].Probs) {
				t.Errorf("%s of %q = %v with the stance component, %v without", h.Name, ex.Text, h.Probs, pb.Heads[bi].Probs)
			}
			_ = i
		}
		st := pm.Heads[len(pm.Heads)-1]
		sum := 0.0
		for _, p := range st.Probs {
			if math.IsNaN(p) || p < 0 || p > 1 {
				t.Fatalf("stance probabilities %v of %q", st.Probs, ex.Text)
			}
			sum += p
		}
		if math.Abs(sum-1) > 1e-9 || !slices.Equal(st.Classes, StanceClasses) {
			t.Errorf("stance of %q: classes %v probabilities %v (sum %v)", ex.Text, st.Classes, st.Probs, sum)
		}
	}
	// Putting a stance into a model that already has a component replaces it.
	again, err := m.WithStance(m.Stance())
	if err != nil {
		t.Fatal(err)
	}
	if again.Version() != m.Version() {
		t.Errorf("replacing the component with itself changed the file: %s -> %s", m.Version(), again.Version())
	}
}

func TestStanceRoundTrip(t *testing.T) {
	m := trainedStance(t)
	var buf bytes.Buffer
	if _, err := m.WriteTo(&buf); err != nil {
		t.Fatal(err)
	}
	back, err := Load(&buf)
	if err != nil {
		t.Fatal(err)
	}
	if back.Version() != m.Version() {
		t.Fatalf("version %s after a round trip, want %s", back.Version(), m.Version())
	}
	text, ctx := "Yes, this is the right decision.", "The council approves the new tram line."
	a, b := m.Predict(text, ctx), back.Predict(text, ctx)
	if !slices.Equal(a.Heads[len(a.Heads)-1].Probs, b.Heads[len(b.Heads)-1].Probs) {
		t.Errorf("stance after a round trip %v, want %v", b.Heads[len(b.Heads)-1].Probs, a.Heads[len(a.Heads)-1].Probs)
	}
}

func TestStanceLoadRejectsBadComponent(t *testing.T) {
	m := trainedStance(t)
	for _, tc := range []struct {
		name    string
		breakIt func(h *StanceInfo)
		want    string
	}{
		{"buckets not a power of two", func(h *StanceInfo) { h.Buckets = 1000 }, "power of two"},
		{"wrong classes", func(h *StanceInfo) { h.Classes = []string{"pro", "con", "x", "y"} }, "classes"},
		{"missing weights", func(h *StanceInfo) { h.Rel = h.Rel[:3] }, "relatedness weights"},
		{"idf table too large", func(h *StanceInfo) { h.IDFBuckets = 1 << 24 }, "power of two"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			hdr := m.stance.hdr
			hdr.Rel = slices.Clone(hdr.Rel)
			tc.breakIt(&hdr)
			var tab table
			h := header{Heads: m.heads[:len(m.heads)-1], Bias: m.bias, Info: m.info, Stance: &hdr, stanceBody: m.stance.body()}
			var buf bytes.Buffer
			if err := encode(&buf, h, m.feat.tok.Vocab(), tab); err != nil {
				t.Fatal(err)
			}
			_, err := Load(&buf)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("Load error = %v, want one naming %q", err, tc.want)
			}
		})
	}
	// A body cut short: the weights the header promises are not there.
	hdr := m.stance.hdr
	h := header{Heads: m.heads[:len(m.heads)-1], Bias: m.bias, Info: m.info, Stance: &hdr, stanceBody: m.stance.body()[:100]}
	var buf bytes.Buffer
	if err := encode(&buf, h, m.feat.tok.Vocab(), table{}); err != nil {
		t.Fatal(err)
	}
	if _, err := Load(&buf); err == nil || !strings.Contains(err.Error(), "model stance") {
		t.Errorf("Load of a cut stance = %v, want a model stance error", err)
	}
}

// TestStanceRepetitionAndLength: relatedness is measured on unique stems, so repeating a
// paragraph six times leaves P(unrelated) unchanged.
func TestStanceRepetitionAndLength(t *testing.T) {
	m := trainedStance(t)
	ctx := "City council approves protected bike lanes on Harbour Road\nThe council voted to build protected bike lanes along Harbour Road at a cost of 2.4 million euros."
	para := "The bike lanes on Harbour Road will cost 2.4 million euros and the council should have asked residents first. "
	one := m.Predict(para, ctx).Heads
	six := m.Predict(strings.Repeat(para, 6), ctx).Heads
	pu1, pu6 := one[len(one)-1].Probs[3], six[len(six)-1].Probs[3]
	if math.Abs(pu1-pu6) > 1e-9 {
		t.Errorf("P(unrelated) = %.4f for one paragraph, %.4f for it six times", pu1, pu6)
	}
}

// TestStanceLeavesToneOut: words of tone alone are no stance features.
func TestStanceLeavesToneOut(t *testing.T) {
	m := trainedStance(t)
	st := m.stance
	s := st.scratch()
	var out [4]float64
	st.predict(s, "Only an idiot would support the tram line.", "The council approves the tram line.", out[:], true)
	var names []string
	for _, sp := range s.spans {
		names = append(names, sp.name)
		if strings.Contains(sp.name, "idiot") {
			t.Errorf("stance feature %q reads an insult", sp.name)
		}
	}
	if !slices.Contains(names, "cue:negative~derided") {
		t.Errorf("features %v: praise in an insulting sentence should count as derided", names)
	}
}

func TestStanceExplain(t *testing.T) {
	m := trainedStance(t)
	p := m.Explain("Why did the council not publish the cost?", "The council approves the tram line.", 5)
	h := p.Heads[len(p.Heads)-1]
	if h.Name != "stance" || len(h.Explanation) == 0 {
		t.Fatalf("stance explanation %+v", h)
	}
	for _, c := range h.Explanation {
		if c.Feature == "" || c.Class != h.Label || math.IsNaN(c.Weight) {
			t.Errorf("bad contribution %+v", c)
		}
	}
}

func TestStancePredictAllocations(t *testing.T) {
	if testing.CoverMode() != "" || raceEnabled {
		t.Skip("allocation counts differ under coverage or the race detector")
	}
	m := trainedStance(t)
	var p Prediction
	text, ctx := "Is this really the right decision? I doubt the tram line will ever pay off.", "The council approves the tram line."
	m.PredictInto(&p, text, ctx)
	if allocs := testing.AllocsPerRun(100, func() { m.PredictInto(&p, text, ctx) }); allocs > 0 {
		t.Errorf("PredictInto with a stance component allocates %.1f times per call, want 0", allocs)
	}
}

func TestStanceConcurrentContexts(t *testing.T) {
	m := trainedStance(t)
	var wg sync.WaitGroup
	for g := range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var p Prediction
			for i := range 300 {
				// More distinct contexts than the cache holds, from several goroutines.
				ctx := "Article " + strings.Repeat("x", g) + string(rune('a'+i%26)) + " about trams"
				m.PredictInto(&p, "The tram line is a good idea.", ctx)
			}
		}()
	}
	wg.Wait()
}

func TestTrainStanceErrors(t *testing.T) {
	base, _ := trainedFixture(t)
	for _, tc := range []struct {
		name string
		exs  []Example
		cfg  StanceConfig
		want string
	}{
		{"unknown label", []Example{{Text: "a", Context: "b", Label: "support"}}, StanceConfig{}, "not a stance"},
		{"no context", []Example{{Text: "a", Label: "agree"}}, StanceConfig{}, "no context"},
		{"no rows", nil, StanceConfig{}, "no examples"},
		{"bad buckets", []Example{{Text: "a", Context: "b", Label: "agree"}}, StanceConfig{Buckets: 100}, "power of two"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := FitStance(context.Background(), base, tc.exs, tc.cfg)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("FitStance error = %v, want one naming %q", err, tc.want)
			}
		})
	}
}
