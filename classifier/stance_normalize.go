package classifier

import (
	"math"
	"slices"
)

// stanceTF counts one feature key's occurrences in a comment: all of them, and those in the
// word block (negated while normalize collects the key).
type stanceTF struct {
	key    uint32
	tf, nw int32
}

// normalize gives the word block sublinear term frequencies and unit norm, and each cue
// 1+ln(count) spread over its occurrences, so repeating a sentence saturates.
//
// The squared norm is summed over the word block's occurrences in ascending key order, as it
// was when the features were sorted by key to count them. That order fixes the rounding of
// the sum, so scores stay bit for bit what they were; but only the distinct word-block keys
// need sorting now, not every occurrence of every feature: sorting them was a tenth of scoring.
func (st *stanceModel) normalize(s *stanceScratch) {
	size := 16
	for size < 2*len(s.feats) {
		size <<= 1
	}
	s.tf = slices.Grow(s.tf[:0], size)[:size]
	tab := s.tf
	mask := uint32(size - 1)
	s.tfAt = s.tfAt[:0]
	for _, f := range s.feats {
		h := f.key & mask // keys are well-mixed hashes
		for tab[h].tf != 0 && tab[h].key != f.key {
			h = (h + 1) & mask
		}
		e := &tab[h]
		e.key = f.key
		e.tf++
		if f.blk == stBlkWords {
			e.nw++
		}
		s.tfAt = append(s.tfAt, int32(h))
	}
	s.pairs = s.pairs[:0]
	for j, h := range s.tfAt {
		e := &tab[h]
		val, _ := sublinearValue(int(e.tf))
		s.feats[j].val = float32(val)
		if e.nw > 0 {
			s.pairs = append(s.pairs, uint64(e.key)<<32|uint64(h))
			e.nw = -e.nw
		}
	}
	s.sortTmp, s.sortCounts = sortHashed(s.pairs, s.sortTmp, s.sortCounts)
	sq := 0.0
	for _, p := range s.pairs {
		e := &tab[uint32(p)]
		_, share := sublinearValue(int(e.tf))
		for range -e.nw {
			sq += share
		}
	}
	for _, h := range s.tfAt {
		tab[h] = stanceTF{}
	}
	if sq > 0 {
		v := float32(1 / math.Sqrt(sq))
		for i := range s.feats {
			if s.feats[i].blk == stBlkWords {
				s.feats[i].val *= v
			}
		}
	}
}

// sortHashed sorts a, whose high bits are a well-mixed hash, in ascending order, with tmp and
// counts as working memory (grown as needed and returned for reuse). A long slice is
// distributed into buckets by its top bits, about two values per bucket, and each bucket
// sorted on its own: linear time on hashed keys, where comparison sorting the keys of long
// comments took most of normalize. A bucket that holds many values (keys chosen to collide)
// is sorted with slices.Sort, so the worst case stays O(n log n). The result is slices.Sort's.
func sortHashed(a, tmp []uint64, counts []int32) ([]uint64, []int32) {
	n := len(a)
	if n < 128 {
		slices.Sort(a)
		return tmp, counts
	}
	bits := 6
	for bits < 16 && 1<<bits < n/2 {
		bits++
	}
	shift := 64 - bits
	nb := 1 << bits
	counts = slices.Grow(counts[:0], nb+1)[:nb+1]
	clear(counts)
	for _, v := range a {
		counts[v>>shift+1]++
	}
	for b := 1; b <= nb; b++ {
		counts[b] += counts[b-1]
	}
	// counts[b] is now the start of bucket b; scattering advances it to the bucket's end.
	tmp = slices.Grow(tmp[:0], n)[:n]
	for _, v := range a {
		b := v >> shift
		tmp[counts[b]] = v
		counts[b]++
	}
	lo := 0
	for b := range nb {
		hi := int(counts[b])
		if bucket := tmp[lo:hi]; len(bucket) > 16 {
			slices.Sort(bucket)
		} else {
			insertionSort(bucket)
		}
		lo = hi
	}
	copy(a, tmp)
	return tmp, counts
}

// insertionSort sorts a short slice in place.
func insertionSort(a []uint64) {
	for i := 1; i < len(a); i++ {
		v := a[i]
		j := i
		for j > 0 && a[j-1] > v {
			a[j] = a[j-1]
			j--
		}
		a[j] = v
	}
}
