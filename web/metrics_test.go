package web

import (
	"bytes"
	"context"
	"encoding/json"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/tribune/tribune/moderation"
	"github.com/tribune/tribune/moderation/moderationtest"
	"github.com/tribune/tribune/store"
	"github.com/tribune/tribune/web/internal/webtest"
)

func TestMetricsAndRequestLog(t *testing.T) {
	ctx := context.Background()
	db, err := store.Open(ctx, filepath.Join(t.TempDir(), "tribune.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = db.Close() })
	svc, err := moderation.NewService(ctx, db, moderationtest.FakeClassifier{})
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	sw := &webtest.SyncWriter{W: &buf}
	logger := slog.New(slog.NewJSONHandler(sw, nil))
	srv := New(svc, Options{Logger: logger, Metrics: prometheus.NewRegistry(), TrustedProxies: []string{"10.0.0.1"}})
	key, _, err := svc.CreateAPIKey(ctx, "site one")
	if err != nil {
		t.Fatal(err)
	}
	do := func(method, path, token, xff string) *httptest.ResponseRecorder {
		req := httptest.NewRequest(method, path, nil)
		req.RemoteAddr = "10.0.0.1:5555"
		if xff != "" {
			req.Header.Set("X-Forwarded-For", xff)
		}
		if token != "" {
			req.Header.Set("Authorization", "Bearer "+token)
		}
		w := httptest.NewRecorder()
		srv.Handler().ServeHTTP(w, req)
		return w
	}
	do(http.MethodGet, "/api/v1/articles/nope", key, "203.0.113.7")
	do(http.MethodGet, "/healthz", "", "")

	w := do(http.MethodGet, "/metrics", "", "")
	if w.Code != http.StatusOK || !strings.HasPrefix(w.Header().Get("Content-Type"), "text/plain") {
		t.Fatalf("GET /metrics: %d %s", w.Code, w.Header().Get("Content-Type"))
	}
	for _, want := range []string{
		`tribune_http_requests_total{method="GET",route="/api/v1/articles/:id",status="404"} 1`,
		`tribune_http_requests_total{method="GET",route="/healthz",status="200"} 1`,
		`tribune_http_request_duration_seconds_bucket{method="GET",route="/healthz",le="+Inf"} 1`,
	} {
		if !strings.Contains(w.Body.String(), want) {
			t.Errorf("metrics lack %s\n%s", want, w.Body)
		}
	}

	line, _, _ := strings.Cut(sw.String(), "\n")
	var rec map[string]any
	if err := json.Unmarshal([]byte(line), &rec); err != nil {
		t.Fatalf("log line %q: %v", line, err)
	}
	if rec["client"] != "203.0.113.7" || rec["api_key_name"] != "site one" || rec["status"] != float64(404) {
		t.Errorf("request log = %v", rec)
	}
	if _, ok := rec["duration_ms"].(float64); !ok {
		t.Errorf("request log has no duration_ms: %v", rec)
	}
	if strings.Contains(buf.String(), key) {
		t.Error("the request log contains the API key")
	}
}
