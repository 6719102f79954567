package httpx

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/gin-gonic/gin"
)

// FuzzBindJSON checks request decoding never panics, and that whatever it accepts holds only
// valid UTF-8 without a U+FFFD the client did not send (the silent replacement it guards against).
func FuzzBindJSON(f *testing.F) {
	for _, seed := range []string{
		`{"article_id":"a","author":{"id":"u","name":"n"},"text":"hi","parent_id":1,"external_id":"e"}`,
		`{"text":"bad \udc00"}`, `{"text":"pair \ud83d\ude00"}`, "{\"text\":\"\xff\"}", `{"text":"\ufffd"}`,
		`{"text":5}`, `[1,2]`, `{"a":`, `{"author":{"name":"\ud800\u0041"}}`, `{"text":"\\udc00"}`, ``, `null`,
	} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, body string) {
		c, _ := gin.CreateTestContext(httptest.NewRecorder())
		c.Request = httptest.NewRequest(http.MethodPost, "/", strings.NewReader(body))
		// The shape of a comment submission: nested object, strings, a number.
		var req struct {
			ArticleID string `json:"article_id"`
			Author    struct {
				ID   string `json:"id"`
				Name string `json:"name"`
			} `json:"author"`
			Text       string `json:"text"`
			ParentID   int64  `json:"parent_id"`
			ExternalID string `json:"external_id"`
		}
		if err := BindJSON(c, &req); err != nil {
			if _, ok := err.(*RequestError); !ok {
				t.Fatalf("BindJSON(%q) = %T %v, want a *RequestError", body, err, err)
			}
			return
		}
		sentFFFD := strings.Contains(body, "\ufffd") || strings.Contains(strings.ToLower(body), `\ufffd`)
		for _, s := range []string{req.ArticleID, req.Author.ID, req.Author.Name, req.Text, req.ExternalID} {
			if !utf8.ValidString(s) {
				t.Fatalf("BindJSON(%q) accepted invalid UTF-8 %q", body, s)
			}
			if strings.ContainsRune(s, utf8.RuneError) && !sentFFFD {
				t.Fatalf("BindJSON(%q) accepted a silently replaced character in %q", body, s)
			}
		}
	})
}
