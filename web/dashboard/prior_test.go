package dashboard

import (
	"net/http"
	"strings"
	"testing"

	"github.com/tribune/tribune/moderation"
)

// TestDashboardPolicyPriors sets a site prior on the settings page: it is previewed, applied,
// shown again, and a prior outside (0, 1) is refused with the field named.
func TestDashboardPolicyPriors(t *testing.T) {
	f := newDashFixture(t)
	form := settingsForm(f, moderation.DefaultPolicy())
	form.Set("languages", "en")
	form.Set("unsupported_language", "hold")
	form.Set("prior.toxicity", "0.05")
	body := f.Page(http.MethodPost, "/settings/policy", f.Admin, form).Body.String()
	if !strings.Contains(body, "toxicity prior the model&#39;s → 0.050") {
		t.Errorf("preview lacks the prior change; %.500s", body)
	}
	applyPreviewed(t, f, form, body)
	if got := f.Svc.Policy().Priors["toxicity"]; got != 0.05 {
		t.Errorf("policy prior after apply = %v, want 0.05", got)
	}
	if page := f.Page(http.MethodGet, "/settings", f.Admin, nil).Body.String(); !strings.Contains(page, `name="prior.toxicity" min="0.001" max="0.999" step="0.001" value="0.05"`) {
		t.Errorf("settings page does not show the saved prior")
	}
	form.Set("prior.toxicity", "1.5")
	w := f.Page(http.MethodPost, "/settings/policy", f.Admin, form)
	if w.Code != http.StatusBadRequest || !strings.Contains(w.Body.String(), "must be in (0, 1)") {
		t.Errorf("invalid prior = %d; %.300s", w.Code, w.Body)
	}
}
