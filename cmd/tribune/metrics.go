package main

import (
	"context"
	"log/slog"
	"strconv"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"

	"github.com/tribune/tribune/moderation"
	"github.com/tribune/tribune/store"
)

// serviceMetrics are the domain's metrics: what the service, the SQLite writer and the
// webhook dispatcher report as they work, and what a scrape reads from the database (queue,
// webhook backlog) and the service (model).
type serviceMetrics struct {
	scoring  prometheus.Histogram
	verdicts *prometheus.CounterVec
	batches  prometheus.Histogram
	webhooks *prometheus.CounterVec
}

// newMetrics returns a registry with the Go runtime's and the process's metrics and the
// service's, hooked into svc, db and d. The HTTP server adds its request metrics to it.
func newMetrics(svc *moderation.Service, db *store.DB, d *moderation.Dispatcher, log *slog.Logger) *prometheus.Registry {
	reg := prometheus.NewRegistry()
	reg.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	m := &serviceMetrics{
		scoring: prometheus.NewHistogram(prometheus.HistogramOpts{
			Name:    "tribune_scoring_duration_seconds",
			Help:    "Time the classifier took to assess one submitted comment.",
			Buckets: []float64{.0005, .001, .002, .005, .01, .02, .05, .1, .25},
		}),
		verdicts: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "tribune_verdicts_total",
			Help: "Machine verdicts of stored comments, by verdict and reason (the head or rule behind it).",
		}, []string{"verdict", "reason"}),
		batches: prometheus.NewHistogram(prometheus.HistogramOpts{
			Name:    "tribune_sqlite_write_batch_size",
			Help:    "Comments committed per SQLite write transaction by the batching writer.",
			Buckets: []float64{1, 2, 4, 8, 16, 32, 64, 128, 256},
		}),
		webhooks: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "tribune_webhook_deliveries_total",
			Help: "Webhook delivery attempts, by webhook and outcome (ok or failed).",
		}, []string{"webhook", "outcome"}),
	}
	reg.MustRegister(m.scoring, m.verdicts, m.batches, m.webhooks, &scrapeCollector{svc: svc, db: db, log: log})
	svc.Observer = m
	db.OnBatch = func(n int) { m.batches.Observe(float64(n)) }
	d.Observe = func(del moderation.WebhookDelivery) {
		outcome := "failed"
		if del.OK() {
			outcome = "ok"
		}
		m.webhooks.WithLabelValues(strconv.FormatInt(del.WebhookID, 10), outcome).Inc()
	}
	return reg
}

// Assessed implements moderation.Observer.
func (m *serviceMetrics) Assessed(d time.Duration) { m.scoring.Observe(d.Seconds()) }

// Judged implements moderation.Observer.
func (m *serviceMetrics) Judged(v moderation.Verdict, reasons []moderation.Reason) {
	if len(reasons) == 0 {
		m.verdicts.WithLabelValues(string(v), "none").Inc()
	}
	for _, r := range reasons {
		m.verdicts.WithLabelValues(string(v), r.Code).Inc()
	}
}

// scrapeCollector reads state at scrape time: the review queue, the webhook backlog and the
// model in use. Each scrape costs a few indexed reads.
type scrapeCollector struct {
	svc *moderation.Service
	db  *store.DB
	log *slog.Logger
}

var (
	queueDepthDesc  = prometheus.NewDesc("tribune_queue_depth", "Held comments waiting for a moderator.", nil, nil)
	queueAgeDesc    = prometheus.NewDesc("tribune_queue_oldest_age_seconds", "Age of the oldest held comment waiting for a moderator (0 when none waits).", nil, nil)
	backlogDesc     = prometheus.NewDesc("tribune_webhook_backlog_events", "Events not yet acknowledged by a webhook.", []string{"webhook"}, nil)
	hookFailingDesc = prometheus.NewDesc("tribune_webhook_failed_attempts", "Consecutive failed attempts at a webhook's next batch.", []string{"webhook"}, nil)
	modelDesc       = prometheus.NewDesc("tribune_model_info", "The model that scores comments (always 1).", []string{"version"}, nil)
)

// Describe implements prometheus.Collector.
func (c *scrapeCollector) Describe(ch chan<- *prometheus.Desc) {
	for _, d := range []*prometheus.Desc{queueDepthDesc, queueAgeDesc, backlogDesc, hookFailingDesc, modelDesc} {
		ch <- d
	}
}

// Collect implements prometheus.Collector. A failed read leaves its metric out and is logged.
func (c *scrapeCollector) Collect(ch chan<- prometheus.Metric) {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	ch <- prometheus.MustNewConstMetric(modelDesc, prometheus.GaugeValue, 1, c.svc.Classifier().Version())
	if n, err := c.svc.QueueSize(ctx); err == nil {
		ch <- prometheus.MustNewConstMetric(queueDepthDesc, prometheus.GaugeValue, float64(n))
	} else {
		c.log.Error("metrics: queue size", "error", err.Error())
	}
	if _, oldest, err := c.db.QueueAges(ctx, nil); err == nil {
		age := 0.0
		if !oldest.IsZero() {
			age = time.Since(oldest).Seconds()
		}
		ch <- prometheus.MustNewConstMetric(queueAgeDesc, prometheus.GaugeValue, age)
	} else {
		c.log.Error("metrics: queue age", "error", err.Error())
	}
	hooks, err := c.db.Webhooks(ctx)
	if err != nil {
		c.log.Error("metrics: webhooks", "error", err.Error())
		return
	}
	last, err := c.db.LastEventID(ctx)
	if err != nil {
		c.log.Error("metrics: events", "error", err.Error())
		return
	}
	for _, w := range hooks {
		id := strconv.FormatInt(w.ID, 10)
		ch <- prometheus.MustNewConstMetric(backlogDesc, prometheus.GaugeValue, float64(max(0, last-w.Cursor)), id)
		ch <- prometheus.MustNewConstMetric(hookFailingDesc, prometheus.GaugeValue, float64(w.Attempts), id)
	}
}
