package dashboard

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/tribune/tribune/moderation"
)

// Finding 9, each of the smaller items.

func TestLocalPathRefusesControlCharacters(t *testing.T) {
	for _, tc := range []struct{ next, want string }{
		{"/queue?x=1", "/queue?x=1"},
		{"/\t/evil.example", "/queue"},
		{"/\n/evil.example", "/queue"},
		{"/\\evil.example", "/queue"},
		{"/x\\y", "/queue"},
		{"//evil.example", "/queue"},
		{"https://evil.example/", "/queue"},
		{"/\x7f/evil.example", "/queue"},
	} {
		t.Run(tc.next, func(t *testing.T) {
			if got := localPath(tc.next, "/queue"); got != tc.want {
				t.Errorf("localPath(%q) = %q, want %q", tc.next, got, tc.want)
			}
		})
	}
}

func TestStaticHasNoListing(t *testing.T) {
	f := newDashFixture(t)
	for _, path := range []string{"/static/", "/static"} {
		if w := f.Page(http.MethodGet, path, "", nil); w.Code == http.StatusOK {
			t.Errorf("GET %s = 200 (a listing?), want 404", path)
		}
	}
	if w := f.Page(http.MethodGet, "/static/dashboard.css", "", nil); w.Code != http.StatusOK {
		t.Errorf("GET /static/dashboard.css = %d, want 200", w.Code)
	}
}

func TestOversizedFormIs413(t *testing.T) {
	f := newDashFixture(t)
	token := f.CSRF(f.Admin)
	form := url.Values{"csrf": {token}, "banned": {strings.Repeat("word\n", 64<<10/5+10)}}
	if w := f.Page(http.MethodPost, "/settings/policy", f.Admin, form); w.Code != http.StatusRequestEntityTooLarge {
		t.Errorf("64 KiB settings form = %d, want 413", w.Code)
	}
}

func TestDashboardLinksEscapeIDs(t *testing.T) {
	f := newDashFixture(t)
	f.PutArticle(url.PathEscape("a?b#c%d"), moderation.ModeAuto) // the API path, escaped
	w := f.Page(http.MethodGet, "/articles", f.Alice, nil)
	if !strings.Contains(w.Body.String(), `href="/articles/a%3Fb%23c%25d"`) {
		t.Errorf("articles page links: %s", w.Body)
	}
	if w := f.Page(http.MethodGet, "/articles/a%3Fb%23c%25d", f.Alice, nil); w.Code != http.StatusOK {
		t.Errorf("following the link = %d, want 200", w.Code)
	}
}

func TestArticlesPaging(t *testing.T) {
	f := newDashFixture(t)
	for i := range articlesPerPage + 5 {
		f.PutArticle("p"+strings.Repeat("x", i%3)+string(rune('a'+i%26))+string(rune('a'+i/26)), moderation.ModeAuto)
	}
	w := f.Page(http.MethodGet, "/articles", f.Alice, nil)
	if !strings.Contains(w.Body.String(), `href="/articles?page=2"`) {
		t.Fatalf("first page has no link to the second")
	}
	w = f.Page(http.MethodGet, "/articles?page=2", f.Alice, nil)
	if w.Code != http.StatusOK || strings.Count(w.Body.String(), `<tr>`) < 5 || !strings.Contains(w.Body.String(), "page=1") {
		t.Errorf("second page = %d", w.Code)
	}
	if w := f.Page(http.MethodGet, "/articles?page=0", f.Alice, nil); w.Code != http.StatusBadRequest {
		t.Errorf("page 0 = %d, want 400", w.Code)
	}
}
