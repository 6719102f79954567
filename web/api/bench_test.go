package api

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/tribune/tribune/moderation"
)

// benchTexts vary the comment text, so no cache in the stack sees the same input twice in a row.
var benchTexts = []string{
	"The council should never have approved this tram line, the budget is wrong.",
	"Great reporting, I agree with every word about the old town and its residents.",
	"Why would anyone support this nonsense? Taxes will rise for everyone in the city.",
	"What does the plan cost per resident, and who voted against it?",
	"You idiot, nobody asked for a tram through the old town.",
}

// BenchmarkPostComment measures POST /api/v1/comments through the router: authentication,
// decoding, scoring, policy and the durable SQLite commit, from parallel clients. No network.
func BenchmarkPostComment(b *testing.B) {
	f := newFixture(b)
	f.PutArticle("bench", moderation.ModeAuto)
	var n atomic.Int64
	b.ReportAllocs()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			i := n.Add(1)
			body := fmt.Sprintf(`{"article_id":"bench","author":{"id":"u%d"},"text":"%s %d"}`, i%97, benchTexts[i%int64(len(benchTexts))], i)
			req := httptest.NewRequest(http.MethodPost, "/api/v1/comments", strings.NewReader(body))
			req.Header.Set("Authorization", "Bearer "+f.Key)
			req.Header.Set(IdempotencyHeader, fmt.Sprintf("k%d", i))
			w := httptest.NewRecorder()
			f.Handler.ServeHTTP(w, req)
			if w.Code != http.StatusCreated {
				b.Fatalf("status %d: %s", w.Code, w.Body)
			}
		}
	})
}

// BenchmarkScore measures POST /api/v1/score through the router (nothing is stored).
func BenchmarkScore(b *testing.B) {
	f := newFixture(b)
	var n atomic.Int64
	b.ReportAllocs()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			i := n.Add(1)
			body := fmt.Sprintf(`{"text":"%s %d","context":"The council approved the tram line."}`, benchTexts[i%int64(len(benchTexts))], i)
			req := httptest.NewRequest(http.MethodPost, "/api/v1/score", strings.NewReader(body))
			req.Header.Set("Authorization", "Bearer "+f.Key)
			w := httptest.NewRecorder()
			f.Handler.ServeHTTP(w, req)
			if w.Code != http.StatusOK {
				b.Fatalf("status %d: %s", w.Code, w.Body)
			}
		}
	})
}
