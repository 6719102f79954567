package perspective

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"
)

// Finding 4: span scores of a text with thousands of sentences stay within maxSpans, cover
// the whole text, and cost one context-free score per span.
func TestPerspectiveSpansBounded(t *testing.T) {
	f := newPerspectiveFixture(t, Options{})
	text := strings.Repeat("Ok. ", 2000) + "You idiot."
	body, _ := json.Marshal(map[string]any{"comment": map[string]string{"text": text}, "spanAnnotations": true,
		"context":             map[string]any{"entries": []map[string]string{{"text": strings.Repeat("context ", 5000)}}},
		"requestedAttributes": map[string]any{"TOXICITY": map[string]any{}}})
	resp := f.analyze(string(body))
	spans := resp.AttributeScores["TOXICITY"].SpanScores
	if len(spans) == 0 || len(spans) > maxSpans {
		t.Fatalf("%d spans, want 1..%d", len(spans), maxSpans)
	}
	if last := spans[len(spans)-1]; last.End != len(text) {
		t.Errorf("last span ends at %d, want %d (the whole text covered)", last.End, len(text))
	}
}

func TestGroupSpans(t *testing.T) {
	spans := make([]byteSpan, 10)
	for i := range spans {
		spans[i] = byteSpan{i * 3, i*3 + 2}
	}
	got := groupSpans(spans, 3)
	want := []byteSpan{{0, 8}, {9, 17}, {18, 29}}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("groupSpans = %v, want %v", got, want)
	}
	if got := groupSpans(spans[:2], 3); len(got) != 2 {
		t.Errorf("under the cap: %v", got)
	}
}

// Finding 4: suggested scores are capped per key.
func TestFeedbackQuota(t *testing.T) {
	f := newPerspectiveFixture(t, Options{})
	f.fb.Quota = 2
	for i := range 3 {
		body := fmt.Sprintf(`{"comment":{"text":"text %d"},"attributeScores":{"TOXICITY":{"summaryScore":{"value":0.2}}}}`, i)
		w := f.post("/v1alpha1/comments:suggestscore?key="+f.Key, body)
		want := http.StatusOK
		if i == 2 {
			want = http.StatusTooManyRequests
		}
		if w.Code != want {
			t.Errorf("suggestion %d = %d %s, want %d", i+1, w.Code, w.Body, want)
		}
	}
}
