package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// cliRun runs one tribune command in-process and returns its stdout and stderr.
func cliRun(t *testing.T, stdin string, args ...string) (string, string, error) {
	t.Helper()
	var stdout, stderr bytes.Buffer
	e := env{stdin: strings.NewReader(stdin), stdout: &stdout, stderr: &stderr, getenv: func(string) string { return "" }}
	err := run(t.Context(), args, e)
	return stdout.String(), stderr.String(), err
}

// initDB creates the database at path with tribune init, unless it exists: the account
// commands refuse a database that does not exist.
func initDB(t *testing.T, path string) {
	t.Helper()
	if fileExists(path) {
		return
	}
	if _, errOut, err := cliRun(t, "", "init", "--db", path); err != nil {
		t.Fatalf("init: %v\n%s", err, errOut)
	}
}

// newAPIKey creates an API key in the database at path with tribune apikey create, and returns
// the last line of its output.
func newAPIKey(t *testing.T, path string) string {
	t.Helper()
	initDB(t, path)
	out, errOut, err := cliRun(t, "", "apikey", "create", "--db", path, "--name", "test site")
	if err != nil {
		t.Fatalf("apikey create: %v\n%s", err, errOut)
	}
	lines := strings.Split(strings.TrimSpace(out), "\n")
	return lines[len(lines)-1]
}

// addrWriter is a stderr that reports the address in "listening on http://ADDR".
type addrWriter struct {
	mu    sync.Mutex
	buf   bytes.Buffer
	addrc chan string
	sent  bool
}

func (w *addrWriter) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.buf.Write(p)
	if !w.sent {
		sc := bufio.NewScanner(bytes.NewReader(w.buf.Bytes()))
		for sc.Scan() {
			if _, addr, ok := strings.Cut(sc.Text(), "listening on http://"); ok {
				w.addrc <- addr
				w.sent = true
			}
		}
	}
	return len(p), nil
}

func (w *addrWriter) String() string {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.buf.String()
}

// startServe runs tribune serve in-process until ctx ends; it returns the base URL and a
// channel with run's result. It waits for the server however long it takes to start (a
// loaded machine is slow, not wrong); a server that never starts is go test's -timeout.
func startServe(t *testing.T, ctx context.Context, args ...string) (string, <-chan error, *addrWriter) {
	t.Helper()
	w := &addrWriter{addrc: make(chan string, 1)}
	e := env{stdin: strings.NewReader(""), stdout: io.Discard, stderr: w, getenv: func(string) string { return "" }}
	done := make(chan error, 1)
	go func() { done <- run(ctx, append([]string{"serve"}, args...), e) }()
	select {
	case addr := <-w.addrc:
		return "http://" + addr, done, w
	case err := <-done:
		t.Fatalf("serve exited early: %v\n%s", err, w.String())
	}
	return "", nil, nil
}

// call sends one JSON request and decodes the JSON answer into out.
func call(t *testing.T, method, url, token, body string, out any) int {
	t.Helper()
	req, err := http.NewRequestWithContext(t.Context(), method, url, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+token)
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, url, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	if out != nil {
		if err := json.Unmarshal(b, out); err != nil {
			t.Fatalf("%s %s: decode %s: %v", method, url, b, err)
		}
	}
	return resp.StatusCode
}

// TestServeSmoke runs run() end to end: serve on port 0, PUT an article, POST a comment, GET
// it back, then cancel the context and expect a clean shutdown.
func TestServeSmoke(t *testing.T) {
	db := filepath.Join(t.TempDir(), "smoke.db")
	key := newAPIKey(t, db)
	if !strings.HasPrefix(key, "trb_") {
		t.Fatalf("apikey create's last line = %q, want a trb_ key", key)
	}
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	base, done, logs := startServe(t, ctx, "--addr", "127.0.0.1:0", "--db", db)

	var health map[string]string
	if code := call(t, http.MethodGet, base+"/healthz", "", "", &health); code != 200 || health["status"] != "ok" {
		t.Fatalf("healthz: %d %v", code, health)
	}
	if code := call(t, http.MethodPut, base+"/api/v1/articles/smoke", key, `{"title":"Smoke test"}`, nil); code != 201 {
		t.Fatalf("PUT article: %d", code)
	}
	var posted, got map[string]any
	if code := call(t, http.MethodPost, base+"/api/v1/comments", key,
		`{"article_id":"smoke","author":{"id":"u1"},"text":"Where there is smoke there is fire."}`, &posted); code != 201 {
		t.Fatalf("POST comment: %d %v", code, posted)
	}
	if code := call(t, http.MethodGet, fmt.Sprintf("%s/api/v1/comments/%v", base, posted["id"]), key, "", &got); code != 200 {
		t.Fatalf("GET comment: %d", code)
	}
	if diff := cmp.Diff(posted, got); diff != "" {
		t.Errorf("GET differs from POST (-post +get):\n%s", diff)
	}

	cancel()
	// serve bounds its own shutdown (shutdownTimeout); a hang is go test's -timeout.
	if err := <-done; err != nil {
		t.Errorf("serve returned %v, want nil after cancel", err)
	}
	if out := logs.String(); !strings.Contains(out, "tribune: stopped") || !strings.Contains(out, `"route":"/api/v1/comments"`) {
		t.Errorf("serve's log lacks the request log or the stop line:\n%s", out)
	}
}

func TestServeConfig(t *testing.T) {
	vars := map[string]string{"TRIBUNE_ADDR": "0.0.0.0:9000", "TRIBUNE_DB": "/var/lib/t.db", "TRIBUNE_MODEL": "m.tribune",
		"TRIBUNE_LOG_FORMAT": "text", "TRIBUNE_METRICS": "false", "TRIBUNE_TRUSTED_PROXIES": "10.0.0.1"}
	e := env{stderr: io.Discard, getenv: func(k string) string { return vars[k] }}
	for _, tc := range []struct {
		name string
		args []string
		env  env
		want serveConfig
	}{
		{"defaults", nil, env{stderr: io.Discard, getenv: func(string) string { return "" }},
			serveConfig{Addr: "127.0.0.1:8080", DB: "tribune.db", LogFormat: "json", Metrics: true}},
		{"environment", nil, e, serveConfig{Addr: "0.0.0.0:9000", DB: "/var/lib/t.db", Model: "m.tribune",
			LogFormat: "text", TrustedProxies: "10.0.0.1"}},
		{"flags over environment", []string{"--addr", ":1", "--db", "x.db", "--model", "y", "--quiet", "--log-format", "json",
			"--metrics=true", "--trusted-proxies", "10.0.0.2"}, e,
			serveConfig{Addr: ":1", DB: "x.db", Model: "y", Quiet: true, LogFormat: "json", Metrics: true, TrustedProxies: "10.0.0.2"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := parseServe(tc.args, tc.env)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("config (-want +got):\n%s", diff)
			}
		})
	}
	if _, err := parseServe([]string{"extra"}, e); err != errUsage {
		t.Errorf("positional argument: err = %v, want errUsage", err)
	}
}

func TestServeBadAddress(t *testing.T) {
	db := filepath.Join(t.TempDir(), "t.db")
	_, _, err := cliRun(t, "", "serve", "--addr", "256.0.0.1:bad", "--db", db)
	if err == nil || !strings.Contains(err.Error(), "serve:") {
		t.Errorf("serve on a bad address: err = %v", err)
	}
}
