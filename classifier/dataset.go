package classifier

import (
	"slices"
	"sync"
)

// dataset is every example's features in compressed sparse rows over compact feature indices.
type dataset struct {
	ptr   []int // row i is [ptr[i], ptr[i+1])
	split []int // row i's comment features end at split[i]
	idx   []int32
	val   []float32
	keys  []uint32 // compact index -> feature key
	// sources maps the compact index of each source-intercept feature to its source name.
	sources map[int32]string
}

// featurizeAll extracts every example's features in parallel and maps feature keys seen in at
// least minCount examples to compact indices, in key order.
//
// With sourceBias, every example with a Source gets one more comment feature, the indicator of
// its source, recorded in dataset.sources: fitted as a per-source intercept and never served.
func featurizeAll(f featurizer, train []Example, needCtx []bool, minCount, workers int, sourceBias bool) *dataset {
	type rowFeats struct {
		feats []feat
		split int
	}
	rows := make([]rowFeats, len(train))
	var wg sync.WaitGroup
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			s := &scratch{}
			for i := w; i < len(train); i += workers {
				n := f.featurize(s, train[i].Text, train[i].Context, needCtx[i], false)
				fs := make([]feat, 0, len(s.feats)+1)
				fs = append(fs, s.feats[:n]...)
				if sourceBias && train[i].Source != "" {
					fs = append(fs, feat{sourceKey(train[i].Source), 1, blkWord})
				}
				split := len(fs)
				fs = append(fs, s.feats[n:]...)
				rows[i] = rowFeats{fs, split}
			}
		}()
	}
	wg.Wait()
	df := map[uint32]int{}
	seen := map[uint32]bool{}
	for _, r := range rows {
		clear(seen)
		for _, ft := range r.feats {
			if !seen[ft.key] {
				seen[ft.key] = true
				df[ft.key]++
			}
		}
	}
	d := &dataset{}
	srcKeys := map[uint32]string{}
	if sourceBias {
		for _, ex := range train {
			if ex.Source != "" {
				srcKeys[sourceKey(ex.Source)] = ex.Source
			}
		}
	}
	for k, n := range df {
		if n >= minCount || srcKeys[k] != "" {
			d.keys = append(d.keys, k)
		}
	}
	slices.Sort(d.keys)
	index := make(map[uint32]int32, len(d.keys))
	for i, k := range d.keys {
		index[k] = int32(i)
		if name, ok := srcKeys[k]; ok {
			if d.sources == nil {
				d.sources = map[int32]string{}
			}
			d.sources[int32(i)] = name
		}
	}
	d.ptr = append(d.ptr, 0)
	for _, r := range rows {
		for j, ft := range r.feats {
			if j == r.split {
				d.split = append(d.split, len(d.idx))
			}
			if i, ok := index[ft.key]; ok {
				d.idx = append(d.idx, i)
				d.val = append(d.val, ft.val)
			}
		}
		if r.split >= len(r.feats) {
			d.split = append(d.split, len(d.idx))
		}
		d.ptr = append(d.ptr, len(d.idx))
	}
	return d
}

// sourceKey is the feature key of a source's intercept. Its namespace is never produced from
// text, so the feature cannot fire at prediction time even if it were kept.
func sourceKey(source string) uint32 { return key(nsSource, hashString(source)) }
