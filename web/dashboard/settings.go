package dashboard

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"sort"
	"strconv"
	"strings"
	"unicode"

	"github.com/gin-gonic/gin"

	"github.com/tribune/tribune/moderation"
	"github.com/tribune/tribune/web/internal/httpx"
)

// settingsView is the admin settings page.
type settingsView struct {
	page
	Policy       policyForm
	Preview      *previewView
	PreviewToken string
	N            int
	Moderators   []moderation.Moderator
	Keys         []moderation.APIKey
	Sites        []moderation.Site
	NewKey       string // a created key's secret, shown once
	Error        string
	Roles        []moderation.Role
}

// policyForm is the policy as the form shows it.
type policyForm struct {
	Rows       []thresholdRow
	AutoReject bool
	Banned     string
	Suspect    string
	// Languages is the supported languages, comma-separated; Unsupported the verdict for
	// comments in other languages.
	Languages   string
	Unsupported moderation.Verdict
}

type thresholdRow struct {
	Name         string
	Hold, Reject float64
	Prior        float64 // the site's expected share of comments with the attribute; 0: the model's
}

// previewView is what a proposed policy would change.
type previewView struct {
	moderation.PolicyPreview
	Changes     []string // thresholds and lists that differ from the policy in force
	Transitions []transition
}

type transition struct {
	From, To moderation.Verdict
	Count    int
}

// settingsFlash maps the saved= parameter to a fixed message.
var settingsFlash = map[string]string{
	"policy":    "Policy saved and in force for new comments.",
	"moderator": "Moderator added.",
	"password":  "Password changed.",
	"revoked":   "API key revoked.",
}

// settingsPage shows the policy form, moderators and API keys.
func (d *Handler) settingsPage(c *gin.Context) {
	v := settingsView{Policy: formOf(d.Svc.Policy()), N: moderation.DefaultPreviewSize}
	v.Flash = settingsFlash[c.Query("saved")]
	d.renderSettings(c, http.StatusOK, v)
}

func (d *Handler) renderSettings(c *gin.Context, status int, v settingsView) {
	ctx := c.Request.Context()
	flash := v.Flash
	v.page = d.base(c, "Settings", "settings")
	v.Flash = flash
	v.Roles = []moderation.Role{moderation.RoleModerator, moderation.RoleAdmin}
	var err error
	if v.Moderators, err = d.Svc.Moderators(ctx); err != nil {
		d.fail(c, err)
		return
	}
	if v.Keys, err = d.Svc.APIKeys(ctx); err != nil {
		d.fail(c, err)
		return
	}
	if v.Sites, err = d.Svc.Sites(ctx); err != nil {
		d.fail(c, err)
		return
	}
	d.render(c, status, "settings", v)
}

func formOf(p moderation.Policy) policyForm {
	f := policyForm{AutoReject: p.AutoReject, Banned: strings.Join(p.BannedWords, "\n"),
		Suspect: strings.Join(p.SuspectWords, "\n"), Languages: strings.Join(p.Languages, ", "),
		Unsupported: p.UnsupportedLanguage}
	if f.Unsupported == "" {
		f.Unsupported = moderation.Hold
	}
	for _, head := range moderation.ToneAttributes {
		f.Rows = append(f.Rows, thresholdRow{Name: head, Hold: p.Hold[head], Reject: p.Reject[head], Prior: p.Priors[head]})
	}
	return f
}

// readPolicy parses the policy form.
func readPolicy(c *gin.Context) (moderation.Policy, error) {
	p := moderation.Policy{Hold: map[string]float64{}, Reject: map[string]float64{},
		AutoReject:   c.PostForm("auto_reject") == "1",
		BannedWords:  lines(c.PostForm("banned_words")),
		SuspectWords: lines(c.PostForm("suspect_words"))}
	p.Languages, p.UnsupportedLanguage = readLanguages(c)
	for _, head := range moderation.ToneAttributes {
		for _, t := range []struct {
			field string
			into  map[string]float64
		}{{"hold." + head, p.Hold}, {"reject." + head, p.Reject}} {
			s := strings.TrimSpace(c.PostForm(t.field))
			if s == "" {
				continue // no threshold: the head never holds (or rejects)
			}
			x, err := strconv.ParseFloat(s, 64)
			if err != nil {
				return p, errBadForm(t.field, "must be a number between 0 and 1")
			}
			t.into[head] = x
		}
		if s := strings.TrimSpace(c.PostForm("prior." + head)); s != "" {
			x, err := strconv.ParseFloat(s, 64)
			if err != nil {
				return p, errBadForm("prior."+head, "must be a number between 0 and 1")
			}
			if p.Priors == nil {
				p.Priors = map[string]float64{}
			}
			p.Priors[head] = x
		}
	}
	return p, nil
}

// readLanguages parses the supported languages ("en, de" or "en de", any letter case) and
// the verdict for other languages. A form without the fields (an older page, a script) keeps
// the defaults; an empty languages field turns the check off.
func readLanguages(c *gin.Context) ([]string, moderation.Verdict) {
	def := moderation.DefaultPolicy()
	langs, unsupported := def.Languages, def.UnsupportedLanguage
	if s, ok := c.GetPostForm("languages"); ok {
		langs = nil
		for _, l := range strings.FieldsFunc(s, func(r rune) bool { return r == ',' || unicode.IsSpace(r) }) {
			if l = strings.ToLower(l); !slices.Contains(langs, l) {
				langs = append(langs, l)
			}
		}
	}
	if v, ok := c.GetPostForm("unsupported_language"); ok {
		unsupported = moderation.Verdict(v)
	}
	return langs, unsupported
}

func lines(s string) []string {
	var out []string
	for _, l := range strings.Split(s, "\n") {
		if l = strings.TrimSpace(l); l != "" {
			out = append(out, l)
		}
	}
	return out
}

// policyToken binds an "apply" to the exact policy that was previewed.
func (d *Handler) policyToken(c *gin.Context, p moderation.Policy) string {
	p.BannedWords = moderation.CleanWordList(p.BannedWords)
	p.SuspectWords = moderation.CleanWordList(p.SuspectWords)
	b, _ := json.Marshal(p) // maps marshal with sorted keys: the encoding is canonical
	return d.mac("policy", d.sessionCSRF(c), string(b))
}

// policySubmit previews a proposed policy against the last N stored comments, or applies it.
// Applying needs the token of a preview of exactly this policy: an admin always sees what a
// change does before it takes effect.
func (d *Handler) policySubmit(c *gin.Context) {
	p, err := readPolicy(c)
	n, nerr := strconv.Atoi(c.DefaultPostForm("n", strconv.Itoa(moderation.DefaultPreviewSize)))
	if err == nil && nerr != nil {
		err = errBadForm("n", "must be a whole number")
	}
	v := settingsView{Policy: formOf(p), N: n}
	v.Policy.Banned, v.Policy.Suspect = c.PostForm("banned_words"), c.PostForm("suspect_words")
	if err != nil {
		v.Error = err.Error()
		d.renderSettings(c, http.StatusBadRequest, v)
		return
	}
	token := d.policyToken(c, p)
	got := c.PostForm("previewed")
	if c.PostForm("action") == "apply" && got != "" && got == token {
		if err := d.Svc.SetPolicy(c.Request.Context(), p); err != nil {
			d.settingsError(c, v, err)
			return
		}
		c.Redirect(http.StatusSeeOther, "/settings?saved=policy")
		return
	}
	pv, err := d.Svc.PreviewPolicy(c.Request.Context(), p, n)
	if err != nil {
		d.settingsError(c, v, err)
		return
	}
	v.Preview = &previewView{PolicyPreview: pv, Changes: policyChanges(d.Svc.Policy(), p)}
	for k, count := range pv.Transitions {
		v.Preview.Transitions = append(v.Preview.Transitions, transition{From: k[0], To: k[1], Count: count})
	}
	sort.Slice(v.Preview.Transitions, func(i, j int) bool {
		a, b := v.Preview.Transitions[i], v.Preview.Transitions[j]
		return a.From+a.To < b.From+b.To
	})
	v.PreviewToken = token
	d.renderSettings(c, http.StatusOK, v)
}

// settingsError re-renders the settings form with the message of an error the admin can fix
// (bad input, a conflict), or fails the request for errors that are not theirs.
func (d *Handler) settingsError(c *gin.Context, v settingsView, err error) {
	p := httpx.Classify(err)
	var ce *moderation.ConflictError
	switch {
	case p.Status != http.StatusBadRequest && p.Status != http.StatusConflict:
		d.fail(c, err)
		return
	case p.Status == http.StatusConflict && !errors.As(err, &ce):
		// A bare conflict here is a unique name: a moderator's or an API key's.
		v.Error = "That name is taken."
	default:
		v.Error = p.Message
	}
	d.renderSettings(c, http.StatusBadRequest, v)
}

// policyChanges describes what differs between the policy in force and a proposed one.
func policyChanges(old, p moderation.Policy) []string {
	var out []string
	show := func(x float64) string {
		if x == 0 {
			return "off"
		}
		return moderation.FormatScore(x)
	}
	for _, head := range moderation.ToneAttributes {
		if old.Hold[head] != p.Hold[head] {
			out = append(out, fmt.Sprintf("%s hold threshold %s → %s", head, show(old.Hold[head]), show(p.Hold[head])))
		}
		if old.Reject[head] != p.Reject[head] {
			out = append(out, fmt.Sprintf("%s reject threshold %s → %s", head, show(old.Reject[head]), show(p.Reject[head])))
		}
		if old.Priors[head] != p.Priors[head] {
			showPrior := func(x float64) string {
				if x == 0 {
					return "the model's"
				}
				return fmt.Sprintf("%.3f", x)
			}
			out = append(out, fmt.Sprintf("%s prior %s → %s", head, showPrior(old.Priors[head]), showPrior(p.Priors[head])))
		}
	}
	if old.AutoReject != p.AutoReject {
		out = append(out, fmt.Sprintf("auto-reject %v → %v", old.AutoReject, p.AutoReject))
	}
	if strings.Join(old.BannedWords, "\n") != strings.Join(moderation.CleanWordList(p.BannedWords), "\n") {
		out = append(out, "banned words changed")
	}
	if strings.Join(old.SuspectWords, "\n") != strings.Join(moderation.CleanWordList(p.SuspectWords), "\n") {
		out = append(out, "suspect words changed")
	}
	showLangs := func(l []string) string {
		if len(l) == 0 {
			return "all"
		}
		return strings.Join(l, ", ")
	}
	if !slices.Equal(old.Languages, p.Languages) {
		out = append(out, fmt.Sprintf("supported languages %s → %s", showLangs(old.Languages), showLangs(p.Languages)))
	}
	if formOf(old).Unsupported != formOf(p).Unsupported {
		out = append(out, fmt.Sprintf("other languages %s → %s", formOf(old).Unsupported, formOf(p).Unsupported))
	}
	return out
}

// addModeratorSubmit creates a moderator account.
func (d *Handler) addModeratorSubmit(c *gin.Context) {
	_, err := d.Svc.AddModerator(c.Request.Context(), strings.TrimSpace(c.PostForm("name")),
		c.PostForm("password"), moderation.Role(c.PostForm("role")))
	if err != nil {
		d.settingsError(c, settingsView{Policy: formOf(d.Svc.Policy()), N: moderation.DefaultPreviewSize}, err)
		return
	}
	c.Redirect(http.StatusSeeOther, "/settings?saved=moderator")
}

// passwordSubmit sets a moderator's password.
func (d *Handler) passwordSubmit(c *gin.Context) {
	err := d.Svc.SetPassword(c.Request.Context(), c.PostForm("name"), c.PostForm("password"))
	if err != nil {
		d.settingsError(c, settingsView{Policy: formOf(d.Svc.Policy()), N: moderation.DefaultPreviewSize}, err)
		return
	}
	c.Redirect(http.StatusSeeOther, "/settings?saved=password")
}

// accountSubmit disables, enables, demotes, promotes or removes a moderator. Disabling ends
// their sessions at once; the last enabled admin cannot lose that.
func (d *Handler) accountSubmit(c *gin.Context) {
	ctx, name := c.Request.Context(), c.PostForm("name")
	var err error
	switch c.PostForm("action") {
	case "disable":
		err = d.Svc.SetModeratorEnabled(ctx, name, false)
	case "enable":
		err = d.Svc.SetModeratorEnabled(ctx, name, true)
	case "admin":
		err = d.Svc.SetRole(ctx, name, moderation.RoleAdmin)
	case "moderator":
		err = d.Svc.SetRole(ctx, name, moderation.RoleModerator)
	case "remove":
		err = d.Svc.RemoveModerator(ctx, name)
	default:
		err = errBadForm("action", "must be disable, enable, admin, moderator or remove")
	}
	if err != nil {
		d.settingsError(c, settingsView{Policy: formOf(d.Svc.Policy()), N: moderation.DefaultPreviewSize}, err)
		return
	}
	c.Redirect(http.StatusSeeOther, "/settings?saved=moderator")
}

// createKeySubmit creates an API key and shows its secret, once.
func (d *Handler) createKeySubmit(c *gin.Context) {
	v := settingsView{Policy: formOf(d.Svc.Policy()), N: moderation.DefaultPreviewSize}
	spec := moderation.KeySpec{Name: strings.TrimSpace(c.PostForm("name"))}
	var err error
	if site := c.PostForm("site"); site != "" {
		if spec.SiteID, err = strconv.ParseInt(site, 10, 64); err != nil || spec.SiteID <= 0 {
			d.fail(c, errBadForm("site", "must be a site id"))
			return
		}
	}
	if spec.Scopes, err = moderation.ParseScopes(c.PostForm("scope")); err != nil {
		d.settingsError(c, v, err)
		return
	}
	secret, _, err := d.Svc.CreateSiteAPIKey(c.Request.Context(), spec)
	if err != nil {
		d.settingsError(c, v, err)
		return
	}
	v.NewKey = secret
	d.renderSettings(c, http.StatusOK, v)
}

// revokeKeySubmit revokes an API key.
func (d *Handler) revokeKeySubmit(c *gin.Context) {
	id, err := strconv.ParseInt(c.PostForm("id"), 10, 64)
	if err != nil || id <= 0 {
		d.fail(c, errBadForm("id", "must be an API key id"))
		return
	}
	if !d.confirmed(c, "Revoke the API key?", d.keyName(c, id)+
		": every site backend or client using it is refused within 5 seconds. A revoked key cannot be restored; you would create a new one.",
		"Revoke the key", "/settings") {
		return
	}
	if err := d.Svc.RevokeAPIKey(c.Request.Context(), id); err != nil {
		d.fail(c, err)
		return
	}
	c.Redirect(http.StatusSeeOther, "/settings?saved=revoked")
}
