package registry

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/tribune/tribune/moderation"
	"github.com/tribune/tribune/moderation/moderationtest"
	"github.com/tribune/tribune/store"
)

// fakeLoader "loads" a registered model as a fake classifier named after its version.
func fakeLoader(version string, data []byte) (moderation.Classifier, error) {
	if !strings.HasPrefix(string(data), "model ") {
		return nil, fmt.Errorf("not a model file")
	}
	return moderationtest.FakeClassifier{Name: version}, nil
}

// Activating models over and over while requests score and submit fails none of them, and
// the service ends on the last activated model.
func TestModelActivationUnderLoad(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	db, err := store.Open(ctx, filepath.Join(t.TempDir(), "t.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	versions := []string{"v1", "v2", "v3", "v4"}
	for _, v := range versions {
		if _, err := db.ImportModel(ctx, moderation.RegisteredModel{Version: v, Name: v, Data: []byte("model " + v)}); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := db.ImportModel(ctx, moderation.RegisteredModel{Version: "broken", Name: "broken", Data: []byte("junk")}); err != nil {
		t.Fatal(err)
	}
	svc, err := moderation.NewService(ctx, db, moderationtest.FakeClassifier{Name: "v0"})
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := svc.PutArticle(ctx, moderation.Article{ID: "a1", Title: "Tram line"}); err != nil {
		t.Fatal(err)
	}
	// The watcher's checks run here, one after each activation, while the goroutines below
	// score and submit: the swap happens under load, with no ticker or sleep to wait for.
	w := &Watcher{Registry: db, Service: svc, Load: fakeLoader, Log: slog.New(slog.NewTextHandler(io.Discard, nil)),
		Current: "v0"}

	known := map[string]bool{"v0": true, "v1": true, "v2": true, "v3": true, "v4": true}
	var requests, failures atomic.Int64
	var firstErr atomic.Value
	stop := make(chan struct{})
	var wg sync.WaitGroup
	for g := range 4 {
		wg.Go(func() {
			for i := 0; ; i++ {
				select {
				case <-stop:
					return
				default:
				}
				var version string
				var err error
				if i%4 == 0 {
					var c moderation.Comment
					c, _, err = svc.Submit(ctx, "test", moderation.Submission{ArticleID: "a1",
						Author: moderation.Author{ID: fmt.Sprint(g)}, Text: "you idiot, the tram is fine"})
					version = c.Assessment.ModelVersion
				} else {
					var a moderation.Assessment
					a, _, _, err = svc.Score(ctx, "what nonsense", "the tram")
					version = a.ModelVersion
				}
				requests.Add(1)
				if err == nil && !known[version] {
					err = fmt.Errorf("scored by unknown model %q", version)
				}
				if err != nil {
					failures.Add(1)
					firstErr.CompareAndSwap(nil, err)
				}
			}
		})
	}
	for round := range 40 {
		v := versions[round%len(versions)]
		if round%10 == 9 {
			v = "broken" // a model that fails to load is skipped; the service keeps its model
		}
		if err := db.ActivateModel(ctx, v); err != nil {
			t.Fatal(err)
		}
		if err := w.Check(ctx); (err != nil) != (v == "broken") {
			t.Errorf("check after activating %s: %v", v, err)
		}
	}
	if err := db.ActivateModel(ctx, "v3"); err != nil {
		t.Fatal(err)
	}
	if err := w.Check(ctx); err != nil {
		t.Fatal(err)
	}
	close(stop)
	wg.Wait()
	if n := failures.Load(); n > 0 {
		t.Errorf("%d of %d requests failed; first: %v", n, requests.Load(), firstErr.Load())
	}
	if got := svc.Classifier().Version(); got != "v3" {
		t.Errorf("model after the last activation = %s, want v3", got)
	}
	t.Logf("%d requests during 41 activations", requests.Load())
}

func TestChoose(t *testing.T) {
	ctx := context.Background()
	db, err := store.Open(ctx, filepath.Join(t.TempDir(), "t.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	c, pinned, err := Choose(ctx, db, "", fakeLoader)
	if err != nil || pinned {
		t.Fatalf("empty registry: %v, pinned %v", err, pinned)
	}
	want := c.Version() // the embedded model
	if _, err := db.ImportModel(ctx, moderation.RegisteredModel{Version: "v9", Name: "v9", Data: []byte("model v9")}); err != nil {
		t.Fatal(err)
	}
	if c, _, _ := Choose(ctx, db, "", fakeLoader); c.Version() != want {
		t.Errorf("with nothing active = %s, want the embedded %s", c.Version(), want)
	}
	if err := db.ActivateModel(ctx, "v9"); err != nil {
		t.Fatal(err)
	}
	if c, pinned, err := Choose(ctx, db, "", fakeLoader); err != nil || pinned || c.Version() != "v9" {
		t.Errorf("with v9 active = %v, %v, %v; want v9", c, pinned, err)
	}
}

// A failed activation keeps the running model; deactivating every model returns to the
// embedded one.
func TestWatcherKeepsModelAndReturnsToEmbedded(t *testing.T) {
	ctx := context.Background()
	db, err := store.Open(ctx, filepath.Join(t.TempDir(), "w.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	svc, err := moderation.NewService(ctx, db, moderationtest.FakeClassifier{Name: "v0"})
	if err != nil {
		t.Fatal(err)
	}
	w := &Watcher{Registry: db, Service: svc, Load: fakeLoader, Log: slog.New(slog.NewTextHandler(io.Discard, nil)),
		Current: "v0", Embedded: func() (moderation.Classifier, error) {
			return moderationtest.FakeClassifier{Name: "builtin"}, nil
		}}
	for _, m := range []moderation.RegisteredModel{{Version: "v1", Name: "good", Data: []byte("model 1")},
		{Version: "bad", Name: "bad", Data: []byte("garbage")}} {
		if _, err := db.ImportModel(ctx, m); err != nil {
			t.Fatal(err)
		}
	}
	steps := []struct {
		do   func() error
		want string
	}{
		{func() error { return db.ActivateModel(ctx, "v1") }, "v1"},
		{func() error { return db.ActivateModel(ctx, "bad") }, "v1"}, // fails to load: kept
		{func() error { return db.DeactivateModels(ctx) }, "builtin"},
	}
	for i, st := range steps {
		if err := st.do(); err != nil {
			t.Fatal(err)
		}
		_ = w.Check(ctx) // the bad model's load error is expected
		if got := svc.Classifier().Version(); got != st.want {
			t.Errorf("step %d: running %q, want %q", i, got, st.want)
		}
	}
}
