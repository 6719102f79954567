package web

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/tribune/tribune/moderation"
)

// Finding 1: keys are scoped to their site. Key B's PUT of "art-b" creates B's own article and
// cannot close A's; B cannot read A's comments, and is told exactly what an unknown id gets.
func TestCrossSiteIsolation(t *testing.T) {
	f := newAuthzFixture(t)
	keyB := f.creds[credOtherSite]
	f.putArticle("art-b", moderation.ModeAuto)
	f.doJSON(http.MethodPut, "/api/v1/articles/art-b", keyB, map[string]any{"title": "B's own", "mode": "closed"},
		http.StatusCreated, nil)
	// A's article is still open: a civil comment is accepted.
	c := f.postComment("art-b", "u2", "A fair point about the budget.")
	if c.ArticleID != "art-b" {
		t.Errorf("comment article_id = %q, want art-b (the site's own id)", c.ArticleID)
	}
	var a articleResponse
	f.doJSON(http.MethodGet, "/api/v1/articles/art-b", f.key, nil, http.StatusOK, &a)
	if a.Mode != "auto" || a.Title == "B's own" {
		t.Errorf("A's art-b after B's PUT = %+v, want A's untouched", a)
	}
	// B's art-b is closed and is B's.
	w := f.do(http.MethodPost, "/api/v1/comments", keyB, `{"article_id":"art-b","author":{"id":"x"},"text":"hi"}`)
	if w.Code != http.StatusCreated || !strings.Contains(w.Body.String(), "mode.closed") {
		t.Errorf("comment on B's closed art-b = %d %s, want 201 rejected as closed", w.Code, w.Body)
	}
	// Another site's comment and a comment that does not exist answer the same.
	other := f.do(http.MethodGet, fmt.Sprintf("/api/v1/comments/%d", c.ID), keyB, "")
	missing := f.do(http.MethodGet, "/api/v1/comments/999999", keyB, "")
	if other.Code != http.StatusNotFound || missing.Code != http.StatusNotFound {
		t.Fatalf("B reading A's comment = %d, a missing one = %d; want 404 both", other.Code, missing.Code)
	}
	if code(t, other) != code(t, missing) || strings.Contains(other.Body.String(), "Reader") {
		t.Errorf("bodies differ or leak: %s vs %s", other.Body, missing.Body)
	}
	// Replies cannot point at another site's comment either.
	w = f.do(http.MethodPost, "/api/v1/comments", keyB,
		fmt.Sprintf(`{"article_id":"art-b","author":{"id":"x"},"text":"hi","parent_id":%d}`, c.ID))
	if w.Code != http.StatusBadRequest {
		t.Errorf("reply from B to A's comment = %d, want 400", w.Code)
	}
	// Ids that look like another site's stored key are refused.
	w = f.do(http.MethodPut, "/api/v1/articles/@2:art-b", f.key, `{"title":"sneaky"}`)
	if w.Code != http.StatusBadRequest {
		t.Errorf("PUT @2:art-b = %d, want 400", w.Code)
	}
}

func code(t *testing.T, w *httptest.ResponseRecorder) string {
	t.Helper()
	var b errorBody
	decode(t, w, &b)
	return b.Error.Code + "|" + b.Error.Message[:min(len(b.Error.Message), 7)]
}

// Finding 2: POST /api/v1/login has the dashboard's limiter, per (address, name), so the
// guesser is stopped and the owner is not locked out.
func TestAPILoginRateLimit(t *testing.T) {
	f := newFixture(t)
	login := func(name, password, addr string) *httptest.ResponseRecorder {
		body, _ := json.Marshal(loginRequest{Name: name, Password: password})
		req := httptest.NewRequest(http.MethodPost, "/api/v1/login", strings.NewReader(string(body)))
		req.Header.Set("Content-Type", "application/json")
		req.RemoteAddr = addr
		w := httptest.NewRecorder()
		f.srv.Handler().ServeHTTP(w, req)
		return w
	}
	for i := range 5 {
		if w := login("alice", "wrong password!", "203.0.113.5:999"); w.Code != http.StatusUnauthorized {
			t.Fatalf("failure %d = %d, want 401", i+1, w.Code)
		}
	}
	w := login("alice", testPassword, "203.0.113.5:999")
	if w.Code != http.StatusTooManyRequests || w.Header().Get("Retry-After") == "" {
		t.Fatalf("6th attempt = %d (Retry-After %q), want 429 with Retry-After", w.Code, w.Header().Get("Retry-After"))
	}
	if w := login("alice", testPassword, "198.51.100.9:999"); w.Code != http.StatusOK {
		t.Errorf("alice from her own address = %d, want 200", w.Code)
	}
	// The same IPv6 /64 is one address for the limiter.
	for range 5 {
		login("bob", "wrong password!", "[2001:db8::1]:1")
	}
	if w := login("bob", testPassword, "[2001:db8::2]:1"); w.Code != http.StatusTooManyRequests {
		t.Errorf("same /64 = %d, want 429", w.Code)
	}
	// An address spraying many names is stopped too, whatever the name.
	for i := range 50 {
		login(fmt.Sprintf("nobody%d", i), "wrong password!", "192.0.2.99:1")
	}
	if w := login("alice", testPassword, "192.0.2.99:1"); w.Code != http.StatusTooManyRequests {
		t.Errorf("after spraying 50 names = %d, want 429", w.Code)
	}
}

// Finding 3: sessions end with a password change or a disabled account; a demoted admin
// loses the settings at once.
func TestSessionsRevoked(t *testing.T) {
	f := newDashFixture(t)
	ctx := context.Background()
	if w := f.do(http.MethodGet, "/api/v1/queue", f.alice, ""); w.Code != http.StatusOK {
		t.Fatalf("queue before = %d", w.Code)
	}
	if err := f.svc.SetPassword(ctx, "alice", "a brand new password"); err != nil {
		t.Fatal(err)
	}
	if w := f.do(http.MethodGet, "/api/v1/queue", f.alice, ""); w.Code != http.StatusUnauthorized {
		t.Errorf("API after passwd = %d, want 401", w.Code)
	}
	if w := f.page(http.MethodGet, "/queue", f.alice, nil); w.Code != http.StatusSeeOther {
		t.Errorf("dashboard after passwd = %d, want 303 to login", w.Code)
	}
	if err := f.svc.SetModeratorEnabled(ctx, "bob", false); err != nil {
		t.Fatal(err)
	}
	if w := f.do(http.MethodGet, "/api/v1/queue", f.bob, ""); w.Code != http.StatusUnauthorized {
		t.Errorf("API after disable = %d, want 401", w.Code)
	}
	if _, _, err := f.svc.Login(ctx, "bob", testPassword); err == nil {
		t.Error("disabled bob logged in")
	}
	if err := f.svc.SetModeratorEnabled(ctx, "bob", true); err != nil {
		t.Fatal(err)
	}
	if _, _, err := f.svc.Login(ctx, "bob", testPassword); err != nil {
		t.Errorf("re-enabled bob: %v", err)
	}
	if w := f.page(http.MethodGet, "/settings", f.admin, nil); w.Code != http.StatusOK {
		t.Fatalf("settings as admin = %d", w.Code)
	}
	if err := f.svc.SetRole(ctx, "alice", moderation.RoleAdmin); err != nil {
		t.Fatal(err)
	}
	if err := f.svc.SetRole(ctx, "carol", moderation.RoleModerator); err != nil {
		t.Fatal(err)
	}
	if w := f.page(http.MethodGet, "/settings", f.admin, nil); w.Code != http.StatusForbidden {
		t.Errorf("settings after demotion = %d, want 403", w.Code)
	}
}

// Finding 4: per-key token buckets answer 429 with Retry-After on the JSON API and
// RESOURCE_EXHAUSTED on the Perspective API.
func TestKeyRateLimit(t *testing.T) {
	f := newAuthzFixture(t)
	ctx := context.Background()
	slow, _, err := f.svc.CreateSiteAPIKey(ctx, moderation.KeySpec{Name: "slow", RatePerMinute: 6})
	if err != nil {
		t.Fatal(err)
	}
	// 6 a minute: a burst of one request, then one every 10 seconds. (The refused answer is
	// held back for a second, the tarpit; a tenth of a token is earned meanwhile.)
	if w := f.do(http.MethodPost, "/api/v1/score", slow, `{"text":"hello"}`); w.Code != http.StatusOK {
		t.Fatalf("first request = %d, want 200", w.Code)
	}
	w := f.do(http.MethodPost, "/api/v1/score", slow, `{"text":"hello"}`)
	if w.Code != http.StatusTooManyRequests || w.Header().Get("Retry-After") != "10" {
		t.Errorf("second = %d, Retry-After %q; want 429, 10", w.Code, w.Header().Get("Retry-After"))
	}
	w = f.do(http.MethodPost, "/v1alpha1/comments:analyze?key="+slow, "",
		`{"comment":{"text":"hi"},"requestedAttributes":{"TOXICITY":{}}}`)
	if w.Code != http.StatusTooManyRequests || !strings.Contains(w.Body.String(), "RESOURCE_EXHAUSTED") {
		t.Errorf("Perspective over the rate = %d %s, want 429 RESOURCE_EXHAUSTED", w.Code, w.Body)
	}
	// Other keys are not affected.
	if w := f.do(http.MethodPost, "/api/v1/score", f.key, `{"text":"hello"}`); w.Code != http.StatusOK {
		t.Errorf("another key = %d, want 200", w.Code)
	}
}

func TestKeyLimiterRefills(t *testing.T) {
	now := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	l := newKeyLimiter(func() time.Time { return now })
	for range 10 {
		if ok, _ := l.take(1, 60, 1); !ok {
			t.Fatal("burst refused")
		}
	}
	if ok, wait := l.take(1, 60, 1); ok || wait != time.Second {
		t.Errorf("over the burst: ok %v wait %v, want false 1s", ok, wait)
	}
	now = now.Add(time.Second)
	if ok, _ := l.take(1, 60, 1); !ok {
		t.Error("after a second: refused, want one token")
	}
	if ok, _ := l.take(2, 0, 1); !ok {
		t.Error("rate 0 (unlimited) refused")
	}
	// Large requests spend more: a 5 KiB request costs 6 of the burst of 10.
	now = now.Add(time.Minute)
	if ok, _ := l.take(1, 60, requestCost(5<<10, 64<<10)); !ok {
		t.Fatal("first large request refused")
	}
	if ok, wait := l.take(1, 60, requestCost(5<<10, 64<<10)); ok || wait != 2*time.Second {
		t.Errorf("second large request: ok %v wait %v, want refused for 2s", ok, wait)
	}
	if got := requestCost(-1, 64<<10); got != 65 {
		t.Errorf("cost of a chunked body = %v, want 65", got)
	}
}

// Finding 4: span scores of a text with thousands of sentences stay within maxSpans, cover
// the whole text, and cost one context-free score per span.
func TestPerspectiveSpansBounded(t *testing.T) {
	f := newPerspectiveFixture(t, Options{})
	text := strings.Repeat("Ok. ", 2000) + "You idiot."
	body, _ := json.Marshal(map[string]any{"comment": map[string]string{"text": text}, "spanAnnotations": true,
		"context":             map[string]any{"entries": []map[string]string{{"text": strings.Repeat("context ", 5000)}}},
		"requestedAttributes": map[string]any{"TOXICITY": map[string]any{}}})
	resp := f.analyze(string(body))
	spans := resp.AttributeScores["TOXICITY"].SpanScores
	if len(spans) == 0 || len(spans) > maxSpans {
		t.Fatalf("%d spans, want 1..%d", len(spans), maxSpans)
	}
	if last := spans[len(spans)-1]; last.End != len(text) {
		t.Errorf("last span ends at %d, want %d (the whole text covered)", last.End, len(text))
	}
}

func TestGroupSpans(t *testing.T) {
	spans := make([]byteSpan, 10)
	for i := range spans {
		spans[i] = byteSpan{i * 3, i*3 + 2}
	}
	got := groupSpans(spans, 3)
	want := []byteSpan{{0, 8}, {9, 17}, {18, 29}}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("groupSpans = %v, want %v", got, want)
	}
	if got := groupSpans(spans[:2], 3); len(got) != 2 {
		t.Errorf("under the cap: %v", got)
	}
}

// Finding 4: suggested scores are capped per key.
func TestFeedbackQuota(t *testing.T) {
	f := newPerspectiveFixture(t, Options{})
	f.fb.Quota = 2
	for i := range 3 {
		body := fmt.Sprintf(`{"comment":{"text":"text %d"},"attributeScores":{"TOXICITY":{"summaryScore":{"value":0.2}}}}`, i)
		w := f.post("/v1alpha1/comments:suggestscore?key="+f.key, body)
		want := http.StatusOK
		if i == 2 {
			want = http.StatusTooManyRequests
		}
		if w.Code != want {
			t.Errorf("suggestion %d = %d %s, want %d", i+1, w.Code, w.Body, want)
		}
	}
}

// Finding 6: reusing an id for a different comment is a 409 naming the stored comment, not a
// silent replay.
func TestIdempotencyConflict(t *testing.T) {
	f := newFixture(t)
	f.putArticle("a1", moderation.ModeAuto)
	f.putArticle("a2", moderation.ModeAuto)
	first := `{"article_id":"a1","author":{"id":"u"},"text":"First text."}`
	var c commentResponse
	f.doJSON(http.MethodPost, "/api/v1/comments", f.key, json.RawMessage(first), http.StatusCreated, &c, IdempotencyHeader, "k1")
	// The same request again is a replay.
	w := f.do(http.MethodPost, "/api/v1/comments", f.key, first, IdempotencyHeader, "k1")
	if w.Code != http.StatusOK || w.Header().Get(ReplayedHeader) != "true" {
		t.Errorf("replay = %d, want 200 replayed", w.Code)
	}
	for name, body := range map[string]string{
		"other text":    `{"article_id":"a1","author":{"id":"u"},"text":"Second text."}`,
		"other article": `{"article_id":"a2","author":{"id":"u"},"text":"First text."}`,
	} {
		w := f.do(http.MethodPost, "/api/v1/comments", f.key, body, IdempotencyHeader, "k1")
		var b errorBody
		if w.Code == http.StatusConflict {
			decode(t, w, &b)
		}
		if w.Code != http.StatusConflict || b.Error.Code != "idempotency_conflict" || b.Error.CommentID != c.ID {
			t.Errorf("%s: %d %s, want 409 idempotency_conflict naming comment %d", name, w.Code, w.Body, c.ID)
		}
	}
	// The same for external_id.
	ext := `{"article_id":"a1","author":{"id":"u"},"text":"X.","external_id":"e1"}`
	f.doJSON(http.MethodPost, "/api/v1/comments", f.key, json.RawMessage(ext), http.StatusCreated, nil)
	w = f.do(http.MethodPost, "/api/v1/comments", f.key, strings.Replace(ext, "X.", "Y.", 1))
	if w.Code != http.StatusConflict {
		t.Errorf("external_id reuse = %d, want 409", w.Code)
	}
}

// Finding 8: a failing write path is degraded (503), and write contention answers 503 with
// Retry-After instead of 500.
func TestHealthReportsFailingWrites(t *testing.T) {
	f := newFixture(t)
	f.srv = New(f.svc, Options{SkipRequestLog: true, WriteCheck: func(context.Context) error {
		return fmt.Errorf("disk full: %w", moderation.ErrUnavailable)
	}})
	w := f.do(http.MethodGet, "/healthz", "", "")
	if w.Code != http.StatusServiceUnavailable || !strings.Contains(w.Body.String(), "degraded") {
		t.Errorf("healthz with failing writes = %d %s, want 503 degraded", w.Code, w.Body)
	}
	f.srv = New(f.svc, Options{SkipRequestLog: true, WriteCheck: f.db.CheckWrite})
	if w := f.do(http.MethodGet, "/healthz", "", ""); w.Code != http.StatusOK {
		t.Errorf("healthz = %d %s, want 200", w.Code, w.Body)
	}
}

func TestUnavailableIs503(t *testing.T) {
	f := newFixture(t)
	w := httptest.NewRecorder()
	c, _ := ginContext(w)
	f.srv.fail(c, fmt.Errorf("insert: %w", moderation.ErrUnavailable))
	if w.Code != http.StatusServiceUnavailable || w.Header().Get("Retry-After") == "" {
		t.Errorf("ErrUnavailable = %d, Retry-After %q; want 503 with Retry-After", w.Code, w.Header().Get("Retry-After"))
	}
}

func ginContext(w *httptest.ResponseRecorder) (*gin.Context, *gin.Engine) {
	c, e := gin.CreateTestContext(w)
	c.Request = httptest.NewRequest(http.MethodGet, "/", nil)
	return c, e
}

// Moderators see every site unless an admin restricts them; a restricted moderator's queue,
// claims, decisions and pages hold their sites only.
func TestRestrictedModerator(t *testing.T) {
	f := newAuthzFixture(t)
	ctx := context.Background()
	keyB := f.creds[credOtherSite]
	f.doJSON(http.MethodPut, "/api/v1/articles/b1", keyB, map[string]any{"title": "B", "mode": "premoderate"}, http.StatusCreated, nil)
	var cb commentResponse
	f.doJSON(http.MethodPost, "/api/v1/comments", keyB, map[string]any{"article_id": "b1", "author": map[string]string{"id": "x"},
		"text": "Held on site B."}, http.StatusCreated, &cb)
	sites, err := f.svc.Sites(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if err := f.svc.RestrictModerator(ctx, "bob", []int64{sites[1].ID}); err != nil {
		t.Fatal(err)
	}
	var q queueResponse
	f.doJSON(http.MethodGet, "/api/v1/queue", f.bob, nil, http.StatusOK, &q)
	if len(q.Items) != 1 || q.Items[0].ID != cb.ID {
		t.Fatalf("bob's queue = %+v, want only site B's comment %d", q.Items, cb.ID)
	}
	var claimed queueResponse
	f.doJSON(http.MethodPost, "/api/v1/queue/claim", f.bob, map[string]any{"count": 10}, http.StatusOK, &claimed)
	if len(claimed.Items) != 1 {
		t.Errorf("bob claimed %d items, want 1", len(claimed.Items))
	}
	w := f.do(http.MethodPost, fmt.Sprintf("/api/v1/comments/%d/decision", f.commentA), f.bob, `{"verdict":"approve"}`)
	if w.Code != http.StatusNotFound {
		t.Errorf("bob deciding site A's comment = %d, want 404", w.Code)
	}
	if w := f.page(http.MethodGet, fmt.Sprintf("/comments/%d", f.commentA), f.bob, nil); w.Code != http.StatusNotFound {
		t.Errorf("bob's dashboard page of site A's comment = %d, want 404", w.Code)
	}
	// alice, unrestricted, sees both.
	f.doJSON(http.MethodGet, "/api/v1/queue", f.alice, nil, http.StatusOK, &q)
	if len(q.Items) < 2 {
		t.Errorf("alice's queue has %d items, want both sites'", len(q.Items))
	}
}

// Finding 3, from the settings page: an admin disables a moderator (their session ends),
// re-enables and promotes them; the last admin cannot demote themselves.
func TestSettingsAccountActions(t *testing.T) {
	f := newDashFixture(t)
	post := func(name, action string) int {
		t.Helper()
		form := url.Values{"csrf": {f.csrf(f.admin)}, "name": {name}, "action": {action}}
		return f.page(http.MethodPost, "/settings/moderators/account", f.admin, form).Code
	}
	if code := post("bob", "disable"); code != http.StatusSeeOther {
		t.Fatalf("disable bob = %d", code)
	}
	if w := f.do(http.MethodGet, "/api/v1/queue", f.bob, ""); w.Code != http.StatusUnauthorized {
		t.Errorf("bob's session after disable = %d, want 401", w.Code)
	}
	if w := f.page(http.MethodGet, "/settings", f.admin, nil); !strings.Contains(w.Body.String(), "disabled") {
		t.Error("settings page does not show bob disabled")
	}
	for _, action := range []string{"enable", "admin", "moderator"} {
		if code := post("bob", action); code != http.StatusSeeOther {
			t.Errorf("%s bob = %d", action, code)
		}
	}
	if code := post("carol", "moderator"); code != http.StatusBadRequest && code != http.StatusConflict && code != http.StatusOK {
		t.Errorf("demoting the last admin = %d", code)
	}
	if w := f.page(http.MethodGet, "/settings", f.admin, nil); w.Code != http.StatusOK {
		t.Errorf("carol lost the settings: %d", w.Code)
	}
}

func TestSettingsCreatesScopedKey(t *testing.T) {
	f := newAuthzFixture(t)
	form := url.Values{"csrf": {f.csrf(f.admin)}, "name": {"coral"}, "site": {"2"}, "scope": {"score"}}
	w := f.page(http.MethodPost, "/settings/apikeys", f.admin, form)
	m := regexp.MustCompile(`<code id="new-key">([^<]+)</code>`).FindStringSubmatch(w.Body.String())
	if w.Code != http.StatusOK || m == nil {
		t.Fatalf("create key = %d, no key shown", w.Code)
	}
	k, err := f.svc.AuthenticateKey(context.Background(), m[1])
	if err != nil || k.SiteID != 2 || k.HasScope(moderation.ScopeSite) || !k.HasScope(moderation.ScopeScore) {
		t.Errorf("created key = %+v, %v; want site 2, score only", k, err)
	}
}
