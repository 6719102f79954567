package classifier

import (
	"math"
	"slices"
	"sort"
)

// Explain is Predict plus, for every head, the topK features (all if topK <= 0) that moved its
// decided class most, by absolute weight.
func (m *Model) Explain(text, context string, topK int) Prediction {
	s := m.getScratch()
	defer m.pool.Put(s)
	m.score(s, text, context)
	var p Prediction
	m.fill(&p, s.logits)
	m.setSpans(&p, s, len(text))
	win := slices.Clone(s.win)
	sents := slices.Clone(s.sents)
	// Explain each head from the text that decided it: the whole comment, or its sentence.
	m.feat.featurize(s, text, context, m.context, true)
	m.explainHeads(&p, s, win, -1, 0, topK)
	done := map[int]bool{}
	for _, w := range win {
		if w < 0 || done[w] {
			continue
		}
		done[w] = true
		r := sents[w]
		m.feat.featurize(s, text[r[0]:r[1]], "", false, true)
		m.explainHeads(&p, s, win, w, r[0], topK)
	}
	if m.stance != nil {
		m.explainStance(&p, text, context, topK)
	}
	return p
}

// explainHeads fills the explanation of every head whose deciding text is sentence sent (-1:
// the whole comment) from the traced features in s, shifting their offsets by shift bytes.
func (m *Model) explainHeads(p *Prediction, s *scratch, win []int, sent, shift, topK int) {
	for i := range m.heads {
		if win[i] != sent || m.isStance(i) {
			continue
		}
		h := &m.heads[i]
		hp := &p.Heads[i]
		target := len(h.Classes) - 1 // binary: the attribute
		if !h.Binary {
			target = indexOf(h.Classes, hp.Label)
		}
		var top topContribs
		top.reset(topK)
		for j, f := range s.feats {
			r := m.lookup(f.key)
			if r < 0 {
				continue
			}
			width := len(h.Classes)
			if h.Binary {
				width = 1 // one logit column
			}
			row := m.row(r)[m.col[i] : m.col[i]+width]
			var w float64
			if h.Binary {
				w = float64(halfTable[row[0]])
			} else {
				mean := 0.0
				for _, x := range row {
					mean += float64(halfTable[x])
				}
				w = float64(halfTable[row[target]]) - mean/float64(len(row))
			}
			w *= float64(f.val)
			if w == 0 {
				continue
			}
			top.add(w, j)
		}
		cs := make([]Contribution, len(top.items))
		for n, it := range top.items {
			sp := s.spans[it.feat]
			if sp.start >= 0 {
				sp.start += shift
				sp.end += shift
			}
			cs[n] = Contribution{Feature: sp.name, Class: h.Classes[target], Weight: it.weight,
				Start: sp.start, End: sp.end}
		}
		hp.Explanation = cs
	}
}

// topContribs keeps the k contributions of largest magnitude in order, earlier features first
// among equals (as a stable sort would). A comment has hundreds of feature occurrences and an
// explanation wants a handful: insertion into a short sorted list is far cheaper than sorting
// them all. k <= 0 keeps everything.
type topContribs struct {
	k     int
	items []weighted
}

// weighted is one contribution kept by topContribs: its weight and its feature index.
type weighted struct {
	weight float64
	feat   int
}

// reset empties t and makes it keep k contributions.
func (t *topContribs) reset(k int) {
	t.k = k
	t.items = t.items[:0]
}

// add offers the contribution of weight w of feature feat.
func (t *topContribs) add(w float64, feat int) {
	a := math.Abs(w)
	n := len(t.items)
	if t.k > 0 && n == t.k && a <= math.Abs(t.items[n-1].weight) {
		return
	}
	// Position after every item at least as large: ties keep feature order.
	i := sort.Search(n, func(i int) bool { return math.Abs(t.items[i].weight) < a })
	if t.k <= 0 || n < t.k {
		t.items = append(t.items, weighted{})
	}
	copy(t.items[i+1:], t.items[i:len(t.items)-1])
	t.items[i] = weighted{weight: w, feat: feat}
}

// indexOf returns the index of x in xs, or 0 when absent.
func indexOf(xs []string, x string) int {
	for i, y := range xs {
		if y == x {
			return i
		}
	}
	return 0
}
