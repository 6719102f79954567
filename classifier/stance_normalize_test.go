package classifier

import (
	"math/rand/v2"
	"slices"
	"testing"
)

// TestSortHashed checks sortHashed against slices.Sort on hashed keys, on keys that share
// their top bits (one crowded bucket) and on short inputs.
func TestSortHashed(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	var tmp []uint64
	var counts []int32
	for _, n := range []int{0, 1, 5, 127, 128, 129, 300, 1000, 5000, 70000} {
		for _, crowded := range []bool{false, true} {
			a := make([]uint64, n)
			for i := range a {
				a[i] = uint64(key(nsStWord, r.Uint64()))<<32 | uint64(i)
				if crowded && i%3 == 0 {
					a[i] &= 1<<40 - 1 // top bits zero
				}
			}
			want := slices.Clone(a)
			slices.Sort(want)
			tmp, counts = sortHashed(a, tmp, counts)
			if !slices.Equal(a, want) {
				t.Fatalf("n=%d crowded=%v: sortHashed differs from slices.Sort", n, crowded)
			}
		}
	}
}
