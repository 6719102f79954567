package models_test

import (
	"bytes"
	"encoding/json"
	"os"
	"testing"

	"github.com/tribune/tribune/classifier"
	"github.com/tribune/tribune/fixtures"
	"github.com/tribune/tribune/models"
)

// BenchmarkPredictStanceSuite scores the comments of our stance suite against their articles
// with every head of the default model (or the model file named by TRIBUNE_BENCH_MODEL, to
// compare): the cost a comment with an article pays, stance included.
//
//	go test -run '^$' -bench PredictStanceSuite -benchmem ./models
func BenchmarkPredictStanceSuite(b *testing.B) {
	var m *classifier.Model
	var err error
	if path := os.Getenv("TRIBUNE_BENCH_MODEL"); path != "" {
		m, err = classifier.LoadFile(path)
	} else {
		m, err = classifier.LoadFS(models.FS, models.DefaultModel)
	}
	if err != nil {
		b.Fatal(err)
	}
	arts := map[string]string{}
	raw, err := fixtures.FS.ReadFile("stance_suite_articles.jsonl")
	if err != nil {
		b.Fatal(err)
	}
	for _, line := range bytes.Split(bytes.TrimSpace(raw), []byte("\n")) {
		var a struct{ ID, Title, Body string }
		if err := json.Unmarshal(line, &a); err != nil {
			b.Fatal(err)
		}
		arts[a.ID] = a.Title + "\n" + a.Body
	}
	type pair struct{ text, ctx string }
	var rows []pair
	if raw, err = fixtures.FS.ReadFile("stance_suite.jsonl"); err != nil {
		b.Fatal(err)
	}
	for _, line := range bytes.Split(bytes.TrimSpace(raw), []byte("\n")) {
		var r struct{ Article, Text string }
		if err := json.Unmarshal(line, &r); err != nil {
			b.Fatal(err)
		}
		rows = append(rows, pair{r.Text, arts[r.Article]})
	}
	var p classifier.Prediction
	for _, r := range rows {
		m.PredictInto(&p, r.text, r.ctx)
	}
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		r := rows[i%len(rows)]
		m.PredictInto(&p, r.text, r.ctx)
		i++
	}
}
