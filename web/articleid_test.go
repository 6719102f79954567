package web

import (
	"encoding/json"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

// TestArticleIDsThatAreURLs covers article IDs of any printable text, such as the thread URL
// the Disqus importer falls back to: reachable in the API (escaped as one path segment) and
// through the dashboard's links.
func TestArticleIDsThatAreURLs(t *testing.T) {
	ids := []string{
		"https://news.example/2026/11/tram-line?ref=home#comments",
		"a b/c%d",
		"ünïcødé/ﬁle",
	}
	for i, id := range ids {
		// Named by index: t.TempDir takes the test's name, and the store's DSN reads '%' in
		// a path as an escape.
		t.Run(strconv.Itoa(i), func(t *testing.T) {
			f := newDashFixture(t)
			path := "/api/v1/articles/" + url.PathEscape(id)
			f.DoJSON(http.MethodPut, path, f.Key, map[string]any{"title": "URL article"}, http.StatusCreated, nil)
			var got struct {
				ID string `json:"id"`
			}
			f.DoJSON(http.MethodGet, path, f.Key, nil, http.StatusOK, &got)
			if got.ID != id {
				t.Errorf("GET %s: id = %q, want %q", path, got.ID, id)
			}
			f.PostComment(id, "u1", "A comment on an article whose id is a URL.")
			var list struct{ Comments []json.RawMessage }
			f.DoJSON(http.MethodGet, path+"/comments", f.Key, nil, http.StatusOK, &list)
			if len(list.Comments) != 1 {
				t.Errorf("GET %s/comments: %d comments, want 1", path, len(list.Comments))
			}

			// The dashboard's article list links to the article's page, which renders.
			w := f.Page(http.MethodGet, "/articles", f.Admin, nil)
			m := regexp.MustCompile(`href="(/articles/[^"]+)">URL article<`).FindStringSubmatch(w.Body.String())
			if m == nil {
				t.Fatalf("no link to the article in /articles:\n%.2000s", w.Body)
			}
			link := strings.ReplaceAll(m[1], "&amp;", "&")
			if w := f.Page(http.MethodGet, link, f.Admin, nil); w.Code != http.StatusOK || !strings.Contains(w.Body.String(), "URL article") {
				t.Errorf("GET %s (the dashboard's link) = %d", link, w.Code)
			}
		})
	}
}
