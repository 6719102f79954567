package dashboard

import (
	"net/http"
	"strconv"
	"strings"
	"testing"
)

// TestDashboardThread: a held reply shows what it answers and links to itself on the site; the
// comment page lists the parent and the replies.
func TestDashboardThread(t *testing.T) {
	f := newDashFixture(t)
	parent := f.PostComment("tram", "u5", "The tram will cut my commute in half.").ID
	var reply struct {
		ID  int64  `json:"id"`
		URL string `json:"url"`
	}
	f.DoJSON(http.MethodPost, "/api/v1/comments", f.Key, map[string]any{
		"article_id": "tram", "author": map[string]string{"id": "u6", "name": "Bea"}, "text": "What a stupid moron you are.",
		"parent_id": parent, "url": "https://news.example/tram#c-99",
	}, http.StatusCreated, &reply)
	if reply.URL != "https://news.example/tram#c-99" {
		t.Errorf("API url = %q", reply.URL)
	}
	pid, rid := strconv.FormatInt(parent, 10), strconv.FormatInt(reply.ID, 10)

	w := f.Page(http.MethodGet, "/queue", f.Alice, nil)
	body := w.Body.String()
	item := body[strings.Index(body, `id="item-`+rid+`"`):]
	item = item[:strings.Index(item, "</li>")]
	has(t, "queued reply", item, `In reply to <a href="/comments/`+pid+`">#`+pid+`</a> by Reader u5`,
		"The tram will cut my commute in half.", `href="https://news.example/tram#c-99"`, "comment on the site")

	w = f.Page(http.MethodGet, "/comments/"+rid, f.Alice, nil)
	has(t, "reply page", w.Body.String(), "In reply to", `<blockquote class="parent-text">The tram will cut my commute in half.</blockquote>`,
		`href="https://news.example/tram#c-99"`)
	w = f.Page(http.MethodGet, "/comments/"+pid, f.Alice, nil)
	has(t, "parent page", w.Body.String(), `<h2 id="replies">Replies (1)</h2>`, `href="/comments/`+rid+`">#`+rid+`</a> Bea`,
		`href="https://news.example/tram" rel="noopener noreferrer" target="_blank">article on the site`)

	// A URL that is not an absolute http(s) address is refused, naming the field.
	for _, bad := range []string{"javascript:alert(1)", "/tram#c-1", "https://", strings.Repeat("x", 3000)} {
		w := f.Do(http.MethodPost, "/api/v1/comments", f.Key,
			`{"article_id":"tram","author":{"id":"u7"},"text":"Fine.","url":`+strconv.Quote(bad)+`}`)
		if w.Code != http.StatusBadRequest || !strings.Contains(w.Body.String(), `"field":"url"`) {
			t.Errorf("url %.20q: %d %s, want 400 naming url", bad, w.Code, w.Body)
		}
	}
}
