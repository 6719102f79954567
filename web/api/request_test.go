package api

import (
	"net/http"
	"strconv"
	"strings"
	"testing"

	"github.com/tribune/tribune/moderation"
	"github.com/tribune/tribune/web/internal/httpx"
)

// TestRequestErrors sends every kind of bad request body to POST /api/v1/comments and checks
// each gets its clear 4xx with the field or position named.
func TestRequestErrors(t *testing.T) {
	f := newFixture(t)
	f.PutArticle("a", moderation.ModeAuto)
	f.PutArticle("b", moderation.ModeAuto)
	other := f.postComment("b", "u", "On another article.")

	long := strings.Repeat("word ", moderation.MaxCommentBytes/5+1)
	for _, tc := range []struct {
		name   string
		body   string
		status int
		want   httpx.ErrorDetail
	}{
		{"empty body", "", 400, httpx.ErrorDetail{Code: "empty_body", Message: "the request body is empty; send a JSON object"}},
		{"blank body", " \n\t", 400, httpx.ErrorDetail{Code: "empty_body", Message: "the request body is empty; send a JSON object"}},
		{"huge body", `{"text":"` + strings.Repeat("a", httpx.DefaultMaxBodyBytes) + `"}`, 413,
			httpx.ErrorDetail{Code: "too_large", Message: "request body is larger than 65536 bytes"}},
		{"invalid UTF-8 in text", "{\"article_id\":\"a\",\"author\":{\"id\":\"u\"},\"text\":\"caf\xe9\"}", 400,
			httpx.ErrorDetail{Code: "invalid_utf8", Field: "text", Message: "text is not valid UTF-8 (at byte 49)"}},
		{"invalid UTF-8 nested", "{\"article_id\":\"a\",\"author\":{\"id\":\"u\",\"name\":\"\xff\"},\"text\":\"hi\"}", 400,
			httpx.ErrorDetail{Code: "invalid_utf8", Field: "author.name", Message: "author.name is not valid UTF-8 (at byte 45)"}},
		{"lone surrogate escape", `{"article_id":"a","author":{"id":"u"},"text":"bad \udc00 half"}`, 400,
			httpx.ErrorDetail{Code: "invalid_utf8", Field: "text", Message: "text is not valid UTF-8 (at byte 50)"}},
		{"high surrogate without low", `{"article_id":"a","author":{"id":"u"},"text":"bad \ud83d"}`, 400,
			httpx.ErrorDetail{Code: "invalid_utf8", Field: "text", Message: "text is not valid UTF-8 (at byte 50)"}},
		{"malformed JSON", `{"article_id":"a",}`, 400,
			httpx.ErrorDetail{Code: "malformed_json", Message: "malformed JSON at byte 19: invalid character '}' looking for beginning of object key string"}},
		{"truncated JSON", `{"article_id":"a","text":"abc`, 400,
			httpx.ErrorDetail{Code: "malformed_json", Message: "malformed JSON: the body ends in the middle of a value"}},
		{"trailing data", `{"article_id":"a"} {"x":1}`, 400,
			httpx.ErrorDetail{Code: "malformed_json", Message: "malformed JSON: unexpected data after the object at byte 20"}},
		{"not an object", `["a"]`, 400, httpx.ErrorDetail{Code: "wrong_type", Message: "the request body must be a JSON object, not array"}},
		{"text is a number", `{"article_id":"a","author":{"id":"u"},"text":5}`, 400,
			httpx.ErrorDetail{Code: "wrong_type", Field: "text", Message: "text must be a string, not number"}},
		{"author is a string", `{"article_id":"a","author":"u","text":"hi"}`, 400,
			httpx.ErrorDetail{Code: "wrong_type", Field: "author", Message: "author must be an object, not string"}},
		{"parent_id is a string", `{"article_id":"a","author":{"id":"u"},"text":"hi","parent_id":"7"}`, 400,
			httpx.ErrorDetail{Code: "wrong_type", Field: "parent_id", Message: "parent_id must be an integer, not string"}},
		{"unknown field", `{"article_id":"a","author":{"id":"u"},"text":"hi","parentId":7}`, 400,
			httpx.ErrorDetail{Code: "unknown_field", Field: "parentId",
				Message: `unknown field "parentId" (known: article_id, author, text, parent_id, external_id, url)`}},
		{"unknown article", `{"article_id":"nope","author":{"id":"u"},"text":"hi"}`, 400,
			httpx.ErrorDetail{Code: "invalid", Field: "article_id",
				Message: `article_id: no article "nope": create it first with PUT /api/v1/articles/{id}`}},
		{"missing text", `{"article_id":"a","author":{"id":"u"}}`, 400,
			httpx.ErrorDetail{Code: "invalid", Field: "text", Message: "text: is required"}},
		{"missing author", `{"article_id":"a","text":"hi"}`, 400,
			httpx.ErrorDetail{Code: "invalid", Field: "author.id", Message: "author.id: is required"}},
		{"comment too long", `{"article_id":"a","author":{"id":"u"},"text":"` + long + `"}`, 400,
			httpx.ErrorDetail{Code: "invalid", Field: "text", Message: "text: is 20005 bytes long; the limit is 20000"}},
		{"parent on another article", `{"article_id":"a","author":{"id":"u"},"text":"hi","parent_id":` +
			itoa(other.ID) + `}`, 400,
			httpx.ErrorDetail{Code: "invalid", Field: "parent_id", Message: "parent_id: no comment " + itoa(other.ID) + " on this article"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			w := f.Do(http.MethodPost, "/api/v1/comments", f.Key, tc.body)
			checkError(t, w.Code, w.Body.Bytes(), tc.status, tc.want)
		})
	}
	// Valid escapes and a literal U+FFFD are not errors.
	ok := `{"article_id":"a","author":{"id":"u"},"text":"pair \ud83d\ude00, \\udc00 is text, \ufffd and \u00e9"}`
	if w := f.Do(http.MethodPost, "/api/v1/comments", f.Key, ok); w.Code != http.StatusCreated {
		t.Errorf("valid escapes: status %d, body %s", w.Code, w.Body)
	}
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }
