package api

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"testing"

	"github.com/gin-gonic/gin"
	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/tribune/tribune/moderation"
	"github.com/tribune/tribune/moderation/moderationtest"
	"github.com/tribune/tribune/web/internal/httpx"
	"github.com/tribune/tribune/web/internal/webtest"
)

func TestEmptyQueue(t *testing.T) {
	f := newFixture(t)
	if id := f.Do(http.MethodGet, "/api/v1/queue", f.Alice, "").Header().Get("X-Request-ID"); id == "" {
		t.Error("X-Request-ID missing")
	}
	if id := f.Do(http.MethodGet, "/healthz", "", "", "X-Request-ID", "abc-123").Header().Get("X-Request-ID"); id != "abc-123" {
		t.Errorf("X-Request-ID = %q, want the client's abc-123", id)
	}
}

func TestArticles(t *testing.T) {
	f := newFixture(t)
	req := map[string]any{"title": "Tram line approved", "url": "https://news.example/tram",
		"body": "The council voted.", "stance_target": "The tram line is a good idea", "mode": "premoderate"}
	var created articleResponse
	f.DoJSON(http.MethodPut, "/api/v1/articles/tram-2026", f.Key, req, http.StatusCreated, &created)
	want := articleResponse{ID: "tram-2026", Title: "Tram line approved", URL: "https://news.example/tram",
		Body: "The council voted.", StanceTarget: "The tram line is a good idea", Mode: "premoderate"}
	ignoreTimes := cmpopts.IgnoreFields(articleResponse{}, "CreatedAt", "UpdatedAt")
	if diff := cmp.Diff(want, created, ignoreTimes); diff != "" {
		t.Errorf("PUT created (-want +got):\n%s", diff)
	}

	req["mode"] = "auto"
	var updated articleResponse
	f.DoJSON(http.MethodPut, "/api/v1/articles/tram-2026", f.Key, req, http.StatusOK, &updated)
	if updated.Mode != "auto" {
		t.Errorf("updated mode = %q, want auto", updated.Mode)
	}

	f.postComment("tram-2026", "r1", "A fine plan for the tram line.")
	f.postComment("tram-2026", "r2", "What a stupid idiot wrote this.")
	var got articleResponse
	f.DoJSON(http.MethodGet, "/api/v1/articles/tram-2026", f.Key, nil, http.StatusOK, &got)
	want.Mode = "auto"
	want.Counts = &countsResponse{Total: 2, Undecided: 1,
		Status: map[string]int{"approve": 1, "hold": 1, "reject": 0},
		Stance: map[string]int{"agree": 0, "disagree": 0, "discuss": 1, "unrelated": 1, "unclear": 0}}
	if diff := cmp.Diff(want, got, ignoreTimes); diff != "" {
		t.Errorf("GET (-want +got):\n%s", diff)
	}
}

func TestArticleErrors(t *testing.T) {
	f := newFixture(t)
	for _, tc := range []struct {
		name   string
		method string
		path   string
		body   string
		status int
		want   httpx.ErrorDetail
	}{
		{"missing title", http.MethodPut, "/api/v1/articles/a1", `{"body":"x"}`, 400,
			httpx.ErrorDetail{Code: "invalid", Field: "title", Message: "title: is required"}},
		{"bad mode", http.MethodPut, "/api/v1/articles/a1", `{"title":"T","mode":"open"}`, 400,
			httpx.ErrorDetail{Code: "invalid", Field: "mode", Message: "mode: must be one of auto, premoderate, closed"}},
		{"unknown article", http.MethodGet, "/api/v1/articles/nope", "", 404,
			httpx.ErrorDetail{Code: "not_found", Message: "not found"}},
		{"comments of unknown article", http.MethodGet, "/api/v1/articles/nope/comments", "", 404,
			httpx.ErrorDetail{Code: "not_found", Message: `article "nope" not found`}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			w := f.Do(tc.method, tc.path, f.Key, tc.body)
			checkError(t, w.Code, w.Body.Bytes(), tc.status, tc.want)
		})
	}
}

func TestPostAndGetComment(t *testing.T) {
	f := newFixture(t)
	f.PutArticle("tram", moderation.ModeAuto)
	text := "You idiot, the tram line is wrong."
	var posted commentResponse
	w := f.DoJSON(http.MethodPost, "/api/v1/comments", f.Key, map[string]any{
		"article_id": "tram", "author": map[string]string{"id": "u1", "name": "Ann"}, "text": text, "external_id": "ext-1",
	}, http.StatusCreated, &posted)
	if loc := w.Header().Get("Location"); loc != "/api/v1/comments/"+strconv.FormatInt(posted.ID, 10) {
		t.Errorf("Location = %q", loc)
	}
	a, _ := moderationtest.FakeClassifier{}.Assess(text, "")
	start, end := 4, 9 // "idiot"
	want := commentResponse{
		ID: posted.ID, ArticleID: "tram", Author: authorJSON{ID: "u1", Name: "Ann"}, Text: text, ExternalID: "ext-1",
		Status: "hold", MachineVerdict: "hold", ModelVersion: moderationtest.FakeVersion,
		Reasons: []reasonJSON{
			{Code: "threshold.insult", Message: fmt.Sprintf("insult %.2f ≥ hold threshold 0.70", a.Scores.Tone["insult"])},
		},
		Scores: scoresJSON{Tone: a.Scores.Tone, StanceLabel: "disagree"},
	}
	opts := cmp.Options{
		cmpopts.IgnoreFields(commentResponse{}, "CreatedAt", "Explanation"),
		cmpopts.IgnoreFields(scoresJSON{}, "Stance"),
	}
	if diff := cmp.Diff(want, posted, opts); diff != "" {
		t.Errorf("POST (-want +got):\n%s", diff)
	}
	wantInsult := []contributionJSON{{Feature: "idiot", Class: "insult", Weight: 6, Start: &start, End: &end}}
	if diff := cmp.Diff(wantInsult, posted.Explanation["insult"]); diff != "" {
		t.Errorf("explanation.insult (-want +got):\n%s", diff)
	}
	if text[start:end] != "idiot" {
		t.Errorf("offsets %d:%d point at %q", start, end, text[start:end])
	}

	var got commentResponse
	f.DoJSON(http.MethodGet, "/api/v1/comments/"+strconv.FormatInt(posted.ID, 10), f.Key, nil, http.StatusOK, &got)
	if diff := cmp.Diff(posted, got); diff != "" {
		t.Errorf("GET differs from POST (-post +get):\n%s", diff)
	}
	for _, path := range []string{"/api/v1/comments/999999", "/api/v1/comments/abc", "/api/v1/comments/-1"} {
		w := f.Do(http.MethodGet, path, f.Key, "")
		if w.Code != http.StatusNotFound {
			t.Errorf("GET %s: status = %d, want 404", path, w.Code)
		}
	}
}

// TestHostileText checks that markup, SQL and odd Unicode are stored and returned byte for byte:
// escaping is the renderer's job, and the API must not "clean" what it was given.
func TestHostileText(t *testing.T) {
	f := newFixture(t)
	f.PutArticle("a", moderation.ModeAuto)
	for _, text := range []string{
		`<script>alert("x")</script><img src=x onerror=alert(1)>`,
		`'; DROP TABLE comments; -- " OR 1=1 /*`,
		"zero\u200bwidth, RTL \u202e override, emoji 👩🏽‍🚒, NUL \x00 byte, café, \ufffd replacement",
		`\u0041 is not unescaped twice; %s %d {{.}} ${x}`,
	} {
		posted := f.postComment("a", "h", text)
		var got commentResponse
		f.DoJSON(http.MethodGet, "/api/v1/comments/"+strconv.FormatInt(posted.ID, 10), f.Key, nil, http.StatusOK, &got)
		if got.Text != text || posted.Text != text {
			t.Errorf("text = %q (GET) / %q (POST), want %q", got.Text, posted.Text, text)
		}
	}
	var page commentListResponse
	f.DoJSON(http.MethodGet, "/api/v1/articles/a/comments", f.Key, nil, http.StatusOK, &page)
	if len(page.Comments) != 4 {
		t.Errorf("listed %d comments, want 4 (the table survived)", len(page.Comments))
	}
}

func TestIdempotentRetry(t *testing.T) {
	f := newFixture(t)
	f.PutArticle("a", moderation.ModeAuto)
	body := map[string]any{"article_id": "a", "author": map[string]string{"id": "u"}, "text": "Retry me."}

	var first, second map[string]any
	f.DoJSON(http.MethodPost, "/api/v1/comments", f.Key, body, http.StatusCreated, &first, IdempotencyHeader, "req-1")
	w := f.DoJSON(http.MethodPost, "/api/v1/comments", f.Key, body, http.StatusOK, &second, IdempotencyHeader, "req-1")
	if w.Header().Get(ReplayedHeader) != "true" {
		t.Errorf("%s = %q, want true", ReplayedHeader, w.Header().Get(ReplayedHeader))
	}
	if diff := cmp.Diff(first, second); diff != "" {
		t.Errorf("replay body differs (-first +replay):\n%s", diff)
	}

	// Another key is another scope: its "req-1" is a different request.
	other, _, err := f.Svc.CreateAPIKey(t.Context(), "other site")
	if err != nil {
		t.Fatal(err)
	}
	var third commentResponse
	f.DoJSON(http.MethodPost, "/api/v1/comments", other, body, http.StatusCreated, &third, IdempotencyHeader, "req-1")
	if third.ID == int64(first["id"].(float64)) {
		t.Errorf("another API key's request got the same comment %d", third.ID)
	}

	// external_id deduplicates without a header.
	body["external_id"] = "site-42"
	var e1, e2 commentResponse
	f.DoJSON(http.MethodPost, "/api/v1/comments", f.Key, body, http.StatusCreated, &e1)
	f.DoJSON(http.MethodPost, "/api/v1/comments", f.Key, body, http.StatusOK, &e2)
	if e1.ID != e2.ID {
		t.Errorf("external_id retry: ids %d and %d, want equal", e1.ID, e2.ID)
	}
	var page commentListResponse
	f.DoJSON(http.MethodGet, "/api/v1/articles/a/comments", f.Key, nil, http.StatusOK, &page)
	if len(page.Comments) != 3 {
		t.Errorf("stored %d comments, want 3", len(page.Comments))
	}
}

func TestCommentPagination(t *testing.T) {
	f := newFixture(t)
	f.PutArticle("a", moderation.ModeAuto)
	var want []int64
	for i := range 7 {
		text := fmt.Sprintf("Comment number %d about the tram line.", i)
		if i%3 == 0 {
			text = fmt.Sprintf("Comment %d: what an idiot.", i)
		}
		want = append(want, f.postComment("a", "u", text).ID)
	}
	var got []int64
	cursor, pages := "", 0
	for {
		var page commentListResponse
		f.DoJSON(http.MethodGet, "/api/v1/articles/a/comments?limit=3&cursor="+cursor, f.Key, nil, http.StatusOK, &page)
		pages++
		for _, c := range page.Comments {
			got = append(got, c.ID)
			if c.Explanation != nil {
				t.Errorf("comment %d: lists carry no explanation", c.ID)
			}
		}
		if page.NextCursor == "" {
			break
		}
		cursor = page.NextCursor
		if pages > 10 {
			t.Fatal("pagination does not end")
		}
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("paged ids (-want +got):\n%s", diff)
	}
	if pages != 3 {
		t.Errorf("pages = %d, want 3", pages)
	}

	var held commentListResponse
	f.DoJSON(http.MethodGet, "/api/v1/articles/a/comments?status=hold", f.Key, nil, http.StatusOK, &held)
	var heldIDs []int64
	for _, c := range held.Comments {
		heldIDs = append(heldIDs, c.ID)
	}
	if diff := cmp.Diff([]int64{want[0], want[3], want[6]}, heldIDs); diff != "" {
		t.Errorf("status=hold ids (-want +got):\n%s", diff)
	}

	for _, tc := range []struct{ query, field string }{
		{"status=maybe", "status"}, {"stance=angry", "stance"}, {"cursor=x", "cursor"}, {"limit=ten", "limit"},
	} {
		w := f.Do(http.MethodGet, "/api/v1/articles/a/comments?"+tc.query, f.Key, "")
		var body httpx.ErrorBody
		webtest.Decode(t, w, &body)
		if w.Code != http.StatusBadRequest || body.Error.Field != tc.field {
			t.Errorf("?%s: status %d field %q, want 400 field %q", tc.query, w.Code, body.Error.Field, tc.field)
		}
	}
}

func TestScore(t *testing.T) {
	f := newFixture(t)
	var got scoreResponse
	f.DoJSON(http.MethodPost, "/api/v1/score", f.Key, map[string]string{"text": "Shut up, you moron.", "context": "tram line"},
		http.StatusOK, &got)
	if got.Verdict != "hold" || got.ModelVersion != moderationtest.FakeVersion || got.Scores.Tone["insult"] < 0.8 {
		t.Errorf("score = %+v, want hold with insult ≥ 0.8", got)
	}
	if len(got.Explanation["insult"]) == 0 {
		t.Error("no insult explanation")
	}
	f.DoJSON(http.MethodPost, "/api/v1/score", f.Key, map[string]string{"text": "Lovely weather."}, http.StatusOK, &got)
	if got.Verdict != "approve" || got.Scores.StanceLabel != "unrelated" {
		t.Errorf("score = %+v, want approve, unrelated", got)
	}
	n, err := f.Svc.QueueSize(t.Context())
	if err != nil || n != 0 {
		t.Errorf("QueueSize = %d, %v; scoring must store nothing", n, err)
	}
	w := f.Do(http.MethodPost, "/api/v1/score", f.Key, `{"text":""}`)
	checkError(t, w.Code, w.Body.Bytes(), 400, httpx.ErrorDetail{Code: "invalid", Field: "text", Message: "text: is required"})
}

func TestRouting(t *testing.T) {
	f := newFixture(t)
	w := f.Do(http.MethodGet, "/api/v1/nothing-here", f.Key, "")
	checkError(t, w.Code, w.Body.Bytes(), 404, httpx.ErrorDetail{Code: "not_found", Message: "no such endpoint"})

	w = f.Do(http.MethodDelete, "/api/v1/comments", f.Key, "")
	checkError(t, w.Code, w.Body.Bytes(), 405,
		httpx.ErrorDetail{Code: "method_not_allowed", Message: "this endpoint does not support the method"})
	if allow := w.Header().Get("Allow"); allow != "POST" {
		t.Errorf("Allow = %q, want POST", allow)
	}
}

func TestPanicIsRecovered(t *testing.T) {
	f := newFixture(t)
	f.engine.GET("/test-panic", func(c *gin.Context) { panic("boom") })
	w := f.Do(http.MethodGet, "/test-panic", "", "")
	var body httpx.ErrorBody
	webtest.Decode(t, w, &body)
	if w.Code != http.StatusInternalServerError || body.Error.Code != "internal" {
		t.Errorf("status %d body %+v, want 500 internal", w.Code, body)
	}
	if strings.Contains(w.Body.String(), "boom") {
		t.Error("the panic value leaked to the client")
	}
	if !strings.Contains(f.Logs(), "boom") {
		t.Error("the panic was not logged")
	}
}

// checkError checks an error response's status and body.
func checkError(t *testing.T, status int, body []byte, wantStatus int, want httpx.ErrorDetail) {
	t.Helper()
	var got httpx.ErrorBody
	if err := json.Unmarshal(body, &got); err != nil {
		t.Fatalf("error body %s: %v", body, err)
	}
	if status != wantStatus {
		t.Errorf("status = %d, want %d (body %s)", status, wantStatus, body)
	}
	if diff := cmp.Diff(want, got.Error); diff != "" {
		t.Errorf("error (-want +got):\n%s", diff)
	}
}
