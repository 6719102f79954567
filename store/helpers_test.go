package store

import (
	"context"
	"fmt"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/tribune/tribune/moderation"
)

// clock is a settable test clock, safe for concurrent use.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *clock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

var t0 = time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)

// newDB opens a fresh, fully migrated database in t.TempDir() with a test clock at t0.
func newDB(tb testing.TB) (*DB, *clock) {
	tb.Helper()
	db, err := Open(context.Background(), filepath.Join(tb.TempDir(), "tribune.db"))
	if err != nil {
		tb.Fatalf("Open: %v", err)
	}
	tb.Cleanup(func() {
		if err := db.Close(); err != nil {
			tb.Errorf("Close: %v", err)
		}
	})
	clk := &clock{t: t0}
	db.Now = clk.Now
	return db, clk
}

func mustArticle(tb testing.TB, db *DB, id string) moderation.Article {
	tb.Helper()
	a, _, err := db.PutArticle(context.Background(), moderation.Article{
		ID: id, Title: "Title of " + id, URL: "https://news.example/" + id, Body: "Body of " + id, Mode: moderation.ModeAuto,
	})
	if err != nil {
		tb.Fatalf("PutArticle(%q): %v", id, err)
	}
	return a
}

func mustModerator(tb testing.TB, db *DB, name string) moderation.Moderator {
	tb.Helper()
	m, err := db.CreateModerator(context.Background(), moderation.Moderator{Name: name, Role: moderation.RoleModerator}, "hash-"+name)
	if err != nil {
		tb.Fatalf("CreateModerator(%q): %v", name, err)
	}
	return m
}

// assessment returns a realistic assessment: five tone heads and the stance head, each
// explained by eight contributions.
func assessment(toxicity float64) moderation.Assessment {
	tone := map[string]float64{}
	for i, attr := range moderation.ToneAttributes {
		tone[attr] = toxicity / float64(i+1)
	}
	ex := map[string][]moderation.Contribution{}
	for _, head := range append([]string{"stance"}, moderation.ToneAttributes...) {
		for j := range 8 {
			ex[head] = append(ex[head], moderation.Contribution{
				Feature: fmt.Sprintf("tok%d", j), Class: "1", Weight: 0.25 * float64(j), Start: j * 4, End: j*4 + 3,
			})
		}
	}
	return moderation.Assessment{
		ModelVersion: "m1",
		Scores: moderation.Scores{
			Tone:   tone,
			Stance: map[moderation.Stance]float64{moderation.Agree: 0.1, moderation.Disagree: 0.6, moderation.Discuss: 0.2, moderation.Unrelated: 0.1},
		},
		Explanation: ex,
	}
}

// newComment returns a comment on article with the given machine verdict and priority.
func newComment(article string, v moderation.Verdict, priority float64) moderation.NewComment {
	return moderation.NewComment{
		Comment: moderation.Comment{
			ArticleID:      article,
			Author:         moderation.Author{ID: "u1", Name: "Ann"},
			Text:           "This is a comment about the article.",
			Assessment:     assessment(priority / 2),
			MachineVerdict: v,
			Reasons:        []moderation.Reason{{Code: "ok", Message: "every tone score below its threshold"}},
			Priority:       priority,
		},
		Scope: "key:1",
	}
}

func mustInsert(tb testing.TB, db *DB, nc moderation.NewComment) moderation.Comment {
	tb.Helper()
	c, created, err := db.InsertComment(context.Background(), nc)
	if err != nil {
		tb.Fatalf("InsertComment: %v", err)
	}
	if !created {
		tb.Fatalf("InsertComment: created = false, want true")
	}
	return c
}

func ids(cs []moderation.Comment) []int64 {
	out := []int64{}
	for _, c := range cs {
		out = append(out, c.ID)
	}
	return out
}

func itemIDs(items []moderation.ReviewItem) []int64 {
	out := []int64{}
	for _, it := range items {
		out = append(out, it.Comment.ID)
	}
	return out
}
