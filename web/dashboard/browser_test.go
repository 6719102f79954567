package dashboard

import (
	"context"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	cdppage "github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"

	"github.com/tribune/tribune/moderation"
)

// chromiumPath is Debian's chromium; .ci/run installs it.
const chromiumPath = "/usr/bin/chromium"

// newBrowser starts one headless Chromium for a test and returns its context. Without
// chromium the test skips, except in CI (CI set), where the browser tests must run.
func newBrowser(t *testing.T) context.Context {
	t.Helper()
	if _, err := os.Stat(chromiumPath); err != nil {
		if os.Getenv("CI") != "" {
			t.Fatalf("CI is set but %s is missing (%v): install Debian's chromium (apt-get install -y chromium)", chromiumPath, err)
		}
		t.Skipf("browser tests need %s (apt-get install -y chromium); skipping", chromiumPath)
	}
	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(chromiumPath),
		chromedp.Flag("headless", true),
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.Flag("disable-quic", true),
		chromedp.NoFirstRun,
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.UserDataDir(t.TempDir()),
		chromedp.WindowSize(1280, 1000),
	}
	actx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancelCtx := chromedp.NewContext(actx)
	t.Cleanup(func() {
		cancelCtx()
		cancelAlloc()
	})
	// The first run starts the browser; it must not carry a timeout, which would stop the
	// browser with it. Each step below gets its own (see within).
	if err := chromedp.Do(ctx); err != nil {
		t.Fatalf("start chromium: %v", err)
	}
	return ctx
}

// within runs browser steps with a deadline, so a stuck page fails the test instead of
// hanging it.
func within(bctx context.Context, d time.Duration, steps ...chromedp.Action[chromedp.Void]) error {
	ctx, cancel := context.WithTimeout(bctx, d)
	defer cancel()
	return chromedp.Do(ctx, steps...)
}

// get runs one browser action that returns a value, with a deadline.
func get[T any](bctx context.Context, a chromedp.Action[T]) (T, error) {
	ctx, cancel := context.WithTimeout(bctx, 20*time.Second)
	defer cancel()
	return chromedp.Run(ctx, a)
}

// TestBrowserQueue drives the dashboard in headless Chromium against the real router on a
// temp SQLite file: log in, look (screenshot), work the queue with the keyboard, and check
// the database after each action.
func TestBrowserQueue(t *testing.T) {
	bctx := newBrowser(t)
	f := newFixture(t)
	ctx := context.Background()
	if _, err := f.Svc.AddModerator(ctx, "carol", testPassword, moderation.RoleAdmin); err != nil {
		t.Fatal(err)
	}
	if _, _, err := f.Svc.PutArticle(ctx, moderation.Article{ID: "tram", Title: "Council approves the new tram line",
		URL: "https://news.example/tram", StanceTarget: "The tram line is worth its cost", Mode: moderation.ModeAuto}); err != nil {
		t.Fatal(err)
	}
	if _, _, err := f.Svc.PutArticle(ctx, moderation.Article{ID: "letters", Title: "Letters: readers on the budget",
		Mode: moderation.ModePremoderate}); err != nil {
		t.Fatal(err)
	}
	submit := func(article, author, text string) int64 {
		t.Helper()
		c, _, err := f.Svc.Submit(ctx, "test", moderation.Submission{ArticleID: article,
			Author: moderation.Author{ID: author, Name: author}, Text: text})
		if err != nil {
			t.Fatal(err)
		}
		return c.ID
	}
	submit("tram", "nora", "The tram line is worth its cost; the buses are full every morning.")
	submit("tram", "omar", "Only an idiot would pay this much for a tram line.")
	submit("tram", "omar", "The council members are stupid morons and I hate them.")
	submit("tram", "pia", "Anyone who votes for this deserves to get hurt. Damn them.")
	submit("letters", "quinn", "The budget cuts the library hours again; that is not right.")
	const evil = `<script>window.__xss=1;document.title="pwned"</script><img src=x onerror="window.__xss=2;document.title='pwned'"> Budget question.`
	submit("letters", "mallory", evil)

	base := httptest.NewServer(f.Handler)
	t.Cleanup(base.Close)
	url := base.URL

	t.Run("login", func(t *testing.T) {
		err := within(bctx, 30*time.Second,
			chromedp.Navigate(url+"/queue"),
			chromedp.WaitVisible(chromedp.CSS(`#name`)),
			chromedp.SendKeys(chromedp.CSS(`#name`), "carol"),
			chromedp.SendKeys(chromedp.CSS(`#password`), testPassword),
			chromedp.Click(chromedp.CSS(`#login`)),
			chromedp.WaitVisible(chromedp.CSS(`.item.current`)),
		)
		if err != nil {
			t.Fatalf("log in: %v", err)
		}
	})

	t.Run("screenshot", func(t *testing.T) {
		png, err := get(bctx, chromedp.CaptureScreenshot())
		if err != nil {
			t.Fatalf("screenshot: %v", err)
		}
		dir := os.Getenv("TRIBUNE_SCREENSHOT_DIR")
		if dir == "" {
			dir = t.TempDir()
		}
		path := filepath.Join(dir, "queue.png")
		if err := os.WriteFile(path, png, 0o644); err != nil {
			t.Fatal(err)
		}
		t.Logf("queue screenshot: %s (%d bytes)", path, len(png))
		// TRIBUNE_UPDATE_DOCS=1 refreshes the README's screenshot.
		if os.Getenv("TRIBUNE_UPDATE_DOCS") != "" {
			if err := os.WriteFile(filepath.Join("..", "..", "docs", "queue.png"), png, 0o644); err != nil {
				t.Fatal(err)
			}
		}
	})

	t.Run("untrusted text is shown, not run", func(t *testing.T) {
		xss, err := get(bctx, chromedp.Evaluate[bool](`window.__xss !== undefined`))
		if err != nil {
			t.Fatal(err)
		}
		title, err := get(bctx, chromedp.Title())
		if err != nil {
			t.Fatal(err)
		}
		text, err := get(bctx, chromedp.Text(chromedp.CSS(`.items`)))
		if err != nil {
			t.Fatal(err)
		}
		if xss || title == "pwned" {
			t.Errorf("the comment's markup ran: __xss set %v, title %q", xss, title)
		}
		if !strings.Contains(text, `<script>window.__xss=1;`) || !strings.Contains(text, `<img src=x onerror=`) {
			t.Errorf("the comment's markup is not shown as text")
		}
	})

	t.Run("help", func(t *testing.T) {
		err := within(bctx, 10*time.Second,
			chromedp.KeyEvent("?"),
			chromedp.WaitVisible(chromedp.CSS(`#help`)),
			chromedp.KeyEvent("?"),
		)
		if err != nil {
			t.Fatal(err)
		}
		hidden, err := get(bctx, chromedp.Evaluate[bool](`document.getElementById("help").hidden`))
		if err != nil || !hidden {
			t.Fatalf("help toggle: hidden %v, %v", hidden, err)
		}
	})

	// decideByKeys focuses the second item with j, presses keys and waits for the flash.
	decideByKeys := func(t *testing.T, flash string, keys ...string) int64 {
		t.Helper()
		if err := within(bctx, 10*time.Second, chromedp.WaitVisible(chromedp.CSS(`.item.current`)), chromedp.KeyEvent("j")); err != nil {
			t.Fatal(err)
		}
		attr, err := get(bctx, chromedp.AttributeValue(chromedp.CSS(`.item.current`), "data-id"))
		if err != nil {
			t.Fatal(err)
		}
		id, err := strconv.ParseInt(attr.Value, 10, 64)
		if err != nil {
			t.Fatalf("current item id %q", attr.Value)
		}
		steps := []chromedp.Action[chromedp.Void]{}
		for _, k := range keys {
			steps = append(steps, chromedp.KeyEvent(k))
		}
		if err := within(bctx, 10*time.Second, steps...); err != nil {
			t.Fatalf("keys %v: %v", keys, err)
		}
		// The form submits and the page reloads: evaluating during the navigation fails, so
		// retry until the new page shows its message.
		deadline := time.Now().Add(15 * time.Second)
		for {
			got, err := get(bctx, chromedp.Evaluate[string](`(document.querySelector(".flash")||{}).textContent || ""`))
			if err == nil && got == flash {
				return id
			}
			if time.Now().After(deadline) {
				t.Fatalf("after keys %v the page shows %q (%v), want %q", keys, got, err, flash)
			}
			time.Sleep(100 * time.Millisecond)
		}
	}

	t.Run("approve with a", func(t *testing.T) {
		id := decideByKeys(t, "Approved 1 comment(s).", "a")
		c, err := f.Svc.Comment(ctx, id)
		if err != nil || c.Status() != moderation.Approve || c.Decision == nil || c.Decision.ModeratorName != "carol" {
			t.Fatalf("comment %d after a: status %s decision %+v, %v", id, c.Status(), c.Decision, err)
		}
	})

	t.Run("reject with r and a reason", func(t *testing.T) {
		id := decideByKeys(t, "Rejected 1 comment(s).", "r", "2") // 2: insult
		c, err := f.Svc.Comment(ctx, id)
		if err != nil || c.Status() != moderation.Reject || c.Decision == nil || c.Decision.Reason != moderation.ReasonInsult {
			t.Fatalf("comment %d after r 2: status %s decision %+v, %v", id, c.Status(), c.Decision, err)
		}
	})

	t.Run("waiting count updates", func(t *testing.T) {
		n, err := f.Svc.QueueSize(ctx)
		if err != nil {
			t.Fatal(err)
		}
		shown, err := get(bctx, chromedp.Text(chromedp.CSS(`#queue-count`)))
		if err != nil {
			t.Fatal(err)
		}
		if shown != strconv.Itoa(n) {
			t.Errorf("count shown %q, database %d", shown, n)
		}
		submit("letters", "rosa", "A new letter arrives while the page is open.")
		err = within(bctx, 20*time.Second, chromedp.Poll[chromedp.Void](`document.getElementById("queue-count").textContent === "`+strconv.Itoa(n+1)+`"`,
			chromedp.WithPollingTimeout(15*time.Second)))
		if err != nil {
			t.Errorf("count did not become %d without reloading: %v", n+1, err)
		}
	})
}

// acceptDialogs accepts every JavaScript dialog (confirm, alert) the page of ctx opens from
// now on, and returns a function listing their messages so far.
func acceptDialogs(t *testing.T, ctx context.Context) func() []string {
	t.Helper()
	var mu sync.Mutex
	var msgs []string
	err := chromedp.Listen(ctx, func(ev any) {
		if d, ok := ev.(*cdppage.EventJavascriptDialogOpening); ok {
			mu.Lock()
			msgs = append(msgs, d.Message)
			mu.Unlock()
			// The test reads the outcome from the page, not from this call.
			go func() {
				_, _ = chromedp.Call(ctx, cdppage.HandleJavaScriptDialog, cdppage.HandleJavaScriptDialogParams{Accept: true})
			}()
		}
	})
	if err != nil {
		t.Fatalf("listen for dialogs: %v", err)
	}
	return func() []string {
		mu.Lock()
		defer mu.Unlock()
		return append([]string(nil), msgs...)
	}
}
