package web

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/tribune/tribune/moderation"
	"github.com/tribune/tribune/web/internal/httpx"
	"github.com/tribune/tribune/web/internal/webtest"
)

// Finding 3: sessions end with a password change or a disabled account; a demoted admin
// loses the settings at once.
func TestSessionsRevoked(t *testing.T) {
	f := newDashFixture(t)
	ctx := context.Background()
	if w := f.Do(http.MethodGet, "/api/v1/queue", f.Alice, ""); w.Code != http.StatusOK {
		t.Fatalf("queue before = %d", w.Code)
	}
	if err := f.Svc.SetPassword(ctx, "alice", "a brand new password"); err != nil {
		t.Fatal(err)
	}
	if w := f.Do(http.MethodGet, "/api/v1/queue", f.Alice, ""); w.Code != http.StatusUnauthorized {
		t.Errorf("API after passwd = %d, want 401", w.Code)
	}
	if w := f.Page(http.MethodGet, "/queue", f.Alice, nil); w.Code != http.StatusSeeOther {
		t.Errorf("dashboard after passwd = %d, want 303 to login", w.Code)
	}
	if err := f.Svc.SetModeratorEnabled(ctx, "bob", false); err != nil {
		t.Fatal(err)
	}
	if w := f.Do(http.MethodGet, "/api/v1/queue", f.Bob, ""); w.Code != http.StatusUnauthorized {
		t.Errorf("API after disable = %d, want 401", w.Code)
	}
	if _, _, err := f.Svc.Login(ctx, "bob", testPassword); err == nil {
		t.Error("disabled bob logged in")
	}
	if err := f.Svc.SetModeratorEnabled(ctx, "bob", true); err != nil {
		t.Fatal(err)
	}
	if _, _, err := f.Svc.Login(ctx, "bob", testPassword); err != nil {
		t.Errorf("re-enabled bob: %v", err)
	}
	if w := f.Page(http.MethodGet, "/settings", f.Admin, nil); w.Code != http.StatusOK {
		t.Fatalf("settings as admin = %d", w.Code)
	}
	if err := f.Svc.SetRole(ctx, "alice", moderation.RoleAdmin); err != nil {
		t.Fatal(err)
	}
	if err := f.Svc.SetRole(ctx, "carol", moderation.RoleModerator); err != nil {
		t.Fatal(err)
	}
	if w := f.Page(http.MethodGet, "/settings", f.Admin, nil); w.Code != http.StatusForbidden {
		t.Errorf("settings after demotion = %d, want 403", w.Code)
	}
}

// Finding 8: a failing write path is degraded (503), and write contention answers 503 with
// Retry-After instead of 500.
func TestHealthReportsFailingWrites(t *testing.T) {
	f := newFixture(t)
	f.serve(Options{SkipRequestLog: true, WriteCheck: func(context.Context) error {
		return fmt.Errorf("disk full: %w", moderation.ErrUnavailable)
	}})
	w := f.Do(http.MethodGet, "/healthz", "", "")
	if w.Code != http.StatusServiceUnavailable || !strings.Contains(w.Body.String(), "degraded") {
		t.Errorf("healthz with failing writes = %d %s, want 503 degraded", w.Code, w.Body)
	}
	f.serve(Options{SkipRequestLog: true, WriteCheck: f.DB.CheckWrite})
	if w := f.Do(http.MethodGet, "/healthz", "", ""); w.Code != http.StatusOK {
		t.Errorf("healthz = %d %s, want 200", w.Code, w.Body)
	}
}

// Moderators see every site unless an admin restricts them; a restricted moderator's queue,
// claims, decisions and pages hold their sites only.
func TestRestrictedModerator(t *testing.T) {
	f := newAuthzFixture(t)
	ctx := context.Background()
	keyB := f.creds[credOtherSite]
	f.DoJSON(http.MethodPut, "/api/v1/articles/b1", keyB, map[string]any{"title": "B", "mode": "premoderate"}, http.StatusCreated, nil)
	var cb webtest.Posted
	f.DoJSON(http.MethodPost, "/api/v1/comments", keyB, map[string]any{"article_id": "b1", "author": map[string]string{"id": "x"},
		"text": "Held on site B."}, http.StatusCreated, &cb)
	sites, err := f.Svc.Sites(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if err := f.Svc.RestrictModerator(ctx, "bob", []int64{sites[1].ID}); err != nil {
		t.Fatal(err)
	}
	var q struct{ Items []webtest.Posted }
	f.DoJSON(http.MethodGet, "/api/v1/queue", f.Bob, nil, http.StatusOK, &q)
	if len(q.Items) != 1 || q.Items[0].ID != cb.ID {
		t.Fatalf("bob's queue = %+v, want only site B's comment %d", q.Items, cb.ID)
	}
	var claimed struct{ Items []webtest.Posted }
	f.DoJSON(http.MethodPost, "/api/v1/queue/claim", f.Bob, map[string]any{"count": 10}, http.StatusOK, &claimed)
	if len(claimed.Items) != 1 {
		t.Errorf("bob claimed %d items, want 1", len(claimed.Items))
	}
	w := f.Do(http.MethodPost, fmt.Sprintf("/api/v1/comments/%d/decision", f.commentA), f.Bob, `{"verdict":"approve"}`)
	if w.Code != http.StatusNotFound {
		t.Errorf("bob deciding site A's comment = %d, want 404", w.Code)
	}
	if w := f.Page(http.MethodGet, fmt.Sprintf("/comments/%d", f.commentA), f.Bob, nil); w.Code != http.StatusNotFound {
		t.Errorf("bob's dashboard page of site A's comment = %d, want 404", w.Code)
	}
	// alice, unrestricted, sees both.
	f.DoJSON(http.MethodGet, "/api/v1/queue", f.Alice, nil, http.StatusOK, &q)
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
		form := url.Values{"csrf": {f.CSRF(f.Admin)}, "name": {name}, "action": {action}}
		return f.Page(http.MethodPost, "/settings/moderators/account", f.Admin, form).Code
	}
	if code := post("bob", "disable"); code != http.StatusSeeOther {
		t.Fatalf("disable bob = %d", code)
	}
	if w := f.Do(http.MethodGet, "/api/v1/queue", f.Bob, ""); w.Code != http.StatusUnauthorized {
		t.Errorf("bob's session after disable = %d, want 401", w.Code)
	}
	if w := f.Page(http.MethodGet, "/settings", f.Admin, nil); !strings.Contains(w.Body.String(), "disabled") {
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
	if w := f.Page(http.MethodGet, "/settings", f.Admin, nil); w.Code != http.StatusOK {
		t.Errorf("carol lost the settings: %d", w.Code)
	}
}

func TestSettingsCreatesScopedKey(t *testing.T) {
	f := newAuthzFixture(t)
	form := url.Values{"csrf": {f.CSRF(f.Admin)}, "name": {"coral"}, "site": {"2"}, "scope": {"score"}}
	w := f.Page(http.MethodPost, "/settings/apikeys", f.Admin, form)
	m := regexp.MustCompile(`<code id="new-key">([^<]+)</code>`).FindStringSubmatch(w.Body.String())
	if w.Code != http.StatusOK || m == nil {
		t.Fatalf("create key = %d, no key shown", w.Code)
	}
	k, err := f.Svc.AuthenticateKey(context.Background(), m[1])
	if err != nil || k.SiteID != 2 || k.HasScope(moderation.ScopeSite) || !k.HasScope(moderation.ScopeScore) {
		t.Errorf("created key = %+v, %v; want site 2, score only", k, err)
	}
}

// Finding 1: keys are scoped to their site. Key B's PUT of "art-b" creates B's own article and
// cannot close A's; B cannot read A's comments, and is told exactly what an unknown id gets.
func TestCrossSiteIsolation(t *testing.T) {
	f := newAuthzFixture(t)
	keyB := f.creds[credOtherSite]
	f.PutArticle("art-b", moderation.ModeAuto)
	f.DoJSON(http.MethodPut, "/api/v1/articles/art-b", keyB, map[string]any{"title": "B's own", "mode": "closed"},
		http.StatusCreated, nil)
	// A's article is still open: a civil comment is accepted.
	c := f.PostComment("art-b", "u2", "A fair point about the budget.")
	if c.ArticleID != "art-b" {
		t.Errorf("comment article_id = %q, want art-b (the site's own id)", c.ArticleID)
	}
	var a struct{ Mode, Title string }
	f.DoJSON(http.MethodGet, "/api/v1/articles/art-b", f.Key, nil, http.StatusOK, &a)
	if a.Mode != "auto" || a.Title == "B's own" {
		t.Errorf("A's art-b after B's PUT = %+v, want A's untouched", a)
	}
	// B's art-b is closed and is B's.
	w := f.Do(http.MethodPost, "/api/v1/comments", keyB, `{"article_id":"art-b","author":{"id":"x"},"text":"hi"}`)
	if w.Code != http.StatusCreated || !strings.Contains(w.Body.String(), "mode.closed") {
		t.Errorf("comment on B's closed art-b = %d %s, want 201 rejected as closed", w.Code, w.Body)
	}
	// Another site's comment and a comment that does not exist answer the same.
	other := f.Do(http.MethodGet, fmt.Sprintf("/api/v1/comments/%d", c.ID), keyB, "")
	missing := f.Do(http.MethodGet, "/api/v1/comments/999999", keyB, "")
	if other.Code != http.StatusNotFound || missing.Code != http.StatusNotFound {
		t.Fatalf("B reading A's comment = %d, a missing one = %d; want 404 both", other.Code, missing.Code)
	}
	if code(t, other) != code(t, missing) || strings.Contains(other.Body.String(), "Reader") {
		t.Errorf("bodies differ or leak: %s vs %s", other.Body, missing.Body)
	}
	// Replies cannot point at another site's comment either.
	w = f.Do(http.MethodPost, "/api/v1/comments", keyB,
		fmt.Sprintf(`{"article_id":"art-b","author":{"id":"x"},"text":"hi","parent_id":%d}`, c.ID))
	if w.Code != http.StatusBadRequest {
		t.Errorf("reply from B to A's comment = %d, want 400", w.Code)
	}
	// Ids that look like another site's stored key are refused.
	w = f.Do(http.MethodPut, "/api/v1/articles/@2:art-b", f.Key, `{"title":"sneaky"}`)
	if w.Code != http.StatusBadRequest {
		t.Errorf("PUT @2:art-b = %d, want 400", w.Code)
	}
}

// Finding 4: per-key token buckets answer 429 with Retry-After on the JSON API and
// RESOURCE_EXHAUSTED on the Perspective API.
func TestKeyRateLimit(t *testing.T) {
	f := newAuthzFixture(t)
	ctx := context.Background()
	slow, _, err := f.Svc.CreateSiteAPIKey(ctx, moderation.KeySpec{Name: "slow", RatePerMinute: 6})
	if err != nil {
		t.Fatal(err)
	}
	// 6 a minute: a burst of one request, then one every 10 seconds. (The refused answer is
	// held back for a second, the tarpit; a tenth of a token is earned meanwhile.)
	if w := f.Do(http.MethodPost, "/api/v1/score", slow, `{"text":"hello"}`); w.Code != http.StatusOK {
		t.Fatalf("first request = %d, want 200", w.Code)
	}
	w := f.Do(http.MethodPost, "/api/v1/score", slow, `{"text":"hello"}`)
	if w.Code != http.StatusTooManyRequests || w.Header().Get("Retry-After") != "10" {
		t.Errorf("second = %d, Retry-After %q; want 429, 10", w.Code, w.Header().Get("Retry-After"))
	}
	w = f.Do(http.MethodPost, "/v1alpha1/comments:analyze?key="+slow, "",
		`{"comment":{"text":"hi"},"requestedAttributes":{"TOXICITY":{}}}`)
	if w.Code != http.StatusTooManyRequests || !strings.Contains(w.Body.String(), "RESOURCE_EXHAUSTED") {
		t.Errorf("Perspective over the rate = %d %s, want 429 RESOURCE_EXHAUSTED", w.Code, w.Body)
	}
	// Other keys are not affected.
	if w := f.Do(http.MethodPost, "/api/v1/score", f.Key, `{"text":"hello"}`); w.Code != http.StatusOK {
		t.Errorf("another key = %d, want 200", w.Code)
	}
}

func code(t *testing.T, w *httptest.ResponseRecorder) string {
	t.Helper()
	var b httpx.ErrorBody
	webtest.Decode(t, w, &b)
	return b.Error.Code + "|" + b.Error.Message[:min(len(b.Error.Message), 7)]
}
