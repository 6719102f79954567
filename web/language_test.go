package web

import (
	"context"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/tribune/tribune/moderation"
)

// germanComment is civil German; the fake classifier detects it by its marker words.
const germanComment = "Das ist nicht der richtige Weg, aber ich verstehe den Gemeinderat."

func TestCommentLanguage(t *testing.T) {
	f := newFixture(t)
	f.putArticle("tram", moderation.ModeAuto)
	tests := []struct {
		name, text, wantLang, wantVerdict string
		wantCodes                         []string
	}{
		{"German is held for its language", germanComment, "de", "hold", []string{"language.unsupported"}},
		{"German insult keeps its tone reason", "Du bist ein idiot und das ist alles.", "de", "hold", []string{"threshold.insult", "language.unsupported"}},
		{"undetermined is not held", "Good point about the tram line.", "", "approve", []string{"ok"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			posted := f.postComment("tram", "u1", tt.text)
			var got commentResponse
			f.doJSON(http.MethodGet, "/api/v1/comments/"+strconv.FormatInt(posted.ID, 10), f.key, nil, http.StatusOK, &got)
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
	german := f.postComment("tram", "u2", germanComment)
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
		{"German", germanComment, "de", "hold"},
		{"French", "Je ne suis pas d'accord avec les travaux.", "fr", "hold"},
		{"undetermined", "Thanks for the article.", "", "approve"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got scoreResponse
			f.doJSON(http.MethodPost, "/api/v1/score", f.key, map[string]any{"text": tt.text}, http.StatusOK, &got)
			if got.Language != tt.wantLang || got.Verdict != tt.wantVerdict {
				t.Errorf("language %q, verdict %s; want %q, %s", got.Language, got.Verdict, tt.wantLang, tt.wantVerdict)
			}
		})
	}
}

func TestPerspectiveDetectedLanguages(t *testing.T) {
	f := newPerspectiveFixture(t, Options{})
	// The site trusts the model on German too: German comments are scored, not refused.
	pol := moderation.DefaultPolicy()
	pol.Languages = []string{"en", "de"}
	if err := f.svc.SetPolicy(context.Background(), pol); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name, body    string
		wantLanguages []string
		wantDetected  []string
	}{
		{"German without languages",
			`{"comment":{"text":"` + germanComment + `"},"requestedAttributes":{"TOXICITY":{}}}`,
			[]string{"de"}, []string{"de"}},
		{"German with English requested",
			`{"comment":{"text":"` + germanComment + `"},"requestedAttributes":{"TOXICITY":{}},"languages":["en"]}`,
			[]string{"en"}, []string{"de"}},
		{"German requested, echoed as sent",
			`{"comment":{"text":"` + germanComment + `"},"requestedAttributes":{"TOXICITY":{}},"languages":["de-DE"]}`,
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

func TestDashboardPolicyLanguages(t *testing.T) {
	f := newDashFixture(t)
	page := f.page(http.MethodGet, "/settings", f.admin, nil).Body.String()
	if !strings.Contains(page, `name="languages" value="en"`) || !strings.Contains(page, `<option value="hold" selected>`) {
		t.Errorf("settings page lacks the languages field with the default; %.300s", page)
	}
	form := settingsForm(f, moderation.DefaultPolicy())
	form.Set("languages", "EN, de fr,de")
	form.Set("unsupported_language", "reject")
	body := f.page(http.MethodPost, "/settings/policy", f.admin, form).Body.String()
	for _, want := range []string{"supported languages en → en, de, fr", "other languages hold → reject"} {
		if !strings.Contains(body, want) {
			t.Errorf("preview lacks %q", want)
		}
	}
	applyPreviewed(t, f, form, body)
	got := f.svc.Policy()
	if !cmp.Equal(got.Languages, []string{"en", "de", "fr"}) || got.UnsupportedLanguage != moderation.Reject {
		t.Errorf("policy after apply: languages %v, unsupported %s", got.Languages, got.UnsupportedLanguage)
	}
	if page := f.page(http.MethodGet, "/settings", f.admin, nil).Body.String(); !strings.Contains(page, `name="languages" value="en, de, fr"`) {
		t.Errorf("settings page does not show the saved languages")
	}

	form.Set("languages", "english")
	w := f.page(http.MethodPost, "/settings/policy", f.admin, form)
	if w.Code != http.StatusBadRequest || !strings.Contains(w.Body.String(), "not an ISO 639 code") {
		t.Errorf("invalid language = %d; %.300s", w.Code, w.Body)
	}
}

// settingsForm is the settings page's policy form for p, CSRF token included, set to apply.
func settingsForm(f *dashFixture, p moderation.Policy) url.Values {
	form := url.Values{"csrf": {f.csrf(f.admin)}, "n": {"100"}, "action": {"apply"}}
	for _, head := range moderation.ToneAttributes {
		form.Set("hold."+head, strconv.FormatFloat(p.Hold[head], 'f', -1, 64))
		form.Set("reject."+head, strconv.FormatFloat(p.Reject[head], 'f', -1, 64))
	}
	return form
}

// applyPreviewed applies form with the preview token found in the preview page body.
func applyPreviewed(t *testing.T, f *dashFixture, form url.Values, body string) {
	t.Helper()
	tok := regexp.MustCompile(`name="previewed" value="([^"]+)"`).FindStringSubmatch(body)
	if tok == nil {
		t.Fatal("no preview token")
	}
	form.Set("previewed", tok[1])
	if w := f.page(http.MethodPost, "/settings/policy", f.admin, form); w.Code != http.StatusSeeOther {
		t.Fatalf("apply = %d; %.300s", w.Code, w.Body)
	}
}
