package classifier

import (
	"bytes"
	"context"
	"math"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/tribune/tribune/classifier/wordpiece"
)

// testVocab reads the BERT uncased vocabulary shipped in models/.
func testVocab(t testing.TB) []string {
	t.Helper()
	f, err := os.Open("../models/bert-base-uncased-vocab.txt")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	v, err := wordpiece.ParseVocab(f)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

// fixtureExamples reads fixtures/<name>.jsonl.
func fixtureExamples(t testing.TB, name string) []Example {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("..", "fixtures", name+".jsonl"))
	if err != nil {
		t.Fatal(err)
	}
	exs, err := ReadExamples(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	return exs
}

// smallConfig keeps test training fast: a short L2 path and few iterations.
func smallConfig(t testing.TB) TrainConfig {
	return TrainConfig{Head: "stance", ContextHeads: []string{"stance"}, Seed: 1, Vocab: testVocab(t),
		Lambdas: []float64{1e-2, 1e-3, 1e-4}, MaxIter: 60, MinCount: 1}
}

// splitHeldOut puts every fourth example aside.
func splitHeldOut(exs []Example) (train, held []Example) {
	for i, ex := range exs {
		if i%4 == 3 {
			held = append(held, ex)
		} else {
			train = append(train, ex)
		}
	}
	return train, held
}

var (
	fixtureOnce  sync.Once
	fixtureModel *Model
	fixtureHeld  []Example
	fixtureErr   error
)

// trainedFixture returns a model trained on three quarters of the fixtures (trained once per
// test binary) and the held-out quarter.
func trainedFixture(t testing.TB) (*Model, []Example) {
	t.Helper()
	fixtureOnce.Do(func() {
		all := append(fixtureExamples(t, "tone"), fixtureExamples(t, "stance")...)
		train, held := splitHeldOut(all)
		fixtureHeld = held
		fixtureModel, fixtureErr = Train(context.Background(), train, smallConfig(t))
	})
	if fixtureErr != nil {
		t.Fatal(fixtureErr)
	}
	return fixtureModel, fixtureHeld
}

func TestTrainHeldOutFloor(t *testing.T) {
	m, held := trainedFixture(t)
	ev, err := Evaluate(m, held)
	if err != nil {
		t.Fatal(err)
	}
	// Floors, not exact numbers: the fixtures are small and written to be learnable.
	floors := map[string]float64{"stance": 0.6, "toxicity": 0.8, "insult": 0.7}
	seen := map[string]bool{}
	for _, h := range ev.Heads {
		seen[h.Head] = true
		t.Logf("%s: n=%d accuracy=%.3f macro-F1=%.3f auc=%.3f", h.Head, h.N, h.Accuracy, h.MacroF1, h.AUC)
		if f, ok := floors[h.Head]; ok && h.MacroF1 < f {
			t.Errorf("%s macro-F1 = %.3f, want >= %.2f", h.Head, h.MacroF1, f)
		}
		if h.Head == "toxicity" && (!h.HasAUC || h.AUC < 0.9) {
			t.Errorf("toxicity AUC = %.3f (has %v), want >= 0.9", h.AUC, h.HasAUC)
		}
	}
	for h := range floors {
		if !seen[h] {
			t.Errorf("no metrics for head %s", h)
		}
	}
}

func TestTrainDeterministic(t *testing.T) {
	m, _ := trainedFixture(t)
	all := append(fixtureExamples(t, "tone"), fixtureExamples(t, "stance")...)
	train, _ := splitHeldOut(all)
	cfg := smallConfig(t)
	cfg.Workers = 1 // a different worker count must not change the result
	m2, err := Train(context.Background(), train, cfg)
	if err != nil {
		t.Fatal(err)
	}
	if m.Version() != m2.Version() {
		t.Errorf("retrained version = %s, want %s", m2.Version(), m.Version())
	}
	cfg.Seed = 2
	m3, err := Train(context.Background(), train, cfg)
	if err != nil {
		t.Fatal(err)
	}
	if m3.Version() == m.Version() {
		t.Log("seed 2 gave the same model as seed 1 (possible on tiny data)")
	}
}

func TestModelHeads(t *testing.T) {
	m, _ := trainedFixture(t)
	want := []string{"stance", "identity_attack", "insult", "profanity", "threat", "toxicity"}
	var got []string
	for _, h := range m.Heads() {
		got = append(got, h.Name)
		if h.Binary && (len(h.Classes) != 2 || h.Classes[0] != "not_"+h.Name || h.Classes[1] != h.Name) {
			t.Errorf("binary head %s classes = %v", h.Name, h.Classes)
		}
	}
	if strings.Join(got, ",") != strings.Join(want, ",") {
		t.Errorf("heads = %v, want %v", got, want)
	}
	if !strings.HasPrefix(m.Version(), "sha256:") {
		t.Errorf("version = %q", m.Version())
	}
}

func TestRoundTrip(t *testing.T) {
	m, held := trainedFixture(t)
	var buf bytes.Buffer
	if _, err := m.WriteTo(&buf); err != nil {
		t.Fatal(err)
	}
	m2, err := Load(bytes.NewReader(buf.Bytes()))
	if err != nil {
		t.Fatal(err)
	}
	if m2.Version() != m.Version() {
		t.Errorf("version after reload = %s, want %s", m2.Version(), m.Version())
	}
	for _, ex := range held {
		a, b := m.Predict(ex.Text, ex.Context), m2.Predict(ex.Text, ex.Context)
		for i := range a.Heads {
			for c := range a.Heads[i].Probs {
				if a.Heads[i].Probs[c] != b.Heads[i].Probs[c] {
					t.Fatalf("%q: head %s differs after reload", ex.Text, a.Heads[i].Name)
				}
			}
		}
	}
}

func TestLoadCorrupt(t *testing.T) {
	m, _ := trainedFixture(t)
	var buf bytes.Buffer
	m.WriteTo(&buf)
	raw := buf.Bytes()
	for _, n := range []int{0, 3, 8, 9, 20, 100, len(raw) / 2, len(raw) - 1} {
		if _, err := Load(bytes.NewReader(raw[:n])); err == nil {
			t.Errorf("Load of %d of %d bytes: no error", n, len(raw))
		}
	}
	// Flipped bytes must give an error or a working model, never a panic.
	for i := 8; i < len(raw); i += len(raw)/97 + 1 {
		c := bytes.Clone(raw)
		c[i] ^= 0x5a
		if m2, err := Load(bytes.NewReader(c)); err == nil {
			m2.Predict("still works?", "")
		}
	}
	if _, err := Load(strings.NewReader("TRIBUNE1garbage")); err == nil {
		t.Error("Load of garbage: no error")
	}
}

func TestPredictInvariants(t *testing.T) {
	m, held := trainedFixture(t)
	texts := []string{"", " ", "ok \xff", "café naïve Müller", strings.Repeat("idiot ", 500), "\x00\x01"}
	for _, ex := range held {
		texts = append(texts, ex.Text)
	}
	var p Prediction
	for _, text := range texts {
		for _, ctx := range []string{"", "Schools should ban mobile phones during class.", "\xff\xfe"} {
			m.PredictInto(&p, text, ctx)
			checkPrediction(t, m, p, text)
		}
	}
}

func checkPrediction(t *testing.T, m *Model, p Prediction, text string) {
	t.Helper()
	if len(p.Heads) != len(m.Heads()) {
		t.Fatalf("%d head predictions, want %d", len(p.Heads), len(m.Heads()))
	}
	for _, h := range p.Heads {
		sum := 0.0
		for _, q := range h.Probs {
			if math.IsNaN(q) || math.IsInf(q, 0) || q < 0 || q > 1 {
				t.Fatalf("%q: head %s prob %v", text, h.Name, q)
			}
			sum += q
		}
		if math.Abs(sum-1) > 1e-9 {
			t.Fatalf("%q: head %s probs sum to %v", text, h.Name, sum)
		}
		if len(h.Probs) != len(h.Classes) {
			t.Fatalf("%q: head %s has %d probs for %d classes", text, h.Name, len(h.Probs), len(h.Classes))
		}
		for _, c := range h.Explanation {
			if c.Start == -1 && c.End == -1 {
				continue
			}
			if c.Start < 0 || c.End > len(text) || c.Start > c.End {
				t.Fatalf("%q: head %s feature %q at [%d,%d)", text, h.Name, c.Feature, c.Start, c.End)
			}
		}
	}
}

func TestExplain(t *testing.T) {
	m, _ := trainedFixture(t)
	text := "You are a clueless idiot, and this plan is bullshit."
	p := m.Explain(text, "", 5)
	q := m.Predict(text, "")
	for i, h := range p.Heads {
		if h.Probs[len(h.Probs)-1] != q.Heads[i].Probs[len(h.Probs)-1] {
			t.Errorf("Explain and Predict differ on head %s", h.Name)
		}
		if len(h.Explanation) == 0 || len(h.Explanation) > 5 {
			t.Errorf("head %s: %d contributions, want 1..5", h.Name, len(h.Explanation))
		}
	}
	checkPrediction(t, m, p, text)
	tox := p.Heads[indexHead(m, "toxicity")]
	top := tox.Explanation[0]
	if top.Weight <= 0 || top.Start < 0 {
		t.Errorf("top toxicity contribution = %+v, want a positive weight on a comment span", top)
	}
	t.Logf("toxicity %.3f: %+v", tox.Positive(), tox.Explanation)
}

func indexHead(m *Model, name string) int {
	for i, h := range m.Heads() {
		if h.Name == name {
			return i
		}
	}
	return -1
}

func TestConcurrentPredict(t *testing.T) {
	m, held := trainedFixture(t)
	want := make([]Prediction, len(held))
	for i, ex := range held {
		want[i] = m.Predict(ex.Text, ex.Context)
	}
	var wg sync.WaitGroup
	for g := range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var p Prediction
			for r := range 20 {
				i := (g*7 + r) % len(held)
				m.PredictInto(&p, held[i].Text, held[i].Context)
				for h := range p.Heads {
					if p.Heads[h].Probs[0] != want[i].Heads[h].Probs[0] {
						t.Errorf("concurrent prediction differs for %q", held[i].Text)
						return
					}
				}
			}
		}()
	}
	wg.Wait()
}

func TestPredictIntoAllocations(t *testing.T) {
	if testing.CoverMode() != "" || raceEnabled {
		t.Skip("allocation counts differ under coverage or the race detector")
	}
	m, _ := trainedFixture(t)
	var p Prediction
	text := "You are a clueless idiot if you think the bridge repair plan will work."
	m.PredictInto(&p, text, "The city should build a new light rail line downtown.")
	allocs := testing.AllocsPerRun(100, func() {
		m.PredictInto(&p, text, "The city should build a new light rail line downtown.")
	})
	if allocs > 0 {
		t.Errorf("PredictInto allocates %.1f times per call, want 0", allocs)
	}
}

func TestTrainErrors(t *testing.T) {
	ctx := context.Background()
	v := testVocab(t)
	cases := map[string][]Example{
		"no labels":   {{Text: "a"}, {Text: "b"}},
		"one class":   {{Text: "a", Label: "x"}, {Text: "b", Label: "x"}},
		"one outcome": {{Text: "a", Labels: map[string]int{"t": 1}}, {Text: "b", Labels: map[string]int{"t": 1}}},
	}
	for name, exs := range cases {
		t.Run(name, func(t *testing.T) {
			if _, err := Train(ctx, exs, TrainConfig{Vocab: v}); err == nil {
				t.Error("no error")
			}
		})
	}
	if _, err := Train(ctx, []Example{{Text: "a", Label: "x"}}, TrainConfig{}); err == nil {
		t.Error("no vocabulary: no error")
	}
}

func TestHalfFloat(t *testing.T) {
	for _, f := range []float32{0, 1, -1, 0.5, 3.140625, -2.5e-3, 6e-5, 1e-7, 65504, 1e6, -1e6} {
		got := halfToFloat(floatToHalf(f))
		want := f
		switch {
		case f > 65504:
			want = 65504
		case f < -65504:
			want = -65504
		}
		if math.Abs(float64(got-want)) > math.Abs(float64(want))*1e-3+6e-8 {
			t.Errorf("half(%g) = %g", f, got)
		}
	}
}

func TestROCAUC(t *testing.T) {
	cases := []struct {
		scores []float64
		pos    []bool
		want   float64
	}{
		{[]float64{0.1, 0.4, 0.35, 0.8}, []bool{false, false, true, true}, 0.75},
		{[]float64{0.5, 0.5}, []bool{false, true}, 0.5},
		{[]float64{1, 0}, []bool{true, false}, 1},
	}
	for _, c := range cases {
		got, ok := ROCAUC(c.scores, c.pos)
		if !ok || math.Abs(got-c.want) > 1e-12 {
			t.Errorf("ROCAUC(%v, %v) = %v, %v, want %v", c.scores, c.pos, got, ok, c.want)
		}
	}
}
