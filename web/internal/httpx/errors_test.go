package httpx

import (
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/gin-gonic/gin"

	"github.com/tribune/tribune/moderation"
)

func TestUnavailableIs503(t *testing.T) {
	core := New(nil, Config{Logger: slog.New(slog.DiscardHandler)})
	w := httptest.NewRecorder()
	c, _ := ginContext(w)
	core.Fail(c, fmt.Errorf("insert: %w", moderation.ErrUnavailable))
	if w.Code != http.StatusServiceUnavailable || w.Header().Get("Retry-After") == "" {
		t.Errorf("ErrUnavailable = %d, Retry-After %q; want 503 with Retry-After", w.Code, w.Header().Get("Retry-After"))
	}
}

func ginContext(w *httptest.ResponseRecorder) (*gin.Context, *gin.Engine) {
	c, e := gin.CreateTestContext(w)
	c.Request = httptest.NewRequest(http.MethodGet, "/", nil)
	return c, e
}
