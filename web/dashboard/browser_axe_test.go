package dashboard

import (
	"context"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/tribune/tribune/moderation"
)

// axeSource returns axe-core's script: the file TRIBUNE_AXE_JS names (.ci/run installs axe-core
// from npm and sets it), else the place .ci/run installs it to. Without it the test skips,
// except in CI (CI set), where it fails.
func axeSource(t *testing.T) string {
	t.Helper()
	path := os.Getenv("TRIBUNE_AXE_JS")
	if path == "" {
		if home, err := os.UserHomeDir(); err == nil {
			path = filepath.Join(home, ".cache", "tribune-axe", "node_modules", "axe-core", "axe.min.js")
		}
	}
	src, err := os.ReadFile(path)
	if err != nil {
		msg := "the accessibility test needs axe-core: npm install --prefix \"$HOME/.cache/tribune-axe\" axe-core@4, or set TRIBUNE_AXE_JS to axe.min.js (" + err.Error() + ")"
		if os.Getenv("CI") != "" {
			t.Fatal(msg)
		}
		t.Skip(msg)
	}
	return string(src)
}

// axeSerious runs axe-core on the page and lists its serious and critical violations, each
// with up to three of the elements it found.
const axeSerious = `axe.run(document, {resultTypes: ["violations"]}).then(function (r) {
	return r.violations.filter(function (v) { return v.impact === "serious" || v.impact === "critical"; })
		.map(function (v) { return v.id + " (" + v.impact + ", " + v.nodes.length + "): " +
			v.nodes.slice(0, 3).map(function (n) { return n.target.join(" "); }).join(" | "); });
})`

// TestBrowserAccessibility runs axe-core on every dashboard page (and the login page) at desktop (1440x900) and
// phone (390 and 320 px) widths: no serious or critical violation, and no page scrolls
// sideways at 320 px.
func TestBrowserAccessibility(t *testing.T) {
	axe := axeSource(t)
	f := newDeskFixture(t)
	ctx := context.Background()
	// Every state a page can show: a report, a held item another moderator holds, a decision,
	// an author's standing and note, a mode change.
	if _, _, err := f.Svc.ReportComment(ctx, moderation.DefaultSiteID, f.approve, moderation.ReportInput{
		ReporterID: "r1", Reason: moderation.ReportSpam, Note: "posted 3 times"}); err != nil {
		t.Fatal(err)
	}
	alice, err := f.Svc.SessionModerator(ctx, f.Alice)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.Svc.Claim(ctx, alice, 1); err != nil {
		t.Fatal(err)
	}
	rejected := f.submit(t, "omar", "Omar", "You stupid idiot moron.")
	if _, err := f.Svc.Decide(ctx, alice, moderation.DecisionInput{CommentID: rejected, Verdict: moderation.Reject,
		Reason: moderation.ReasonInsult, Note: "name-calling"}); err != nil {
		t.Fatal(err)
	}
	if err := f.Svc.SetAuthorStatus(ctx, alice, "omar", moderation.AuthorSuspended, time.Now().Add(time.Hour), "cool off"); err != nil {
		t.Fatal(err)
	}
	if err := f.Svc.SetArticleMode(ctx, alice, "tram", moderation.ModePremoderate); err != nil {
		t.Fatal(err)
	}
	pages := []struct{ path, ready string }{
		{"/queue", ".item.current"},
		{"/queue?queue=reported", ".item.current"},
		{"/queue?queue=pending", ".item.current"},
		{"/queue?queue=approved", "main"},
		{"/queue?queue=rejected", ".item.current"},
		{"/articles", "main"},
		{"/articles/tram", "main"},
		{"/comments/" + strconv.FormatInt(rejected, 10), "main"},
		{"/authors/omar", "main"},
		{"/search?q=tram", "#found-comments"},
		{"/overview", "main"},
		{"/settings", "main"},
		{"/comments/999999", "main"},
		{"/login", "#name"}, // the login page renders alike with or without a session
	}
	sizes := []struct{ w, h int64 }{{1440, 900}, {390, 844}, {320, 640}}
	for _, size := range sizes {
		for _, p := range pages {
			name := strconv.FormatInt(size.w, 10) + p.path
			t.Run(name, func(t *testing.T) {
				if err := within(f.bctx, 60*time.Second, chromedp.EmulateViewport(size.w, size.h),
					chromedp.Navigate(f.srv.URL+p.path), chromedp.WaitVisible(chromedp.CSS(p.ready))); err != nil {
					t.Fatal(err)
				}
				f.checkAxe(t, axe)
				if size.w == 320 {
					f.checkReflow(t)
				}
			})
		}
		// The confirmation page answers a POST: reach it by revoking a key, and stop there.
		t.Run(strconv.FormatInt(size.w, 10)+"/confirm", func(t *testing.T) {
			if err := within(f.bctx, 60*time.Second, chromedp.EmulateViewport(size.w, size.h),
				chromedp.Navigate(f.srv.URL+"/settings"),
				chromedp.Click(chromedp.CSS(`form[action="/settings/apikeys/revoke"] button`)),
				chromedp.WaitVisible(chromedp.CSS(`#confirm-title`))); err != nil {
				t.Fatal(err)
			}
			f.checkAxe(t, axe)
			if size.w == 320 {
				f.checkReflow(t)
			}
		})
	}
}

func (f *deskFixture) checkAxe(t *testing.T, axe string) {
	t.Helper()
	// Generous deadlines: axe-core is 650 KB of script, and CI runs packages side by side.
	ctx, cancel := context.WithTimeout(f.bctx, 90*time.Second)
	defer cancel()
	if _, err := chromedp.Run(ctx, chromedp.Evaluate[bool](axe+";\ntrue")); err != nil {
		t.Fatalf("load axe-core: %v", err)
	}
	found, err := chromedp.Run(ctx, chromedp.Evaluate[[]string](axeSerious, chromedp.EvalAwaitPromise))
	if err != nil {
		t.Fatalf("run axe-core: %v", err)
	}
	if len(found) > 0 {
		t.Errorf("serious or critical accessibility violations:\n%s", strings.Join(found, "\n"))
	}
}

func (f *deskFixture) checkReflow(t *testing.T) {
	t.Helper()
	overflow, err := get(f.bctx, chromedp.Evaluate[int](`document.documentElement.scrollWidth - document.documentElement.clientWidth`))
	if err != nil {
		t.Fatal(err)
	}
	if overflow > 0 {
		wide, _ := get(f.bctx, chromedp.Evaluate[string](`Array.from(document.querySelectorAll("body *")).filter(function (el) {
			return el.getBoundingClientRect().right > document.documentElement.clientWidth; }).slice(0, 6).map(function (el) {
			return el.tagName + "." + el.className + ":" + Math.round(el.getBoundingClientRect().right); }).join(" ")`))
		t.Errorf("at 320 px the page scrolls sideways by %d px (too wide: %s)", overflow, wide)
	}
}
