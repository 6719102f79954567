package classifier

import (
	"bufio"
	"compress/gzip"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"io"
	"slices"
	"strings"
)

// table is a model's weights before serialization: feature keys and their rows of k columns.
type table struct {
	keys []uint32
	rows [][]float32
}

// encode writes a model file.
func encode(w io.Writer, h header, vocab []string, t table) error {
	order := make([]int, len(t.keys))
	for i := range order {
		order[i] = i
	}
	slices.SortFunc(order, func(a, b int) int {
		switch {
		case t.keys[a] < t.keys[b]:
			return -1
		case t.keys[a] > t.keys[b]:
			return 1
		}
		return 0
	})
	h.Keys = len(t.keys)
	hb, err := json.Marshal(h)
	if err != nil {
		return fmt.Errorf("encode header: %w", err)
	}
	if _, err := io.WriteString(w, magic); err != nil {
		return err
	}
	zw, err := gzip.NewWriterLevel(w, gzip.BestCompression)
	if err != nil {
		return err
	}
	bw := bufio.NewWriter(zw)
	writeBlock(bw, hb)
	writeBlock(bw, []byte(strings.Join(vocab, "\n")))
	var buf [binary.MaxVarintLen64]byte
	var prev uint32
	for _, i := range order {
		n := binary.PutUvarint(buf[:], uint64(t.keys[i]-prev))
		bw.Write(buf[:n])
		prev = t.keys[i]
	}
	for _, i := range order {
		for _, v := range t.rows[i] {
			binary.LittleEndian.PutUint16(buf[:2], floatToHalf(v))
			bw.Write(buf[:2])
		}
	}
	bw.Write(h.stanceBody)
	if err := bw.Flush(); err != nil {
		return fmt.Errorf("encode model: %w", err)
	}
	return zw.Close()
}

// writeBlock writes b after its length as a little-endian uint32, as readBlock reads it.
func writeBlock(w *bufio.Writer, b []byte) {
	var n [4]byte
	binary.LittleEndian.PutUint32(n[:], uint32(len(b)))
	w.Write(n[:])
	w.Write(b)
}
