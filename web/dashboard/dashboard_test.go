package dashboard

import (
	"context"
	"crypto/tls"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/tribune/tribune/moderation"
	"github.com/tribune/tribune/web/internal/httpx"
	"github.com/tribune/tribune/web/internal/webtest"
)

// dashFixture is the dashboard fixture: an admin session and a few held comments.
type dashFixture struct {
	*webtest.Dash
}

func newDashFixture(t *testing.T) *dashFixture {
	t.Helper()
	return &dashFixture{webtest.NewDash(newFixture(t))}
}

// dashboardForms lists every state-changing dashboard form with a valid body (less the token).
func dashboardForms(f *dashFixture) []struct {
	path  string
	form  url.Values
	admin bool
} {
	id := strconv.FormatInt(f.Held[0], 10)
	return []struct {
		path  string
		form  url.Values
		admin bool
	}{
		{"/logout", url.Values{}, false},
		{"/queue/decide", url.Values{"comment_id": {id}, "verdict": {"approve"}}, false},
		{"/queue/bulk", url.Values{"id": {id}, "verdict": {"approve"}}, false},
		{"/queue/release", url.Values{"comment_id": {id}}, false},
		{"/settings/policy", url.Values{"hold.insult": {"0.5"}, "action": {"preview"}}, true},
		{"/settings/moderators", url.Values{"name": {"dave"}, "password": {testPassword}, "role": {"moderator"}}, true},
		{"/settings/moderators/password", url.Values{"name": {"alice"}, "password": {"another password"}}, true},
		{"/settings/apikeys", url.Values{"name": {"blog"}}, true},
		{"/settings/apikeys/revoke", url.Values{"id": {"1"}}, true},
		{"/settings/moderators/account", url.Values{"name": {"bob"}, "action": {"admin"}}, true},
	}
}

var dashboardPages = []string{"/queue", "/articles", "/articles/tram", "/comments/1", "/overview", "/settings"}

func TestDashboardUnauthenticatedRedirectsToLogin(t *testing.T) {
	f := newDashFixture(t)
	for _, path := range append(dashboardPages, "/articles/tram?status=hold") {
		for _, token := range []string{"", "not-a-session", f.Key} {
			w := f.Page(http.MethodGet, path, token, nil)
			want := "/login?next=" + url.QueryEscape(path)
			if w.Code != http.StatusSeeOther || w.Header().Get("Location") != want {
				t.Errorf("GET %s with %q: %d → %q, want 303 → %q", path, token, w.Code, w.Header().Get("Location"), want)
			}
		}
	}
	for _, fm := range dashboardForms(f) {
		w := f.Page(http.MethodPost, fm.path, "", fm.form)
		if w.Code != http.StatusSeeOther || !strings.HasPrefix(w.Header().Get("Location"), "/login") {
			t.Errorf("POST %s: %d → %q, want 303 to the login page", fm.path, w.Code, w.Header().Get("Location"))
		}
	}
	if w := f.Page(http.MethodGet, "/queue/count", "", nil); w.Code != http.StatusUnauthorized {
		t.Errorf("GET /queue/count = %d, want 401", w.Code)
	}
	if w := f.Page(http.MethodGet, "/", "", nil); w.Code != http.StatusSeeOther || w.Header().Get("Location") != "/queue" {
		t.Errorf("GET / = %d → %q", w.Code, w.Header().Get("Location"))
	}
}

func TestDashboardPagesRender(t *testing.T) {
	f := newDashFixture(t)
	f.claim(f.Admin)
	wantText := map[string][]string{
		"/queue":         {"Review queue", "Only an idiot would vote", `title="toxicity: idiot &#43;6.00; insult: idiot &#43;6.00"`, "insult 0.88 ≥ hold threshold 0.70", "Author's earlier comments", `class="claim">yours`},
		"/articles":      {"Council approves the new tram line", "75%"},
		"/articles/tram": {"<svg", "Stance of the comments", "Tone against the hold thresholds", "1–2×", "with a tone score 1 to 2 times its hold threshold"},
		"/comments/1":    {"History", "submitted", moderationtestVersion, "Scores by model version"},
		"/overview":      {"Comments per hour", "Queue age", "auto-approved", "Stance of the comments"},
		"/settings":      {"Policy", "carol", "Create API key", `name="hold.insult"`},
	}
	for _, path := range dashboardPages {
		w := f.Page(http.MethodGet, path, f.Admin, nil)
		if w.Code != http.StatusOK {
			t.Errorf("GET %s = %d, want 200; body %.500s", path, w.Code, w.Body)
			continue
		}
		for h, want := range map[string]string{
			"Content-Security-Policy": contentSecurityPolicy,
			"X-Content-Type-Options":  "nosniff",
			"Referrer-Policy":         "same-origin",
			"X-Frame-Options":         "DENY",
			"Content-Type":            "text/html; charset=utf-8",
		} {
			if got := w.Header().Get(h); got != want {
				t.Errorf("GET %s: %s = %q, want %q", path, h, got, want)
			}
		}
		body := w.Body.String()
		for _, s := range wantText[path] {
			if !strings.Contains(body, s) {
				t.Errorf("GET %s: body lacks %q", path, s)
			}
		}
		if strings.Contains(body, " on") && regexp.MustCompile(`<[^>]+\son[a-z]+=`).MatchString(body) {
			t.Errorf("GET %s: page has an inline event handler", path)
		}
		if strings.Contains(body, "<script>") || strings.Contains(body, " style=") {
			t.Errorf("GET %s: page has inline script or style", path)
		}
	}
	// Filters and cursor on the article page.
	w := f.Page(http.MethodGet, "/articles/tram?status=approve", f.Admin, nil)
	if body := w.Body.String(); w.Code != 200 || !strings.Contains(body, "I agree with the council") || strings.Contains(body, "stupid moron") {
		t.Errorf("article filtered by approve: %d, wrong comments", w.Code)
	}
	if w := f.Page(http.MethodGet, "/articles/tram?stance=sideways", f.Admin, nil); w.Code != http.StatusBadRequest {
		t.Errorf("bad stance filter = %d, want 400", w.Code)
	}
	if w := f.Page(http.MethodGet, "/articles/nope", f.Admin, nil); w.Code != http.StatusNotFound {
		t.Errorf("unknown article = %d, want 404", w.Code)
	}
	if w := f.Page(http.MethodGet, "/comments/999", f.Admin, nil); w.Code != http.StatusNotFound {
		t.Errorf("unknown comment = %d, want 404", w.Code)
	}
	// The static files are served, with a script content type.
	if w := f.Page(http.MethodGet, "/static/dashboard.js", "", nil); w.Code != 200 || !strings.Contains(w.Header().Get("Content-Type"), "javascript") {
		t.Errorf("GET /static/dashboard.js = %d %q", w.Code, w.Header().Get("Content-Type"))
	}
}

// moderationtestVersion is the fake classifier's model version as pages show it.
const moderationtestVersion = "fake-keywords-1"

func TestDashboardAdminOnly(t *testing.T) {
	f := newDashFixture(t)
	if w := f.Page(http.MethodGet, "/settings", f.Alice, nil); w.Code != http.StatusForbidden {
		t.Errorf("moderator GET /settings = %d, want 403", w.Code)
	}
	if w := f.Page(http.MethodGet, "/queue", f.Alice, nil); strings.Contains(w.Body.String(), `href="/settings"`) {
		t.Errorf("a moderator's navigation links to the settings")
	}
	token := f.CSRF(f.Alice)
	for _, fm := range dashboardForms(f) {
		if !fm.admin {
			continue
		}
		form := url.Values{"csrf": {token}}
		for k, v := range fm.form {
			form[k] = v
		}
		if w := f.Page(http.MethodPost, fm.path, f.Alice, form); w.Code != http.StatusForbidden {
			t.Errorf("moderator POST %s = %d, want 403", fm.path, w.Code)
		}
	}
	if mods, _ := f.Svc.Moderators(context.Background()); len(mods) != 3 {
		t.Errorf("moderators = %d, want 3 (none added by a moderator)", len(mods))
	}
}

func TestDashboardCSRF(t *testing.T) {
	f := newDashFixture(t)
	other := f.CSRF(f.Bob) // a valid token, of another session
	for _, fm := range dashboardForms(f) {
		for name, token := range map[string]string{"missing": "", "wrong": "x" + other, "other session": other} {
			form := url.Values{}
			for k, v := range fm.form {
				form[k] = v
			}
			if token != "" {
				form.Set("csrf", token)
			}
			if w := f.Page(http.MethodPost, fm.path, f.Admin, form); w.Code != http.StatusForbidden {
				t.Errorf("POST %s with %s token = %d, want 403", fm.path, name, w.Code)
			}
		}
	}
	// Nothing changed: still logged in, nothing decided, no new moderator or key.
	if _, err := f.Svc.SessionModerator(context.Background(), f.Admin); err != nil {
		t.Errorf("session ended by a forged logout: %v", err)
	}
	if c, _ := f.Svc.Comment(context.Background(), f.Held[0]); c.Decision != nil {
		t.Errorf("comment decided by a forged form: %+v", c.Decision)
	}
	if keys, _ := f.Svc.APIKeys(context.Background()); len(keys) != 1 {
		t.Errorf("API keys = %d, want 1", len(keys))
	}
	// The login form has its own token, bound to a cookie.
	if w := f.Page(http.MethodPost, "/login", "", url.Values{"name": {"alice"}, "password": {testPassword}}); w.Code != http.StatusForbidden {
		t.Errorf("login without CSRF token = %d, want 403", w.Code)
	}
}

// login drives the login form from remote address addr and returns the response.
func (f *dashFixture) login(name, password, addr string) *httptest.ResponseRecorder {
	f.T.Helper()
	get := httptest.NewRequest(http.MethodGet, "/login?next=/overview", nil)
	w := httptest.NewRecorder()
	f.Handler.ServeHTTP(w, get)
	m := regexp.MustCompile(`name="csrf" value="([^"]+)"`).FindStringSubmatch(w.Body.String())
	if m == nil {
		f.T.Fatalf("login page has no CSRF token: %s", w.Body)
	}
	form := url.Values{"csrf": {m[1]}, "name": {name}, "password": {password}, "next": {"/overview"}}
	req := httptest.NewRequest(http.MethodPost, "/login", strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.RemoteAddr = addr
	for _, c := range w.Result().Cookies() {
		req.AddCookie(c)
	}
	w = httptest.NewRecorder()
	f.Handler.ServeHTTP(w, req)
	return w
}

func TestDashboardLoginLogout(t *testing.T) {
	f := newDashFixture(t)
	w := f.login("alice", testPassword, "192.0.2.1:1000")
	if w.Code != http.StatusSeeOther || w.Header().Get("Location") != "/overview" {
		t.Fatalf("login = %d → %q, want 303 → /overview", w.Code, w.Header().Get("Location"))
	}
	var session *http.Cookie
	for _, c := range w.Result().Cookies() {
		if c.Name == httpx.SessionCookie {
			session = c
		}
	}
	if session == nil || !session.HttpOnly || session.SameSite != http.SameSiteLaxMode || session.Secure || session.Path != "/" {
		t.Fatalf("session cookie = %+v, want HttpOnly, SameSite=Lax, not Secure on plain HTTP", session)
	}
	if m, err := f.Svc.SessionModerator(context.Background(), session.Value); err != nil || m.Name != "alice" {
		t.Fatalf("cookie's session = %+v, %v", m, err)
	}
	// Logging out ends the session in the database.
	w = f.Page(http.MethodPost, "/logout", session.Value, url.Values{"csrf": {f.CSRF(session.Value)}})
	if w.Code != http.StatusSeeOther {
		t.Fatalf("logout = %d", w.Code)
	}
	if _, err := f.Svc.SessionModerator(context.Background(), session.Value); err == nil {
		t.Errorf("session still valid after logout")
	}
	if w := f.login("alice", "wrong password!", "192.0.2.1:1000"); w.Code != http.StatusUnauthorized || !strings.Contains(w.Body.String(), "Wrong name or password") {
		t.Errorf("wrong password = %d", w.Code)
	}
	// An open redirect through next is refused.
	if got := localPath("//evil.example/x", "/queue"); got != "/queue" {
		t.Errorf("localPath(//evil.example/x) = %q", got)
	}
}

func TestDashboardSecureCookie(t *testing.T) {
	f := newDashFixture(t)
	get := httptest.NewRequest(http.MethodGet, "/login", nil)
	get.TLS = &tls.ConnectionState{}
	w := httptest.NewRecorder()
	f.Handler.ServeHTTP(w, get)
	for _, c := range w.Result().Cookies() {
		if !c.Secure || !c.HttpOnly || c.SameSite != http.SameSiteStrictMode {
			t.Errorf("cookie over TLS = %+v, want Secure, HttpOnly, SameSite=Strict", c)
		}
	}
}

func TestDashboardLoginRateLimit(t *testing.T) {
	f := newDashFixture(t)
	for i := range 5 {
		if w := f.login("alice", "wrong password!", "192.0.2.1:1000"); w.Code != http.StatusUnauthorized {
			t.Fatalf("failure %d = %d, want 401", i+1, w.Code)
		}
	}
	// The sixth attempt from that address is refused before the password is checked, even a
	// correct one.
	w := f.login("alice", testPassword, "192.0.2.1:1000")
	if w.Code != http.StatusTooManyRequests {
		t.Fatalf("attempt after 5 failures = %d, want 429", w.Code)
	}
	if s, err := strconv.Atoi(w.Header().Get("Retry-After")); err != nil || s < 1 || s > 60 {
		t.Errorf("Retry-After = %q, want 1..60 seconds", w.Header().Get("Retry-After"))
	}
	// The guesser cannot lock alice out: she logs in from her own address.
	if w := f.login("alice", testPassword, "198.51.100.7:1000"); w.Code != http.StatusSeeOther {
		t.Errorf("same name from another address = %d, want 303", w.Code)
	}
	// Nor bob, from the guesser's address: the limit is per (address, name).
	if w := f.login("bob", testPassword, "192.0.2.1:1000"); w.Code != http.StatusSeeOther {
		t.Errorf("another name from the same address = %d, want 303", w.Code)
	}
}

func TestDashboardDecide(t *testing.T) {
	f := newDashFixture(t)
	ctx := context.Background()
	token := f.claim(f.Alice) // alice claims the top items
	w := f.Page(http.MethodPost, "/queue/decide", f.Alice, url.Values{"csrf": {token},
		"comment_id": {strconv.FormatInt(f.Held[0], 10)}, "verdict": {"approve"}, "reason": {"false_positive"}})
	if w.Code != http.StatusSeeOther || !strings.HasPrefix(w.Header().Get("Location"), "/queue?") {
		t.Fatalf("approve = %d → %q; %s", w.Code, w.Header().Get("Location"), w.Body)
	}
	c, _ := f.Svc.Comment(ctx, f.Held[0])
	if c.Status() != moderation.Approve || c.Decision.ModeratorName != "alice" || c.Decision.Reason != moderation.ReasonFalsePositive {
		t.Errorf("after approve: status %s decision %+v", c.Status(), c.Decision)
	}
	// A rejection needs a reason.
	w = f.Page(http.MethodPost, "/queue/decide", f.Alice, url.Values{"csrf": {token},
		"comment_id": {strconv.FormatInt(f.Held[1], 10)}, "verdict": {"reject"}})
	if w.Code != http.StatusBadRequest || !strings.Contains(w.Body.String(), "reason") {
		t.Errorf("reject without reason = %d", w.Code)
	}
	// Bob may not decide what alice holds: 409 with the reason.
	w = f.Page(http.MethodPost, "/queue/decide", f.Bob, url.Values{"csrf": {f.CSRF(f.Bob)},
		"comment_id": {strconv.FormatInt(f.Held[1], 10)}, "verdict": {"reject"}, "reason": {"insult"}})
	if w.Code != http.StatusConflict {
		t.Errorf("deciding another's claim = %d, want 409", w.Code)
	}
	// Bulk reject of the rest: asked about first, with every field carried to the confirmation.
	bulk := url.Values{"csrf": {token}, "id": {strconv.FormatInt(f.Held[1], 10), strconv.FormatInt(f.Held[2], 10)},
		"verdict": {"reject"}, "reason": {"spam"}, "note": {"wave"}, "queue": {"held"}}
	w = f.Page(http.MethodPost, "/queue/bulk", f.Alice, bulk)
	has(t, "bulk confirmation", w.Body.String(), "Reject 2 selected comment(s) as spam?", `name="confirm" value="1"`,
		`name="id" value="`+strconv.FormatInt(f.Held[2], 10)+`"`, `name="note" value="wave"`, `<a href="/queue">Cancel</a>`)
	for _, id := range f.Held[1:] {
		if c, err := f.Svc.Comment(context.Background(), id); err != nil || c.Decision != nil {
			t.Fatalf("comment %d decided before the confirmation: %v %+v", id, err, c.Decision)
		}
	}
	bulk.Set("confirm", "1")
	w = f.Page(http.MethodPost, "/queue/bulk", f.Alice, bulk)
	if w.Code != http.StatusSeeOther {
		t.Fatalf("bulk = %d; %s", w.Code, w.Body)
	}
	for _, id := range f.Held[1:] {
		c, _ := f.Svc.Comment(ctx, id)
		if c.Status() != moderation.Reject || c.Decision.Reason != moderation.ReasonSpam || c.Decision.Note != "wave" {
			t.Errorf("comment %d after bulk reject: %s %+v", id, c.Status(), c.Decision)
		}
	}
	w = f.Page(http.MethodGet, "/queue/count", f.Alice, nil)
	var got countResponse
	webtest.Decode(t, w, &got)
	if diff := cmp.Diff(countResponse{Waiting: 0}, got); diff != "" {
		t.Errorf("count (-want +got):\n%s", diff)
	}
	// The comment page shows the whole history, and an override needs the override flag.
	w = f.Page(http.MethodGet, "/comments/"+strconv.FormatInt(f.Held[1], 10), f.Alice, nil)
	for _, s := range []string{"claimed", "decided", "spam: wave", `name="override" value="1"`} {
		if !strings.Contains(w.Body.String(), s) {
			t.Errorf("comment page lacks %q", s)
		}
	}
	w = f.Page(http.MethodPost, "/queue/decide", f.Bob, url.Values{"csrf": {f.CSRF(f.Bob)}, "override": {"1"},
		"comment_id": {strconv.FormatInt(f.Held[1], 10)}, "verdict": {"approve"}, "next": {"/comments/2"}})
	if w.Code != http.StatusSeeOther || !strings.HasPrefix(w.Header().Get("Location"), "/comments/2?") {
		t.Errorf("override = %d → %q", w.Code, w.Header().Get("Location"))
	}
	if c, _ := f.Svc.Comment(ctx, f.Held[1]); c.Status() != moderation.Approve || !c.Decision.Override {
		t.Errorf("after override: %s %+v", c.Status(), c.Decision)
	}
}

func TestDashboardEscapesCommentText(t *testing.T) {
	f := newDashFixture(t)
	f.PutArticle("pre", moderation.ModePremoderate)
	evil := `<script>document.title="pwned"</script><img src=x onerror="document.title='pwned'"> idiot`
	f.PostComment("pre", "<b>mallory</b>", evil)
	for _, path := range []string{"/queue", "/articles/pre", "/comments/5"} {
		body := f.Page(http.MethodGet, path, f.Admin, nil).Body.String()
		if strings.Contains(body, "<script>document") || strings.Contains(body, "<img src=x") || strings.Contains(body, "<b>mallory") {
			t.Errorf("%s: comment text or author reached the page unescaped", path)
		}
		if !strings.Contains(body, "&lt;script&gt;document.title=&#34;pwned&#34;&lt;/script&gt;&lt;img src=x onerror=") {
			t.Errorf("%s: escaped comment text missing", path)
		}
	}
}

func TestHighlight(t *testing.T) {
	ct := func(feature string, w float64, start, end int) moderation.Contribution {
		return moderation.Contribution{Feature: feature, Weight: w, Start: start, End: end}
	}
	banned := moderation.Policy{BannedWords: []string{"idiot"}, SuspectWords: []string{"crypto"}}
	tests := []struct {
		name   string
		text   string
		expl   map[string][]moderation.Contribution
		policy moderation.Policy
		want   []segment
	}{
		{"none", "calm", nil, moderation.Policy{}, []segment{{Text: "calm"}}},
		{"one token two heads", "you idiot!", map[string][]moderation.Contribution{
			"toxicity": {ct("word:idiot", 6, 4, 9)}, "insult": {ct("word:idiot", 5.5, 4, 9)}}, moderation.Policy{},
			[]segment{{Text: "you "}, {Text: "idiot", Mark: true, Class: "up", Title: "toxicity: “idiot” +6.00; insult: “idiot” +5.50"}, {Text: "!"}}},
		{"small and negative weights are not marked", "not the bad", map[string][]moderation.Contribution{
			"toxicity": {ct("word:not", -1, 0, 3), ct("word:the", 0.2, 4, 7)}}, moderation.Policy{},
			[]segment{{Text: "not the bad"}}},
		{"out of range and reversed ignored", "short", map[string][]moderation.Contribution{
			"toxicity": {ct("word:a", 1, 2, 99), ct("word:b", 1, 4, 2), ct("word:c", 1, -1, -1)}}, moderation.Policy{},
			[]segment{{Text: "short"}}},
		{"inside a rune ignored", "café x", map[string][]moderation.Contribution{"toxicity": {ct("word:caf", 1, 0, 4)}}, moderation.Policy{},
			[]segment{{Text: "café x"}}},
		{"overlaps merge", "abcdef", map[string][]moderation.Contribution{
			"toxicity": {ct("chars:abcd", 1, 0, 4), ct("chars:cdef", 1, 2, 6)}}, moderation.Policy{},
			[]segment{{Text: "abcdef", Mark: true, Class: "up", Title: "toxicity: spelling “…abcd…” +1.00; toxicity: spelling “…cdef…” +1.00"}}},
		{"a repeated word shows one weight", "shit and shit", map[string][]moderation.Contribution{
			"toxicity": {ct("word:shit", 1.75, 0, 4), ct("word:shit", 1.75, 9, 13)}}, moderation.Policy{},
			[]segment{{Text: "shit", Mark: true, Class: "up", Title: "toxicity: “shit” +1.75"}, {Text: " and "},
				{Text: "shit", Mark: true, Class: "up", Title: "toxicity: “shit” +1.75"}}},
		{"policy words", "You IDIOT, buy crypto; idiotic", nil, banned,
			[]segment{{Text: "You "}, {Text: "IDIOT", Mark: true, Class: "banned", Title: "banned word (site policy)"}, {Text: ", buy "},
				{Text: "crypto", Mark: true, Class: "suspect", Title: "suspect word (site policy)"}, {Text: "; idiotic"}}},
		{"stance heads are not tone", "agree", map[string][]moderation.Contribution{"stance": {ct("word:agree", 2, 0, 5)}}, moderation.Policy{},
			[]segment{{Text: "agree"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if diff := cmp.Diff(tt.want, highlight(tt.text, tt.expl, tt.policy)); diff != "" {
				t.Errorf("highlight (-want +got):\n%s", diff)
			}
		})
	}
}

func TestFeatureLabel(t *testing.T) {
	tests := []struct{ in, want string }{
		{"word:shit", "“shit”"},
		{"bigram:. the", "“. the”"},
		{"chars:<verm", "spelling “verm…”"},
		{"chars:rmin>", "spelling “…rmin”"},
		{"piece:##g", "word ending “…g”"},
		{"piece:dumb", "word start “dumb…”"},
		{"neg:the", "“the” after a negation"},
		{"lex:insult", "insult word"},
		{"lex:identity_attack", "identity attack word"},
		{"lex:you+insult", "‘you’ + insult"},
		{"context_overlap", "context_overlap"},
		{"odd:x", "odd:x"},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			if got := featureLabel(tt.in); got != tt.want {
				t.Errorf("featureLabel(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

func TestDashboardPolicyPreviewThenApply(t *testing.T) {
	f := newDashFixture(t)
	token := f.CSRF(f.Admin)
	form := url.Values{"csrf": {token}, "n": {"100"}, "action": {"apply"}}
	for _, head := range moderation.ToneAttributes {
		form.Set("hold."+head, "0.8")
		form.Set("reject."+head, "0.99")
	}
	// "garbage"/"hate" give toxicity ≈ 0.98: with auto-reject on and toxicity rejecting at
	// 0.97 one held comment would become a rejection.
	form.Set("reject.toxicity", "0.97")
	form.Set("auto_reject", "1")
	// Applying without a preview shows the preview instead.
	w := f.Page(http.MethodPost, "/settings/policy", f.Admin, form)
	body := w.Body.String()
	if w.Code != http.StatusOK || !strings.Contains(body, `id="preview-changed">`) {
		t.Fatalf("apply without preview = %d; %.300s", w.Code, body)
	}
	if f.Svc.Policy().AutoReject {
		t.Fatalf("policy applied without a preview")
	}
	m := regexp.MustCompile(`id="preview-changed">(\d+)<`).FindStringSubmatch(body)
	if m == nil || m[1] == "0" {
		t.Errorf("preview changed count = %v, want > 0", m)
	}
	if !strings.Contains(body, "hold → reject") || !strings.Contains(body, "auto-reject false → true") {
		t.Errorf("preview lacks the transition or the change list")
	}
	tok := regexp.MustCompile(`name="previewed" value="([^"]+)"`).FindStringSubmatch(body)
	if tok == nil {
		t.Fatal("no preview token")
	}
	form.Set("previewed", tok[1])
	// A token for another policy does not apply this one.
	form.Set("reject.threat", "0.98")
	if w := f.Page(http.MethodPost, "/settings/policy", f.Admin, form); w.Code != http.StatusOK || f.Svc.Policy().AutoReject {
		t.Fatalf("apply with a stale preview: %d, auto-reject %v", w.Code, f.Svc.Policy().AutoReject)
	}
	form.Set("reject.threat", "0.99")
	w = f.Page(http.MethodPost, "/settings/policy", f.Admin, form)
	if w.Code != http.StatusSeeOther || w.Header().Get("Location") != "/settings?saved=policy" {
		t.Fatalf("apply = %d → %q; %.300s", w.Code, w.Header().Get("Location"), w.Body)
	}
	if p := f.Svc.Policy(); !p.AutoReject || p.Reject["toxicity"] != 0.97 {
		t.Errorf("policy after apply = %+v", p)
	}
	// Invalid thresholds come back as a form error.
	form.Set("hold.insult", "1.5")
	if w := f.Page(http.MethodPost, "/settings/policy", f.Admin, form); w.Code != http.StatusBadRequest || !strings.Contains(w.Body.String(), "hold.insult") {
		t.Errorf("invalid threshold = %d", w.Code)
	}
}

func TestDashboardAccounts(t *testing.T) {
	f := newDashFixture(t)
	ctx := context.Background()
	token := f.CSRF(f.Admin)
	w := f.Page(http.MethodPost, "/settings/moderators", f.Admin, url.Values{"csrf": {token}, "name": {"dave"}, "password": {testPassword}, "role": {"admin"}})
	if w.Code != http.StatusSeeOther {
		t.Fatalf("add moderator = %d; %s", w.Code, w.Body)
	}
	if _, m, err := f.Svc.Login(ctx, "dave", testPassword); err != nil || !m.IsAdmin() {
		t.Errorf("dave = %+v, %v", m, err)
	}
	w = f.Page(http.MethodPost, "/settings/moderators", f.Admin, url.Values{"csrf": {token}, "name": {"dave"}, "password": {testPassword}, "role": {"admin"}})
	if w.Code != http.StatusBadRequest || !strings.Contains(w.Body.String(), "taken") {
		t.Errorf("duplicate moderator = %d", w.Code)
	}
	w = f.Page(http.MethodPost, "/settings/moderators/password", f.Admin, url.Values{"csrf": {token}, "name": {"dave"}, "password": {"a brand new password"}})
	if w.Code != http.StatusSeeOther {
		t.Errorf("set password = %d", w.Code)
	}
	if _, _, err := f.Svc.Login(ctx, "dave", "a brand new password"); err != nil {
		t.Errorf("login with the new password: %v", err)
	}
	w = f.Page(http.MethodPost, "/settings/apikeys", f.Admin, url.Values{"csrf": {token}, "name": {"blog"}})
	m := regexp.MustCompile(`id="new-key">(trb_[^<]+)<`).FindStringSubmatch(w.Body.String())
	if w.Code != http.StatusOK || m == nil {
		t.Fatalf("create key = %d, no key shown", w.Code)
	}
	k, err := f.Svc.AuthenticateKey(ctx, m[1])
	if err != nil {
		t.Fatalf("new key does not authenticate: %v", err)
	}
	revoke := url.Values{"csrf": {token}, "id": {strconv.FormatInt(k.ID, 10)}}
	w = f.Page(http.MethodPost, "/settings/apikeys/revoke", f.Admin, revoke)
	has(t, "revoke confirmation", w.Body.String(), "Revoke the API key?", "cannot be restored", `<a href="/settings">Cancel</a>`)
	if _, err := f.Svc.AuthenticateKey(ctx, m[1]); err != nil {
		t.Fatalf("key revoked before the confirmation: %v", err)
	}
	revoke.Set("confirm", "1")
	w = f.Page(http.MethodPost, "/settings/apikeys/revoke", f.Admin, revoke)
	if w.Code != http.StatusSeeOther {
		t.Errorf("revoke = %d", w.Code)
	}
	if _, err := f.Svc.AuthenticateKey(ctx, m[1]); err == nil {
		t.Errorf("revoked key still authenticates")
	}
}
