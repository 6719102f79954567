package dashboard

import (
	"net/http"
	"testing"

	"github.com/tribune/tribune/web/api"
	"github.com/tribune/tribune/web/internal/httpx"
	"github.com/tribune/tribune/web/internal/webtest"
)

func TestMain(m *testing.M) { webtest.Main(m) }

// testPassword is every test moderator's password.
const testPassword = webtest.Password

// newFixture is the dashboard beside the JSON API (which the tests submit comments through)
// over a fresh database.
func newFixture(t testing.TB) *webtest.Fixture {
	t.Helper()
	return webtest.New(t, func(wf *webtest.Fixture) http.Handler {
		core := httpx.New(wf.Svc, httpx.Config{Logger: wf.Logger})
		e := core.Engine(httpx.EngineOptions{SkipRequestLog: true})
		api.New(core, nil).Register(e)
		New(core, Options{}).Register(e)
		return e
	})
}
