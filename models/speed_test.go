package models_test

import (
	"bufio"
	"encoding/json"
	"os"
	"testing"

	"github.com/tribune/tribune/internal/shareddata"

	"github.com/tribune/tribune/classifier"
)

// realComments reads the distinct comment texts of the kaggle and civil comments sets from the
// shared data folder at run time (nothing from it is committed), skipping when it is absent.
func realComments(b *testing.B) []string {
	b.Helper()
	var texts []string
	seen := map[string]bool{}
	for _, name := range []string{
		"kaggle_insults_social_commentary/train.jsonl", "kaggle_insults_social_commentary/dev.jsonl",
		"civil_comments_toxic_span_types/train.jsonl", "civil_comments_toxic_span_types/dev.jsonl",
	} {
		f, err := os.Open(shareddata.Path(b, "data/"+name))
		if err != nil {
			b.Fatal(err)
		}
		sc := bufio.NewScanner(f)
		sc.Buffer(nil, 1<<24)
		for sc.Scan() {
			var ex struct{ Text string }
			if err := json.Unmarshal(sc.Bytes(), &ex); err != nil {
				b.Fatal(err)
			}
			if !seen[ex.Text] {
				seen[ex.Text] = true
				texts = append(texts, ex.Text)
			}
		}
		f.Close()
		if err := sc.Err(); err != nil {
			b.Fatal(err)
		}
	}
	return texts
}

// BenchmarkPredictReal scores distinct real comments (about 15,000, mean about 200 bytes) with
// every head of the default model, cycling through all of them so that the weight table is
// read the way a real stream reads it, not from a handful of cached rows. comments/s is
// reported directly.
func BenchmarkPredictReal(b *testing.B) {
	texts := realComments(b)
	m := loadDefault(b)
	var p classifier.Prediction
	n, bytes := 0, 0
	b.ReportAllocs()
	for b.Loop() {
		t := texts[n%len(texts)]
		m.PredictInto(&p, t, "")
		n++
		bytes += len(t)
	}
	b.SetBytes(int64(bytes / max(n, 1)))
	b.ReportMetric(float64(n)/b.Elapsed().Seconds(), "comments/s")
}
