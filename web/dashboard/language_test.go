package dashboard

import (
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/tribune/tribune/moderation"
)

func TestDashboardPolicyLanguages(t *testing.T) {
	f := newDashFixture(t)
	page := f.Page(http.MethodGet, "/settings", f.Admin, nil).Body.String()
	if !strings.Contains(page, `name="languages" value="en"`) || !strings.Contains(page, `<option value="hold" selected>`) {
		t.Errorf("settings page lacks the languages field with the default; %.300s", page)
	}
	form := settingsForm(f, moderation.DefaultPolicy())
	form.Set("languages", "EN, de fr,de")
	form.Set("unsupported_language", "reject")
	body := f.Page(http.MethodPost, "/settings/policy", f.Admin, form).Body.String()
	for _, want := range []string{"supported languages en → en, de, fr", "other languages hold → reject"} {
		if !strings.Contains(body, want) {
			t.Errorf("preview lacks %q", want)
		}
	}
	applyPreviewed(t, f, form, body)
	got := f.Svc.Policy()
	if !cmp.Equal(got.Languages, []string{"en", "de", "fr"}) || got.UnsupportedLanguage != moderation.Reject {
		t.Errorf("policy after apply: languages %v, unsupported %s", got.Languages, got.UnsupportedLanguage)
	}
	if page := f.Page(http.MethodGet, "/settings", f.Admin, nil).Body.String(); !strings.Contains(page, `name="languages" value="en, de, fr"`) {
		t.Errorf("settings page does not show the saved languages")
	}

	form.Set("languages", "english")
	w := f.Page(http.MethodPost, "/settings/policy", f.Admin, form)
	if w.Code != http.StatusBadRequest || !strings.Contains(w.Body.String(), "not an ISO 639 code") {
		t.Errorf("invalid language = %d; %.300s", w.Code, w.Body)
	}
}

// settingsForm is the settings page's policy form for p, CSRF token included, set to apply.
func settingsForm(f *dashFixture, p moderation.Policy) url.Values {
	form := url.Values{"csrf": {f.CSRF(f.Admin)}, "n": {"100"}, "action": {"apply"}}
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
	if w := f.Page(http.MethodPost, "/settings/policy", f.Admin, form); w.Code != http.StatusSeeOther {
		t.Fatalf("apply = %d; %.300s", w.Code, w.Body)
	}
}
