package classifier

// logits computes the logits of every output column from the features in s.
func (m *Model) logits(s *scratch) {
	logits := s.logits[:m.k]
	for c, b := range m.bias {
		logits[c] = float64(b)
	}
	// Three passes. The first reads the home entry of every feature with no branch on what it
	// reads, so the CPU keeps dozens of these cache misses in flight instead of stalling on a
	// mispredicted found/absent branch after each. The second resolves the probes from cache
	// (compacting s.slots in place), and the third reads rows, which share cache lines with
	// their keys.
	s.slots = s.slots[:0]
	if len(m.tab) == 0 {
		return
	}
	for _, f := range s.feats {
		h := m.home(f.key)
		e := m.tab[int(h)*m.stride:]
		s.slots = append(s.slots, slot{int32(h), int32(uint32(e[0]) | uint32(e[1])<<16)})
	}
	n := 0
	for i, f := range s.feats {
		r, home := int(s.slots[i].row), uint32(s.slots[i].feat)
		if home != f.key {
			if home == 0 {
				continue
			}
			if r = m.probe(f.key, uint32(r+1)); r < 0 {
				continue
			}
		}
		s.slots[n] = slot{int32(r), int32(i)}
		n++
	}
	s.slots = s.slots[:n]
	for _, sl := range s.slots {
		row := m.row(int(sl.row))
		v := s.feats[sl.feat].val
		for c, w := range row {
			logits[c] += float64(halfTable[w] * v)
		}
	}
}

// lookup returns the table slot of key, or -1.
func (m *Model) lookup(key uint32) int {
	if len(m.tab) == 0 {
		return -1
	}
	return m.probe(key, m.home(key))
}

// home is the slot where the search for key starts: the first slot of the cache line that
// key's low bits pick, so that a key is found, or known absent, in that one line unless the
// line is full. Probing on through the line costs a few compares in cache; starting mid-line
// would send a third of the searches on into the next line.
func (m *Model) home(key uint32) uint32 { return key & m.mask & m.lineMask }

// probe returns the table slot of key searching from slot i on, or -1.
func (m *Model) probe(key, i uint32) int {
	for i &= m.mask; ; i = (i + 1) & m.mask {
		e := m.tab[int(i)*m.stride:]
		switch uint32(e[0]) | uint32(e[1])<<16 {
		case key:
			return int(i)
		case 0:
			return -1
		}
	}
}

// row returns the k half-precision weights of table slot r.
func (m *Model) row(r int) []uint16 {
	o := r*m.stride + 2
	return m.tab[o : o+m.k : o+m.k]
}
