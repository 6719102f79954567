package perspective

import (
	"context"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/tribune/tribune/moderation"
	"github.com/tribune/tribune/web/internal/webtest"
)

func TestPerspectiveDetectedLanguages(t *testing.T) {
	f := newPerspectiveFixture(t, Options{})
	// The site trusts the model on German too: German comments are scored, not refused.
	pol := moderation.DefaultPolicy()
	pol.Languages = []string{"en", "de"}
	if err := f.Svc.SetPolicy(context.Background(), pol); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name, body    string
		wantLanguages []string
		wantDetected  []string
	}{
		{"German without languages",
			`{"comment":{"text":"` + webtest.GermanComment + `"},"requestedAttributes":{"TOXICITY":{}}}`,
			[]string{"de"}, []string{"de"}},
		{"German with English requested",
			`{"comment":{"text":"` + webtest.GermanComment + `"},"requestedAttributes":{"TOXICITY":{}},"languages":["en"]}`,
			[]string{"en"}, []string{"de"}},
		{"German requested, echoed as sent",
			`{"comment":{"text":"` + webtest.GermanComment + `"},"requestedAttributes":{"TOXICITY":{}},"languages":["de-DE"]}`,
			[]string{"de-DE"}, []string{"de"}},
		{"undetermined without languages",
			`{"comment":{"text":"Thanks for the article."},"requestedAttributes":{"TOXICITY":{}}}`,
			[]string{"en"}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp := f.analyze(tt.body)
			if diff := cmp.Diff(tt.wantLanguages, resp.Languages); diff != "" {
				t.Errorf("languages (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(tt.wantDetected, resp.DetectedLanguages); diff != "" {
				t.Errorf("detectedLanguages (-want +got):\n%s", diff)
			}
			if _, ok := resp.AttributeScores["TOXICITY"]; !ok {
				t.Errorf("no TOXICITY score in %+v", resp)
			}
		})
	}
}
