package web

import (
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/tribune/tribune/moderation"
)

// TestDashboardPolicyPriors sets a site prior on the settings page: it is previewed, applied,
// shown again, and a prior outside (0, 1) is refused with the field named.
func TestDashboardPolicyPriors(t *testing.T) {
	f := newDashFixture(t)
	form := url.Values{"csrf": {f.csrf(f.admin)}, "n": {"100"}, "action": {"apply"}}
	p := moderation.DefaultPolicy()
	for _, head := range moderation.ToneAttributes {
		form.Set("hold."+head, strconv.FormatFloat(p.Hold[head], 'f', -1, 64))
		form.Set("reject."+head, strconv.FormatFloat(p.Reject[head], 'f', -1, 64))
	}
	form.Set("languages", "en")
	form.Set("unsupported_language", "hold")
	form.Set("prior.toxicity", "0.05")
	body := f.page(http.MethodPost, "/settings/policy", f.admin, form).Body.String()
	if !strings.Contains(body, "toxicity prior the model&#39;s → 0.050") {
		t.Errorf("preview lacks the prior change; %.500s", body)
	}
	tok := regexp.MustCompile(`name="previewed" value="([^"]+)"`).FindStringSubmatch(body)
	if tok == nil {
		t.Fatal("no preview token")
	}
	form.Set("previewed", tok[1])
	if w := f.page(http.MethodPost, "/settings/policy", f.admin, form); w.Code != http.StatusSeeOther {
		t.Fatalf("apply = %d; %.300s", w.Code, w.Body)
	}
	if got := f.svc.Policy().Priors["toxicity"]; got != 0.05 {
		t.Errorf("policy prior after apply = %v, want 0.05", got)
	}
	if page := f.page(http.MethodGet, "/settings", f.admin, nil).Body.String(); !strings.Contains(page, `name="prior.toxicity" min="0.001" max="0.999" step="0.001" value="0.05"`) {
		t.Errorf("settings page does not show the saved prior")
	}
	form.Set("prior.toxicity", "1.5")
	w := f.page(http.MethodPost, "/settings/policy", f.admin, form)
	if w.Code != http.StatusBadRequest || !strings.Contains(w.Body.String(), "must be in (0, 1)") {
		t.Errorf("invalid prior = %d; %.300s", w.Code, w.Body)
	}
}
