package dashboard

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
)

// Overriding from a comment's page asks first (in the page's script) and offers an undo
// after; the overview does not claim 0% agreement when nothing was comparable.
func TestDashboardOverrideAndAgreement(t *testing.T) {
	f := newDashFixture(t)
	has(t, "overview before any decision", f.Page(http.MethodGet, "/overview", f.Alice, nil).Body.String(),
		"<b>—</b> model–moderator agreement", "nothing to compare yet")

	id := strconv.FormatInt(f.Held[0], 10)
	page := "/comments/" + id
	if strings.Contains(f.Page(http.MethodGet, page, f.Alice, nil).Body.String(), "data-confirm") {
		t.Error("an undecided comment's forms ask for confirmation")
	}
	w := f.Page(http.MethodPost, "/queue/decide", f.Alice, url.Values{"csrf": {f.CSRF(f.Alice)}, "comment_id": {id},
		"verdict": {"reject"}, "reason": {"insult"}, "next": {page}})
	loc := w.Header().Get("Location")
	if w.Code != http.StatusSeeOther || !strings.HasPrefix(loc, page+"?") {
		t.Fatalf("decide = %d → %q", w.Code, loc)
	}
	body := f.Page(http.MethodGet, loc, f.Alice, nil).Body.String()
	has(t, "comment page after the decision", body, `action="/queue/undo"`, `name="comment_id" value="`+id+`"`,
		`data-confirm="alice decided this comment (reject). Override with an approval?"`)
	// The undo form is offered for this comment only.
	other := strings.Replace(loc, "undo="+id, "undo=99999", 1)
	if strings.Contains(f.Page(http.MethodGet, other, f.Alice, nil).Body.String(), `action="/queue/undo"`) {
		t.Error("the page offers to undo another comment's decision")
	}
	has(t, "overview after a decision on a held comment", f.Page(http.MethodGet, "/overview", f.Alice, nil).Body.String(),
		"nothing to compare yet")
}

// An error page shows the real queue count, not "Queue 0".
func TestErrorPageQueueCount(t *testing.T) {
	f := newDashFixture(t)
	w := f.Page(http.MethodGet, "/comments/999999", f.Alice, nil)
	if w.Code != http.StatusNotFound {
		t.Fatalf("unknown comment = %d, want 404", w.Code)
	}
	has(t, "error page", w.Body.String(), `<span class="count" id="queue-count">3</span>`)
}
