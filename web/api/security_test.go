package api

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/tribune/tribune/moderation"
	"github.com/tribune/tribune/web/internal/httpx"
	"github.com/tribune/tribune/web/internal/webtest"
)

// Finding 2: POST /api/v1/login has the dashboard's limiter, per (address, name), so the
// guesser is stopped and the owner is not locked out.
func TestAPILoginRateLimit(t *testing.T) {
	f := newFixture(t)
	login := func(name, password, addr string) *httptest.ResponseRecorder {
		body, _ := json.Marshal(loginRequest{Name: name, Password: password})
		req := httptest.NewRequest(http.MethodPost, "/api/v1/login", strings.NewReader(string(body)))
		req.Header.Set("Content-Type", "application/json")
		req.RemoteAddr = addr
		w := httptest.NewRecorder()
		f.Handler.ServeHTTP(w, req)
		return w
	}
	for i := range 5 {
		if w := login("alice", "wrong password!", "203.0.113.5:999"); w.Code != http.StatusUnauthorized {
			t.Fatalf("failure %d = %d, want 401", i+1, w.Code)
		}
	}
	w := login("alice", testPassword, "203.0.113.5:999")
	if w.Code != http.StatusTooManyRequests || w.Header().Get("Retry-After") == "" {
		t.Fatalf("6th attempt = %d (Retry-After %q), want 429 with Retry-After", w.Code, w.Header().Get("Retry-After"))
	}
	if w := login("alice", testPassword, "198.51.100.9:999"); w.Code != http.StatusOK {
		t.Errorf("alice from her own address = %d, want 200", w.Code)
	}
	// The same IPv6 /64 is one address for the limiter.
	for range 5 {
		login("bob", "wrong password!", "[2001:db8::1]:1")
	}
	if w := login("bob", testPassword, "[2001:db8::2]:1"); w.Code != http.StatusTooManyRequests {
		t.Errorf("same /64 = %d, want 429", w.Code)
	}
	// An address spraying many names is stopped too, whatever the name.
	for i := range 50 {
		login(fmt.Sprintf("nobody%d", i), "wrong password!", "192.0.2.99:1")
	}
	if w := login("alice", testPassword, "192.0.2.99:1"); w.Code != http.StatusTooManyRequests {
		t.Errorf("after spraying 50 names = %d, want 429", w.Code)
	}
}

// Finding 6: reusing an id for a different comment is a 409 naming the stored comment, not a
// silent replay.
func TestIdempotencyConflict(t *testing.T) {
	f := newFixture(t)
	f.PutArticle("a1", moderation.ModeAuto)
	f.PutArticle("a2", moderation.ModeAuto)
	first := `{"article_id":"a1","author":{"id":"u"},"text":"First text."}`
	var c commentResponse
	f.DoJSON(http.MethodPost, "/api/v1/comments", f.Key, json.RawMessage(first), http.StatusCreated, &c, IdempotencyHeader, "k1")
	// The same request again is a replay.
	w := f.Do(http.MethodPost, "/api/v1/comments", f.Key, first, IdempotencyHeader, "k1")
	if w.Code != http.StatusOK || w.Header().Get(ReplayedHeader) != "true" {
		t.Errorf("replay = %d, want 200 replayed", w.Code)
	}
	for name, body := range map[string]string{
		"other text":    `{"article_id":"a1","author":{"id":"u"},"text":"Second text."}`,
		"other article": `{"article_id":"a2","author":{"id":"u"},"text":"First text."}`,
	} {
		w := f.Do(http.MethodPost, "/api/v1/comments", f.Key, body, IdempotencyHeader, "k1")
		var b httpx.ErrorBody
		if w.Code == http.StatusConflict {
			webtest.Decode(t, w, &b)
		}
		if w.Code != http.StatusConflict || b.Error.Code != "idempotency_conflict" || b.Error.CommentID != c.ID {
			t.Errorf("%s: %d %s, want 409 idempotency_conflict naming comment %d", name, w.Code, w.Body, c.ID)
		}
	}
	// The same for external_id.
	ext := `{"article_id":"a1","author":{"id":"u"},"text":"X.","external_id":"e1"}`
	f.DoJSON(http.MethodPost, "/api/v1/comments", f.Key, json.RawMessage(ext), http.StatusCreated, nil)
	w = f.Do(http.MethodPost, "/api/v1/comments", f.Key, strings.Replace(ext, "X.", "Y.", 1))
	if w.Code != http.StatusConflict {
		t.Errorf("external_id reuse = %d, want 409", w.Code)
	}
}
