package moderation_test

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/tribune/tribune/moderation"
)

// receiver is a real HTTP webhook receiver that verifies signatures and records the event
// ids it acknowledged. While down it drops the connection without answering.
type receiver struct {
	t      *testing.T
	secret string
	now    func() time.Time
	down   atomic.Bool
	status atomic.Int32 // when not 0 and up: answer this status instead of 204

	mu        sync.Mutex
	acked     []int64
	deliverys []string
}

func (rv *receiver) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if rv.down.Load() {
		panic(http.ErrAbortHandler) // the connection drops: no status at all
	}
	body, err := io.ReadAll(r.Body)
	if err != nil {
		rv.t.Errorf("receiver: %v", err)
		return
	}
	if err := moderation.VerifyWebhook(rv.secret, r.Header.Get(moderation.SignatureHeader), body, rv.now(), 5*time.Minute); err != nil {
		rv.t.Errorf("receiver: %v", err)
		w.WriteHeader(http.StatusUnauthorized)
		return
	}
	if s := rv.status.Load(); s != 0 {
		w.WriteHeader(int(s))
		return
	}
	var batch struct {
		Events []struct {
			ID     int64  `json:"id"`
			Type   string `json:"type"`
			Status string `json:"status"`
		} `json:"events"`
	}
	if err := json.Unmarshal(body, &batch); err != nil {
		rv.t.Errorf("receiver: %v", err)
	}
	rv.mu.Lock()
	defer rv.mu.Unlock()
	for _, ev := range batch.Events {
		rv.acked = append(rv.acked, ev.ID)
	}
	rv.deliverys = append(rv.deliverys, r.Header.Get(moderation.DeliveryHeader))
	w.WriteHeader(http.StatusNoContent)
}

func encodeIDs(evs []moderation.Event) ([]byte, error) {
	type ev struct {
		ID     int64  `json:"id"`
		Type   string `json:"type"`
		Status string `json:"status"`
	}
	out := struct {
		Events []ev `json:"events"`
	}{}
	for _, e := range evs {
		out.Events = append(out.Events, ev{e.ID, string(e.Kind), string(e.Status)})
	}
	return json.Marshal(out)
}

func TestWebhookDeliveryThroughAnOutage(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t)
	f.article(t, "a1", moderation.ModeAuto)
	rv := &receiver{t: t, secret: "a secret of twenty chars", now: func() time.Time { return f.now }}
	srv := httptest.NewServer(rv)
	defer srv.Close()
	if _, err := f.db.AddWebhook(ctx, moderation.Webhook{URL: srv.URL, Secret: rv.secret}); err != nil {
		t.Fatal(err)
	}
	d := moderation.NewDispatcher(f.db, encodeIDs, slog.New(slog.NewTextHandler(io.Discard, nil)))
	d.Now = func() time.Time { return f.now }
	d.Batch = 3

	c := f.submit(t, "a1", "A first comment about the tram.")
	mod := f.moderator(t, "mo", moderation.RoleModerator)
	if _, err := f.svc.Decide(ctx, mod, moderation.DecisionInput{CommentID: c.ID, Verdict: moderation.Reject,
		Reason: moderation.ReasonInsult}); err != nil {
		t.Fatal(err)
	}
	if n, err := d.DeliverDue(ctx); err != nil || n != 2 {
		t.Fatalf("first delivery: %d events, %v; want 2", n, err)
	}

	// The receiver goes down; comments keep arriving and wait in the outbox.
	rv.down.Store(true)
	for range 5 {
		f.submit(t, "a1", "Another comment about the tram.")
	}
	for attempt := 1; attempt <= 4; attempt++ {
		if n, _ := d.DeliverDue(ctx); n != 0 {
			t.Fatalf("delivered %d events to a receiver that is down", n)
		}
		// Not due before the backoff has passed: no request is made.
		f.now = f.now.Add(moderation.WebhookBackoff(attempt) - time.Millisecond)
		if n, _ := d.DeliverDue(ctx); n != 0 {
			t.Fatal("retried before the backoff ended")
		}
		f.now = f.now.Add(time.Millisecond)
	}
	hooks, _ := f.db.Webhooks(ctx)
	if hooks[0].Attempts != 4 || hooks[0].LastError == "" {
		t.Errorf("webhook after 4 failures: %+v", hooks[0])
	}
	// A 5xx counts as a failure too.
	rv.down.Store(false)
	rv.status.Store(http.StatusServiceUnavailable)
	if n, _ := d.DeliverDue(ctx); n != 0 {
		t.Fatal("a 503 counted as delivered")
	}
	f.now = f.now.Add(moderation.WebhookBackoff(5))
	rv.status.Store(0)
	// Back up: the backlog drains in order, in batches of 3.
	total := 0
	for range 3 {
		n, err := d.DeliverDue(ctx)
		if err != nil {
			t.Fatal(err)
		}
		total += n
	}
	if total != 5 {
		t.Errorf("drained %d events after the outage, want 5", total)
	}
	rv.mu.Lock()
	defer rv.mu.Unlock()
	for i, id := range rv.acked {
		if id != int64(i+1) {
			t.Fatalf("acknowledged ids = %v, want 1..7 in order", rv.acked)
		}
	}
	if len(rv.acked) != 7 || !strings.HasPrefix(rv.deliverys[1], "1-3-5") {
		t.Errorf("acked %v, delivery ids %v", rv.acked, rv.deliverys)
	}
	log, err := f.db.Deliveries(ctx, hooks[0].ID, 20)
	if err != nil || len(log) != 8 { // 1 ok, 4 dropped, 1 503, 2 ok
		t.Errorf("delivery log has %d rows, %v; want 8", len(log), err)
	}
}

func TestWebhookSignature(t *testing.T) {
	now := time.Date(2026, 11, 1, 12, 0, 0, 0, time.UTC)
	body := []byte(`{"events":[]}`)
	sig := moderation.SignWebhook("0123456789abcdef", now, body)
	tests := []struct {
		name, secret, header string
		body                 []byte
		at                   time.Time
		ok                   bool
	}{
		{"valid", "0123456789abcdef", sig, body, now, true},
		{"wrong secret", "0123456789abcdeX", sig, body, now, false},
		{"changed body", "0123456789abcdef", sig, []byte(`{"events":[1]}`), now, false},
		{"replayed later", "0123456789abcdef", sig, body, now.Add(10 * time.Minute), false},
		{"malformed", "0123456789abcdef", "v1=abc", body, now, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := moderation.VerifyWebhook(tt.secret, tt.header, tt.body, tt.at, 5*time.Minute)
			if (err == nil) != tt.ok {
				t.Errorf("VerifyWebhook = %v, want ok %v", err, tt.ok)
			}
		})
	}
}

func TestWebhookBackoff(t *testing.T) {
	for _, tt := range []struct {
		attempt int
		want    time.Duration
	}{{0, 0}, {1, time.Second}, {2, 2 * time.Second}, {5, 16 * time.Second}, {13, time.Hour}, {100, time.Hour}} {
		if got := moderation.WebhookBackoff(tt.attempt); got != tt.want {
			t.Errorf("WebhookBackoff(%d) = %v, want %v", tt.attempt, got, tt.want)
		}
	}
}
