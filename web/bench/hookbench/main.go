// Command hookbench measures webhook delivery under load: comments/s with webhooks off and
// on, how far delivery lags behind, and how long the outbox takes to drain after a receiver
// outage. It drives a tribune binary over loopback:
//
//	go build -o /tmp/tribune ./cmd/tribune
//	go run ./web/bench/hookbench -bin /tmp/tribune -duration 20s -conns 32 -outage 20s
package main

import (
	"bytes"
	"context"
	"flag"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

func main() {
	bin := flag.String("bin", "tribune", "tribune binary")
	duration := flag.Duration("duration", 20*time.Second, "load duration of each phase")
	conns := flag.Int("conns", 32, "concurrent clients")
	outage := flag.Duration("outage", 20*time.Second, "how long the receiver is down in the outage phase")
	flag.Parse()
	rv := &receiver{}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		log.Fatal(err)
	}
	go func() { _ = http.Serve(ln, rv) }()
	hook := "http://" + ln.Addr().String() + "/hook"

	off := phase(*bin, "", *duration, *conns, rv, 0)
	fmt.Printf("webhooks off: %d comments in %s, %.0f comments/s\n", off.sent, *duration, off.rate())
	on := phase(*bin, hook, *duration, *conns, rv, 0)
	fmt.Printf("webhooks on:  %d comments in %s, %.0f comments/s; all %d events acknowledged %.1fs after the load ended\n",
		on.sent, *duration, on.rate(), on.acked, on.drain.Seconds())
	down := phase(*bin, hook, *duration, *conns, rv, *outage)
	fmt.Printf("receiver down for the first %s: %d comments, %.0f comments/s; the %d events of the outage acknowledged %.1fs after the receiver came back; all acknowledged %.1fs after the load ended\n",
		*outage, down.sent, down.rate(), down.backlog, down.caughtUp.Seconds(), down.drain.Seconds())
}

// receiver acknowledges webhook batches and counts the events, or drops connections while down.
type receiver struct {
	down  atomic.Bool
	acked atomic.Int64
}

func (rv *receiver) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if rv.down.Load() {
		w.WriteHeader(http.StatusServiceUnavailable)
		return
	}
	body, _ := io.ReadAll(r.Body)
	rv.acked.Add(int64(bytes.Count(body, []byte(`"comment_id"`))))
	w.WriteHeader(http.StatusNoContent)
}

type result struct {
	sent, acked, backlog int64
	dur, drain, caughtUp time.Duration
}

func (r result) rate() float64 { return float64(r.sent) / r.dur.Seconds() }

// phase starts tribune on a fresh database (with a webhook to hook unless it is ""), posts
// comments from conns clients for d, then waits until the receiver acknowledged every event.
func phase(bin, hook string, d time.Duration, conns int, rv *receiver, outage time.Duration) result {
	dir, err := os.MkdirTemp("", "hookbench")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(dir)
	db := filepath.Join(dir, "bench.db")
	must(exec.Command(bin, "init", "--db", db).Run())
	out, err := exec.Command(bin, "apikey", "create", "--db", db, "--name", "bench").Output()
	must(err)
	lines := strings.Split(strings.TrimSpace(string(out)), "\n")
	key := lines[len(lines)-1]
	if hook != "" {
		must(exec.Command(bin, "webhook", "add", "--db", db, "--url", hook, "--secret", "hookbench-secret-0123").Run())
	}
	srv := exec.Command(bin, "serve", "--db", db, "--addr", "127.0.0.1:18181", "--quiet", "--metrics=false")
	must(srv.Start())
	defer func() { _ = srv.Process.Signal(os.Interrupt); _ = srv.Wait() }()
	base := "http://127.0.0.1:18181"
	for i := 0; ; i++ {
		if resp, err := http.Get(base + "/healthz"); err == nil {
			resp.Body.Close()
			break
		}
		if i > 100 {
			log.Fatal("serve did not start")
		}
		time.Sleep(100 * time.Millisecond)
	}
	post(base+"/api/v1/articles/bench", key, http.MethodPut, `{"title":"Council approves the tram line budget"}`)
	rv.acked.Store(0)
	rv.down.Store(outage > 0)
	ctx, cancel := context.WithTimeout(context.Background(), d)
	defer cancel()
	var sent atomic.Int64
	var backlog atomic.Int64 // comments stored while the receiver was down
	caughtUp := make(chan time.Duration, 1)
	if outage > 0 {
		time.AfterFunc(outage, func() {
			backlog.Store(sent.Load())
			rv.down.Store(false)
			back := time.Now()
			for rv.acked.Load() < backlog.Load() {
				time.Sleep(20 * time.Millisecond)
			}
			caughtUp <- time.Since(back)
		})
	}
	var wg sync.WaitGroup
	start := time.Now()
	for c := range conns {
		wg.Go(func() {
			for i := 0; ctx.Err() == nil; i++ {
				body := fmt.Sprintf(`{"article_id":"bench","author":{"id":"u%d"},"text":"Comment %d from client %d: the tram line is a good idea, I think."}`, c, i, c)
				if post(base+"/api/v1/comments", key, http.MethodPost, body) == http.StatusCreated {
					sent.Add(1)
				}
			}
		})
	}
	wg.Wait()
	res := result{sent: sent.Load(), dur: time.Since(start)}
	if hook == "" {
		return res
	}
	if outage > 0 {
		res.caughtUp, res.backlog = <-caughtUp, backlog.Load()
	}
	end := time.Now()
	for rv.acked.Load() < res.sent {
		if time.Since(end) > 10*time.Minute {
			log.Fatalf("only %d of %d events acknowledged", rv.acked.Load(), res.sent)
		}
		time.Sleep(50 * time.Millisecond)
	}
	res.acked, res.drain = rv.acked.Load(), time.Since(end)
	return res
}

var client = &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 256}}

func post(url, key, method, body string) int {
	req, err := http.NewRequest(method, url, strings.NewReader(body))
	must(err)
	req.Header.Set("Authorization", "Bearer "+key)
	req.Header.Set("Content-Type", "application/json")
	resp, err := client.Do(req)
	if err != nil {
		return 0
	}
	_, _ = io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	return resp.StatusCode
}

func must(err error) {
	if err != nil {
		log.Fatal(err)
	}
}
