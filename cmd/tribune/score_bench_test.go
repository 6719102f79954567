package main

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"os"
	"testing"

	"github.com/tribune/tribune/internal/shareddata"
)

// benchScoreInput builds JSON Lines of {"text": ...} from the distinct comments of the kaggle
// and civil comments sets in the shared data folder, read at run time (nothing from it is
// committed); it skips when the folder is absent (fails under CI, see internal/shareddata).
func benchScoreInput(b *testing.B) ([]byte, int) {
	b.Helper()
	var buf bytes.Buffer
	n := 0
	for _, name := range []string{
		"kaggle_insults_social_commentary/train.jsonl", "kaggle_insults_social_commentary/dev.jsonl",
		"civil_comments_toxic_span_types/train.jsonl", "civil_comments_toxic_span_types/dev.jsonl",
	} {
		raw, err := os.ReadFile(shareddata.Path(b, "data/"+name))
		if err != nil {
			b.Fatal(err)
		}
		for line := range bytes.Lines(raw) {
			var ex struct {
				Text string `json:"text"`
			}
			if err := json.Unmarshal(line, &ex); err != nil {
				b.Fatal(err)
			}
			js, _ := json.Marshal(ex)
			buf.Write(js)
			buf.WriteByte('\n')
			n++
		}
	}
	return buf.Bytes(), n
}

// BenchmarkScoreStream runs `tribune score --workers 1` in process (default model, JSON in
// and out, model already loaded) over about 15,000 real comments per op.
func BenchmarkScoreStream(b *testing.B) {
	in, n := benchScoreInput(b)
	m, err := loadModel("")
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	b.SetBytes(int64(len(in)))
	for b.Loop() {
		if err := scoreStream(context.Background(), m, bytes.NewReader(in), io.Discard, io.Discard, 1, false, scoreOptions{}); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(n*b.N)/b.Elapsed().Seconds(), "comments/s")
}
