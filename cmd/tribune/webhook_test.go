package main

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/tribune/tribune/moderation"
)

// TestServeDeliversWebhooks runs serve with a webhook added by the CLI and a real receiver:
// a submitted comment's verdict arrives signed.
func TestServeDeliversWebhooks(t *testing.T) {
	db := filepath.Join(t.TempDir(), "hooks.db")
	key := newAPIKey(t, db)
	got := make(chan []byte, 10)
	const secret = "receiver-secret-0123456789"
	rv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		if err := moderation.VerifyWebhook(secret, r.Header.Get(moderation.SignatureHeader), body, time.Now(), time.Minute); err != nil {
			t.Errorf("receiver: %v", err)
			w.WriteHeader(http.StatusUnauthorized)
			return
		}
		got <- body
	}))
	defer rv.Close()
	out, errOut, err := cliRun(t, "", "webhook", "add", "--db", db, "--url", rv.URL, "--secret", secret)
	if err != nil || !strings.Contains(out, "added webhook 1") {
		t.Fatalf("webhook add = %q, %v\n%s", out, err, errOut)
	}
	if _, _, err := cliRun(t, "", "webhook", "add", "--db", db, "--url", "ftp://x", "--secret", secret); err == nil {
		t.Error("webhook add accepted an ftp URL")
	}
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	base, done, logs := startServe(t, ctx, "--addr", "127.0.0.1:0", "--db", db)
	if code := call(t, http.MethodPut, base+"/api/v1/articles/a1", key, `{"title":"Hooks"}`, nil); code != 201 {
		t.Fatalf("PUT article: %d", code)
	}
	var posted struct {
		ID int64 `json:"id"`
	}
	if code := call(t, http.MethodPost, base+"/api/v1/comments", key,
		`{"article_id":"a1","author":{"id":"u1"},"text":"Hooks are fine."}`, &posted); code != 201 {
		t.Fatalf("POST comment: %d", code)
	}
	var batch struct {
		Events []struct {
			ID        int64  `json:"id"`
			Type      string `json:"type"`
			CommentID int64  `json:"comment_id"`
		} `json:"events"`
	}
	select {
	case body := <-got:
		if err := json.Unmarshal(body, &batch); err != nil {
			t.Fatal(err)
		}
	case <-ctx.Done():
		t.Fatal("no webhook arrived")
	}
	if len(batch.Events) != 1 || batch.Events[0].CommentID != posted.ID || batch.Events[0].Type != "comment.verdict" {
		t.Errorf("webhook body = %+v", batch)
	}
	// The dispatcher records the acknowledgement after the receiver answered: wait for it.
	for {
		out, _, err = cliRun(t, "", "webhook", "deliveries", "1", "--db", db)
		if err != nil {
			t.Fatalf("webhook deliveries: %v", err)
		}
		if strings.Contains(out, " 200 ") || ctx.Err() != nil {
			break
		}
		time.Sleep(10 * time.Millisecond)
	}
	if !strings.Contains(out, " 200 ") {
		t.Errorf("webhook deliveries = %q", out)
	}
	resp, err := http.Get(base + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	metrics, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	for _, want := range []string{"tribune_model_info{version=", "tribune_queue_depth 0", "tribune_verdicts_total{",
		`tribune_webhook_backlog_events{webhook="1"} 0`, `tribune_webhook_deliveries_total{outcome="ok",webhook="1"} 1`,
		"tribune_scoring_duration_seconds_count 1", "tribune_sqlite_write_batch_size_count 1",
		`tribune_http_requests_total{method="POST",route="/api/v1/comments",status="201"} 1`} {
		if !strings.Contains(string(metrics), want) {
			t.Errorf("/metrics lacks %s", want)
		}
	}
	cancel()
	if err := <-done; err != nil {
		t.Fatalf("serve: %v\n%s", err, logs.String())
	}
	out, _, err = cliRun(t, "", "webhook", "list", "--db", db)
	if err != nil || !strings.Contains(out, rv.URL) {
		t.Errorf("webhook list = %q, %v", out, err)
	}
	if _, _, err := cliRun(t, "", "webhook", "remove", "--db", db, "1"); err != nil {
		t.Errorf("webhook remove: %v", err)
	}
}
