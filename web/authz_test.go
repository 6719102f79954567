package web

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/tribune/tribune/moderation"
	"github.com/tribune/tribune/web/internal/httpx"
)

// credential kinds of the authorisation matrix.
const (
	credNone       = "no credential"
	credRevoked    = "revoked key"
	credSite       = "key of this site"
	credOtherSite  = "key of another site"
	credScore      = "score-scoped key"
	credModerator  = "moderator"
	credAdmin      = "admin"
	credDisabled   = "disabled moderator"
	credNoCSRF     = "session without CSRF"
	credSiteScoped = "site-scoped key" // this site, no score scope
)

var allCreds = []string{credNone, credRevoked, credSite, credOtherSite, credScore, credSiteScoped,
	credModerator, credAdmin, credDisabled, credNoCSRF}

// authzFixture is the real router over a fresh database with site A (the default site:
// article "art-a", comment commentA, held) and site B, a key of every kind and a session of
// every kind.
type authzFixture struct {
	*dashFixture
	creds    map[string]string
	commentA int64
}

func newAuthzFixture(t *testing.T) *authzFixture {
	t.Helper()
	ctx := context.Background()
	f := &authzFixture{dashFixture: newDashFixture(t), creds: map[string]string{}}
	f.serve(Options{SkipRequestLog: true, Feedback: moderation.NewFeedbackService(f.DB)})
	f.PutArticle("art-a", moderation.ModePremoderate)
	f.commentA = f.PostComment("art-a", "u1", "A civil comment about the tram.").ID

	siteB, err := f.Svc.CreateSite(ctx, "site-b")
	if err != nil {
		t.Fatal(err)
	}
	key := func(spec moderation.KeySpec) string {
		t.Helper()
		secret, _, err := f.Svc.CreateSiteAPIKey(ctx, spec)
		if err != nil {
			t.Fatal(err)
		}
		return secret
	}
	f.creds[credSite] = f.Key
	f.creds[credOtherSite] = key(moderation.KeySpec{Name: "b", SiteID: siteB.ID})
	f.creds[credScore] = key(moderation.KeySpec{Name: "coral", Scopes: []moderation.Scope{moderation.ScopeScore}})
	f.creds[credSiteScoped] = key(moderation.KeySpec{Name: "backend", Scopes: []moderation.Scope{moderation.ScopeSite}})
	revoked, k, err := f.Svc.CreateAPIKey(ctx, "old")
	if err != nil {
		t.Fatal(err)
	}
	if err := f.Svc.RevokeAPIKey(ctx, k.ID); err != nil {
		t.Fatal(err)
	}
	f.creds[credRevoked] = revoked
	f.creds[credModerator] = f.Alice
	f.creds[credNoCSRF] = f.Alice
	f.creds[credAdmin] = f.Admin
	f.creds[credDisabled] = f.Moderator("dave")
	if err := f.Svc.SetModeratorEnabled(ctx, "dave", false); err != nil {
		t.Fatal(err)
	}
	return f
}

// route is one row of the matrix: how to call it, and the status per credential kind.
type route struct {
	method, path, body string
	// auth is how the credential travels: "bearer", "query" (Perspective's key=), or
	// "cookie" (the dashboard; forms get the session's CSRF token unless credNoCSRF).
	auth string
	want map[string]int
}

func (f *authzFixture) call(r route, cred string) *httptest.ResponseRecorder {
	f.T.Helper()
	token := f.creds[cred]
	path := strings.ReplaceAll(r.path, "{comment}", fmt.Sprint(f.commentA))
	switch r.auth {
	case "query":
		if token != "" {
			path += "?key=" + url.QueryEscape(token)
		}
		return f.Do(r.method, path, "", r.body)
	case "cookie":
		var form url.Values
		if r.method == http.MethodPost {
			form = url.Values{}
			if vals, err := url.ParseQuery(r.body); err == nil {
				form = vals
			}
			if cred == credModerator || cred == credAdmin {
				form.Set("csrf", f.CSRF(token))
			}
		}
		return f.Page(r.method, path, token, form)
	}
	if cred == credNoCSRF {
		// The session in its cookie only, as a cross-site form would send it.
		req := httptest.NewRequest(r.method, path, strings.NewReader(r.body))
		req.Header.Set("Content-Type", "application/json")
		req.AddCookie(&http.Cookie{Name: httpx.SessionCookie, Value: token})
		w := httptest.NewRecorder()
		f.Handler.ServeHTTP(w, req)
		return w
	}
	return f.Do(r.method, path, token, r.body)
}

// TestAuthorizationMatrix calls every route with every kind of credential. Another site's
// key gets 404 for this site's articles and comments, exactly what an id that does not exist
// gets, so it cannot tell which ids are taken; a key lacking a scope, or a credential of the
// wrong kind, gets 403; no valid credential, 401.
func TestAuthorizationMatrix(t *testing.T) {
	keyOnly := func(ok int) map[string]int {
		return map[string]int{credNone: 401, credRevoked: 401, credSite: ok, credOtherSite: 404,
			credScore: 403, credSiteScoped: ok, credModerator: 403, credAdmin: 403, credDisabled: 401, credNoCSRF: 401}
	}
	modOnly := func(ok int) map[string]int {
		return map[string]int{credNone: 401, credRevoked: 401, credSite: 403, credOtherSite: 403,
			credScore: 403, credSiteScoped: 403, credModerator: ok, credAdmin: ok, credDisabled: 401, credNoCSRF: 401}
	}
	scoring := func(noCred, badCred, ok int) map[string]int {
		return map[string]int{credNone: noCred, credRevoked: badCred, credSite: ok, credOtherSite: ok,
			credScore: ok, credSiteScoped: 403, credModerator: badCred, credAdmin: badCred, credDisabled: badCred, credNoCSRF: badCred}
	}
	article := `{"title":"T","mode":"premoderate"}`
	comment := `{"article_id":"art-a","author":{"id":"u9"},"text":"Another civil comment."}`
	analyze := `{"comment":{"text":"A civil remark."},"requestedAttributes":{"TOXICITY":{}}}`
	suggest := `{"comment":{"text":"A civil remark."},"attributeScores":{"TOXICITY":{"summaryScore":{"value":0.1}}}}`
	dash := func(mod, admin int) map[string]int {
		return map[string]int{credNone: 303, credRevoked: 303, credSite: 303, credOtherSite: 303, credScore: 303,
			credSiteScoped: 303, credModerator: mod, credAdmin: admin, credDisabled: 303, credNoCSRF: mod}
	}
	dashForm := func(mod, admin int) map[string]int {
		m := dash(mod, admin)
		m[credNoCSRF] = 403
		return m
	}
	routes := []route{
		{method: "PUT", path: "/api/v1/articles/art-a", body: article, auth: "bearer",
			want: merge(keyOnly(200), map[string]int{credOtherSite: 201})}, // B gets an article of its own
		{method: "GET", path: "/api/v1/articles/art-a", auth: "bearer", want: keyOnly(200)},
		{method: "GET", path: "/api/v1/articles/art-a/comments", auth: "bearer", want: keyOnly(200)},
		{method: "POST", path: "/api/v1/comments", body: comment, auth: "bearer",
			want: merge(keyOnly(201), map[string]int{credOtherSite: 400})}, // no art-a on site B
		{method: "GET", path: "/api/v1/comments/{comment}", auth: "bearer", want: keyOnly(200)},
		{method: "POST", path: "/api/v1/score", body: `{"text":"hello there"}`, auth: "bearer",
			want: merge(scoring(401, 401, 200), map[string]int{credModerator: 403, credAdmin: 403})},
		{method: "GET", path: "/api/v1/queue", auth: "bearer", want: merge(modOnly(200), map[string]int{credNoCSRF: 200})},
		{method: "POST", path: "/api/v1/queue/claim", body: `{}`, auth: "bearer", want: modOnly(200)},
		{method: "DELETE", path: "/api/v1/queue/claims/{comment}", auth: "bearer", want: modOnly(404)},
		{method: "POST", path: "/api/v1/comments/{comment}/decision", body: `{"verdict":"approve","reason":"false_positive"}`,
			auth: "bearer", want: merge(modOnly(201), map[string]int{credAdmin: 409})}, // the moderator decided first
		{method: "POST", path: "/api/v1/logout", auth: "bearer", want: modOnly(204)},
		{method: "POST", path: "/v1alpha1/comments:analyze", body: analyze, auth: "query", want: scoring(403, 400, 200)},
		{method: "POST", path: "/v1alpha1/comments:suggestscore", body: suggest, auth: "query", want: scoring(403, 400, 200)},
		{method: "GET", path: "/queue", auth: "cookie", want: dash(200, 200)},
		{method: "GET", path: "/articles", auth: "cookie", want: dash(200, 200)},
		{method: "GET", path: "/comments/{comment}", auth: "cookie", want: dash(200, 200)},
		{method: "GET", path: "/settings", auth: "cookie", want: dash(403, 200)},
		{method: "POST", path: "/settings/apikeys", body: "name=x", auth: "cookie", want: dashForm(403, 200)},
		{method: "POST", path: "/queue/release", body: "comment_id=999", auth: "cookie", want: dashForm(404, 404)},
		{method: "POST", path: "/queue/claim", auth: "cookie", want: dashForm(303, 303)},
	}
	for _, r := range routes {
		t.Run(r.method+" "+r.path, func(t *testing.T) {
			f := newAuthzFixture(t)
			for _, cred := range allCreds {
				want, ok := r.want[cred]
				if !ok {
					t.Fatalf("no expectation for %s", cred)
				}
				w := f.call(r, cred)
				if w.Code != want {
					t.Errorf("%s: status = %d, want %d; body %.200s", cred, w.Code, want, w.Body)
				}
			}
		})
	}
}

func merge(a, b map[string]int) map[string]int {
	out := map[string]int{}
	for k, v := range a {
		out[k] = v
	}
	for k, v := range b {
		out[k] = v
	}
	return out
}
