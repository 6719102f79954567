package web

import (
	"net/http"
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
