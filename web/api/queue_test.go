package api

import (
	"fmt"
	"net/http"
	"slices"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/tribune/tribune/moderation"
	"github.com/tribune/tribune/web/internal/httpx"
	"github.com/tribune/tribune/web/internal/webtest"
)

func ids(items []commentResponse) []int64 {
	out := make([]int64, 0, len(items))
	for _, it := range items {
		out = append(out, it.ID)
	}
	slices.Sort(out)
	return out
}

func TestQueueClaimDecide(t *testing.T) {
	f := newFixture(t)
	f.PutArticle("pre", moderation.ModePremoderate)
	var all []int64
	for i := range 4 {
		c := f.postComment("pre", "u", fmt.Sprintf("Thoughts number %d on the tram line.", i))
		if c.Status != "hold" {
			t.Fatalf("premoderated comment status = %q, want hold", c.Status)
		}
		all = append(all, c.ID)
	}

	var q queueResponse
	f.DoJSON(http.MethodGet, "/api/v1/queue?article_id=pre&limit=10", f.Alice, nil, http.StatusOK, &q)
	if diff := cmp.Diff(all, ids(q.Items)); diff != "" {
		t.Errorf("queue ids (-want +got):\n%s", diff)
	}
	if it := q.Items[0]; it.Article == nil || it.Article.ID != "pre" || it.Article.Title == "" {
		t.Errorf("queue item article = %+v", it.Article)
	}

	var a, b, none queueResponse
	f.DoJSON(http.MethodPost, "/api/v1/queue/claim", f.Alice, map[string]int{"count": 2}, http.StatusOK, &a)
	f.DoJSON(http.MethodPost, "/api/v1/queue/claim", f.Bob, map[string]int{"count": 10}, http.StatusOK, &b)
	f.DoJSON(http.MethodPost, "/api/v1/queue/claim", f.Alice, nil, http.StatusOK, &none)
	if len(a.Items) != 2 || len(b.Items) != 2 || len(none.Items) != 0 {
		t.Fatalf("claimed %d, %d, %d items, want 2, 2, 0", len(a.Items), len(b.Items), len(none.Items))
	}
	if got := ids(append(a.Items, b.Items...)); !cmp.Equal(got, all) {
		t.Errorf("claimed ids %v, want each of %v exactly once", got, all)
	}
	if c := a.Items[0].Claim; c == nil || c.ModeratorName != "alice" {
		t.Errorf("claim = %+v, want alice's", c)
	}
	aliceID, bobID := a.Items[0].ID, b.Items[0].ID
	decision := func(id int64) string { return fmt.Sprintf("/api/v1/comments/%d/decision", id) }

	// Bob may not decide what Alice holds.
	w := f.Do(http.MethodPost, decision(aliceID), f.Bob, `{"verdict":"reject","reason":"spam"}`)
	if w.Code != http.StatusConflict {
		t.Errorf("deciding another's claim: status %d, want 409", w.Code)
	}

	var d decisionJSON
	f.DoJSON(http.MethodPost, decision(aliceID), f.Alice, map[string]any{"verdict": "approve", "note": "fine"},
		http.StatusCreated, &d)
	want := decisionJSON{CommentID: aliceID, Moderator: moderatorResponse{Name: "alice"}, Verdict: "approve", Reason: "ok", Note: "fine"}
	opts := cmpopts.IgnoreFields(decisionJSON{}, "ID", "CreatedAt", "Moderator.ID")
	if diff := cmp.Diff(want, d, opts); diff != "" {
		t.Errorf("decision (-want +got):\n%s", diff)
	}

	w = f.Do(http.MethodPost, decision(aliceID), f.Alice, `{"verdict":"reject","reason":"insult"}`)
	var body httpx.ErrorBody
	webtest.Decode(t, w, &body)
	if w.Code != http.StatusConflict || body.Error.Code != "conflict" || body.Error.Message == "" {
		t.Errorf("second decision without override: %d %+v, want 409 conflict with a reason", w.Code, body)
	}
	f.DoJSON(http.MethodPost, decision(aliceID), f.Bob, map[string]any{"verdict": "reject", "reason": "insult", "override": true},
		http.StatusCreated, &d)
	if !d.Override || d.Verdict != "reject" || d.Moderator.Name != "bob" {
		t.Errorf("override decision = %+v", d)
	}
	var c commentResponse
	f.DoJSON(http.MethodGet, fmt.Sprintf("/api/v1/comments/%d", aliceID), f.Key, nil, http.StatusOK, &c)
	if c.Status != "reject" || c.MachineVerdict != "hold" || c.Decision == nil || c.Decision.Moderator.Name != "bob" {
		t.Errorf("comment after override: status %q machine %q decision %+v", c.Status, c.MachineVerdict, c.Decision)
	}

	for _, tc := range []struct {
		name, path, body string
		status           int
		field            string
	}{
		{"reject without reason", decision(bobID), `{"verdict":"reject"}`, 400, "reason"},
		{"bad verdict", decision(bobID), `{"verdict":"hold"}`, 400, "verdict"},
		{"bad reason", decision(bobID), `{"verdict":"approve","reason":"spam"}`, 400, "reason"},
		{"override is not a bool", decision(bobID), `{"verdict":"approve","override":"yes"}`, 400, "override"},
		{"unknown comment", decision(999999), `{"verdict":"approve"}`, 404, ""},
		{"bad comment id", "/api/v1/comments/x/decision", `{"verdict":"approve"}`, 404, ""},
		{"claim count too big", "/api/v1/queue/claim", `{"count":100000}`, 400, "count"},
		{"claim count not a number", "/api/v1/queue/claim", `{"count":"5"}`, 400, "count"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			w := f.Do(http.MethodPost, tc.path, f.Bob, tc.body)
			var body httpx.ErrorBody
			webtest.Decode(t, w, &body)
			if w.Code != tc.status || body.Error.Field != tc.field {
				t.Errorf("status %d field %q, want %d %q (body %s)", w.Code, body.Error.Field, tc.status, tc.field, w.Body)
			}
		})
	}

	f.DoJSON(http.MethodPost, decision(bobID), f.Bob, map[string]any{"verdict": "reject", "reason": "spam"}, http.StatusCreated, nil)
	release := fmt.Sprintf("/api/v1/queue/claims/%d", b.Items[1].ID)
	f.DoJSON(http.MethodDelete, release, f.Bob, nil, http.StatusNoContent, nil)
	f.DoJSON(http.MethodDelete, release, f.Bob, nil, http.StatusNotFound, nil)
	var again queueResponse
	f.DoJSON(http.MethodPost, "/api/v1/queue/claim", f.Alice, map[string]int{"count": 5}, http.StatusOK, &again)
	if got := ids(again.Items); !cmp.Equal(got, []int64{b.Items[1].ID}) {
		t.Errorf("after release alice claimed %v, want [%d]", got, b.Items[1].ID)
	}

	f.DoJSON(http.MethodGet, "/api/v1/queue", f.Alice, nil, http.StatusOK, &q)
	wantLeft := []int64{a.Items[1].ID, b.Items[1].ID}
	slices.Sort(wantLeft)
	if got := ids(q.Items); !cmp.Equal(got, wantLeft) {
		t.Errorf("queue after decisions = %v, want %v", got, wantLeft)
	}
}

// TestQueueKinds: the moderators' API lists the dashboard's other queues, the reported one
// with its reports, and refuses unknown queues and bad offsets by name.
func TestQueueKinds(t *testing.T) {
	f := newFixture(t)
	f.PutArticle("tram", moderation.ModeAuto)
	calm := f.postComment("tram", "u1", "A calm remark about timetables.")
	other := f.postComment("tram", "u2", "Another calm remark about the stops.")
	f.DoJSON(http.MethodPost, fmt.Sprintf("/api/v1/comments/%d/reports", calm.ID), f.Key,
		map[string]string{"reason": "spam", "reporter_id": "r1", "note": "posted 3 times"}, http.StatusCreated, nil)

	var q queueResponse
	f.DoJSON(http.MethodGet, "/api/v1/queue?queue=reported", f.Alice, nil, http.StatusOK, &q)
	if q.Queue != "reported" || len(q.Items) != 1 || q.Items[0].ID != calm.ID {
		t.Fatalf("reported queue = %+v, want comment %d", q, calm.ID)
	}
	if r := q.Items[0].Reports; len(r) != 1 || r[0].Reason != "spam" || r[0].Note != "posted 3 times" || r[0].ReporterID != "r1" {
		t.Errorf("reports = %+v", r)
	}
	f.DoJSON(http.MethodGet, "/api/v1/queue?queue=approved&limit=1", f.Alice, nil, http.StatusOK, &q)
	if len(q.Items) != 1 || q.Items[0].ID != other.ID {
		t.Errorf("approved page 1 = %v, want the newest, %d", ids(q.Items), other.ID)
	}
	f.DoJSON(http.MethodGet, "/api/v1/queue?queue=approved&limit=1&offset=1", f.Alice, nil, http.StatusOK, &q)
	if len(q.Items) != 1 || q.Items[0].ID != calm.ID {
		t.Errorf("approved page 2 = %v, want %d", ids(q.Items), calm.ID)
	}
	f.DoJSON(http.MethodGet, "/api/v1/queue", f.Alice, nil, http.StatusOK, &q)
	if q.Queue != "held" || len(q.Items) != 0 {
		t.Errorf("held queue = %+v, want empty", q)
	}
	for _, path := range []string{"/api/v1/queue?queue=everything", "/api/v1/queue?queue=approved&offset=-1",
		"/api/v1/queue?offset=5", "/api/v1/queue?queue=pending&offset=x"} {
		w := f.Do(http.MethodGet, path, f.Alice, "")
		var body httpx.ErrorBody
		webtest.Decode(t, w, &body)
		if w.Code != http.StatusBadRequest || body.Error.Field == "" {
			t.Errorf("%s = %d %+v, want 400 naming a field", path, w.Code, body.Error)
		}
	}
}
