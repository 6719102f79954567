package main

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/tribune/tribune/store"
)

// startProcess starts tribune serve as a child process and returns it with its base URL, once
// it listens, however long that takes; one that exits first fails the test.
func startProcess(t *testing.T, db string) (*exec.Cmd, string) {
	t.Helper()
	// The test floods the server from one key on purpose: no per-key rate limit.
	cmd := tribuneCommand(t, "serve", "--addr", "127.0.0.1:0", "--db", db, "--quiet", "--key-rate", "-1")
	stderr, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = cmd.Process.Kill(); _ = cmd.Wait() })
	sc := bufio.NewScanner(stderr)
	for sc.Scan() {
		if _, addr, ok := strings.Cut(sc.Text(), "listening on http://"); ok {
			go func() { _, _ = io.Copy(io.Discard, stderr) }() // keep the pipe drained
			return cmd, "http://" + addr
		}
	}
	t.Fatalf("tribune serve exited before listening: %v", sc.Err())
	return nil, ""
}

// postKeyed posts one comment with an idempotency key and returns the status and comment id.
func postKeyed(ctx context.Context, client *http.Client, base, apiKey, key string) (int, int64, error) {
	body := fmt.Sprintf(`{"article_id":"crash","author":{"id":"a"},"text":"Crash test comment %s about the budget."}`, key)
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, base+"/api/v1/comments", strings.NewReader(body))
	if err != nil {
		return 0, 0, err
	}
	req.Header.Set("Authorization", "Bearer "+apiKey)
	req.Header.Set("Idempotency-Key", key)
	resp, err := client.Do(req)
	if err != nil {
		return 0, 0, err
	}
	defer resp.Body.Close()
	var c struct{ ID int64 }
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		return 0, 0, err
	}
	if err := json.Unmarshal(b, &c); err != nil {
		return resp.StatusCode, 0, err
	}
	return resp.StatusCode, c.ID, nil
}

// TestCrashRecovery kills tribune serve with SIGKILL while goroutines submit comments, restarts
// it on the same database, and checks that every comment that got a 2xx is there exactly
// once, that unanswered submissions were stored at most once, and that SQLite's integrity
// check passes.
func TestCrashRecovery(t *testing.T) {
	if testing.Short() {
		t.Skip("kills a server process mid-load; skipped with -short")
	}
	db := filepath.Join(t.TempDir(), "crash.db")
	apiKey := newAPIKey(t, db)
	cmd, base := startProcess(t, db)
	if code := call(t, http.MethodPut, base+"/api/v1/articles/crash", apiKey, `{"title":"Budget"}`, nil); code != 201 {
		t.Fatalf("PUT article: %d", code)
	}

	var (
		mu      sync.Mutex
		acked   = map[string]int64{} // idempotency key → id of a 2xx answer
		unknown []string             // sent, no answer: stored or not
		wg      sync.WaitGroup
		// loaded is closed once killAfter comments are acknowledged: the kill comes under
		// load whatever the machine's speed, with no sleep to tune.
		loaded = make(chan struct{})
	)
	const killAfter = 300
	ctx, stop := context.WithCancel(t.Context())
	client := &http.Client{Timeout: 5 * time.Second}
	for g := range 8 {
		wg.Go(func() {
			for i := 0; ctx.Err() == nil; i++ {
				key := fmt.Sprintf("g%d-%d", g, i)
				code, id, err := postKeyed(ctx, client, base, apiKey, key)
				mu.Lock()
				switch {
				case err == nil && code == http.StatusCreated:
					acked[key] = id
					if len(acked) == killAfter {
						close(loaded)
					}
				case err != nil:
					unknown = append(unknown, key)
				default:
					t.Errorf("submit %s: status %d", key, code)
				}
				mu.Unlock()
			}
		})
	}
	select {
	case <-loaded:
	case <-time.After(10 * time.Minute): // a liveness guard, far above any load
		t.Error("the server acknowledged too few comments to test anything; killing it anyway")
	}
	if err := cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	_ = cmd.Wait()
	stop()
	wg.Wait()
	t.Logf("before SIGKILL: %d comments acknowledged, %d requests cut off", len(acked), len(unknown))

	cmd, base = startProcess(t, db)
	for key, id := range acked {
		var got struct{ ID int64 }
		if code := call(t, http.MethodGet, fmt.Sprintf("%s/api/v1/comments/%d", base, id), apiKey, "", &got); code != 200 || got.ID != id {
			t.Errorf("acknowledged comment %d (%s): GET status %d", id, key, code)
		}
		code, replay, err := postKeyed(t.Context(), client, base, apiKey, key)
		if err != nil || code != http.StatusOK || replay != id {
			t.Errorf("retry of %s: status %d id %d err %v, want 200 and id %d", key, code, replay, err, id)
		}
	}
	// A cut-off submission was stored or not; its retry must settle it without a duplicate.
	for _, key := range unknown {
		if code, _, err := postKeyed(t.Context(), client, base, apiKey, key); err != nil || (code != 200 && code != 201) {
			t.Errorf("retry of cut-off %s: status %d err %v", key, code, err)
		}
	}
	var art struct{ Counts struct{ Total int } }
	call(t, http.MethodGet, base+"/api/v1/articles/crash", apiKey, "", &art)
	if want := len(acked) + len(unknown); art.Counts.Total != want {
		t.Errorf("article has %d comments, want %d (acknowledged + cut off, each once)", art.Counts.Total, want)
	}

	if err := cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	if err := cmd.Wait(); err != nil {
		t.Errorf("serve after SIGTERM: %v", err)
	}
	st, err := store.Open(t.Context(), db)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	if err := st.IntegrityCheck(t.Context()); err != nil {
		t.Errorf("after the crash: %v", err)
	}
}
