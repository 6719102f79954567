package classifier

// Hashing: FNV-1a over bytes, finished with the splitmix64 finalizer so that low bits are well
// mixed; keys are the low 32 bits of a namespaced mix.
const (
	fnvOffset = 14695981039346656037
	fnvPrime  = 1099511628211
)

// hashString returns the mixed FNV-1a hash of s.
func hashString(s string) uint64 {
	h := uint64(fnvOffset)
	for i := 0; i < len(s); i++ {
		h ^= uint64(s[i])
		h *= fnvPrime
	}
	return mix64(h)
}

// mix64 is the splitmix64 finalizer.
func mix64(x uint64) uint64 {
	x ^= x >> 30
	x *= 0xbf58476d1ce4e5b9
	x ^= x >> 27
	x *= 0x94d049bb133111eb
	x ^= x >> 31
	return x
}

// key returns the 32-bit feature key of value x in namespace ns. Key 0 marks an empty slot in
// the weight table, so it is never returned.
func key(ns, x uint64) uint32 {
	k := uint32(mix64(x ^ ns*0x9e3779b97f4a7c15))
	if k == 0 {
		k = 1
	}
	return k
}

// resetSet returns an empty open-addressing set with room for n entries at load factor <= 1/2.
func resetSet(set []uint64, n int) []uint64 {
	size := 16
	for size < 2*n {
		size <<= 1
	}
	if cap(set) < size {
		return make([]uint64, size)
	}
	set = set[:size]
	clear(set)
	return set
}

// setAdd inserts h (0 is stored as 1: a collision too rare to matter) and reports whether it
// was new.
func setAdd(set []uint64, h uint64) bool {
	i, h, found := setProbe(set, h)
	if !found {
		set[i] = h
	}
	return !found
}

// setHas reports whether h (0 read as 1, as setAdd stores it) is in set.
func setHas(set []uint64, h uint64) bool {
	_, _, found := setProbe(set, h)
	return found
}

// setProbe looks h up in set by linear probing from its low bits. It returns h as stored (0
// becomes 1), its slot or else the empty slot where it belongs, and whether it was found.
func setProbe(set []uint64, h uint64) (slot, stored uint64, found bool) {
	if h == 0 {
		h = 1
	}
	m := uint64(len(set) - 1)
	for i := h & m; ; i = (i + 1) & m {
		switch set[i] {
		case 0:
			return i, h, false
		case h:
			return i, h, true
		}
	}
}
