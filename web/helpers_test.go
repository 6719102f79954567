package web

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/gin-gonic/gin"
	"golang.org/x/crypto/bcrypt"

	"github.com/tribune/tribune/moderation"
	"github.com/tribune/tribune/moderation/moderationtest"
	"github.com/tribune/tribune/store"
)

func TestMain(m *testing.M) {
	gin.SetMode(gin.TestMode)
	moderation.BcryptCost = bcrypt.MinCost
	os.Exit(m.Run())
}

// testPassword is every test moderator's password.
const testPassword = "correct horse battery"

// fixture is a real router over a fresh SQLite file and the fake classifier, with one API key
// and two moderators logged in.
type fixture struct {
	t      testing.TB
	srv    *Server
	svc    *moderation.Service
	db     *store.DB
	key    string // API key of site "test"
	alice  string // session token of moderator alice
	bob    string // session token of moderator bob
	logBuf *bytes.Buffer
	logMu  *sync.Mutex
}

func newFixture(t testing.TB) *fixture {
	t.Helper()
	ctx := context.Background()
	db, err := store.Open(ctx, filepath.Join(t.TempDir(), "tribune.db"))
	if err != nil {
		t.Fatalf("store.Open: %v", err)
	}
	t.Cleanup(func() {
		if err := db.Close(); err != nil {
			t.Errorf("Close: %v", err)
		}
	})
	svc, err := moderation.NewService(ctx, db, moderationtest.FakeClassifier{})
	if err != nil {
		t.Fatalf("NewService: %v", err)
	}
	// The fake's keyword scores are meant for its own thresholds, not the shipped model's.
	if err := svc.SetPolicy(ctx, moderationtest.Policy()); err != nil {
		t.Fatalf("SetPolicy: %v", err)
	}
	var logBuf bytes.Buffer
	sw := &syncWriter{w: &logBuf}
	logger := slog.New(slog.NewTextHandler(sw, nil))
	f := &fixture{t: t, svc: svc, db: db, logBuf: &logBuf, logMu: &sw.mu,
		srv: New(svc, Options{Logger: logger, SkipRequestLog: true, Changes: moderation.NewChanges(db), Version: "v-test"})}
	if f.key, _, err = svc.CreateAPIKey(ctx, "test"); err != nil {
		t.Fatalf("CreateAPIKey: %v", err)
	}
	f.alice = f.moderator("alice")
	f.bob = f.moderator("bob")
	return f
}

// moderator adds a moderator and returns a session token for them.
func (f *fixture) moderator(name string) string {
	f.t.Helper()
	ctx := context.Background()
	if _, err := f.svc.AddModerator(ctx, name, testPassword, moderation.RoleModerator); err != nil {
		f.t.Fatalf("AddModerator(%q): %v", name, err)
	}
	token, _, err := f.svc.Login(ctx, name, testPassword)
	if err != nil {
		f.t.Fatalf("Login(%q): %v", name, err)
	}
	return token
}

// do sends one request through the router. body is sent verbatim; headers come in pairs.
func (f *fixture) do(method, path, token, body string, headers ...string) *httptest.ResponseRecorder {
	f.t.Helper()
	var r io.Reader
	if body != "" {
		r = strings.NewReader(body)
	}
	req := httptest.NewRequest(method, path, r)
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	w := httptest.NewRecorder()
	f.srv.Handler().ServeHTTP(w, req)
	return w
}

// doJSON sends v as JSON and decodes the answer into out (when not nil), checking the status.
func (f *fixture) doJSON(method, path, token string, v any, wantStatus int, out any, headers ...string) *httptest.ResponseRecorder {
	f.t.Helper()
	body := ""
	if v != nil {
		b, err := json.Marshal(v)
		if err != nil {
			f.t.Fatalf("marshal: %v", err)
		}
		body = string(b)
	}
	w := f.do(method, path, token, body, headers...)
	if w.Code != wantStatus {
		f.t.Fatalf("%s %s: status = %d, want %d; body %s", method, path, w.Code, wantStatus, w.Body)
	}
	if out != nil {
		decode(f.t, w, out)
	}
	return w
}

func decode(t testing.TB, w *httptest.ResponseRecorder, out any) {
	t.Helper()
	if ct := w.Header().Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
		t.Fatalf("Content-Type = %q, want application/json", ct)
	}
	if err := json.Unmarshal(w.Body.Bytes(), out); err != nil {
		t.Fatalf("decode %s: %v", w.Body, err)
	}
}

// putArticle creates an article in the given mode.
func (f *fixture) putArticle(id string, mode moderation.Mode) {
	f.t.Helper()
	f.doJSON(http.MethodPut, "/api/v1/articles/"+id, f.key, map[string]any{
		"title": "Council approves the new tram line", "body": "The city council voted for the tram line through the old town.",
		"url": "https://news.example/" + id, "mode": mode,
	}, http.StatusCreated, nil)
}

// postComment submits a comment and returns the decoded 201 answer.
func (f *fixture) postComment(article, author, text string) commentResponse {
	f.t.Helper()
	var c commentResponse
	f.doJSON(http.MethodPost, "/api/v1/comments", f.key, map[string]any{
		"article_id": article, "author": map[string]string{"id": author, "name": "Reader " + author}, "text": text,
	}, http.StatusCreated, &c)
	return c
}

// syncWriter serialises writes to a buffer shared by concurrent requests' log lines.
type syncWriter struct {
	mu sync.Mutex
	w  io.Writer
}

func (w *syncWriter) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.w.Write(p)
}

// logs returns what the server logged so far.
func (f *fixture) logs() string {
	f.logMu.Lock()
	defer f.logMu.Unlock()
	return f.logBuf.String()
}
