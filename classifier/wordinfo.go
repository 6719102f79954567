package classifier

import (
	"strings"

	"github.com/tribune/tribune/classifier/wordpiece"
)

// wordInfo is what the word lists say about one normalized word: its lexicon categories in
// every lexicon version (lexTable.category), its stance cues (stanceCues) and whether it is a
// stop word (stopwords). Scoring looks it up once per word of a comment, and the tone features
// and the stance component both read it: four map lookups per word, each hashing the word
// again, were a tenth of scoring.
type wordInfo struct {
	cats [LexiconLatest + 1]uint16 // indexed like lexTables: 0 and 1 are version 1
	cue  uint16
	stop bool
}

// wordInfoTable finds a word's wordInfo from the word and its hashString hash, which the
// features have already computed. It holds every word of the lexicon, cue and stop word lists.
type wordInfoTable struct {
	slots   []wordSlot // open addressing on the hash, at most half full
	entries []wordEntry
	mask    uint64
}

// wordSlot locates one entry: i is its index in entries plus one (0 marks an empty slot).
type wordSlot struct {
	h uint64
	i uint32
}

type wordEntry struct {
	word string
	info wordInfo
}

var wordInfos = newWordInfoTable()

// newWordInfoTable builds the table from the lexicon tables, stanceCues and stopwords. The
// lexicon's prefix rule (category) is applied at lookup, since it covers words not listed.
func newWordInfoTable() *wordInfoTable {
	infos := map[string]*wordInfo{}
	get := func(w string) *wordInfo {
		if infos[w] == nil {
			infos[w] = &wordInfo{}
		}
		return infos[w]
	}
	for v, lex := range lexTables {
		for w, c := range lex.words {
			get(w).cats[v] = c
		}
	}
	for w, c := range stanceCues {
		get(w).cue = c
	}
	for _, w := range strings.Fields(stopwordList) {
		get(w)
	}
	size := 16
	for size < 2*len(infos) {
		size <<= 1
	}
	t := &wordInfoTable{slots: make([]wordSlot, size), mask: uint64(size - 1)}
	for _, w := range sortedKeys(boolKeys(infos)) {
		info := infos[w]
		h := hashString(w)
		// Stop words are looked up by hash (stopwords), so a word is one exactly when its hash
		// is a stop word's.
		info.stop = stopwords[h]
		t.entries = append(t.entries, wordEntry{w, *info})
		i := h & t.mask
		for t.slots[i].i != 0 {
			i = (i + 1) & t.mask
		}
		t.slots[i] = wordSlot{h, uint32(len(t.entries))}
	}
	return t
}

// boolKeys returns a set of m's keys.
func boolKeys[V any](m map[string]V) map[string]bool {
	set := make(map[string]bool, len(m))
	for k := range m {
		set[k] = true
	}
	return set
}

// lookup returns the wordInfo of the normalized word w, whose hashString is h.
func (t *wordInfoTable) lookup(w string, h uint64) wordInfo {
	var info wordInfo
	for i := h & t.mask; t.slots[i].i != 0; i = (i + 1) & t.mask {
		if t.slots[i].h != h {
			continue
		}
		e := &t.entries[t.slots[i].i-1]
		if e.word == w {
			info = e.info
			break
		}
		// Another word with the same hash: not w, but w is a stop word if it is.
		info.stop = e.info.stop
	}
	if len(w) > 4 && profanePrefix(w) {
		for v := range info.cats {
			info.cats[v] |= lexProfane
		}
	}
	return info
}

// profanePrefix reports whether w begins with a swear word's stem ("fuckwits", "shitshow"),
// which lexTable.category counts as profane.
func profanePrefix(w string) bool {
	switch w[0] {
	case 'f', 's', 'm', 'b':
		return strings.HasPrefix(w, "fuck") || strings.HasPrefix(w, "shit") ||
			strings.HasPrefix(w, "motherf") || strings.HasPrefix(w, "bullshit")
	}
	return false
}

// toneOnlyInfo is toneOnly from a word's wordInfo.
func toneOnlyInfo(info wordInfo) bool {
	return info.cats[1]&(lexProfane|lexInsult|lexSlur|lexDehuman) != 0
}

// lookupWords appends to dst the wordInfo of every word of enc, whose hashString hashes are
// hash.
func lookupWords(dst []wordInfo, hash []uint64, enc *wordpiece.Encoding) []wordInfo {
	for i, h := range hash {
		dst = append(dst, wordInfos.lookup(enc.Norm(i), h))
	}
	return dst
}
