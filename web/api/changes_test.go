package api

import (
	"context"
	"fmt"
	"net/http"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/tribune/tribune/moderation"
)

func TestChangesFeed(t *testing.T) {
	f := newFixture(t)
	f.PutArticle("a1", moderation.ModePremoderate) // every comment is held
	c := f.postComment("a1", "u1", "A comment about the tram line.")
	f.DoJSON(http.MethodPost, fmt.Sprintf("/api/v1/comments/%d/decision", c.ID), f.Alice,
		map[string]string{"verdict": "reject", "reason": "insult"}, http.StatusCreated, nil)

	var page changesResponse
	f.DoJSON(http.MethodGet, "/api/v1/changes", f.Key, nil, http.StatusOK, &page)
	want := []eventResponse{
		{ID: 1, Type: "comment.verdict", CommentID: c.ID, ArticleID: "a1", Status: "hold", Verdict: "hold"},
		{ID: 2, Type: "comment.decision", CommentID: c.ID, ArticleID: "a1", Status: "reject", Verdict: "reject",
			Reasons: []string{"insult"}, Moderator: "alice"},
	}
	ignore := cmpopts.IgnoreFields(eventResponse{}, "CreatedAt", "ModelVersion", "Reasons")
	if diff := cmp.Diff(want, page.Events, ignore); diff != "" {
		t.Errorf("changes (-want +got):\n%s", diff)
	}
	if page.Cursor != "2" || len(page.Events[1].Reasons) != 1 {
		t.Errorf("cursor = %q, reasons %v", page.Cursor, page.Events[1].Reasons)
	}
	// Nothing new: no events, the same cursor.
	var again changesResponse
	f.DoJSON(http.MethodGet, "/api/v1/changes?cursor="+page.Cursor, f.Key, nil, http.StatusOK, &again)
	if len(again.Events) != 0 || again.Cursor != "2" {
		t.Errorf("after the last event: %+v", again)
	}
	f.DoJSON(http.MethodGet, "/api/v1/changes?cursor=1&limit=1", f.Key, nil, http.StatusOK, &again)
	if len(again.Events) != 1 || again.Events[0].ID != 2 {
		t.Errorf("cursor=1&limit=1: %+v", again)
	}
	for _, tt := range []struct {
		name, path, token string
		status            int
	}{
		{"negative cursor", "/api/v1/changes?cursor=-1", f.Key, http.StatusBadRequest},
		{"bad cursor", "/api/v1/changes?cursor=x", f.Key, http.StatusBadRequest},
		{"no key", "/api/v1/changes", "", http.StatusUnauthorized},
	} {
		t.Run(tt.name, func(t *testing.T) {
			if w := f.Do(http.MethodGet, tt.path, tt.token, ""); w.Code != tt.status {
				t.Errorf("status = %d, want %d: %s", w.Code, tt.status, w.Body)
			}
		})
	}
}

// A key sees only its own site's events, with the article ids its site knows; the cursor
// moves past other sites' events without showing them.
func TestChangesFeedPerSite(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	siteB, err := f.Svc.CreateSite(ctx, "site-b")
	if err != nil {
		t.Fatal(err)
	}
	keyB, _, err := f.Svc.CreateSiteAPIKey(ctx, moderation.KeySpec{Name: "b", SiteID: siteB.ID})
	if err != nil {
		t.Fatal(err)
	}
	f.PutArticle("a1", moderation.ModePremoderate)
	f.postComment("a1", "u1", "A comment on the default site.")
	f.DoJSON(http.MethodPut, "/api/v1/articles/a1", keyB, map[string]string{"title": "B's a1"}, http.StatusCreated, nil)
	var onB commentResponse
	f.DoJSON(http.MethodPost, "/api/v1/comments", keyB,
		map[string]any{"article_id": "a1", "author": map[string]string{"id": "u2"}, "text": "A comment on site B."},
		http.StatusCreated, &onB)

	for _, tt := range []struct {
		name, key  string
		wantIDs    []int64
		wantCursor string
	}{
		{"default site", f.Key, []int64{1}, "2"},
		{"site b", keyB, []int64{2}, "2"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			var page changesResponse
			f.DoJSON(http.MethodGet, "/api/v1/changes", tt.key, nil, http.StatusOK, &page)
			var ids []int64
			for _, ev := range page.Events {
				ids = append(ids, ev.ID)
				if ev.ArticleID != "a1" {
					t.Errorf("event %d: article_id %q, want the site's own id a1", ev.ID, ev.ArticleID)
				}
			}
			if !cmp.Equal(ids, tt.wantIDs) || page.Cursor != tt.wantCursor {
				t.Errorf("events %v, cursor %q; want %v, %q", ids, page.Cursor, tt.wantIDs, tt.wantCursor)
			}
		})
	}
	var first changesResponse
	f.DoJSON(http.MethodGet, "/api/v1/changes?limit=1", keyB, nil, http.StatusOK, &first)
	if len(first.Events) != 1 || first.Events[0].CommentID != onB.ID {
		t.Errorf("site b, limit=1: %+v; want its own comment %d past the default site's event", first, onB.ID)
	}
}
