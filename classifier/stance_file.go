package classifier

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"math"
	"slices"
	"strings"
)

// The stance component in a model file: the header's "stance" object (StanceInfo), and after
// the weight table its idf table (IDFBuckets bytes) and stage-two weights (Buckets rows of
// three half-precision floats). A file without the object has no component; a file with it
// has no table head named "stance".

// StanceHead is the head the component reports as.
const StanceHead = "stance"

// readStance reads the component described by info from r, after the weight table.
func readStance(r *bufio.Reader, info *StanceInfo, budget int64) (*stanceModel, error) {
	if !slices.Equal(info.Classes, StanceClasses) {
		return nil, fmt.Errorf("model stance: classes %v, want %v", info.Classes, StanceClasses)
	}
	if len(info.Rel) != numRel || len(info.Bias) != stanceK {
		return nil, fmt.Errorf("model stance: %d relatedness weights and %d biases, want %d and %d",
			len(info.Rel), len(info.Bias), numRel, stanceK)
	}
	for _, v := range append(append([]float64{info.RelBias}, info.Rel...), info.Bias...) {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return nil, errors.New("model stance: non-finite weight")
		}
	}
	b, ib := info.Buckets, info.IDFBuckets
	if b < 16 || b > maxStanceRows || b&(b-1) != 0 || ib < 16 || ib > maxIDFBuckets || ib&(ib-1) != 0 {
		return nil, fmt.Errorf("model stance: %d rows and %d idf buckets, each must be a power of two from 16 to %d and %d",
			b, ib, maxStanceRows, maxIDFBuckets)
	}
	if int64(ib)+int64(b)*stanceK*2 > budget {
		return nil, errors.New("model stance: larger than the file can hold")
	}
	st := &stanceModel{hdr: *info, idf: make([]uint8, ib), w: make([]uint16, b*stanceK)}
	if _, err := io.ReadFull(r, st.idf); err != nil {
		return nil, fmt.Errorf("model stance: %w", noEOF(err))
	}
	var half [2]byte
	for i := range st.w {
		if _, err := io.ReadFull(r, half[:]); err != nil {
			return nil, fmt.Errorf("model stance: %w", noEOF(err))
		}
		h := uint16(half[0]) | uint16(half[1])<<8
		if h&0x7c00 == 0x7c00 {
			return nil, errors.New("model stance: weights not finite")
		}
		st.w[i] = h
	}
	return st, nil
}

// stanceBody is the binary part of the component as written after the weight table.
func (st *stanceModel) body() []byte {
	out := make([]byte, 0, len(st.idf)+2*len(st.w))
	out = append(out, st.idf...)
	for _, h := range st.w {
		out = append(out, byte(h), byte(h>>8))
	}
	return out
}

// attachStance makes the component the model's last head, "stance", scored after the table
// heads into output columns of its own.
func (m *Model) attachStance(st *stanceModel) error {
	for _, h := range m.heads {
		if h.Name == StanceHead {
			return errors.New("model header: a stance component and a table head named stance")
		}
	}
	st.tok = m.feat.tok
	m.stance = st
	m.heads = append(m.heads, Head{Name: StanceHead, Classes: StanceClasses, Context: true,
		Offsets: make([]float64, len(StanceClasses))})
	m.col = append(m.col, m.k)
	return nil
}

// outputs is the number of logits per prediction: the table's columns and the component's.
func (m *Model) outputs() int {
	if m.stance != nil {
		return m.k + len(StanceClasses)
	}
	return m.k
}

// isStance reports whether head i is the stance component.
func (m *Model) isStance(i int) bool { return m.stance != nil && i == len(m.heads)-1 }

// stanceLogits writes the component's log-probabilities into its output columns. It reads the
// comment's words from s.enc, s.words and s.info, which the tone features have just filled.
func (m *Model) stanceLogits(s *scratch, text, context string) {
	st := m.stance
	ss := st.scratch()
	st.predictEnc(ss, &s.enc, s.words, s.info, text, context, s.logits[m.k:m.k+len(StanceClasses)])
	ss.enc, ss.hash, ss.info = nil, nil, nil // the pool must not keep s's memory alive
	st.pool.Put(ss)
}

// explainStance fills the stance head's explanation: the stage-two features that moved its
// decided class most when the comment is related, else the relatedness measures.
func (m *Model) explainStance(p *Prediction, text, context string, topK int) {
	st := m.stance
	i := len(m.heads) - 1
	hp := &p.Heads[i]
	ss := st.scratch()
	defer st.pool.Put(ss)
	var out [4]float64
	st.predict(ss, text, context, out[:], true)
	target := indexOf(hp.Classes, hp.Label)
	var top topContribs
	top.reset(topK)
	var names []span
	if target == stanceK {
		// Unrelated: relatedness measures push towards it with positive weight.
		for j, v := range ss.x {
			if w := st.hdr.Rel[j] * v; w != 0 {
				top.add(w, len(names))
				names = append(names, span{"related:" + relNames[j], -1, -1})
			}
		}
	} else {
		mask := uint32(len(st.w)/stanceK - 1)
		for j, f := range ss.feats {
			row := st.w[int(f.key&mask)*stanceK:]
			mean := 0.0
			for c := range stanceK {
				mean += float64(halfTable[row[c]])
			}
			w := (float64(halfTable[row[target]]) - mean/stanceK) * float64(f.val)
			if w != 0 {
				top.add(w, j)
			}
		}
		names = ss.spans
	}
	cs := make([]Contribution, len(top.items))
	for n, it := range top.items {
		sp := names[it.feat]
		cs[n] = Contribution{Feature: sp.name, Class: hp.Label, Weight: it.weight, Start: sp.start, End: sp.end}
	}
	hp.Explanation = cs
}

// Stance returns the model's stance component, or nil when its stance (if any) is a table head.
func (m *Model) Stance() *Stance {
	if m.stance == nil {
		return nil
	}
	return &Stance{m: m.stance}
}

// WithStance returns a model with st as its stance: m's table heads other than a head named
// "stance" are kept exactly (same heads, biases and half-precision weights, so the same scores),
// any stance table head or earlier component is dropped, and st is added as its own component.
func (m *Model) WithStance(st *Stance) (*Model, error) {
	if st == nil || st.m == nil {
		return nil, errors.New("with stance: no stance component")
	}
	var heads []Head
	var keep []int // table columns kept
	var bias []float32
	for i, h := range m.heads {
		if h.Name == StanceHead || m.isStance(i) {
			continue
		}
		heads = append(heads, h)
		w := len(h.Classes)
		if h.Binary {
			w = 1
		}
		for c := m.col[i]; c < m.col[i]+w; c++ {
			keep = append(keep, c)
			bias = append(bias, m.bias[c])
		}
	}
	if len(heads) == 0 {
		return nil, errors.New("with stance: the model has no heads besides stance")
	}
	var t table
	for e := 0; e+m.stride <= len(m.tab); e += m.stride {
		k := uint32(m.tab[e]) | uint32(m.tab[e+1])<<16
		if k == 0 {
			continue
		}
		row := make([]float32, len(keep))
		nonzero := false
		for j, c := range keep {
			row[j] = halfTable[m.tab[e+2+c]]
			nonzero = nonzero || row[j] != 0
		}
		if nonzero {
			t.keys = append(t.keys, k)
			t.rows = append(t.rows, row)
		}
	}
	info := m.info
	info.CV = slices.DeleteFunc(slices.Clone(info.CV), func(h HeadMetrics) bool { return h.Head == StanceHead })
	info.Dev = slices.DeleteFunc(slices.Clone(info.Dev), func(h HeadMetrics) bool { return h.Head == StanceHead })
	settings := make(map[string]string, len(info.Settings))
	for k, v := range info.Settings {
		if !strings.Contains(k, StanceHead) {
			settings[k] = v
		}
	}
	info.Settings = settings
	hdr := st.m.hdr
	h := header{Heads: heads, Bias: bias, Info: info, Stance: &hdr, stanceBody: st.m.body()}
	var buf bytes.Buffer
	if err := encode(&buf, h, m.feat.tok.Vocab(), t); err != nil {
		return nil, fmt.Errorf("with stance: %w", err)
	}
	out, err := parse(buf.Bytes())
	if err != nil {
		return nil, fmt.Errorf("with stance: reload: %w", err)
	}
	return out, nil
}
