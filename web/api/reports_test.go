package api

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/tribune/tribune/moderation"
)

func TestReports(t *testing.T) {
	f := newFixture(t)
	f.PutArticle("a1", moderation.ModeAuto)
	cm := f.postComment("a1", "u1", "A calm remark about the tram.")
	path := fmt.Sprintf("/api/v1/comments/%d/reports", cm.ID)

	var first, again reportResponse
	f.DoJSON(http.MethodPost, path, f.Key, map[string]any{"reason": "abuse", "reporter_id": "reader-1", "note": "rude"}, http.StatusCreated, &first)
	if first.ID == 0 || first.CommentID != cm.ID || first.Reason != "abuse" || first.Note != "rude" || first.CreatedAt.IsZero() {
		t.Errorf("report = %+v", first)
	}
	w := f.DoJSON(http.MethodPost, path, f.Key, map[string]any{"reason": "spam", "reporter_id": "reader-1"}, http.StatusOK, &again)
	if again.ID != first.ID || again.Reason != "abuse" || w.Header().Get(ReplayedHeader) != "true" {
		t.Errorf("repeated report = %+v (%s), want the first", again, w.Header().Get(ReplayedHeader))
	}
	items, err := f.Svc.List(context.Background(), moderation.ListFilter{Kind: moderation.QueueReported})
	if err != nil || len(items) != 1 || items[0].Comment.ID != cm.ID {
		t.Errorf("reported queue = %+v, %v", items, err)
	}

	bad := []struct {
		name, path, body string
		status           int
		says             string
	}{
		{"unknown reason", path, `{"reason":"boring","reporter_id":"r"}`, 400, "reason"},
		{"no reason", path, `{"reporter_id":"r"}`, 400, "reason"},
		{"no reporter", path, `{"reason":"spam"}`, 400, "reporter_id"},
		{"long note", path, `{"reason":"spam","reporter_id":"r","note":"` + strings.Repeat("x", 1001) + `"}`, 400, "note"},
		{"unknown field", path, `{"reason":"spam","reporter_id":"r","why":"x"}`, 400, "why"},
		{"not JSON", path, `reason=spam`, 400, ""},
		{"unknown comment", "/api/v1/comments/999/reports", `{"reason":"spam","reporter_id":"r"}`, 404, "999"},
		{"bad id", "/api/v1/comments/x/reports", `{"reason":"spam","reporter_id":"r"}`, 404, "x"},
	}
	for _, tt := range bad {
		w := f.Do(http.MethodPost, tt.path, f.Key, tt.body)
		if w.Code != tt.status || !strings.Contains(w.Body.String(), tt.says) {
			t.Errorf("%s: %d %s, want %d naming %q", tt.name, w.Code, w.Body, tt.status, tt.says)
		}
	}
	if w := f.Do(http.MethodPost, path, f.Alice, `{"reason":"spam","reporter_id":"r"}`); w.Code != http.StatusUnauthorized && w.Code != http.StatusForbidden {
		t.Errorf("a moderator's session: %d, want 401 or 403 (site backends report)", w.Code)
	}
}
