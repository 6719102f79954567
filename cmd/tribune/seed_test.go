package main

import (
	"context"
	"encoding/json"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/gin-gonic/gin"

	"github.com/tribune/tribune/internal/registry"
	"github.com/tribune/tribune/internal/shareddata"
	"github.com/tribune/tribune/moderation"
	"github.com/tribune/tribune/store"
	"github.com/tribune/tribune/web"
)

// TestSeedComment submits the seed case (a sharp, civil criticism of NATO) through the real
// router with the default model: it must be approved, with stance disagree.
func TestSeedComment(t *testing.T) {
	seedPath := shareddata.Path(t, "seed/seed.json")
	raw, err := os.ReadFile(seedPath)
	if err != nil {
		t.Fatal(err)
	}
	var seed struct {
		Article struct{ ID, Title, Body string }
		Comment struct {
			ArticleID string `json:"article_id"`
			Text      string
		}
	}
	if err := json.Unmarshal(raw, &seed); err != nil {
		t.Fatalf("%s: %v", seedPath, err)
	}
	clf, err := registry.LoadClassifier("")
	if err != nil {
		t.Fatalf("LoadClassifier: %v", err)
	}
	if strings.HasPrefix(clf.Version(), "fake") {
		t.Skipf("the default model is the stub %q until model.go lands", clf.Version())
	}

	ctx := context.Background()
	db, err := store.Open(ctx, filepath.Join(t.TempDir(), "seed.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	svc, err := moderation.NewService(ctx, db, clf)
	if err != nil {
		t.Fatal(err)
	}
	key, _, err := svc.CreateAPIKey(ctx, "seed")
	if err != nil {
		t.Fatal(err)
	}
	gin.SetMode(gin.TestMode)
	h := web.New(svc, web.Options{Logger: slog.New(slog.DiscardHandler), SkipRequestLog: true}).Handler()
	send := func(method, path string, body any) (int, map[string]any) {
		b, err := json.Marshal(body)
		if err != nil {
			t.Fatal(err)
		}
		req := httptest.NewRequest(method, path, strings.NewReader(string(b)))
		req.Header.Set("Authorization", "Bearer "+key)
		w := httptest.NewRecorder()
		h.ServeHTTP(w, req)
		var out map[string]any
		if err := json.Unmarshal(w.Body.Bytes(), &out); err != nil {
			t.Fatalf("%s %s: %s: %v", method, path, w.Body, err)
		}
		return w.Code, out
	}

	if code, out := send(http.MethodPut, "/api/v1/articles/"+seed.Article.ID,
		map[string]string{"title": seed.Article.Title, "body": seed.Article.Body}); code != http.StatusCreated {
		t.Fatalf("PUT article: %d %v", code, out)
	}
	code, c := send(http.MethodPost, "/api/v1/comments", map[string]any{
		"article_id": seed.Comment.ArticleID, "author": map[string]string{"id": "seed-reader"}, "text": seed.Comment.Text})
	if code != http.StatusCreated {
		t.Fatalf("POST comment: %d %v", code, c)
	}
	scores, _ := c["scores"].(map[string]any)
	if c["status"] != "approve" {
		t.Errorf("seed comment status = %v, want approve (reasons %v, tone %v)", c["status"], c["reasons"], scores["tone"])
	}
	if scores["stance_label"] != "disagree" {
		t.Errorf("seed comment stance = %v, want disagree (stance %v)", scores["stance_label"], scores["stance"])
	}
	if ex, _ := c["explanation"].(map[string]any); len(ex) == 0 {
		t.Error("seed comment has no explanation")
	}
}
