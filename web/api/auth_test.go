package api

import (
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/tribune/tribune/web/internal/httpx"
	"github.com/tribune/tribune/web/internal/webtest"
)

func TestLogin(t *testing.T) {
	f := newFixture(t)
	var got loginResponse
	f.DoJSON(http.MethodPost, "/api/v1/login", "", map[string]string{"name": "alice", "password": testPassword},
		http.StatusOK, &got)
	if got.Token == "" || got.Moderator.Name != "alice" || got.Moderator.Role != "moderator" {
		t.Fatalf("login = %+v", got)
	}
	f.DoJSON(http.MethodGet, "/api/v1/queue", got.Token, nil, http.StatusOK, nil)
	f.DoJSON(http.MethodPost, "/api/v1/logout", got.Token, nil, http.StatusNoContent, nil)
	w := f.Do(http.MethodGet, "/api/v1/queue", got.Token, "")
	checkError(t, w.Code, w.Body.Bytes(), 401, unauthenticated)

	for _, body := range []string{`{"name":"alice","password":"wrong password"}`, `{"name":"nobody","password":"whatever123"}`} {
		w := f.Do(http.MethodPost, "/api/v1/login", "", body)
		checkError(t, w.Code, w.Body.Bytes(), 401, unauthenticated)
	}
}

var unauthenticated = httpx.ErrorDetail{Code: "unauthenticated",
	Message: "missing or invalid credentials: send Authorization: Bearer <API key or session token>"}

func TestAuthorization(t *testing.T) {
	f := newFixture(t)
	revoked, k, err := f.Svc.CreateAPIKey(t.Context(), "old site")
	if err != nil {
		t.Fatal(err)
	}
	if err := f.Svc.RevokeAPIKey(t.Context(), k.ID); err != nil {
		t.Fatal(err)
	}
	siteForbidden := httpx.ErrorDetail{Code: "forbidden", Message: errSessionOnSiteRoute.Message}
	modForbidden := httpx.ErrorDetail{Code: "forbidden", Message: errAPIKeyOnModeratorRoute.Message}
	for _, tc := range []struct {
		name   string
		method string
		path   string
		header string // the whole Authorization header
		body   string
		status int
		want   httpx.ErrorDetail
	}{
		{"no key", http.MethodPost, "/api/v1/score", "", `{"text":"x"}`, 401, unauthenticated},
		{"wrong key", http.MethodPost, "/api/v1/score", "Bearer trb_notakey", `{"text":"x"}`, 401, unauthenticated},
		{"revoked key", http.MethodPost, "/api/v1/score", "Bearer " + revoked, `{"text":"x"}`, 401, unauthenticated},
		{"basic scheme", http.MethodPost, "/api/v1/score", "Basic " + f.Key, `{"text":"x"}`, 401, unauthenticated},
		{"session on site route", http.MethodPost, "/api/v1/score", "Bearer " + f.Alice, `{"text":"x"}`, 403, siteForbidden},
		{"session on articles", http.MethodGet, "/api/v1/articles/x", "Bearer " + f.Alice, "", 403, siteForbidden},
		{"no session on queue", http.MethodGet, "/api/v1/queue", "", "", 401, unauthenticated},
		{"bad session on claim", http.MethodPost, "/api/v1/queue/claim", "Bearer nope", "", 401, unauthenticated},
		{"API key on queue", http.MethodGet, "/api/v1/queue", "Bearer " + f.Key, "", 403, modForbidden},
		{"API key on claim", http.MethodPost, "/api/v1/queue/claim", "Bearer " + f.Key, "", 403, modForbidden},
		{"API key on decision", http.MethodPost, "/api/v1/comments/1/decision", "Bearer " + f.Key, `{"verdict":"approve"}`, 403, modForbidden},
		{"API key on release", http.MethodDelete, "/api/v1/queue/claims/1", "Bearer " + f.Key, "", 403, modForbidden},
	} {
		t.Run(tc.name, func(t *testing.T) {
			w := f.Do(tc.method, tc.path, "", tc.body, "Authorization", tc.header)
			checkError(t, w.Code, w.Body.Bytes(), tc.status, tc.want)
		})
	}
}

// TestSessionCookie checks the dashboard's cookie works on safe methods only: a state change
// needs the Authorization header, which a cross-site form cannot send.
func TestSessionCookie(t *testing.T) {
	f := newFixture(t)
	cookie := "Cookie"
	w := f.Do(http.MethodGet, "/api/v1/queue", "", "", cookie, httpx.SessionCookie+"="+f.Alice)
	if w.Code != http.StatusOK {
		t.Errorf("GET queue with cookie: status %d, want 200", w.Code)
	}
	w = f.Do(http.MethodPost, "/api/v1/queue/claim", "", `{"count":1}`, cookie, httpx.SessionCookie+"="+f.Alice)
	checkError(t, w.Code, w.Body.Bytes(), 401, unauthenticated)
	var q queueResponse
	webtest.Decode(t, f.Do(http.MethodGet, "/api/v1/queue", f.Alice, ""), &q)
	if diff := cmp.Diff(queueResponse{Queue: "held", Items: []commentResponse{}}, q); diff != "" {
		t.Errorf("empty queue (-want +got):\n%s", diff)
	}
}

// TestKeyCache checks an authenticated key is trusted for the cache's TTL and no longer: a
// revoked key stops working once its entry expires.
func TestKeyCache(t *testing.T) {
	f := newFixture(t)
	var mu sync.Mutex
	clock := time.Date(2026, 12, 1, 8, 0, 0, 0, time.UTC)
	now := func() time.Time { mu.Lock(); defer mu.Unlock(); return clock }
	h := f.router(httpx.Config{Logger: slog.New(slog.DiscardHandler), KeyCacheTTL: 200 * time.Millisecond, Now: now})
	key, k, err := f.Svc.CreateAPIKey(t.Context(), "cached")
	if err != nil {
		t.Fatal(err)
	}
	score := func() int {
		req := httptest.NewRequest(http.MethodPost, "/api/v1/score", strings.NewReader(`{"text":"hello"}`))
		req.Header.Set("Authorization", "Bearer "+key)
		w := httptest.NewRecorder()
		h.ServeHTTP(w, req)
		return w.Code
	}
	if code := score(); code != http.StatusOK {
		t.Fatalf("fresh key: status %d", code)
	}
	if err := f.Svc.RevokeAPIKey(t.Context(), k.ID); err != nil {
		t.Fatal(err)
	}
	if code := score(); code != http.StatusOK {
		t.Errorf("revoked key within the TTL: status %d, want 200 from the cache", code)
	}
	mu.Lock()
	clock = clock.Add(250 * time.Millisecond)
	mu.Unlock()
	if code := score(); code != http.StatusUnauthorized {
		t.Errorf("revoked key after the TTL: status %d, want 401", code)
	}
}
