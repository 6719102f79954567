package dashboard

import (
	"bytes"
	"compress/gzip"
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"github.com/tribune/tribune/moderation"
	"github.com/tribune/tribune/web/internal/httpx"
)

// has fails the test unless body contains every want.
func has(t *testing.T, what, body string, want ...string) {
	t.Helper()
	for _, w := range want {
		if !strings.Contains(body, w) {
			t.Errorf("%s lacks %q", what, w)
		}
	}
}

func TestDashboardQueues(t *testing.T) {
	f := newDashFixture(t)
	ctx := context.Background()
	calm := f.PostComment("tram", "u9", "A calm remark about timetables.").ID
	if _, _, err := f.Svc.ReportComment(ctx, moderation.DefaultSiteID, calm, moderation.ReportInput{
		ReporterID: "reader-5", Reason: moderation.ReportPersonalInfo, Note: "shows a phone number"}); err != nil {
		t.Fatal(err)
	}
	w := f.Page(http.MethodGet, "/queue", f.Alice, nil)
	has(t, "held queue", w.Body.String(), `aria-current="page">Held <span class="count">3</span>`,
		`href="/queue?queue=reported">Reported <span class="count">1</span>`, "Approved by the machine")
	w = f.Page(http.MethodGet, "/queue?queue=reported", f.Alice, nil)
	has(t, "reported queue", w.Body.String(), "#"+strconv.FormatInt(calm, 10), "1 report(s)", "personal info by reader reader-5",
		"shows a phone number", `name="next" value="/queue?queue=reported"`)
	w = f.Page(http.MethodGet, "/queue?queue=approved", f.Alice, nil)
	has(t, "approved queue", w.Body.String(), "A calm remark about timetables.", "The tram line is overdue")
	if strings.Contains(w.Body.String(), "What a stupid moron.") {
		t.Error("approved queue lists a held comment")
	}
	if w := f.Page(http.MethodGet, "/queue?queue=everything", f.Alice, nil); w.Code != http.StatusBadRequest || !strings.Contains(w.Body.String(), "queue") {
		t.Errorf("unknown queue = %d, want 400 naming the field", w.Code)
	}
	// A rejected comment is listed with an override, so deciding it again works from the list.
	token := f.CSRF(f.Alice)
	if w := f.Page(http.MethodPost, "/queue/decide", f.Alice, url.Values{"csrf": {token}, "comment_id": {strconv.FormatInt(f.Held[0], 10)},
		"verdict": {"reject"}, "reason": {"insult"}}); w.Code != http.StatusSeeOther {
		t.Fatalf("reject = %d", w.Code)
	}
	w = f.Page(http.MethodGet, "/queue?queue=rejected", f.Alice, nil)
	has(t, "rejected queue", w.Body.String(), "would vote for this tram", `name="override" value="1"`)
}

func TestDashboardUndo(t *testing.T) {
	f := newDashFixture(t)
	ctx := context.Background()
	token := f.CSRF(f.Alice)
	id := strconv.FormatInt(f.Held[0], 10)
	w := f.Page(http.MethodPost, "/queue/decide", f.Alice, url.Values{"csrf": {token}, "comment_id": {id},
		"verdict": {"reject"}, "reason": {"insult"}, "next": {"/queue"}})
	loc := w.Header().Get("Location")
	if w.Code != http.StatusSeeOther || !strings.Contains(loc, "undo="+id) {
		t.Fatalf("decide = %d → %q, want the undo offer", w.Code, loc)
	}
	w = f.Page(http.MethodGet, loc, f.Alice, nil)
	has(t, "queue after a decision", w.Body.String(), `action="/queue/undo"`, "Undo the decision on #"+id)
	if w := f.Page(http.MethodPost, "/queue/undo", f.Bob, url.Values{"csrf": {f.CSRF(f.Bob)}, "comment_id": {id}}); w.Code != http.StatusConflict {
		t.Errorf("bob undoing alice's decision = %d, want 409", w.Code)
	}
	w = f.Page(http.MethodPost, "/queue/undo", f.Alice, url.Values{"csrf": {token}, "comment_id": {id}, "next": {"/queue"}})
	if w.Code != http.StatusSeeOther || !strings.Contains(w.Header().Get("Location"), "done=undo") {
		t.Fatalf("undo = %d → %q; %s", w.Code, w.Header().Get("Location"), w.Body)
	}
	if c, _ := f.Svc.Comment(ctx, f.Held[0]); c.Decision != nil || c.Status() != moderation.Hold {
		t.Errorf("after undo: %s %+v, want held and undecided", c.Status(), c.Decision)
	}
	w = f.Page(http.MethodGet, w.Header().Get("Location"), f.Alice, nil)
	has(t, "queue after undo", w.Body.String(), "Took back the decision on comment #"+id)
	if w := f.Page(http.MethodPost, "/queue/undo", f.Alice, url.Values{"csrf": {token}, "comment_id": {"x"}}); w.Code != http.StatusBadRequest {
		t.Errorf("undo of comment x = %d, want 400", w.Code)
	}
}

func TestDashboardAuthor(t *testing.T) {
	f := newDashFixture(t)
	ctx := context.Background()
	w := f.Page(http.MethodGet, "/queue", f.Alice, nil)
	has(t, "queue", w.Body.String(), `href="/authors/u2"`)
	token := f.CSRF(f.Alice)
	w = f.Page(http.MethodPost, "/authors/u2/status", f.Alice, url.Values{"csrf": {token}, "status": {"banned"}, "note": {"three insults"}})
	if w.Code != http.StatusSeeOther || w.Header().Get("Location") != "/authors/u2?done=author&n=1" {
		t.Fatalf("ban = %d → %q; %s", w.Code, w.Header().Get("Location"), w.Body)
	}
	if c := f.PostComment("tram", "u2", "A perfectly calm remark."); c.Status != "reject" {
		t.Errorf("banned author's new comment = %s, want reject", c.Status)
	}
	if w := f.Page(http.MethodPost, "/authors/u2/note", f.Alice, url.Values{"csrf": {token}, "note": {"wrote to the editor"}}); w.Code != http.StatusSeeOther {
		t.Errorf("note = %d; %s", w.Code, w.Body)
	}
	w = f.Page(http.MethodGet, "/authors/u2", f.Alice, nil)
	has(t, "author page", w.Body.String(), `standing-banned">banned`, "banned: three insults", "wrote to the editor",
		"alice", "#"+strconv.FormatInt(f.Held[1], 10), "rejected 1")
	bad := []struct {
		name string
		form url.Values
		says string
	}{
		{"unknown status", url.Values{"status": {"vip"}}, "status"},
		{"suspension without end", url.Values{"status": {"suspended"}, "until": {"tomorrow"}}, "until"},
		{"suspension in the past", url.Values{"status": {"suspended"}, "until": {"2020-01-01T10:00"}}, "until"},
	}
	for _, tt := range bad {
		tt.form.Set("csrf", token)
		if w := f.Page(http.MethodPost, "/authors/u2/status", f.Alice, tt.form); w.Code != http.StatusBadRequest || !strings.Contains(w.Body.String(), tt.says) {
			t.Errorf("%s = %d, want 400 naming %s", tt.name, w.Code, tt.says)
		}
	}
	if w := f.Page(http.MethodPost, "/authors/u2/note", f.Alice, url.Values{"csrf": {token}, "note": {""}}); w.Code != http.StatusBadRequest {
		t.Errorf("empty note = %d, want 400", w.Code)
	}
	if st, _ := f.Svc.Author(ctx, moderation.Moderator{ID: 1}, "u2"); st.Status != moderation.AuthorBanned {
		t.Errorf("status after refused changes = %s, want banned", st.Status)
	}
}

func TestDashboardSearchAndMode(t *testing.T) {
	f := newDashFixture(t)
	w := f.Page(http.MethodGet, "/search?q=moro", f.Alice, nil)
	has(t, "search", w.Body.String(), "What a stupid moron.", "Comments (1)", "Authors (0)")
	w = f.Page(http.MethodGet, "/search?q=%3Cscript%3E", f.Alice, nil)
	has(t, "search for <script>", w.Body.String(), "Comments (0)", `value="&lt;script&gt;"`)
	if w := f.Page(http.MethodGet, "/search?q=%21%21", f.Alice, nil); w.Code != http.StatusBadRequest {
		t.Errorf("search for !! = %d, want 400", w.Code)
	}
	has(t, "empty search", f.Page(http.MethodGet, "/search", f.Alice, nil).Body.String(), `id="q"`)

	token := f.CSRF(f.Alice)
	w = f.Page(http.MethodPost, "/articles/tram/mode", f.Alice, url.Values{"csrf": {token}, "mode": {"closed"}})
	if w.Code != http.StatusSeeOther {
		t.Fatalf("mode = %d; %s", w.Code, w.Body)
	}
	late := f.PostComment("tram", "u7", "Late but calm.")
	if late.Status != "reject" {
		t.Errorf("comment on the closed article = %s, want reject", late.Status)
	}
	// The refusal says nothing about its author: it shows as "closed", not as a rejection;
	// an abusive comment on the closed article still shows as rejected.
	rude := f.PostComment("tram", "u7", "What a stupid moron.")
	w = f.Page(http.MethodGet, "/authors/u7", f.Alice, nil)
	has(t, "author page", w.Body.String(), `<span class="verdict verdict-closed">closed</span>`, `<span class="verdict verdict-reject">reject</span>`,
		"rejected 1, refused on closed articles 1")
	w = f.Page(http.MethodGet, "/comments/"+strconv.FormatInt(late.ID, 10), f.Alice, nil)
	has(t, "closed comment page", w.Body.String(), `Comment #`+strconv.FormatInt(late.ID, 10)+` <span class="verdict verdict-closed">closed</span>`)
	w = f.Page(http.MethodGet, "/comments/"+strconv.FormatInt(rude.ID, 10), f.Alice, nil)
	has(t, "rude comment page", w.Body.String(), `<span class="verdict verdict-reject">reject</span>`)
	w = f.Page(http.MethodGet, "/articles/tram", f.Alice, nil)
	has(t, "article page", w.Body.String(), `<option value="closed" selected>`, "auto → closed by alice")
	if w := f.Page(http.MethodPost, "/articles/tram/mode", f.Alice, url.Values{"csrf": {token}, "mode": {"open"}}); w.Code != http.StatusBadRequest {
		t.Errorf("unknown mode = %d, want 400", w.Code)
	}
	if w := f.Page(http.MethodPost, "/articles/tram/mode", f.Alice, url.Values{"mode": {"auto"}}); w.Code != http.StatusForbidden {
		t.Errorf("mode without CSRF = %d, want 403", w.Code)
	}
}

func TestDashboardGzip(t *testing.T) {
	f := newDashFixture(t)
	get := func(path, enc string) *httptest.ResponseRecorder {
		req := httptest.NewRequest(http.MethodGet, path, nil)
		req.AddCookie(&http.Cookie{Name: httpx.SessionCookie, Value: f.Alice})
		if enc != "" {
			req.Header.Set("Accept-Encoding", enc)
		}
		w := httptest.NewRecorder()
		f.Handler.ServeHTTP(w, req)
		return w
	}
	plain := get("/queue", "")
	zipped := get("/queue", "gzip, deflate, br")
	if plain.Header().Get("Content-Encoding") != "" || zipped.Header().Get("Content-Encoding") != "gzip" {
		t.Fatalf("Content-Encoding = %q and %q, want none and gzip", plain.Header().Get("Content-Encoding"), zipped.Header().Get("Content-Encoding"))
	}
	zr, err := gzip.NewReader(bytes.NewReader(zipped.Body.Bytes()))
	if err != nil {
		t.Fatal(err)
	}
	body, err := io.ReadAll(zr)
	if err != nil || !bytes.Contains(body, []byte("Review queue")) || zipped.Body.Len()*3 > len(body) {
		t.Errorf("gzipped queue: %d bytes for %d, %v", zipped.Body.Len(), len(body), err)
	}
	for _, path := range []string{"/static/dashboard.js", "/static/dashboard.css"} {
		w := get(path, "gzip")
		if w.Code != http.StatusOK || w.Header().Get("Content-Encoding") != "gzip" || w.Header().Get("Content-Length") != "" {
			t.Errorf("%s: %d, encoding %q, length %q", path, w.Code, w.Header().Get("Content-Encoding"), w.Header().Get("Content-Length"))
		}
	}
	if w := get("/queue", "gzip;q=0"); w.Header().Get("Content-Encoding") != "" {
		t.Errorf("gzip;q=0 still compressed")
	}
	// A redirect has no body to compress and must stay a plain redirect.
	if w := get("/", "gzip"); w.Code != http.StatusSeeOther || w.Header().Get("Location") != "/queue" {
		t.Errorf("/ = %d → %q", w.Code, w.Header().Get("Location"))
	}
}
