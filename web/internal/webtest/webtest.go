// Package webtest is the test fixture of Tribune's HTTP front-ends: a real router over a fresh
// SQLite file and the fake classifier, with one API key and two moderators logged in. Each
// front-end's tests build the router they need (their own front-end, and the JSON API where
// they submit comments through it) and drive it with httptest.
package webtest

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"

	"github.com/gin-gonic/gin"
	"golang.org/x/crypto/bcrypt"

	"github.com/tribune/tribune/moderation"
	"github.com/tribune/tribune/moderation/moderationtest"
	"github.com/tribune/tribune/store"
	"github.com/tribune/tribune/web/internal/httpx"
)

// Password is every test moderator's password.
const Password = "correct horse battery"

// Fixture is a router over a fresh SQLite file and the fake classifier, with one API key and
// two moderators logged in.
type Fixture struct {
	T       testing.TB
	Handler http.Handler
	Svc     *moderation.Service
	DB      *store.DB
	Logger  *slog.Logger
	Path    string // the database file
	Key     string // API key of site "test"
	Alice   string // session token of moderator alice
	Bob     string // session token of moderator bob
	log     *SyncWriter
}

// New opens the database and service, creates the key and the moderators, and calls build
// for the router (its logger writes to what Logs returns).
func New(t testing.TB, build func(f *Fixture) http.Handler) *Fixture {
	t.Helper()
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "tribune.db")
	db, err := store.Open(ctx, path)
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
	sw := &SyncWriter{W: &bytes.Buffer{}}
	f := &Fixture{T: t, Svc: svc, DB: db, Path: path, log: sw, Logger: slog.New(slog.NewTextHandler(sw, nil))}
	f.Handler = build(f)
	if f.Key, _, err = svc.CreateAPIKey(ctx, "test"); err != nil {
		t.Fatalf("CreateAPIKey: %v", err)
	}
	f.Alice = f.Moderator("alice")
	f.Bob = f.Moderator("bob")
	return f
}

// Moderator adds a moderator and returns a session token for them.
func (f *Fixture) Moderator(name string) string {
	f.T.Helper()
	ctx := context.Background()
	if _, err := f.Svc.AddModerator(ctx, name, Password, moderation.RoleModerator); err != nil {
		f.T.Fatalf("AddModerator(%q): %v", name, err)
	}
	token, _, err := f.Svc.Login(ctx, name, Password)
	if err != nil {
		f.T.Fatalf("Login(%q): %v", name, err)
	}
	return token
}

// Do sends one request through the router. body is sent verbatim; headers come in pairs.
func (f *Fixture) Do(method, path, token, body string, headers ...string) *httptest.ResponseRecorder {
	f.T.Helper()
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
	f.Handler.ServeHTTP(w, req)
	return w
}

// DoJSON sends v as JSON and decodes the answer into out (when not nil), checking the status.
func (f *Fixture) DoJSON(method, path, token string, v any, wantStatus int, out any, headers ...string) *httptest.ResponseRecorder {
	f.T.Helper()
	body := ""
	if v != nil {
		b, err := json.Marshal(v)
		if err != nil {
			f.T.Fatalf("marshal: %v", err)
		}
		body = string(b)
	}
	w := f.Do(method, path, token, body, headers...)
	if w.Code != wantStatus {
		f.T.Fatalf("%s %s: status = %d, want %d; body %s", method, path, w.Code, wantStatus, w.Body)
	}
	if out != nil {
		Decode(f.T, w, out)
	}
	return w
}

// Decode decodes a JSON answer into out, failing the test on another content type.
func Decode(t testing.TB, w *httptest.ResponseRecorder, out any) {
	t.Helper()
	if ct := w.Header().Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
		t.Fatalf("Content-Type = %q, want application/json", ct)
	}
	if err := json.Unmarshal(w.Body.Bytes(), out); err != nil {
		t.Fatalf("decode %s: %v", w.Body, err)
	}
}

// PutArticle creates an article in the given mode through the JSON API.
func (f *Fixture) PutArticle(id string, mode moderation.Mode) {
	f.T.Helper()
	f.DoJSON(http.MethodPut, "/api/v1/articles/"+id, f.Key, map[string]any{
		"title": "Council approves the new tram line", "body": "The city council voted for the tram line through the old town.",
		"url": "https://news.example/" + id, "mode": mode,
	}, http.StatusCreated, nil)
}

// Posted is what most tests read of a submitted comment.
type Posted struct {
	ID        int64  `json:"id"`
	ArticleID string `json:"article_id"`
	Status    string `json:"status"`
}

// PostComment submits a comment through the JSON API.
func (f *Fixture) PostComment(article, author, text string) Posted {
	f.T.Helper()
	var p Posted
	f.SubmitComment(article, author, text, &p)
	return p
}

// SubmitComment submits a comment through the JSON API and decodes the 201 answer into out
// (when not nil).
func (f *Fixture) SubmitComment(article, author, text string, out any) {
	f.T.Helper()
	f.DoJSON(http.MethodPost, "/api/v1/comments", f.Key, map[string]any{
		"article_id": article, "author": map[string]string{"id": author, "name": "Reader " + author}, "text": text,
	}, http.StatusCreated, out)
}

// SyncWriter serialises writes to a buffer shared by concurrent requests' log lines.
type SyncWriter struct {
	mu sync.Mutex
	W  io.Writer
}

func (w *SyncWriter) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.W.Write(p)
}

// String returns what was written so far, when W is a *bytes.Buffer.
func (w *SyncWriter) String() string {
	w.mu.Lock()
	defer w.mu.Unlock()
	if b, ok := w.W.(*bytes.Buffer); ok {
		return b.String()
	}
	return ""
}

// Logs returns what the server logged so far.
func (f *Fixture) Logs() string { return f.log.String() }

// GermanComment is civil German; the fake classifier detects it by its marker words.
const GermanComment = "Das ist nicht der richtige Weg, aber ich verstehe den Gemeinderat."

// Main runs a front-end's tests: gin in test mode, and the cheapest bcrypt cost so that logging
// moderators in takes microseconds.
func Main(m *testing.M) {
	gin.SetMode(gin.TestMode)
	moderation.BcryptCost = bcrypt.MinCost
	os.Exit(m.Run())
}

// Dash is a Fixture with what the dashboard's tests need besides: an admin session and a few
// held comments on article "tram".
type Dash struct {
	*Fixture
	Admin string // session token of admin carol
	Held  []int64
}

// NewDash adds the admin, the article and its comments to f, through the JSON API.
func NewDash(f *Fixture) *Dash {
	f.T.Helper()
	d := &Dash{Fixture: f}
	ctx := context.Background()
	if _, err := f.Svc.AddModerator(ctx, "carol", Password, moderation.RoleAdmin); err != nil {
		f.T.Fatalf("AddModerator: %v", err)
	}
	var err error
	if d.Admin, _, err = f.Svc.Login(ctx, "carol", Password); err != nil {
		f.T.Fatalf("Login: %v", err)
	}
	f.PutArticle("tram", moderation.ModeAuto)
	f.PostComment("tram", "u1", "The tram line is overdue and I agree with the council.")
	for _, text := range []string{"Only an idiot would vote for this tram.", "What a stupid moron.", "The council is garbage, I hate it."} {
		d.Held = append(d.Held, f.PostComment("tram", "u2", text).ID)
	}
	return d
}

// Page sends a dashboard request with the session cookie token ("" for none) and form values
// (nil for a GET without body).
func (f *Fixture) Page(method, path, token string, form url.Values) *httptest.ResponseRecorder {
	f.T.Helper()
	var req *http.Request
	if form != nil {
		req = httptest.NewRequest(method, path, strings.NewReader(form.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	} else {
		req = httptest.NewRequest(method, path, nil)
	}
	if token != "" {
		req.AddCookie(&http.Cookie{Name: httpx.SessionCookie, Value: token})
	}
	w := httptest.NewRecorder()
	f.Handler.ServeHTTP(w, req)
	return w
}

// csrfField finds the CSRF token in a dashboard page's forms.
var csrfField = regexp.MustCompile(`name="csrf" value="([^"]+)"`)

// CSRF returns the CSRF token the dashboard puts in the forms of token's session.
func (f *Fixture) CSRF(token string) string {
	f.T.Helper()
	w := f.Page(http.MethodGet, "/queue", token, nil)
	m := csrfField.FindStringSubmatch(w.Body.String())
	if m == nil {
		f.T.Fatalf("no CSRF token on /queue (status %d)", w.Code)
	}
	return m[1]
}
