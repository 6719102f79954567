package api

import (
	"net/http"
	"testing"
)

func TestClaimNegativeCount(t *testing.T) {
	f := newFixture(t)
	if w := f.Do(http.MethodPost, "/api/v1/queue/claim", f.Alice, `{"count":-5}`); w.Code != http.StatusBadRequest {
		t.Errorf("claim count -5 = %d %s, want 400", w.Code, w.Body)
	}
}
