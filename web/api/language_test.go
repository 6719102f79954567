package api

import (
	"net/http"
	"strconv"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/tribune/tribune/moderation"
	"github.com/tribune/tribune/web/internal/webtest"
)

func TestCommentLanguage(t *testing.T) {
	f := newFixture(t)
	f.PutArticle("tram", moderation.ModeAuto)
	tests := []struct {
		name, text, wantLang, wantVerdict string
		wantCodes                         []string
	}{
		{"German is held for its language", webtest.GermanComment, "de", "hold", []string{"language.unsupported"}},
		{"German insult keeps its tone reason", "Du bist ein idiot und das ist alles.", "de", "hold", []string{"threshold.insult", "language.unsupported"}},
		{"undetermined is not held", "Good point about the tram line.", "", "approve", []string{"ok"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			posted := f.postComment("tram", "u1", tt.text)
			var got commentResponse
			f.DoJSON(http.MethodGet, "/api/v1/comments/"+strconv.FormatInt(posted.ID, 10), f.Key, nil, http.StatusOK, &got)
			for _, c := range []commentResponse{posted, got} {
				if c.Language != tt.wantLang || c.MachineVerdict != tt.wantVerdict {
					t.Errorf("language %q, verdict %s; want %q, %s", c.Language, c.MachineVerdict, tt.wantLang, tt.wantVerdict)
				}
				var codes []string
				for _, r := range c.Reasons {
					codes = append(codes, r.Code)
				}
				if diff := cmp.Diff(tt.wantCodes, codes); diff != "" {
					t.Errorf("reason codes (-want +got):\n%s", diff)
				}
			}
		})
	}
	german := f.postComment("tram", "u2", webtest.GermanComment)
	want := reasonJSON{Code: "language.unsupported", Message: "language de not supported"}
	if len(german.Reasons) != 1 || german.Reasons[0] != want {
		t.Errorf("reasons = %+v, want [%+v]", german.Reasons, want)
	}
}

func TestScoreLanguage(t *testing.T) {
	f := newFixture(t)
	tests := []struct {
		name, text, wantLang, wantVerdict string
	}{
		{"German", webtest.GermanComment, "de", "hold"},
		{"French", "Je ne suis pas d'accord avec les travaux.", "fr", "hold"},
		{"undetermined", "Thanks for the article.", "", "approve"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got scoreResponse
			f.DoJSON(http.MethodPost, "/api/v1/score", f.Key, map[string]any{"text": tt.text}, http.StatusOK, &got)
			if got.Language != tt.wantLang || got.Verdict != tt.wantVerdict {
				t.Errorf("language %q, verdict %s; want %q, %s", got.Language, got.Verdict, tt.wantLang, tt.wantVerdict)
			}
		})
	}
}
