package moderation

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"
)

// Webhook is an endpoint that receives events. Cursor is the last event it acknowledged;
// Attempts counts the failed attempts at the batch after it, retried at NextAttempt.
type Webhook struct {
	ID          int64
	URL         string
	Secret      string
	Scope       string // "" for every event, else only events of comments submitted in it
	Cursor      int64
	Attempts    int
	NextAttempt time.Time
	LastError   string
	CreatedAt   time.Time
}

// WebhookDelivery is one attempt to deliver a batch of events, as the delivery log keeps it.
type WebhookDelivery struct {
	ID         int64
	WebhookID  int64
	FirstEvent int64
	LastEvent  int64
	Events     int
	Attempt    int
	Status     int // HTTP status; 0 when no response arrived
	Error      string
	Duration   time.Duration
	CreatedAt  time.Time
}

// OK reports whether the receiver acknowledged the batch.
func (d WebhookDelivery) OK() bool { return d.Status >= 200 && d.Status < 300 }

// WebhookStore persists webhooks, their cursors and the delivery log.
type WebhookStore interface {
	EventStore
	AddWebhook(ctx context.Context, w Webhook) (Webhook, error)
	Webhooks(ctx context.Context) ([]Webhook, error)
	RemoveWebhook(ctx context.Context, id int64) error
	// RecordDelivery logs d and updates its webhook in one transaction: on success the cursor
	// moves to d.LastEvent and the attempts reset; on failure attempts becomes d.Attempt and
	// the next attempt is due at next.
	RecordDelivery(ctx context.Context, d WebhookDelivery, next time.Time) error
	// Deliveries returns a webhook's latest deliveries, newest first.
	Deliveries(ctx context.Context, webhookID int64, limit int) ([]WebhookDelivery, error)
}

// Signature headers. The receiver recomputes HMAC-SHA256(secret, timestamp + "." + body),
// compares it in constant time with v1, and rejects timestamps far from its clock (replays).
// EventIDHeader carries the batch's idempotency id: a batch delivered twice (at least once
// delivery) has the same one, and every event in it keeps its own id.
const (
	SignatureHeader = "Tribune-Signature"
	DeliveryHeader  = "Tribune-Delivery"
)

// SignWebhook returns the Tribune-Signature value for body sent at t.
func SignWebhook(secret string, t time.Time, body []byte) string {
	ts := strconv.FormatInt(t.Unix(), 10)
	return "t=" + ts + ",v1=" + webhookMAC(secret, ts, body)
}

func webhookMAC(secret, ts string, body []byte) string {
	m := hmac.New(sha256.New, []byte(secret))
	m.Write([]byte(ts))
	m.Write([]byte("."))
	m.Write(body)
	return hex.EncodeToString(m.Sum(nil))
}

// VerifyWebhook checks a Tribune-Signature header against body, rejecting signatures older
// or newer than tolerance at now. Receivers written in Go can call it as is.
func VerifyWebhook(secret, header string, body []byte, now time.Time, tolerance time.Duration) error {
	var ts, sig string
	for _, part := range strings.Split(header, ",") {
		k, v, _ := strings.Cut(strings.TrimSpace(part), "=")
		switch k {
		case "t":
			ts = v
		case "v1":
			sig = v
		}
	}
	sec, err := strconv.ParseInt(ts, 10, 64)
	if err != nil || sig == "" {
		return errors.New("webhook signature: malformed header")
	}
	if d := now.Sub(time.Unix(sec, 0)); d > tolerance || d < -tolerance {
		return errors.New("webhook signature: timestamp outside the tolerance")
	}
	if !hmac.Equal([]byte(sig), []byte(webhookMAC(secret, ts, body))) {
		return errors.New("webhook signature: mismatch")
	}
	return nil
}

// MinWebhookSecret is the shortest secret AddWebhook accepts (bytes).
const MinWebhookSecret = 16

// ValidateWebhook checks a webhook before it is stored.
func ValidateWebhook(w Webhook) error {
	u, err := url.Parse(w.URL)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return invalid("url", "must be an absolute http or https URL")
	}
	if len(w.Secret) < MinWebhookSecret {
		return invalid("secret", "must be at least %d characters", MinWebhookSecret)
	}
	return checkText("scope", w.Scope, MaxIDBytes, false)
}

// WebhookBackoff is the wait after a batch's attempt-th failure: 1s doubling to at most an
// hour, so a receiver that is down for a day gets about 30 attempts, and one back after a
// short outage is retried within seconds.
func WebhookBackoff(attempt int) time.Duration {
	const base, ceiling = time.Second, time.Hour
	if attempt < 1 {
		return 0
	}
	if attempt > 12 {
		return ceiling
	}
	return min(base<<(attempt-1), ceiling)
}

// Dispatcher delivers events to every webhook from the outbox: in event order, in batches,
// at least once, retrying a failed batch with exponential backoff. Its state lives in the
// database, so a restart resumes where it stopped. It is safe to run one per database.
type Dispatcher struct {
	Store  WebhookStore
	Client *http.Client
	// Encode writes a batch as the request body (the transport owns the wire format; web
	// uses the changes feed's).
	Encode func([]Event) ([]byte, error)
	Log    *slog.Logger
	// Now is the clock; Backoff maps a failure count to the wait before the next attempt.
	Now     func() time.Time
	Backoff func(attempt int) time.Duration
	// Batch bounds the events per request; Interval is how often the outbox is polled.
	Batch    int
	Interval time.Duration
	// Observe, when set, is told about every attempt (metrics).
	Observe func(WebhookDelivery)
}

// NewDispatcher returns a dispatcher with production defaults: 100 events a batch, a poll
// every 500ms, a 10-second timeout per request, WebhookBackoff.
func NewDispatcher(store WebhookStore, encode func([]Event) ([]byte, error), log *slog.Logger) *Dispatcher {
	return &Dispatcher{Store: store, Encode: encode, Client: &http.Client{Timeout: 10 * time.Second}, Log: log,
		Now: time.Now, Backoff: WebhookBackoff, Batch: 100, Interval: 500 * time.Millisecond}
}

// Run delivers until ctx ends.
func (d *Dispatcher) Run(ctx context.Context) {
	t := time.NewTicker(d.Interval)
	defer t.Stop()
	for {
		n, err := d.DeliverDue(ctx)
		if err != nil && ctx.Err() == nil {
			d.Log.Error("webhooks", "err", err)
		}
		if n >= d.Batch && err == nil && ctx.Err() == nil {
			// A full batch means a backlog: send the next one now rather than one per poll.
			// Smaller batches wait for the poll, which bounds the write transactions that
			// delivery adds to the comment writer's.
			continue
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// DeliverDue sends, to every webhook whose next attempt is due, the events after its cursor
// (one batch each, webhooks in parallel) and records the outcomes. It returns how many events
// were acknowledged.
func (d *Dispatcher) DeliverDue(ctx context.Context) (int, error) {
	hooks, err := d.Store.Webhooks(ctx)
	if err != nil {
		return 0, err
	}
	now := d.Now().UTC()
	var (
		wg    sync.WaitGroup
		mu    sync.Mutex
		acked int
		errs  []error
	)
	for _, w := range hooks {
		if w.NextAttempt.After(now) {
			continue
		}
		wg.Go(func() {
			n, err := d.deliver(ctx, w)
			mu.Lock()
			defer mu.Unlock()
			acked += n
			if err != nil {
				errs = append(errs, fmt.Errorf("webhook %d: %w", w.ID, err))
			}
		})
	}
	wg.Wait()
	return acked, errors.Join(errs...)
}

// deliver sends w's next batch and records the attempt.
func (d *Dispatcher) deliver(ctx context.Context, w Webhook) (int, error) {
	evs, err := d.Store.Events(ctx, w.Cursor, w.Scope, d.Batch)
	if err != nil || len(evs) == 0 {
		return 0, err
	}
	data, err := d.Encode(evs)
	if err != nil {
		return 0, fmt.Errorf("encode events: %w", err)
	}
	first, last := evs[0].ID, evs[len(evs)-1].ID
	del := WebhookDelivery{WebhookID: w.ID, FirstEvent: first, LastEvent: last, Events: len(evs),
		Attempt: w.Attempts + 1, CreatedAt: d.Now().UTC()}
	start := time.Now()
	del.Status, del.Error = d.post(ctx, w, data, fmt.Sprintf("%d-%d-%d", w.ID, first, last))
	del.Duration = time.Since(start)
	if ctx.Err() != nil && !del.OK() {
		return 0, nil // shutting down: the batch goes again on the next start
	}
	// An acknowledged batch is recorded even while shutting down, so it is not sent again.
	ctx = context.WithoutCancel(ctx)
	next := time.Time{}
	if !del.OK() {
		next = del.CreatedAt.Add(d.Backoff(del.Attempt))
	}
	if d.Observe != nil {
		d.Observe(del)
	}
	if err := d.Store.RecordDelivery(ctx, del, next); err != nil {
		return 0, err
	}
	if !del.OK() {
		d.Log.Warn("webhook delivery failed", "webhook", w.ID, "status", del.Status, "error", del.Error,
			"attempt", del.Attempt, "retry_in_seconds", next.Sub(del.CreatedAt).Seconds())
		return 0, nil
	}
	return len(evs), nil
}

// post sends one signed batch and returns the status (0 when none arrived) and an error text.
func (d *Dispatcher) post(ctx context.Context, w Webhook, data []byte, deliveryID string) (int, string) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, w.URL, bytes.NewReader(data))
	if err != nil {
		return 0, err.Error()
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("User-Agent", "Tribune-Webhook/1")
	req.Header.Set(DeliveryHeader, deliveryID)
	req.Header.Set(SignatureHeader, SignWebhook(w.Secret, d.Now(), data))
	resp, err := d.Client.Do(req)
	if err != nil {
		return 0, err.Error()
	}
	defer resp.Body.Close()
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10)) // lets the connection be reused
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return resp.StatusCode, resp.Status
	}
	return resp.StatusCode, ""
}
