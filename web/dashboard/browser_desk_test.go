package dashboard

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"

	"github.com/tribune/tribune/moderation"
	"github.com/tribune/tribune/web/internal/webtest"
)

// deskFixture is the dashboard on an HTTP server with a held queue, an approved comment, and
// admin carol logged in in a browser.
type deskFixture struct {
	*webtest.Fixture
	srv     *httptest.Server
	bctx    context.Context
	approve int64 // a calm, machine-approved comment by nora
}

func newDeskFixture(t *testing.T) *deskFixture {
	t.Helper()
	bctx := newBrowser(t)
	f := &deskFixture{Fixture: newFixture(t), bctx: bctx}
	ctx := context.Background()
	if _, err := f.Svc.AddModerator(ctx, "carol", testPassword, moderation.RoleAdmin); err != nil {
		t.Fatal(err)
	}
	if _, _, err := f.Svc.PutArticle(ctx, moderation.Article{ID: "tram", Title: "Council approves the new tram line",
		Body: "The council voted for the tram line.", Mode: moderation.ModeAuto}); err != nil {
		t.Fatal(err)
	}
	f.approve = f.submit(t, "nora", "Nora Lind", "The timetable for the tram is a real improvement.")
	f.submit(t, "omar", "Omar", "Only an idiot would pay this much for a tram line.")
	f.submit(t, "omar", "Omar", "The council members are stupid morons.")
	f.submit(t, "pia", "Pia", "What garbage, I hate this council.")
	f.srv = httptest.NewServer(f.Handler)
	t.Cleanup(f.srv.Close)
	browserLogin(t, bctx, f.srv.URL, "carol")
	return f
}

func (f *deskFixture) submit(t *testing.T, author, name, text string) int64 {
	t.Helper()
	c, _, err := f.Svc.Submit(context.Background(), "test", moderation.Submission{ArticleID: "tram",
		Author: moderation.Author{ID: author, Name: name}, Text: text})
	if err != nil {
		t.Fatal(err)
	}
	return c.ID
}

// open navigates and waits for a selector.
func (f *deskFixture) open(t *testing.T, path, sel string) {
	t.Helper()
	if err := within(f.bctx, 60*time.Second, chromedp.Navigate(f.srv.URL+path), chromedp.WaitVisible(chromedp.CSS(sel))); err != nil {
		t.Fatalf("open %s: %v", path, err)
	}
}

// TestBrowserDesk: a reader's report arrives in the reported queue, search, an author ban,
// undo, and the new-comments prompt, in headless Chromium against the real router.
func TestBrowserDesk(t *testing.T) {
	f := newDeskFixture(t)
	ctx := context.Background()
	bctx := f.bctx

	t.Run("reader report arrives in the reported queue", func(t *testing.T) {
		body := `{"reason":"personal_info","reporter_id":"reader-42","note":"shows a phone number"}`
		req, _ := http.NewRequest(http.MethodPost, fmt.Sprintf("%s/api/v1/comments/%d/reports", f.srv.URL, f.approve), strings.NewReader(body))
		req.Header.Set("Authorization", "Bearer "+f.Key)
		req.Header.Set("Content-Type", "application/json")
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		_ = resp.Body.Close()
		if resp.StatusCode != http.StatusCreated {
			t.Fatalf("report = %d, want 201", resp.StatusCode)
		}
		f.open(t, "/queue", ".item.current")
		count, err := get(bctx, chromedp.Text(chromedp.CSS(`.tabs a[href="/queue?queue=reported"] .count`)))
		if err != nil || count != "1" {
			t.Errorf("reported tab count %q (%v), want 1", count, err)
		}
		if err := within(bctx, 60*time.Second, chromedp.Click(chromedp.CSS(`.tabs a[href="/queue?queue=reported"]`)),
			chromedp.WaitVisible(chromedp.CSS(`#item-`+strconv.FormatInt(f.approve, 10)+`.current`))); err != nil {
			t.Fatal(err)
		}
		text, err := get(bctx, chromedp.Text(chromedp.CSS(`.item.current .reports`)))
		if err != nil || !strings.Contains(text, "personal info by reader reader-42") || !strings.Contains(text, "shows a phone number") {
			t.Errorf("reports shown %q (%v)", text, err)
		}
		keys(t, bctx, "r", "1")
		waitStatus(t, bctx, "Rejected 1 comment(s).")
		if c, _ := f.Svc.Comment(ctx, f.approve); c.Status() != moderation.Reject {
			t.Errorf("reported comment after r 1: %s", c.Status())
		}
		if n, _ := f.Svc.ReportedCount(ctx, nil); n != 0 {
			t.Errorf("reported count after the decision = %d, want 0", n)
		}
	})

	t.Run("search", func(t *testing.T) {
		f.open(t, "/queue", "#search-q")
		if err := within(bctx, 60*time.Second, chromedp.SendKeys(chromedp.CSS(`#search-q`), "moro"+kb.Enter),
			chromedp.WaitVisible(chromedp.CSS(`#found-comments`))); err != nil {
			t.Fatal(err)
		}
		text, err := get(bctx, chromedp.Text(chromedp.CSS(`main`)))
		if err != nil || !strings.Contains(text, "The council members are stupid morons.") || strings.Contains(text, "Only an idiot") {
			t.Errorf("search for moro shows %q (%v)", text, err)
		}
		if err := within(bctx, 60*time.Second, chromedp.SetValue(chromedp.CSS(`#q`), "nora lind"), chromedp.Submit(chromedp.CSS(`#q`)),
			chromedp.WaitVisible(chromedp.CSS(`.found a[href="/authors/nora"]`))); err != nil {
			t.Fatalf("author search: %v", err)
		}
	})

	t.Run("author ban", func(t *testing.T) {
		f.open(t, "/queue", ".item.current")
		if err := within(bctx, 60*time.Second, chromedp.Click(chromedp.CSS(`.item a.author[href="/authors/omar"]`)),
			chromedp.WaitVisible(chromedp.CSS(`#status`)),
			chromedp.SetValue(chromedp.CSS(`#status`), "banned"),
			chromedp.SendKeys(chromedp.CSS(`#status-note`), "insults, twice"),
			chromedp.Click(chromedp.CSS(`.standing-form button`)),
			chromedp.WaitVisible(chromedp.CSS(`.flash`))); err != nil {
			t.Fatal(err)
		}
		text, err := get(bctx, chromedp.Text(chromedp.CSS(`main`)))
		if err != nil || !strings.Contains(text, "banned: insults, twice") || !strings.Contains(text, "carol") {
			t.Errorf("author page after the ban: %q (%v)", text, err)
		}
		if id := f.submit(t, "omar", "Omar", "A perfectly calm remark about buses."); id != 0 {
			if c, _ := f.Svc.Comment(ctx, id); c.MachineVerdict != moderation.Reject {
				t.Errorf("banned author's new comment: %s (%v)", c.MachineVerdict, c.Reasons)
			}
		}
	})

	t.Run("undo", func(t *testing.T) {
		f.open(t, "/queue", ".item.current")
		id := currentID(t, bctx)
		keys(t, bctx, "a")
		waitStatus(t, bctx, "Approved 1 comment(s).")
		waitJS(t, bctx, `!!document.getElementById("undo")`, "the Undo button")
		if c, _ := f.Svc.Comment(ctx, id); c.Decision == nil {
			t.Fatalf("comment %d not decided by a", id)
		}
		keys(t, bctx, "u")
		waitStatus(t, bctx, "Took back the decision on comment #"+strconv.FormatInt(id, 10))
		waitJS(t, bctx, `(document.querySelector(".item.current")||{dataset:{}}).dataset.id === "`+strconv.FormatInt(id, 10)+`"`, "the comment back under the cursor")
		c, _ := f.Svc.Comment(ctx, id)
		hist, _ := f.Svc.History(ctx, id)
		undone := false
		for _, e := range hist {
			undone = undone || (e.Action == moderation.AuditUndone && e.ModeratorName == "carol")
		}
		if c.Decision != nil || c.Status() != moderation.Hold || !undone {
			t.Errorf("after u: %s %+v, undo audited %v", c.Status(), c.Decision, undone)
		}
	})

	t.Run("new comments prompt", func(t *testing.T) {
		f.open(t, "/queue", ".item.current")
		// The page's own first refresh reads the count; a comment sent before it ends would
		// simply join the list, with no prompt to wait for.
		waitJS(t, bctx, `!document.querySelector("#items[aria-busy]")`, "the first refresh")
		id := f.submit(t, "rosa", "Rosa", "Another idiot decision by the council.")
		waitJS(t, bctx, `!document.getElementById("fresh").hidden`, "the new-comments prompt")
		label, _ := get(bctx, chromedp.Text(chromedp.CSS(`#fresh-show`)))
		if label != "1 new comment — show" {
			t.Errorf("prompt %q", label)
		}
		if err := within(bctx, 60*time.Second, chromedp.Click(chromedp.CSS(`#fresh-show`)),
			chromedp.WaitVisible(chromedp.CSS(`#item-`+strconv.FormatInt(id, 10)))); err != nil {
			t.Fatal(err)
		}
		waitJS(t, bctx, `document.getElementById("fresh").hidden`, "the prompt to go")
	})
}
