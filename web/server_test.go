package web

import (
	"net/http"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestHealthz(t *testing.T) {
	f := newFixture(t)
	var got healthResponse
	f.DoJSON(http.MethodGet, "/healthz", "", nil, http.StatusOK, &got)
	if diff := cmp.Diff(healthResponse{Status: "ok", Version: "v-test"}, got); diff != "" {
		t.Errorf("healthz (-want +got):\n%s", diff)
	}
	if id := f.Do(http.MethodGet, "/healthz", "", "").Header().Get("X-Request-ID"); id == "" {
		t.Error("X-Request-ID missing")
	}
}

// An unknown route answers a browser with the dashboard's error page and everyone else (and
// anything under /api/) with the JSON error body.
func TestUnknownRoute(t *testing.T) {
	f := newFixture(t)
	tests := []struct {
		path, accept, wantType, wantBody string
	}{
		{"/no-such-page", "text/html,application/xhtml+xml,*/*;q=0.8", "text/html", "Back to the queue"},
		{"/no-such-page", "", "application/json", `"code":"not_found"`},
		{"/api/v1/no-such-thing", "text/html", "application/json", `"code":"not_found"`},
	}
	for _, tt := range tests {
		w := f.Do(http.MethodGet, tt.path, "", "", "Accept", tt.accept)
		if w.Code != http.StatusNotFound || !strings.HasPrefix(w.Header().Get("Content-Type"), tt.wantType) ||
			!strings.Contains(w.Body.String(), tt.wantBody) {
			t.Errorf("GET %s (Accept %q) = %d %s %.200s, want 404 %s with %q", tt.path, tt.accept, w.Code,
				w.Header().Get("Content-Type"), w.Body, tt.wantType, tt.wantBody)
		}
	}
}
