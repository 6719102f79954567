package store

import (
	"context"
	"fmt"
	"sort"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/tribune/tribune/moderation"
)

// cpuTime returns the process's user+system CPU time. Benchmarks report CPU per operation
// next to wall time, because on a shared machine wall time measures the neighbours too.
func cpuTime(b *testing.B) time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		b.Fatal(err)
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// requestContext is a cancellable context, like an HTTP request's.
func requestContext(b *testing.B) context.Context {
	ctx, cancel := context.WithCancel(context.Background())
	b.Cleanup(cancel)
	return ctx
}

// BenchmarkInsertComment measures one durable InsertComment (comment, score row, verdict,
// audit row, idempotency key; one transaction) at a time.
func BenchmarkInsertComment(b *testing.B) {
	ctx := requestContext(b)
	db, _ := newDB(b)
	db.Now = time.Now
	mustArticle(b, db, "a1")
	nc := newComment("a1", moderation.Approve, 0.3)
	b.ReportAllocs()
	i := 0
	var lat []time.Duration
	cpu := cpuTime(b)
	for b.Loop() {
		i++
		nc.IdempotencyKey = fmt.Sprintf("k%d", i)
		start := time.Now()
		if _, _, err := db.InsertComment(ctx, nc); err != nil {
			b.Fatal(err)
		}
		lat = append(lat, time.Since(start))
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "inserts/s")
	b.ReportMetric(float64((cpuTime(b)-cpu).Microseconds())/float64(b.N), "cpu-µs/op")
	reportLatency(b, lat)
}

// reportLatency reports the median, 99th percentile and maximum of lat in milliseconds.
func reportLatency(b *testing.B, lat []time.Duration) {
	if len(lat) == 0 {
		return
	}
	sort.Slice(lat, func(i, j int) bool { return lat[i] < lat[j] })
	ms := func(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }
	b.ReportMetric(ms(lat[len(lat)/2]), "p50-ms")
	b.ReportMetric(ms(lat[len(lat)*99/100]), "p99-ms")
	b.ReportMetric(ms(lat[len(lat)-1]), "max-ms")
}

// BenchmarkInsertCommentParallel measures InsertComment from 32 goroutines at once, as the HTTP
// server calls it, and reports throughput and the p50/p99 latency of one call.
func BenchmarkInsertCommentParallel(b *testing.B) {
	ctx := requestContext(b)
	db, _ := newDB(b)
	db.Now = time.Now
	mustArticle(b, db, "a1")
	var (
		mu  sync.Mutex
		lat []time.Duration
		seq int
	)
	b.ReportAllocs()
	b.SetParallelism(16) // × GOMAXPROCS goroutines
	cpu := cpuTime(b)
	b.RunParallel(func(pb *testing.PB) {
		nc := newComment("a1", moderation.Hold, 0.3)
		var mine []time.Duration
		for pb.Next() {
			mu.Lock()
			seq++
			nc.IdempotencyKey = fmt.Sprintf("k%d", seq)
			mu.Unlock()
			start := time.Now()
			if _, _, err := db.InsertComment(ctx, nc); err != nil {
				b.Error(err)
				return
			}
			mine = append(mine, time.Since(start))
		}
		mu.Lock()
		lat = append(lat, mine...)
		mu.Unlock()
	})
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "inserts/s")
	b.ReportMetric(float64((cpuTime(b)-cpu).Microseconds())/float64(b.N), "cpu-µs/op")
	reportLatency(b, lat)
}

// BenchmarkQueue lists the first page of a queue of 10,000 held comments.
func BenchmarkQueue(b *testing.B) {
	ctx := context.Background()
	db, _ := newDB(b)
	for a := range 10 {
		mustArticle(b, db, fmt.Sprintf("a%d", a))
	}
	for i := range 10_000 {
		nc := newComment(fmt.Sprintf("a%d", i%10), moderation.Hold, float64(i%1000)/500)
		if _, _, err := db.InsertComment(ctx, nc); err != nil {
			b.Fatal(err)
		}
	}
	for _, f := range []moderation.QueueFilter{{Limit: 50}, {ArticleID: "a3", Limit: 50}} {
		b.Run("article="+f.ArticleID, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				items, err := db.Queue(ctx, f)
				if err != nil || len(items) != 50 {
					b.Fatalf("Queue = %d items, %v", len(items), err)
				}
			}
		})
	}
	b.Run("size", func(b *testing.B) {
		for b.Loop() {
			if n, err := db.QueueSize(ctx); err != nil || n != 10_000 {
				b.Fatalf("QueueSize = %d, %v", n, err)
			}
		}
	})
}
