// Command attack measures what an attacker costs normal traffic: it sends comments to a
// running tribune serve at a fixed rate and reports their latency, first alone, then while
// attackers guess passwords on POST /api/v1/login and send maximal Perspective requests
// (20 kB comments of many sentences, span annotations, a long context). web/bench/attack.sh
// starts the server and runs it; loopback only.
//
//	attack -url http://127.0.0.1:18080 -key trb_... -attack-key trb_... [-rate 40] [-phase 15s]
package main

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"os"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

func main() {
	base := flag.String("url", "http://127.0.0.1:18080", "the server's base `URL`")
	key := flag.String("key", "", "API key of the site whose comments are normal traffic")
	attackKey := flag.String("attack-key", "", "API key the attacker uses for Perspective requests")
	rate := flag.Int("rate", 40, "normal comments per `second`")
	phase := flag.Duration("phase", 15*time.Second, "length of each phase")
	guessers := flag.Int("guessers", 16, "parallel password-guessing loops")
	analyzers := flag.Int("analyzers", 4, "parallel maximal Perspective loops")
	pid := flag.Int("pid", 0, "the server's process `id`, to report its CPU time per phase (Linux /proc)")
	warmup := flag.Duration("warmup", 5*time.Second, "attack time before the second phase is measured (the limiters' bursts)")
	flag.Parse()
	if *key == "" || *attackKey == "" {
		fmt.Fprintln(os.Stderr, "attack: -key and -attack-key are required")
		os.Exit(2)
	}
	client := &http.Client{Timeout: 30 * time.Second, Transport: &http.Transport{MaxIdleConnsPerHost: 256}}
	cpu0 := cpuTime(*pid)
	quiet := normalTraffic(client, *base, *key, *rate, *phase, "q")
	fmt.Printf("quiet:        %s, server CPU %.1f s\n", quiet, (cpuTime(*pid) - cpu0).Seconds())

	ctx, cancel := context.WithCancel(context.Background())
	var counts attackCounts
	var wg sync.WaitGroup
	for i := range *guessers {
		wg.Go(func() { guess(ctx, client, *base, i, &counts) })
	}
	for range *analyzers {
		wg.Go(func() { analyze(ctx, client, *base, *attackKey, &counts) })
	}
	// The limiters allow a burst (the first failed logins, a key's burst of tokens); measure
	// the attack's steady state after it.
	time.Sleep(*warmup)
	cpu1 := cpuTime(*pid)
	attacked := normalTraffic(client, *base, *key, *rate, *phase, "a")
	cpu2 := cpuTime(*pid)
	cancel()
	wg.Wait()
	fmt.Printf("under attack: %s, server CPU %.1f s\n", attacked, (cpu2 - cpu1).Seconds())
	fmt.Printf("attack: %s\n", &counts)
	fmt.Printf("p99 ratio: %.2f (goal < 2)\n", float64(attacked.p99)/float64(quiet.p99))
}

// cpuTime is the user+system CPU time of process pid so far (0 when unknown): fields 14
// and 15 of /proc/PID/stat, in clock ticks of 1/100 s on Linux.
func cpuTime(pid int) time.Duration {
	if pid == 0 {
		return 0
	}
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return 0
	}
	// The command name (field 2) may hold spaces; fields are counted after its ")".
	f := strings.Fields(string(b[bytes.LastIndexByte(b, ')')+1:]))
	if len(f) < 13 {
		return 0
	}
	var user, sys int64
	fmt.Sscan(f[11], &user)
	fmt.Sscan(f[12], &sys)
	return time.Duration(user+sys) * 10 * time.Millisecond
}

// result summarises one phase of normal traffic.
type result struct {
	n, failed     int
	p50, p99, max time.Duration
}

func (r result) String() string {
	return fmt.Sprintf("%d comments, %d failed, p50 %.1f ms, p99 %.1f ms, max %.1f ms", r.n, r.failed,
		ms(r.p50), ms(r.p99), ms(r.max))
}

func ms(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }

// normalTraffic posts comments at a fixed rate (open loop: a slow server does not slow the
// sender) for d, and reports their latencies.
func normalTraffic(client *http.Client, base, key string, rate int, d time.Duration, tag string) result {
	var mu sync.Mutex
	var lat []time.Duration
	failed := 0
	var wg sync.WaitGroup
	tick := time.NewTicker(time.Second / time.Duration(rate))
	defer tick.Stop()
	end := time.Now().Add(d)
	for i := 0; time.Now().Before(end); i++ {
		<-tick.C
		wg.Go(func() {
			body := fmt.Sprintf(`{"article_id":"bench","author":{"id":"u%d"},"text":%q}`, i%97, sentence(rand.N(40)+8))
			start := time.Now()
			status, err := post(client, base+"/api/v1/comments", key, body, "Idempotency-Key", fmt.Sprintf("%s-%d-%d", tag, i, start.UnixNano()))
			el := time.Since(start)
			mu.Lock()
			defer mu.Unlock()
			lat = append(lat, el)
			if err != nil || status != http.StatusCreated {
				failed++
			}
		})
	}
	wg.Wait()
	slices.Sort(lat)
	pct := func(p float64) time.Duration { return lat[min(len(lat)-1, int(p*float64(len(lat))))] }
	return result{n: len(lat), failed: failed, p50: pct(0.50), p99: pct(0.99), max: lat[len(lat)-1]}
}

// attackCounts tallies the attackers' answers by status.
type attackCounts struct {
	login401, login429, loginOther       atomic.Int64
	analyze200, analyze429, analyzeOther atomic.Int64
}

func (c *attackCounts) String() string {
	return fmt.Sprintf("login 401 %d, 429 %d, other %d; analyze 200 %d, 429 %d, other %d",
		c.login401.Load(), c.login429.Load(), c.loginOther.Load(),
		c.analyze200.Load(), c.analyze429.Load(), c.analyzeOther.Load())
}

// guess tries passwords in a tight loop, on the real admin's name and on made-up ones.
func guess(ctx context.Context, client *http.Client, base string, id int, c *attackCounts) {
	for i := 0; ctx.Err() == nil; i++ {
		name := "admin"
		if i%2 == 1 {
			name = fmt.Sprintf("user%d-%d", id, i)
		}
		body, _ := json.Marshal(map[string]string{"name": name, "password": fmt.Sprintf("guess-%d-%d", id, i)})
		status, _ := post(client, base+"/api/v1/login", "", string(body))
		switch status {
		case http.StatusUnauthorized:
			c.login401.Add(1)
		case http.StatusTooManyRequests:
			c.login429.Add(1)
		default:
			c.loginOther.Add(1)
		}
	}
}

// analyze sends the most expensive Perspective request the body limit allows, in a loop.
func analyze(ctx context.Context, client *http.Client, base, key string, c *attackCounts) {
	var text, context strings.Builder
	for text.Len() < 19_000 {
		text.WriteString(sentence(6) + ". ")
	}
	for context.Len() < 38_000 {
		context.WriteString(sentence(10) + ". ")
	}
	body, _ := json.Marshal(map[string]any{
		"comment":             map[string]string{"text": text.String()},
		"context":             map[string]any{"entries": []map[string]string{{"text": context.String()}}},
		"requestedAttributes": map[string]any{"TOXICITY": map[string]any{}, "INSULT": map[string]any{}, "PROFANITY": map[string]any{}},
		"spanAnnotations":     true,
	})
	for ctx.Err() == nil {
		status, _ := post(client, base+"/v1alpha1/comments:analyze?key="+key, "", string(body))
		switch status {
		case http.StatusOK:
			c.analyze200.Add(1)
		case http.StatusTooManyRequests:
			c.analyze429.Add(1)
		default:
			c.analyzeOther.Add(1)
		}
	}
}

var words = strings.Fields("the council budget tram line is a good bad idea not never agree wrong plan city old " +
	"town cost taxes residents voted for against why would anyone support this nonsense great work reporter " +
	"stupid idiot damn really think should must we they")

func sentence(n int) string {
	w := make([]string, n)
	for i := range w {
		w[i] = words[rand.N(len(words))]
	}
	return strings.Join(w, " ")
}

func post(client *http.Client, url, token, body string, header ...string) (int, error) {
	req, err := http.NewRequest(http.MethodPost, url, bytes.NewReader([]byte(body)))
	if err != nil {
		return 0, err
	}
	req.Header.Set("Content-Type", "application/json")
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	resp, err := client.Do(req)
	if err != nil {
		return 0, err
	}
	defer resp.Body.Close()
	_, _ = io.Copy(io.Discard, resp.Body)
	return resp.StatusCode, nil
}
