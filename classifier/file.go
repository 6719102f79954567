package classifier

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"math"
	"os"
	"strings"
	"unsafe"

	"github.com/tribune/tribune/classifier/wordpiece"
)

// Model file layout: the 8-byte magic, then a gzip stream holding
//
//	uint32 length + JSON header (heads, biases, feature settings, info)
//	uint32 length + vocabulary, tokens joined by "\n"
//	the weight table's keys: ascending, delta-encoded as uvarints
//	the weights: len(keys) rows of one IEEE half-precision float per output column
//
// Integers are little-endian. Half precision keeps 11 significant bits, far finer than the
// noise in trained weights, and halves the file.
const magic = "TRIBUNE1"

// Limits that bound what a corrupt or hostile file can make Load allocate. Every size the
// file declares is checked against these and against what the file's length can hold before
// anything is allocated for it, so a small crafted file cannot ask for a large allocation.
const (
	maxHeaderBytes = 16 << 20
	maxVocabBytes  = 64 << 20
	maxVocabTokens = 1 << 20
	maxKeys        = 1 << 26
	maxColumns     = 4096
	maxFileBytes   = 1 << 30
	// maxTableBytes bounds the weight table (keys × row width). The shipped model's is a few
	// tens of megabytes.
	maxTableBytes = 1 << 30
	// maxInflation bounds how far the gzip body can expand: deflate's densest encoding (a
	// 258-byte match in about two bits) gives at most about 1032 bytes out per byte in.
	maxInflation = 1032
)

// header is the JSON part of a model file.
type header struct {
	Heads []Head    `json:"heads"`
	Bias  []float32 `json:"bias"`
	Keys  int       `json:"keys"`
	Info  ModelInfo `json:"info"`
	// Stance, when present, describes the stance component written after the weights
	// (stance_file.go).
	Stance *StanceInfo `json:"stance,omitempty"`
	// stanceBody is the component's binary part, for encode.
	stanceBody []byte
}

// Load reads a model file. It returns an error, never panics, on a corrupt or truncated file.
func Load(r io.Reader) (*Model, error) {
	raw, err := io.ReadAll(io.LimitReader(r, maxFileBytes+1))
	if err != nil {
		return nil, fmt.Errorf("read model: %w", err)
	}
	if len(raw) > maxFileBytes {
		return nil, errors.New("read model: file too large")
	}
	return parse(raw)
}

// LoadFS reads the model file name from fsys.
func LoadFS(fsys fs.FS, name string) (*Model, error) {
	raw, err := fs.ReadFile(fsys, name)
	if err != nil {
		return nil, fmt.Errorf("load model: %w", err)
	}
	m, err := parse(raw)
	if err != nil {
		return nil, fmt.Errorf("load model %s: %w", name, err)
	}
	return m, nil
}

// LoadFile reads the model file at path.
func LoadFile(path string) (*Model, error) {
	raw, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("load model: %w", err)
	}
	m, err := parse(raw)
	if err != nil {
		return nil, fmt.Errorf("load model %s: %w", path, err)
	}
	return m, nil
}

// WriteTo writes the model file, byte for byte the one it was loaded from.
func (m *Model) WriteTo(w io.Writer) (int64, error) {
	n, err := w.Write(m.raw)
	return int64(n), err
}

// parse reads a model file's bytes: the magic, then the gzip body's header, vocabulary,
// weights and stance component, each checked against the limits before it is allocated.
func parse(raw []byte) (*Model, error) {
	if len(raw) < len(magic) || string(raw[:len(magic)]) != magic {
		return nil, errors.New("not a tribune model file")
	}
	zr, err := gzip.NewReader(bytes.NewReader(raw[len(magic):]))
	if err != nil {
		return nil, fmt.Errorf("model body: %w", err)
	}
	br := bufio.NewReaderSize(zr, 1<<16)
	// budget is the most the body can decompress to; declared sizes beyond it are lies.
	budget := int64(len(raw)) * maxInflation
	h, tok, err := readHeader(br, budget)
	if err != nil {
		return nil, err
	}
	m := &Model{raw: raw, info: h.Info, heads: h.Heads, bias: h.Bias}
	if err := m.setHeads(); err != nil {
		return nil, err
	}
	if err := m.readWeights(br, h.Keys, budget); err != nil {
		return nil, err
	}
	var st *stanceModel
	if h.Stance != nil {
		if st, err = readStance(br, h.Stance, budget); err != nil {
			return nil, err
		}
	}
	if _, err := br.ReadByte(); err != io.EOF {
		return nil, errors.New("model body: trailing data")
	}
	sum := sha256.Sum256(raw)
	m.version = "sha256:" + hex.EncodeToString(sum[:8])
	m.feat = featurizer{tok: tok.WithFold(h.Info.Features.Fold), cfg: h.Info.Features}
	if err := checkFeatures(&m.feat.cfg); err != nil {
		return nil, err
	}
	if st != nil {
		if err := m.attachStance(st); err != nil {
			return nil, err
		}
	}
	return m, nil
}

// readHeader reads the JSON header block and the vocabulary block, and builds the tokenizer.
func readHeader(br *bufio.Reader, budget int64) (header, *wordpiece.Tokenizer, error) {
	var h header
	hb, err := readBlock(br, maxHeaderBytes, budget)
	if err != nil {
		return h, nil, fmt.Errorf("model header: %w", err)
	}
	if err := json.Unmarshal(hb, &h); err != nil {
		return h, nil, fmt.Errorf("model header: %w", err)
	}
	vb, err := readBlock(br, maxVocabBytes, budget)
	if err != nil {
		return h, nil, fmt.Errorf("model vocabulary: %w", err)
	}
	if n := bytes.Count(vb, []byte("\n")) + 1; n > maxVocabTokens {
		return h, nil, fmt.Errorf("model vocabulary: %d tokens, the limit is %d", n, maxVocabTokens)
	}
	tok, err := wordpiece.New(strings.Split(string(vb), "\n"))
	if err != nil {
		return h, nil, fmt.Errorf("model vocabulary: %w", err)
	}
	return h, tok, nil
}

// readWeights reads the n declared weight keys (delta-coded, strictly ascending) and their
// rows of half-precision weights into m's table, refusing non-finite weights.
func (m *Model) readWeights(br *bufio.Reader, n int, budget int64) error {
	if err := checkTableSize(n, m.k, budget); err != nil {
		return err
	}
	// The keys are read before the table is sized, so their slice grows with the data actually
	// present rather than with what the header claims.
	keys := make([]uint32, 0, min(n, 1<<16))
	var prev uint64
	for i := range n {
		d, err := binary.ReadUvarint(br)
		if err != nil {
			return fmt.Errorf("model weights: %w", noEOF(err))
		}
		prev += d
		if prev == 0 || prev > math.MaxUint32 || (i > 0 && d == 0) {
			return errors.New("model weights: keys not strictly ascending")
		}
		keys = append(keys, uint32(prev))
	}
	half := make([]byte, 2*m.k)
	m.allocTable(len(keys))
	for _, key := range keys {
		if _, err := io.ReadFull(br, half); err != nil {
			return fmt.Errorf("model weights: %w", noEOF(err))
		}
		row := m.insert(key)
		for c := range row {
			h := binary.LittleEndian.Uint16(half[2*c:])
			if h&0x7c00 == 0x7c00 {
				return errors.New("model weights: not finite")
			}
			row[c] = h
		}
	}
	return nil
}

// checkTableSize refuses a declared weight count that is out of range, larger than the file's
// body can hold (each weight takes at least one key byte and two bytes per output), or whose
// table would pass maxTableBytes.
func checkTableSize(keys, k int, budget int64) error {
	if keys < 0 || keys > maxKeys {
		return fmt.Errorf("model header: %d weights out of range (at most %d)", keys, maxKeys)
	}
	if need := int64(keys) * int64(1+2*k); need > budget {
		return fmt.Errorf("model header: %d weights of %d outputs need %d bytes; a file this size holds at most %d",
			keys, k, need, budget)
	}
	if b := tableBytes(keys, k); b > maxTableBytes {
		return fmt.Errorf("model header: a table of %d weights × %d outputs takes %d bytes; the limit is %d",
			keys, k, b, maxTableBytes)
	}
	return nil
}

// tableBytes is what allocTable allocates at least for n keys of k outputs.
func tableBytes(n, k int) int64 {
	return int64(tableSlots(n)) * int64((2+k+3)&^3) * 2
}

// setHeads validates the heads and biases and lays out output columns.
func (m *Model) setHeads() error {
	if len(m.heads) == 0 {
		return errors.New("model header: no heads")
	}
	seen := make(map[string]bool)
	for i := range m.heads {
		h := &m.heads[i]
		if h.Name == "" || seen[h.Name] {
			return fmt.Errorf("model header: empty or repeated head name %q", h.Name)
		}
		seen[h.Name] = true
		if len(h.Classes) < 2 || h.Binary && len(h.Classes) != 2 {
			return fmt.Errorf("model header: head %q has %d classes", h.Name, len(h.Classes))
		}
		if len(h.Offsets) != len(h.Classes) {
			return fmt.Errorf("model header: head %q has %d offsets for %d classes", h.Name, len(h.Offsets), len(h.Classes))
		}
		for _, o := range h.Offsets {
			if math.IsNaN(o) || math.IsInf(o, 0) {
				return fmt.Errorf("model header: head %q has a non-finite offset", h.Name)
			}
		}
		m.col = append(m.col, m.k)
		if h.Binary {
			m.k++
		} else {
			m.k += len(h.Classes)
		}
		m.context = m.context || h.Context
		if m.k > maxColumns {
			return errors.New("model header: too many outputs")
		}
	}
	if len(m.bias) != m.k {
		return fmt.Errorf("model header: %d biases for %d outputs", len(m.bias), m.k)
	}
	for _, b := range m.bias {
		if math.IsNaN(float64(b)) || math.IsInf(float64(b), 0) {
			return errors.New("model header: non-finite bias")
		}
	}
	return nil
}

// checkFeatures refuses feature settings out of range or an unknown lexicon version.
func checkFeatures(c *FeatureConfig) error {
	if c.CharMin < 0 || c.CharMax > 16 || c.CharMin > 0 && c.CharMax < c.CharMin ||
		c.NegationScope < 0 || c.NegationScope > 64 || c.ContextWords < 0 || c.ContextWords > maxContextWords {
		return errors.New("model header: feature settings out of range")
	}
	if c.LexPresence && (!c.Lexicon || !c.Sublinear) {
		return errors.New("model header: lex_presence needs lexicon features and sublinear term frequencies")
	}
	_, err := lexiconFor(c.LexiconVersion)
	return err
}

// allocTable sizes the open-addressing weight table for n keys. Each entry holds a key (two
// uint16s, low half first; 0 marks an empty slot) followed by its row of k half-precision
// weights, padded to a multiple of 8 bytes: a probe that finds its key has the row it reads
// next in the same cache line. (Keys and rows in separate arrays cost two cache misses per
// feature found. Rows widened to float32 at load time would save the conversion but make the
// table larger, which measured slower.)
//
// The table is at most 0.8 full, and at most 0.4 full when that costs no more than
// spareTableBytes: at 0.8 a lookup of the shipped model read a second cache line 28% of the
// time, at 0.4 with probes starting at the head of the line (see home) 3% of the time.
func (m *Model) allocTable(n int) {
	size := tableSlots(n)
	m.stride = (2 + m.k + 3) &^ 3
	if int64(2*size*m.stride)*2 <= spareTableBytes {
		size *= 2
	}
	// Large allocations are page-aligned in practice; align by hand so that the cache-line
	// buckets of home hold whole lines whatever the allocator does.
	const line = 64
	tab := make([]uint16, size*m.stride+line/2)
	off := 0
	if a := uintptr(unsafe.Pointer(&tab[0])) % line; a != 0 {
		off = int(line-a) / 2
	}
	m.tab = tab[off : off+size*m.stride : off+size*m.stride]
	m.mask = uint32(size - 1)
	m.lineMask = ^uint32(0)
	if per := line / (2 * m.stride); per > 1 && line%(2*m.stride) == 0 {
		m.lineMask = ^uint32(per - 1)
	}
}

// spareTableBytes bounds the table allocTable gives spare room to.
const spareTableBytes = 64 << 20

// tableSlots is the number of slots of a table at most 0.8 full with n keys.
func tableSlots(n int) int {
	size := 16
	for size*4 < n*5 {
		size <<= 1
	}
	return size
}

// insert adds key to the table and returns its row.
func (m *Model) insert(key uint32) []uint16 {
	i := m.home(key)
	for m.tab[int(i)*m.stride] != 0 || m.tab[int(i)*m.stride+1] != 0 {
		i = (i + 1) & m.mask
	}
	e := m.tab[int(i)*m.stride:]
	e[0], e[1] = uint16(key), uint16(key>>16)
	return m.row(int(i))
}

// readBlock reads a length-prefixed block of at most limit bytes (and at most budget, what
// the body can hold). The buffer grows with the bytes that arrive, so a length that lies costs
// no more memory than the data behind it.
func readBlock(r io.Reader, limit int, budget int64) ([]byte, error) {
	var n uint32
	if err := binary.Read(r, binary.LittleEndian, &n); err != nil {
		return nil, noEOF(err)
	}
	if int64(n) > int64(limit) || int64(n) > budget {
		return nil, fmt.Errorf("block of %d bytes too large (limit %d, the file holds at most %d)", n, limit, budget)
	}
	var buf bytes.Buffer
	buf.Grow(min(int(n), 1<<16))
	got, err := io.CopyN(&buf, r, int64(n))
	if err != nil || got != int64(n) {
		return nil, noEOF(cmpErr(err, io.ErrUnexpectedEOF))
	}
	return buf.Bytes(), nil
}

// cmpErr returns err, or def when err is nil.
func cmpErr(err, def error) error {
	if err != nil {
		return err
	}
	return def
}

// noEOF turns a clean EOF inside a structure into io.ErrUnexpectedEOF.
func noEOF(err error) error {
	if errors.Is(err, io.EOF) {
		return io.ErrUnexpectedEOF
	}
	return err
}
