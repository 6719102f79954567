package classifier

import (
	"bytes"
	"context"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

func TestFoldPlumbing(t *testing.T) {
	m, _ := trainedFixture(t)
	if !m.Info().Features.Fold || !m.Tokenizer().Folds() {
		t.Fatalf("default model: Features.Fold = %v, tokenizer folds = %v, want both true",
			m.Info().Features.Fold, m.Tokenizer().Folds())
	}
	var buf bytes.Buffer
	if _, err := m.WriteTo(&buf); err != nil {
		t.Fatal(err)
	}
	loaded, err := Load(bytes.NewReader(buf.Bytes()))
	if err != nil {
		t.Fatal(err)
	}
	if !loaded.Tokenizer().Folds() {
		t.Error("loaded model's tokenizer does not fold, want it to")
	}
	disguised := map[string]string{
		"lookalikes":  "You are an іdіot and a mоrоn.",
		"zero width":  "You are an id\u200biot and a mo\u00adron.",
		"leetspeak":   "You are an id10t and a m0r0n.",
		"spaced out":  "You are an i d i o t and a m.o.r.o.n.",
		"full width":  "You are an ｉｄｉｏｔ and a ｍｏｒｏｎ.",
		"mathematics": "You are an 𝐢𝐝𝐢𝐨𝐭 and a 𝐦𝐨𝐫𝐨𝐧.",
	}
	plain := loaded.Predict("You are an idiot and a moron.", "")
	for name, text := range disguised {
		t.Run(name, func(t *testing.T) {
			// The scores must be equal; the span that decided them is in the disguised text.
			ignoreSpan := cmpopts.IgnoreFields(HeadPrediction{}, "Start", "End")
			if diff := cmp.Diff(plain, loaded.Predict(text, ""), ignoreSpan); diff != "" {
				t.Errorf("Predict(%q) differs from the plain spelling (-plain +got):\n%s", text, diff)
			}
		})
	}
}

func TestNoFoldModel(t *testing.T) {
	// A model trained without folding (as every model file written before the
	// option existed) keeps an unfolding tokenizer after a round trip.
	all := fixtureExamples(t, "tone")
	cfg := smallConfig(t)
	cfg.Head, cfg.ContextHeads = "", nil
	fc := DefaultFeatures()
	fc.Fold = false
	cfg.Features = &fc
	m, err := Train(context.Background(), all, cfg)
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if _, err := m.WriteTo(&buf); err != nil {
		t.Fatal(err)
	}
	if bytes.Contains(buf.Bytes(), []byte(`"fold"`)) {
		t.Error("model file without folding mentions \"fold\"; old readers and hashes expect it absent")
	}
	loaded, err := Load(bytes.NewReader(buf.Bytes()))
	if err != nil {
		t.Fatal(err)
	}
	if loaded.Info().Features.Fold || loaded.Tokenizer().Folds() {
		t.Error("model trained without folding folds after loading")
	}
}
