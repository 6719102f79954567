package moderation

import (
	"context"
	"fmt"
	"io"
	"math"
	"sort"
	"strings"
	"time"
)

// Agreement counts how machine verdicts compare with human decisions, with "held" (hold or
// reject) as the machine's positive and a moderator's reject as the truth.
type Agreement struct {
	TP, FP, FN, TN int
}

// Precision is the share of held decided comments that moderators rejected (NaN for none held).
func (a Agreement) Precision() float64 { return ratio(a.TP, a.TP+a.FP) }

// Recall is the share of moderators' rejects that the machine held (NaN for no rejects).
func (a Agreement) Recall() float64 { return ratio(a.TP, a.TP+a.FN) }

func (a *Agreement) add(held, rejected bool) {
	switch {
	case held && rejected:
		a.TP++
	case held:
		a.FP++
	case rejected:
		a.FN++
	default:
		a.TN++
	}
}

func ratio(n, d int) float64 {
	if d == 0 {
		return math.NaN()
	}
	return float64(n) / float64(d)
}

// TokenShift is how much one token pushed the verdicts that changed: Weight sums, over changed
// comments, the change of the token's contribution (new minus old explanation) in the
// direction of the change (towards hold for stricter verdicts, towards approve for milder).
type TokenShift struct {
	Weight   float64
	Comments int
}

// RescoreTally is the report's data for some batches; tallies add up. Map keys are strings
// so that a tally survives a round trip through a checkpoint unchanged.
type RescoreTally struct {
	Scored  int
	Decided int // comments with a human decision: scores stored, verdict kept
	Changed int // undecided comments whose machine verdict changed
	// Transitions counts undecided comments by "old→new" machine verdict, changed or not.
	Transitions map[string]int
	// Old and New compare the previous and the new machine verdicts of decided comments with
	// the decisions.
	Old, New Agreement
	Tokens   map[string]TokenShift
}

func (t *RescoreTally) init() {
	if t.Transitions == nil {
		t.Transitions = map[string]int{}
	}
	if t.Tokens == nil {
		t.Tokens = map[string]TokenShift{}
	}
}

// Add adds u's counts to t.
func (t *RescoreTally) Add(u RescoreTally) {
	t.init()
	t.Scored += u.Scored
	t.Decided += u.Decided
	t.Changed += u.Changed
	for k, n := range u.Transitions {
		t.Transitions[k] += n
	}
	for _, p := range []struct{ dst, src *Agreement }{{&t.Old, &u.Old}, {&t.New, &u.New}} {
		p.dst.TP += p.src.TP
		p.dst.FP += p.src.FP
		p.dst.FN += p.src.FN
		p.dst.TN += p.src.TN
	}
	for tok, s := range u.Tokens {
		cur := t.Tokens[tok]
		cur.Weight += s.Weight
		cur.Comments += s.Comments
		t.Tokens[tok] = cur
	}
}

// tally counts one scored batch, reading the old explanations of the comments that changed.
func (r *Rescorer) tally(ctx context.Context, j *job) (RescoreTally, error) {
	var t RescoreTally
	t.init()
	var changed []int64
	for i, res := range j.results {
		t.Scored++
		if res.Decided {
			t.Decided++
			rejected := j.items[i].Decision == Reject
			t.Old.add(res.Old != Approve && res.Old != "", rejected)
			t.New.add(res.Verdict != Approve, rejected)
			continue
		}
		t.Transitions[string(res.Old)+"→"+string(res.Verdict)]++
		if res.Changed {
			t.Changed++
			changed = append(changed, res.ID)
		}
	}
	if len(changed) == 0 {
		return t, nil
	}
	old, err := r.Store.Explanations(ctx, changed)
	if err != nil {
		return t, fmt.Errorf("old explanations: %w", err)
	}
	for _, res := range j.results {
		if res.Changed {
			shiftTokens(t.Tokens, old[res.ID], res)
		}
	}
	return t, nil
}

// shiftTokens adds one changed comment's token shifts: per token, the tone heads' summed
// contribution in the new explanation minus that in the old, signed so that positive pushed
// the verdict the way it moved.
func shiftTokens(into map[string]TokenShift, old map[string][]Contribution, res RescoreResult) {
	dir := 1.0
	if severity(res.Verdict) < severity(res.Old) {
		dir = -1
	}
	delta := map[string]float64{}
	for _, attr := range ToneAttributes {
		for _, c := range res.Assessment.Explanation[attr] {
			delta[c.Feature] += c.Weight
		}
		for _, c := range old[attr] {
			delta[c.Feature] -= c.Weight
		}
	}
	// Sorted, so float sums are the same in every run.
	toks := make([]string, 0, len(delta))
	for tok := range delta {
		toks = append(toks, tok)
	}
	sort.Strings(toks)
	for _, tok := range toks {
		if d := delta[tok] * dir; d > 0 {
			s := into[tok]
			s.Weight += d
			s.Comments++
			into[tok] = s
		}
	}
}

// RescoreReport is what a rescoring run did (or, in a dry run, would do).
type RescoreReport struct {
	Key          string
	ModelVersion string
	Filter       RescoreFilter
	Apply        bool
	Total        int // comments the run covers, including those done before a resume
	Processed    int
	Resumed      int // comments done by earlier, interrupted invocations
	Elapsed      time.Duration
	Tally        RescoreTally
}

// TopTokens returns the n tokens that pushed the changes most, strongest first.
func (rep RescoreReport) TopTokens(n int) []string {
	toks := make([]string, 0, len(rep.Tally.Tokens))
	for tok := range rep.Tally.Tokens {
		toks = append(toks, tok)
	}
	sort.Slice(toks, func(a, b int) bool {
		wa, wb := rep.Tally.Tokens[toks[a]].Weight, rep.Tally.Tokens[toks[b]].Weight
		if wa != wb {
			return wa > wb
		}
		return toks[a] < toks[b]
	})
	if len(toks) > n {
		toks = toks[:n]
	}
	return toks
}

// WriteText writes the report for people.
func (rep RescoreReport) WriteText(w io.Writer) error {
	var b strings.Builder
	mode := "dry run (nothing written; --apply to write)"
	if rep.Apply {
		mode = "applied"
	}
	fmt.Fprintf(&b, "rescore %s with model %s: %s\n", rep.Key, rep.ModelVersion, mode)
	fmt.Fprintf(&b, "comments: %d scored", rep.Tally.Scored)
	if rep.Resumed > 0 {
		fmt.Fprintf(&b, " (%d of them by an earlier, interrupted run)", rep.Resumed)
	}
	if secs := rep.Elapsed.Seconds(); secs > 0 {
		fmt.Fprintf(&b, " in %.1fs (%.0f/s)", secs, float64(rep.Processed-rep.Resumed)/secs)
	}
	fmt.Fprintf(&b, "; %d human-decided kept their decision; %d machine verdicts changed\n",
		rep.Tally.Decided, rep.Tally.Changed)

	fmt.Fprintln(&b, "\nverdict transitions (undecided comments):")
	keys := make([]string, 0, len(rep.Tally.Transitions))
	for k := range rep.Tally.Transitions {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool {
		ni, nj := rep.Tally.Transitions[keys[i]], rep.Tally.Transitions[keys[j]]
		if ni != nj {
			return ni > nj
		}
		return keys[i] < keys[j]
	})
	for _, k := range keys {
		fmt.Fprintf(&b, "  %-20s %d\n", k, rep.Tally.Transitions[k])
	}
	if len(keys) == 0 {
		fmt.Fprintln(&b, "  (none)")
	}

	fmt.Fprintf(&b, "\nagreement with %d moderator decisions (held = hold or reject; truth = rejected):\n", rep.Tally.Decided)
	fmt.Fprintf(&b, "  %-10s %9s %9s\n", "", "precision", "recall")
	fmt.Fprintf(&b, "  %-10s %9s %9s\n", "old model", pct(rep.Tally.Old.Precision()), pct(rep.Tally.Old.Recall()))
	fmt.Fprintf(&b, "  %-10s %9s %9s\n", "new model", pct(rep.Tally.New.Precision()), pct(rep.Tally.New.Recall()))

	fmt.Fprintln(&b, "\ntokens most responsible for the changes:")
	top := rep.TopTokens(10)
	for _, tok := range top {
		s := rep.Tally.Tokens[tok]
		fmt.Fprintf(&b, "  %-20q %+8.2f in %d comments\n", tok, s.Weight, s.Comments)
	}
	if len(top) == 0 {
		fmt.Fprintln(&b, "  (none)")
	}
	_, err := io.WriteString(w, b.String())
	return err
}

func pct(x float64) string {
	if math.IsNaN(x) {
		return "n/a"
	}
	return fmt.Sprintf("%.1f%%", 100*x)
}
