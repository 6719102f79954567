package wordpiece

import "hash/maphash"

// wordKeyMax is the longest token, in bytes, that wordTable stores; longer ones are looked up in
// the Tokenizer's map. 869 of bert-base-uncased's 30,522 tokens are longer, and under 1% of
// the words of real comments.
const wordKeyMax = 11

// wordTable maps the vocabulary's short tokens to their ids for the whole-word lookup that nearly
// every word of a comment makes. The key bytes sit inline in the 16-byte entry, so a lookup reads
// one cache line where a map[string]int32 reads the map's slot group and then the key's bytes
// elsewhere: on a 30,000-token vocabulary that lookup was a fifth of scoring a comment. (With
// 32-byte entries for keys of up to 23 bytes the table took 2 MB, and scoring was 1.5% slower:
// the lookups miss the cache, and a smaller table misses less.)
type wordTable struct {
	entries []wordEntry
	mask    uint32
	seed    maphash.Seed
}

type wordEntry struct {
	key [wordKeyMax]byte
	n   uint8 // key length; 0 marks an empty entry
	id  int32
}

// newWordTable builds the table of ids' keys of at most wordKeyMax bytes, at most half full.
func newWordTable(ids map[string]int32) *wordTable {
	size := 16
	for size < 2*len(ids) {
		size <<= 1
	}
	t := &wordTable{entries: make([]wordEntry, size), mask: uint32(size - 1), seed: maphash.MakeSeed()}
	for k, id := range ids {
		if len(k) == 0 || len(k) > wordKeyMax {
			continue
		}
		i := uint32(maphash.String(t.seed, k)) & t.mask
		for t.entries[i].n != 0 {
			i = (i + 1) & t.mask
		}
		e := &t.entries[i]
		copy(e.key[:], k)
		e.n, e.id = uint8(len(k)), id
	}
	return t
}

// hash is the hash of w that places it in the table.
func (t *wordTable) hash(w []byte) uint64 { return maphash.Bytes(t.seed, w) }

// lookup returns the id of w and whether w is a token. The answer is final for 1 to wordKeyMax
// bytes; longer words must be looked up in the map.
func (t *wordTable) lookup(w []byte) (int32, bool) {
	if len(w) == 0 || len(w) > wordKeyMax {
		return 0, false
	}
	return t.lookupHash(w, t.hash(w))
}

// lookupHash is lookup of a word of 1 to wordKeyMax bytes whose hash is h.
func (t *wordTable) lookupHash(w []byte, h uint64) (int32, bool) {
	for i := uint32(h) & t.mask; ; i = (i + 1) & t.mask {
		e := &t.entries[i]
		if e.n == 0 {
			return 0, false
		}
		if int(e.n) == len(w) && string(e.key[:e.n]) == string(w) {
			return e.id, true
		}
	}
}
