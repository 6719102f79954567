package classifier

import (
	"errors"
	"fmt"
	"slices"
	"sort"
)

// headData is one head's training set.
type headData struct {
	Head
	rows []int // example indices
	y    []int // class index of each row
}

// outputs is the number of output columns of the head: 1 for a binary head, else one per class.
func (h *headData) outputs() int {
	if h.Binary {
		return 1
	}
	return len(h.Classes)
}

// collectHeads finds the heads the examples label: one multi-class head from Label, one binary
// head per Labels attribute, in name order after the multi-class head.
func collectHeads(train []Example, cfg TrainConfig) ([]*headData, error) {
	want := func(name string) bool { return len(cfg.Heads) == 0 || slices.Contains(cfg.Heads, name) }
	useCtx := func(name string) bool {
		return slices.Contains(cfg.ContextHeads, "all") || slices.Contains(cfg.ContextHeads, name)
	}
	var heads []*headData
	classSet := map[string]bool{}
	attrs := map[string]bool{}
	for _, ex := range train {
		if ex.Label != "" {
			classSet[ex.Label] = true
		}
		for a := range ex.Labels {
			attrs[a] = true
		}
	}
	if len(classSet) > 0 && want(cfg.Head) {
		if attrs[cfg.Head] {
			return nil, fmt.Errorf("train: head %q is both the multi-class head and an attribute", cfg.Head)
		}
		if len(classSet) < 2 {
			return nil, fmt.Errorf("train: head %q: need at least two classes", cfg.Head)
		}
		classes := sortedKeys(classSet)
		h := &headData{Head: Head{Name: cfg.Head, Classes: classes, Context: useCtx(cfg.Head)}}
		for i, ex := range train {
			if ex.Label != "" {
				h.rows = append(h.rows, i)
				h.y = append(h.y, slices.Index(classes, ex.Label))
			}
		}
		heads = append(heads, h)
	}
	for _, a := range sortedKeys(attrs) {
		if !want(a) {
			continue
		}
		h := &headData{Head: Head{Name: a, Classes: []string{"not_" + a, a}, Binary: true, Context: useCtx(a)}}
		pos := 0
		for i, ex := range train {
			if y, ok := ex.Labels[a]; ok {
				h.rows = append(h.rows, i)
				h.y = append(h.y, y)
				pos += y
			}
		}
		if pos == 0 || pos == len(h.rows) {
			return nil, fmt.Errorf("train: head %q: need both 0 and 1 labels", a)
		}
		heads = append(heads, h)
	}
	if len(heads) == 0 {
		return nil, errors.New("train: no labeled examples for the requested heads")
	}
	if cfg.SourceBias && !cfg.OneClassSources {
		for _, h := range heads {
			dropOneClassSources(h, train)
		}
	}
	return heads, nil
}

// sortedKeys returns the keys of m in order.
func sortedKeys(m map[string]bool) []string {
	ks := make([]string, 0, len(m))
	for k := range m {
		ks = append(ks, k)
	}
	sort.Strings(ks)
	return ks
}

// dropOneClassSources removes from a binary head h the rows of every source that has fewer
// than minSourceClass negative rows. Rows without a source stay; multi-class heads are kept
// whole, since their sources legitimately cover different subsets of the classes.
func dropOneClassSources(h *headData, train []Example) {
	if !h.Binary {
		return
	}
	counts := map[string][]int{}
	for i, r := range h.rows {
		src := train[r].Source
		if src == "" {
			continue
		}
		if counts[src] == nil {
			counts[src] = make([]int, len(h.Classes))
		}
		counts[src][h.y[i]]++
	}
	n := 0
	for i, r := range h.rows {
		if c := counts[train[r].Source]; c != nil && c[0] < minSourceClass {
			continue
		}
		h.rows[n], h.y[n] = r, h.y[i]
		n++
	}
	h.rows, h.y = h.rows[:n], h.y[:n]
}
