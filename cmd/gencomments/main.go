// Command gencomments writes synthetic reader comments as tribune import JSON Lines, for
// benchmarks: deterministic for a seed, with replies, several authors per article and a few
// percent of insults, threats and profanity among civil text.
//
//	go run ./cmd/gencomments -n 1000000 > comments.jsonl
package main

import (
	"bufio"
	"encoding/json"
	"flag"
	"fmt"
	"math/rand/v2"
	"os"
	"strings"
	"time"
)

var (
	civil = strings.Fields(`the council tram line budget vote city article report numbers plan
		agree disagree think really good point policy tax school road data minister claim people
		local election market price energy climate water housing rent bus station mayor
		wrong right not never support evidence source study year week today`)
	rude = strings.Fields(`idiot stupid moron garbage hate crap damn loser kill hurt`)
)

type line struct {
	ArticleID  string `json:"article_id"`
	Text       string `json:"text"`
	Author     author `json:"author"`
	ExternalID string `json:"external_id"`
	CreatedAt  string `json:"created_at"`
	ParentID   string `json:"parent_id,omitempty"`
}

type author struct {
	ID   string `json:"id"`
	Name string `json:"name"`
}

func main() {
	n := flag.Int("n", 1_000_000, "comments to write")
	articles := flag.Int("articles", 5_000, "articles they are spread over")
	rudeShare := flag.Float64("rude", 0.05, "share of comments with a rude word")
	seed := flag.Uint64("seed", 1, "random seed")
	flag.Parse()
	rng := rand.New(rand.NewPCG(*seed, 0))
	w := bufio.NewWriterSize(os.Stdout, 1<<20)
	enc := json.NewEncoder(w)
	start := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
	var words []string
	for i := range *n {
		words = words[:0]
		for range 8 + rng.IntN(30) {
			words = append(words, civil[rng.IntN(len(civil))])
		}
		if rng.Float64() < *rudeShare {
			words[rng.IntN(len(words))] = rude[rng.IntN(len(rude))]
		}
		a := i * *articles / *n // comments arrive article after article, as over time
		l := line{
			ArticleID:  fmt.Sprintf("article-%d", a),
			Text:       strings.Join(words, " ") + ".",
			Author:     author{ID: fmt.Sprintf("u%d", rng.IntN(50_000)), Name: "Reader"},
			ExternalID: fmt.Sprintf("c%d", i),
			CreatedAt:  start.Add(time.Duration(i) * 30 * time.Second).Format(time.RFC3339),
		}
		// A quarter are replies to one of the article's previous five comments.
		if first := (a**n + *articles - 1) / *articles; i > first && rng.IntN(4) == 0 {
			l.ParentID = fmt.Sprintf("c%d", i-1-rng.IntN(min(i-first, 5)))
		}
		if err := enc.Encode(l); err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
	}
	if err := w.Flush(); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}
