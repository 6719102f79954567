package main

import (
	"context"
	"fmt"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/tribune/tribune/fixtures"
	"github.com/tribune/tribune/internal/registry"
	"github.com/tribune/tribune/moderation"
	"github.com/tribune/tribune/store"
)

// Identity-bias floors (issue 9, "No unintended identity bias"), for the lead to tune.
const (
	// minBPSNAUC is the lowest BPSN AUC any identity term may have.
	minBPSNAUC = 0.85
	// maxFalseHold is the highest share of civil template sentences naming a term that the
	// default policy may hold.
	maxFalseHold = 0.10
)

// identityStats is one term's row of the bias report.
type identityStats struct {
	term                 string
	civil, civilHeld     int
	abusive, abusiveHeld int
	bpsn                 float64
	meanCivilRisk        float64
}

// TestIdentityBias scores every identity template (fixtures.IdentitySentences, evaluation
// only) with the embedded default model and the default policy through moderation.Service,
// the path the server takes, and reports per identity term:
//   - the false-hold rate: the share of civil sentences naming the term that are not approved;
//   - the BPSN AUC (background positive, subgroup negative): the ROC AUC that separates
//     abusive sentences NOT naming the term from civil sentences naming it. A low value means
//     the mere mention of the term looks like abuse to the model.
//
// The score ranked is the policy risk r = max over tone attributes of score / hold threshold,
// so r ≥ 1 is exactly "held by a threshold".
func TestIdentityBias(t *testing.T) {
	clf, err := registry.LoadClassifier("")
	if err != nil {
		t.Fatalf("LoadClassifier: %v", err)
	}
	ctx := context.Background()
	db, err := store.Open(ctx, filepath.Join(t.TempDir(), "identity.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = db.Close() })
	svc, err := moderation.NewService(ctx, db, clf)
	if err != nil {
		t.Fatal(err)
	}
	policy := svc.Policy()

	sentences := fixtures.IdentitySentences()
	risks := make([]float64, len(sentences))
	held := make([]bool, len(sentences))
	for i, s := range sentences {
		a, v, _, err := svc.Score(ctx, s.Text, "")
		if err != nil {
			t.Fatalf("score %q: %v", s.Text, err)
		}
		risks[i] = risk(policy, a.Scores)
		held[i] = v != moderation.Approve
		if held[i] && !s.Abusive && testing.Verbose() {
			t.Logf("civil sentence held: %q: %v", s.Text, a.Scores.Tone)
		}
	}

	var stats []identityStats
	for _, term := range fixtures.IdentityTerms {
		st := identityStats{term: term.Term}
		var pos, neg []float64
		for i, s := range sentences {
			switch {
			case s.Term == term.Term && !s.Abusive:
				st.civil++
				st.meanCivilRisk += risks[i]
				neg = append(neg, risks[i])
				if held[i] {
					st.civilHeld++
				}
			case s.Term == term.Term && s.Abusive:
				st.abusive++
				if held[i] {
					st.abusiveHeld++
				}
			case s.Term != term.Term && s.Abusive:
				pos = append(pos, risks[i])
			}
		}
		st.meanCivilRisk /= float64(st.civil)
		st.bpsn = rocAUC(pos, neg)
		stats = append(stats, st)
	}
	// Worst first: lowest BPSN AUC, then highest false-hold rate.
	sort.SliceStable(stats, func(i, j int) bool {
		if stats[i].bpsn != stats[j].bpsn {
			return stats[i].bpsn < stats[j].bpsn
		}
		return stats[i].civilHeld > stats[j].civilHeld
	})

	var md strings.Builder
	fmt.Fprintf(&md, "Identity templates (`fixtures/identity.go`: %d terms × %d civil and %d abusive frames), model `%s`, default policy; "+
		"score = policy risk max(score / hold threshold); floors: BPSN AUC ≥ %.2f, false-hold ≤ %.2f:\n\n",
		len(fixtures.IdentityTerms), len(fixtures.IdentityCivilFrames), len(fixtures.IdentityAbusiveFrames), clf.Version(), minBPSNAUC, maxFalseHold)
	md.WriteString("| term | BPSN AUC | civil false-hold | abusive held | mean civil risk | |\n| --- | ---: | ---: | ---: | ---: | --- |\n")
	var below []string
	civil, civilHeld, abusive, abusiveHeld := 0, 0, 0, 0
	for _, st := range stats {
		fh := float64(st.civilHeld) / float64(st.civil)
		var miss []string
		if st.bpsn < minBPSNAUC {
			miss = append(miss, "AUC")
		}
		if fh > maxFalseHold {
			miss = append(miss, "false-hold")
		}
		mark := "ok"
		if len(miss) > 0 {
			mark = "BELOW: " + strings.Join(miss, ", ")
			below = append(below, fmt.Sprintf("%s (AUC %.3f, false-hold %.2f)", st.term, st.bpsn, fh))
		}
		fmt.Fprintf(&md, "| %s | %.3f | %.2f (%d/%d) | %.2f (%d/%d) | %.2f | %s |\n", st.term, st.bpsn, fh, st.civilHeld, st.civil,
			float64(st.abusiveHeld)/float64(st.abusive), st.abusiveHeld, st.abusive, st.meanCivilRisk, mark)
		civil += st.civil
		civilHeld += st.civilHeld
		abusive += st.abusive
		abusiveHeld += st.abusiveHeld
	}
	var pos, neg []float64
	for i, s := range sentences {
		if s.Abusive {
			pos = append(pos, risks[i])
		} else {
			neg = append(neg, risks[i])
		}
	}
	fmt.Fprintf(&md, "\nAll terms: civil false-hold %.2f (%d/%d), abusive held %.2f (%d/%d), overall AUC %.3f; worst term %s.\n",
		float64(civilHeld)/float64(civil), civilHeld, civil, float64(abusiveHeld)/float64(abusive), abusiveHeld, abusive,
		rocAUC(pos, neg), stats[0].term)
	t.Logf("\n%s", md.String())
	writeReport(t, "identity", md.String())
	reportFloors(t, "identity bias", below)
}

// risk is the policy risk of scores: the largest ratio of a tone score to its hold threshold.
func risk(p moderation.Policy, s moderation.Scores) float64 {
	r := 0.0
	for _, attr := range moderation.ToneAttributes {
		h, ok := p.Hold[attr]
		if !ok || h <= 0 {
			continue
		}
		if v := s.Tone[attr] / h; v > r {
			r = v
		}
	}
	return r
}

// rocAUC is the probability that a random positive scores above a random negative, ties
// counting one half (the Mann–Whitney statistic). The sets here are a few hundred by a dozen,
// so counting every pair is exact and cheap.
func rocAUC(pos, neg []float64) float64 {
	if len(pos) == 0 || len(neg) == 0 {
		return 0
	}
	wins := 0.0
	for _, p := range pos {
		for _, n := range neg {
			switch {
			case p > n:
				wins++
			case p == n:
				wins += 0.5
			}
		}
	}
	return wins / float64(len(pos)*len(neg))
}

func TestROCAUC(t *testing.T) {
	for _, tc := range []struct {
		name     string
		pos, neg []float64
		want     float64
	}{
		{"separated", []float64{0.9, 0.8}, []float64{0.1, 0.2}, 1},
		{"reversed", []float64{0.1}, []float64{0.9}, 0},
		{"ties", []float64{0.5}, []float64{0.5}, 0.5},
		{"mixed", []float64{0.3, 0.9}, []float64{0.5}, 0.5},
		{"empty", nil, []float64{0.5}, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := rocAUC(tc.pos, tc.neg); got != tc.want {
				t.Errorf("rocAUC = %v, want %v", got, tc.want)
			}
		})
	}
}
