package moderation_test

import (
	"context"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/tribune/tribune/moderation"
	"github.com/tribune/tribune/moderation/moderationtest"
)

// The settings page's policy preview and a dry-run rescore with the same model judge stored
// comments by one rule, so they report the same changes. The approved comment of an article
// closed afterwards is the case they once disagreed on: closing keeps the discussion, so it
// stays approved under both.
func TestPolicyPreviewEqualsDryRunRescore(t *testing.T) {
	ctx := context.Background()
	f := newRescoreFixture(t)
	f.submit(t, "a1", "You idiot, you idiot")        // two insults: held with auto-reject off
	f.submit(t, "a1", "You idiot, read the article") // one insult: held
	f.submit(t, "a1", "Total nonsense but civil")    // approved
	decided := f.submit(t, "a1", "Another idiot, what an idiot").ID
	f.decide(t, decided, moderation.Approve, moderation.ApproveReasons[0])
	f.article(t, "c", moderation.ModeAuto)
	before := f.submit(t, "c", "A fair point about the tram")
	if before.MachineVerdict != moderation.Approve {
		t.Fatalf("comment before closing = %s, want approve", before.MachineVerdict)
	}
	if _, _, err := f.svc.PutArticle(ctx, moderation.Article{ID: "c", Title: "Closed now", Mode: moderation.ModeClosed}); err != nil {
		t.Fatal(err)
	}
	if after := f.submit(t, "c", "Too late to the party"); after.MachineVerdict != moderation.Reject {
		t.Fatalf("comment after closing = %s, want reject", after.MachineVerdict)
	}

	p := moderationtest.Policy()
	p.AutoReject = true
	pv, err := f.svc.PreviewPolicy(ctx, p, 100)
	if err != nil {
		t.Fatal(err)
	}
	dry := &moderation.Rescorer{Store: f.db, Classifier: moderationtest.FakeClassifier{}, Policy: p}
	rep, err := dry.Run(ctx, moderation.RescoreFilter{})
	if err != nil {
		t.Fatal(err)
	}
	rescored := map[[2]moderation.Verdict]int{}
	for _, res := range []struct{ from, to moderation.Verdict }{
		{moderation.Approve, moderation.Hold}, {moderation.Approve, moderation.Reject},
		{moderation.Hold, moderation.Approve}, {moderation.Hold, moderation.Reject},
		{moderation.Reject, moderation.Approve}, {moderation.Reject, moderation.Hold},
	} {
		if n := rep.Tally.Transitions[string(res.from)+"→"+string(res.to)]; n > 0 {
			rescored[[2]moderation.Verdict{res.from, res.to}] = n
		}
	}
	if diff := cmp.Diff(rescored, pv.Transitions); diff != "" {
		t.Errorf("preview transitions differ from the dry-run rescore's (-rescore +preview):\n%s", diff)
	}
	if pv.Checked != rep.Tally.Scored || pv.Changed != rep.Tally.Changed || pv.DecidedChanged != 1 {
		t.Errorf("preview checked %d, changed %d, decided changed %d; rescore scored %d, changed %d; want equal, and 1 decided",
			pv.Checked, pv.Changed, pv.DecidedChanged, rep.Tally.Scored, rep.Tally.Changed)
	}
	want := map[[2]moderation.Verdict]int{{moderation.Hold, moderation.Reject}: 1}
	if diff := cmp.Diff(want, pv.Transitions); diff != "" {
		t.Errorf("preview transitions (-want +got):\n%s", diff)
	}
}

func TestToneVerdict(t *testing.T) {
	p := moderation.Policy{Hold: map[string]float64{"insult": 0.5}, Reject: map[string]float64{"insult": 0.9}}
	auto := p
	auto.AutoReject = true
	tests := []struct {
		name  string
		p     moderation.Policy
		score float64
		want  moderation.Verdict
		at    float64
	}{
		{"below hold", p, 0.49, moderation.Approve, 0},
		{"at hold", p, 0.5, moderation.Hold, 0.5},
		{"reject line without auto-reject holds", p, 0.95, moderation.Hold, 0.9},
		{"reject line with auto-reject", auto, 0.9, moderation.Reject, 0.9},
		{"no threshold for the head", auto, 1, moderation.Approve, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			attr := "insult"
			if tt.name == "no threshold for the head" {
				attr = "threat"
			}
			if v, at := tt.p.ToneVerdict(attr, tt.score); v != tt.want || at != tt.at {
				t.Errorf("ToneVerdict(%s, %v) = %s, %v; want %s, %v", attr, tt.score, v, at, tt.want, tt.at)
			}
		})
	}
}

func TestHistogramBin(t *testing.T) {
	hold := map[string]float64{"insult": 0.1, "threat": 0.004}
	tests := []struct {
		tone map[string]float64
		want int
	}{
		{map[string]float64{}, 0},
		{map[string]float64{"insult": 0}, 0},
		{map[string]float64{"insult": 0.01}, 0}, // a tenth
		{map[string]float64{"insult": 0.02}, 1}, // a fifth
		{map[string]float64{"insult": 0.099}, moderation.HistogramHoldBin - 1},
		{map[string]float64{"insult": 0.1}, moderation.HistogramHoldBin}, // at the threshold: held
		{map[string]float64{"insult": 0.05, "threat": 0.005}, moderation.HistogramHoldBin},
		{map[string]float64{"insult": 0.5}, moderation.HistogramHoldBin + 2}, // 5 times
		{map[string]float64{"threat": 0.9}, moderation.HistogramBins - 1},
		{map[string]float64{"profanity": 0.9}, 0}, // no threshold: not counted as close
	}
	for _, tt := range tests {
		if got := moderation.HistogramBin(tt.tone, hold); got != tt.want {
			t.Errorf("HistogramBin(%v) = %d, want %d", tt.tone, got, tt.want)
		}
	}
}
