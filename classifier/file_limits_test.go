package classifier

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"encoding/json"
	"strings"
	"testing"
)

// craft writes a model file with the given header and vocabulary and body bytes after them,
// as a hostile file would: sizes in the header need not match the data.
func craft(t testing.TB, h header, vocab string, body []byte) []byte {
	t.Helper()
	var buf bytes.Buffer
	buf.WriteString(magic)
	zw := gzip.NewWriter(&buf)
	bw := bufio.NewWriter(zw)
	hb, err := json.Marshal(h)
	if err != nil {
		t.Fatal(err)
	}
	writeBlock(bw, hb)
	writeBlock(bw, []byte(vocab))
	bw.Write(body)
	if err := bw.Flush(); err != nil {
		t.Fatal(err)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// wideHeader declares maxColumns outputs in one head and many weights: the shape of the
// crafted 77 KB file that asked for a 1.1 TB table.
func wideHeader(keys int) header {
	classes := make([]string, maxColumns)
	offsets := make([]float64, maxColumns)
	for i := range classes {
		classes[i] = "c" + strings.Repeat("x", i%3) + string(rune('a'+i%26)) + string(rune('0'+i/26%10)) + string(rune('A'+i/260))
	}
	return header{Heads: []Head{{Name: "toxicity", Classes: classes, Offsets: offsets}},
		Bias: make([]float32, maxColumns), Keys: keys}
}

func TestLoadRefusesCraftedSizes(t *testing.T) {
	for _, tc := range []struct {
		name string
		raw  []byte
		want string
	}{
		{"table larger than the file", craft(t, wideHeader(maxKeys), "[UNK]", nil), "a file this size holds at most"},
		{"weights out of range", craft(t, wideHeader(maxKeys+1), "[UNK]", nil), "out of range"},
		{"header block longer than the file", append([]byte(magic), gzipOf(t, []byte{0xff, 0xff, 0xff, 0x00})...), "too large"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Load(bytes.NewReader(tc.raw))
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("Load = %v, want an error containing %q", err, tc.want)
			}
		})
	}
}

func TestTableSizeLimit(t *testing.T) {
	// A table under the file budget but over maxTableBytes is refused too.
	if err := checkTableSize(1<<24, 100, 1<<40); err == nil || !strings.Contains(err.Error(), "the limit is") {
		t.Errorf("checkTableSize(16M keys × 100) = %v, want the table limit", err)
	}
	if err := checkTableSize(1000, 10, 1<<20); err != nil {
		t.Errorf("checkTableSize(small) = %v", err)
	}
}

func gzipOf(t testing.TB, b []byte) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	zw.Write(b)
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// FuzzLoad feeds Load arbitrary files, seeded with a real model, its truncations and crafted
// headers: it must return an error or a model that predicts, never panic or allocate beyond
// its limits (the fuzzer's memory limit catches that).
func FuzzLoad(f *testing.F) {
	m, _ := trainedFixture(f)
	var buf bytes.Buffer
	if _, err := m.WriteTo(&buf); err != nil {
		f.Fatal(err)
	}
	f.Add(buf.Bytes())
	f.Add(buf.Bytes()[:buf.Len()/2])
	f.Add(craft(f, wideHeader(maxKeys), "[UNK]", nil))
	f.Add(craft(f, header{Heads: []Head{{Name: "t", Classes: []string{"a", "b"}, Offsets: []float64{0, 0}}},
		Bias: []float32{0, 0}, Keys: 3}, "[UNK]\na", []byte{1, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0}))
	f.Fuzz(func(t *testing.T, raw []byte) {
		m, err := Load(bytes.NewReader(raw))
		if err != nil {
			return
		}
		p := m.Predict("a test sentence", "a context")
		for _, h := range p.Heads {
			for _, v := range h.Probs {
				if v != v || v < 0 || v > 1 {
					t.Fatalf("head %s: probability %v", h.Name, v)
				}
			}
		}
	})
}
