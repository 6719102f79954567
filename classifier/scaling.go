package classifier

import "math"

// scaleComment scales the first n features, the comment's, as cfg says: sublinear term
// frequencies, unit norm per block, or one occurrence-count L2 scaling.
func (s *scratch) scaleComment(n int, cfg *FeatureConfig) {
	if cfg.Sublinear {
		s.sublinear(n, cfg.BlockNorm)
	} else if cfg.BlockNorm {
		s.blockNorm()
	} else {
		scaleRange(s.feats, 0, n)
	}
}

// blockNorm gives each feature the value 1/sqrt(n), n the number of features in its block.
func (s *scratch) blockNorm() {
	var n [numBlocks]int
	for _, ft := range s.feats {
		n[ft.blk]++
	}
	var v [numBlocks]float32
	for b, c := range n {
		if c > 0 {
			v[b] = float32(1 / math.Sqrt(float64(c)))
		}
	}
	for i := range s.feats {
		s.feats[i].val = v[s.feats[i].blk]
	}
}

// sublinear gives the first n features sublinear term frequencies and unit norm (per block if
// perBlock). A feature key occurring tf times keeps its occurrences, in place so that traced
// spans stay aligned, each with value (1+ln tf)/tf: their sum, all a linear model sees, is
// 1+ln tf.
func (s *scratch) sublinear(n int, perBlock bool) {
	s.sub = s.sub[:0]
	for i := range n {
		s.sub = append(s.sub, int32(i))
	}
	s.sublinearValues(s.sub, perBlock)
	for i, v := range s.subVal {
		s.feats[i].val = v
	}
}

// sublinearValues sets s.subVal[j], for the features s.feats[idx[j]] taken as one text, to
// their sublinear term frequency value scaled to unit norm (per block if perBlock).
func (s *scratch) sublinearValues(idx []int32, perBlock bool) {
	// Count each key's occurrences in an open-addressing table of key<<32 | count (0: empty),
	// sized to at most half full. Keys are already well-mixed hashes, so their low bits index
	// it directly. Counting is linear in the number of features; sorting them was a fifth of
	// scoring. The table is all zeros between calls: the slots used are cleared at the end.
	size := 16
	for size < 2*len(idx) {
		size <<= 1
	}
	if cap(s.tf) < size {
		s.tf = make([]uint64, size)
	}
	tab := s.tf[:size]
	mask := uint32(size - 1)
	s.tfAt = s.tfAt[:0]
	for _, i := range idx {
		k := s.feats[i].key
		h := k & mask
		for {
			e := tab[h]
			if e == 0 {
				tab[h] = uint64(k)<<32 | 1
				break
			}
			if uint32(e>>32) == k {
				tab[h] = e + 1
				break
			}
			h = (h + 1) & mask
		}
		s.tfAt = append(s.tfAt, int32(h))
	}
	var sq [numBlocks]float64
	s.subVal = s.subVal[:0]
	for j, i := range idx {
		val, share := sublinearValue(int(uint32(tab[s.tfAt[j]])))
		s.subVal = append(s.subVal, float32(val))
		// Each occurrence adds its share of the key's squared value a^2; lexicon features
		// kept out of normalisation add nothing.
		switch {
		case s.feats[i].blk == blkLex:
		case perBlock:
			sq[s.feats[i].blk] += share
		default:
			sq[0] += share
		}
	}
	for _, h := range s.tfAt {
		tab[h] = 0
	}
	var v [numBlocks]float32
	for b, q := range sq {
		if q > 0 {
			v[b] = float32(1 / math.Sqrt(q))
		}
	}
	for j, i := range idx {
		switch b := s.feats[i].blk; {
		case b == blkLex:
		case perBlock:
			s.subVal[j] *= v[b]
		default:
			s.subVal[j] *= v[0]
		}
	}
}

// scaleRange gives feats[lo:hi] the value 1/sqrt(hi-lo): an occurrence-count L2 scaling, so that
// long and short comments produce logits on the same scale.
func scaleRange(fs []feat, lo, hi int) {
	if hi <= lo {
		return
	}
	v := float32(1 / math.Sqrt(float64(hi-lo)))
	for i := lo; i < hi; i++ {
		fs[i].val *= v
	}
}

// sublinearTable holds, for a term frequency tf below its length, each occurrence's value
// (1+ln tf)/tf and its share of the squared norm (1+ln tf)²/tf: nearly every feature of a
// comment occurs a handful of times, and a logarithm per feature was the largest cost of
// scoring.
var sublinearTable = func() [17][2]float64 {
	var t [17][2]float64
	for tf := 1; tf < len(t); tf++ {
		a := 1 + math.Log(float64(tf))
		t[tf] = [2]float64{a / float64(tf), a * a / float64(tf)}
	}
	return t
}()

// sublinearValue returns, for a feature occurring tf times, each occurrence's value
// (1+ln tf)/tf and its share (1+ln tf)²/tf of the squared norm.
func sublinearValue(tf int) (val, share float64) {
	if tf < len(sublinearTable) {
		return sublinearTable[tf][0], sublinearTable[tf][1]
	}
	a := 1 + math.Log(float64(tf))
	return a / float64(tf), a * a / float64(tf)
}
