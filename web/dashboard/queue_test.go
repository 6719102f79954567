package dashboard

import (
	"context"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/tribune/tribune/moderation"
	"github.com/tribune/tribune/web/internal/httpx"
	"github.com/tribune/tribune/web/internal/webtest"
)

// script sends a dashboard request the way the page's script does: asking for JSON.
func (f *dashFixture) script(method, path, token string, form url.Values) *httptest.ResponseRecorder {
	f.T.Helper()
	req := httptest.NewRequest(method, path, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Accept", "application/json")
	if token != "" {
		req.AddCookie(&http.Cookie{Name: httpx.SessionCookie, Value: token})
	}
	w := httptest.NewRecorder()
	f.Handler.ServeHTTP(w, req)
	return w
}

// claim claims the top of the queue for token's moderator as the queue page's script does,
// and returns the session's CSRF token.
func (f *dashFixture) claim(token string) string {
	f.T.Helper()
	csrf := f.CSRF(token)
	if w := f.script(http.MethodPost, "/queue/claim", token, url.Values{"csrf": {csrf}}); w.Code != http.StatusOK {
		f.T.Fatalf("claim = %d %s", w.Code, w.Body)
	}
	return csrf
}

// Showing the queue changes nothing; the claims that keep two moderators apart are a POST
// with the CSRF token, which tops the moderator's claims up without taking more.
func TestQueueClaimsOnlyOnPost(t *testing.T) {
	f := newDashFixture(t)
	ctx := context.Background()
	claims := func() int {
		t.Helper()
		items, err := f.Svc.Queue(ctx, moderation.QueueFilter{})
		if err != nil {
			t.Fatal(err)
		}
		n := 0
		for _, it := range items {
			if it.Comment.Claim != nil {
				n++
			}
		}
		return n
	}
	for _, path := range []string{"/queue", "/queue?fragment=1", "/queue?page=2"} {
		if w := f.Page(http.MethodGet, path, f.Alice, nil); w.Code != http.StatusOK {
			t.Fatalf("GET %s = %d", path, w.Code)
		}
	}
	if n := claims(); n != 0 {
		t.Fatalf("after GET /queue: %d claims, want 0", n)
	}
	if w := f.script(http.MethodPost, "/queue/claim", f.Alice, url.Values{}); w.Code != http.StatusForbidden {
		t.Errorf("claim without CSRF token = %d, want 403", w.Code)
	}
	f.claim(f.Alice)
	if n := claims(); n != len(f.Held) {
		t.Errorf("after alice's claim: %d claims, want %d", n, len(f.Held))
	}
	w := f.script(http.MethodPost, "/queue/claim", f.Alice, url.Values{"csrf": {f.CSRF(f.Alice)}})
	if !strings.Contains(w.Body.String(), `"claimed":0`) {
		t.Errorf("second claim = %s, want nothing more claimed", w.Body)
	}
	form := url.Values{"csrf": {f.CSRF(f.Bob)}}
	if w := f.Page(http.MethodPost, "/queue/claim", f.Bob, form); w.Code != http.StatusSeeOther || w.Header().Get("Location") != "/queue" {
		t.Errorf("claim from the form = %d → %q, want 303 → /queue", w.Code, w.Header().Get("Location"))
	}
}

func TestDashboardDecideJSON(t *testing.T) {
	f := newDashFixture(t)
	token := f.claim(f.Alice)
	id := strconv.FormatInt(f.Held[0], 10)
	tests := []struct {
		name   string
		token  string
		form   url.Values
		status int
		want   string // a part of the body
	}{
		{"approve", f.Alice, url.Values{"csrf": {token}, "comment_id": {id}, "verdict": {"approve"}}, http.StatusOK, `"message":"Approved 1 comment(s)."`},
		{"bob on alice's claim", f.Bob, url.Values{"csrf": {f.CSRF(f.Bob)}, "comment_id": {strconv.FormatInt(f.Held[1], 10)}, "verdict": {"reject"}, "reason": {"insult"}},
			http.StatusConflict, `"code":"conflict"`},
		{"no session", "", url.Values{"csrf": {token}, "comment_id": {id}, "verdict": {"approve"}}, http.StatusUnauthorized, `"error"`},
		{"bad token", f.Alice, url.Values{"csrf": {"x"}, "comment_id": {id}, "verdict": {"approve"}}, http.StatusForbidden, `"error"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w := f.script(http.MethodPost, "/queue/decide", tt.token, tt.form)
			if w.Code != tt.status || !strings.Contains(w.Body.String(), tt.want) {
				t.Errorf("status = %d, want %d; body %s, want %s", w.Code, tt.status, w.Body, tt.want)
			}
			if ct := w.Header().Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
				t.Errorf("Content-Type = %q, want JSON", ct)
			}
		})
	}
}

func TestDashboardBulkReportsEachFailure(t *testing.T) {
	f := newDashFixture(t)
	ctx := context.Background()
	aliceCSRF := f.claim(f.Alice) // alice claims every held comment
	bobCSRF := f.CSRF(f.Bob)
	ids := []string{strconv.FormatInt(f.Held[0], 10), strconv.FormatInt(f.Held[1], 10)}
	// Both comments are alice's claims; she decides held[1] before the bulk decisions.
	w := f.script(http.MethodPost, "/queue/decide", f.Alice, url.Values{"csrf": {aliceCSRF}, "comment_id": {ids[1]}, "verdict": {"approve"}})
	if w.Code != http.StatusOK {
		t.Fatalf("decide = %d %s", w.Code, w.Body)
	}

	t.Run("reject without a reason is refused", func(t *testing.T) {
		w := f.Page(http.MethodPost, "/queue/bulk", f.Alice, url.Values{"csrf": {aliceCSRF}, "id": ids, "verdict": {"reject"}, "reason": {""}})
		if w.Code != http.StatusBadRequest || !strings.Contains(w.Body.String(), "choose a reason") {
			t.Errorf("bulk reject without reason = %d", w.Code)
		}
		if c, _ := f.Svc.Comment(ctx, f.Held[0]); c.Decision != nil {
			t.Errorf("comment decided anyway: %+v", c.Decision)
		}
	})

	t.Run("bob's bulk over alice's items", func(t *testing.T) {
		w := f.script(http.MethodPost, "/queue/bulk", f.Bob, url.Values{"csrf": {bobCSRF}, "id": ids, "verdict": {"reject"}, "reason": {"spam"}, "confirm": {"1"}})
		var got bulkResponse
		webtest.Decode(t, w, &got)
		if got.Decided != 0 || len(got.Failed) != 2 || got.Failed[0].CommentID != f.Held[0] || got.Failed[1].CommentID != f.Held[1] {
			t.Errorf("bulk = %+v, want both failed", got)
		}
	})

	t.Run("alice's bulk with one already decided", func(t *testing.T) {
		w := f.script(http.MethodPost, "/queue/bulk", f.Alice, url.Values{"csrf": {aliceCSRF}, "id": ids, "verdict": {"reject"}, "reason": {"spam"}, "confirm": {"1"}})
		var got bulkResponse
		webtest.Decode(t, w, &got)
		want := bulkResponse{Verdict: "reject", Decided: 1, IDs: []int64{f.Held[0]}}
		if diff := cmp.Diff(want, got, cmp.FilterPath(func(p cmp.Path) bool { return p.Last().String() == ".Failed" }, cmp.Ignore())); diff != "" {
			t.Errorf("bulk (-want +got):\n%s", diff)
		}
		if len(got.Failed) != 1 || got.Failed[0].CommentID != f.Held[1] || got.Failed[0].Message == "" {
			t.Errorf("failed = %+v, want comment %d with a reason", got.Failed, f.Held[1])
		}
	})

	t.Run("form flash names the failures", func(t *testing.T) {
		w := f.Page(http.MethodPost, "/queue/bulk", f.Alice, url.Values{"csrf": {aliceCSRF}, "id": {ids[1], strconv.FormatInt(f.Held[2], 10)},
			"verdict": {"reject"}, "reason": {"spam"}, "confirm": {"1"}})
		loc := w.Header().Get("Location")
		if w.Code != http.StatusSeeOther || !strings.Contains(loc, "failed="+ids[1]) {
			t.Fatalf("bulk = %d → %q", w.Code, loc)
		}
		w = f.Page(http.MethodGet, loc, f.Alice, nil)
		if !strings.Contains(w.Body.String(), "Rejected 1 comment(s). Not decided: #"+ids[1]) {
			t.Errorf("queue page lacks the exact report")
		}
	})
}

func TestDecisionFlash(t *testing.T) {
	tests := []struct{ done, n, failed, want string }{
		{"approve", "2", "", "Approved 2 comment(s)."},
		{"reject", "1", "4.9", "Rejected 1 comment(s). Not decided: #4, #9 (another moderator holds or has decided them; open them to see)."},
		{"reject", "1", "<b>.x", "Rejected 1 comment(s)."},
		{"release", "7", "", "Released comment #7 back to the queue."},
		{"nonsense", "1", "", ""},
		{"approve", "-1", "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.done+tt.n+tt.failed, func(t *testing.T) {
			if got := decisionFlash(tt.done, tt.n, tt.failed); got != tt.want {
				t.Errorf("decisionFlash = %q, want %q", got, tt.want)
			}
		})
	}
}

func TestDashboardQueueFilterAndPages(t *testing.T) {
	f := newDashFixture(t)
	f.PutArticle("letters", moderation.ModePremoderate)
	for i := range queuePageSize + 2 {
		f.PostComment("letters", "r"+strconv.Itoa(i), "Letter "+strconv.Itoa(i))
	}
	tests := []struct {
		path      string
		want, not []string
	}{
		{"/queue?article=tram", []string{"Only comments on article", "Only an idiot"}, []string{"Letter 1"}},
		{"/queue?article=letters", []string{"next page", "page 1"}, []string{"Only an idiot"}},
		{"/queue?article=letters&page=2", []string{"previous page", "page 2"}, []string{"next page"}},
		{"/queue?fragment=1", []string{`<ol class="items"`}, []string{"<html", "Review queue"}},
	}
	for _, tt := range tests {
		t.Run(tt.path, func(t *testing.T) {
			w := f.Page(http.MethodGet, tt.path, f.Alice, nil)
			body := w.Body.String()
			for _, s := range tt.want {
				if !strings.Contains(body, s) {
					t.Errorf("lacks %q", s)
				}
			}
			for _, s := range tt.not {
				if strings.Contains(body, s) {
					t.Errorf("has %q", s)
				}
			}
		})
	}
	// Page 2 of letters holds the items past the first page: two of them.
	w := f.Page(http.MethodGet, "/queue?article=letters&page=2&fragment=1", f.Alice, nil)
	if n := strings.Count(w.Body.String(), `<li class="item`); n != 2 {
		t.Errorf("page 2 shows %d items, want 2", n)
	}
	// Without a session the fragment answers 401, not the login page.
	if w := f.Page(http.MethodGet, "/queue?fragment=1", "", nil); w.Code != http.StatusUnauthorized {
		t.Errorf("fragment without session = %d, want 401", w.Code)
	}
}
