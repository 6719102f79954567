package api

import (
	"net/http"
	"testing"

	"github.com/gin-gonic/gin"

	"github.com/tribune/tribune/moderation"
	"github.com/tribune/tribune/web/internal/httpx"
	"github.com/tribune/tribune/web/internal/webtest"
)

func TestMain(m *testing.M) { webtest.Main(m) }

// testPassword is every test moderator's password.
const testPassword = webtest.Password

// fixture is the JSON API over a fresh database (webtest.Fixture) with its change feed.
type fixture struct {
	*webtest.Fixture
	engine *gin.Engine
}

func newFixture(t testing.TB) *fixture {
	t.Helper()
	f := &fixture{}
	f.Fixture = webtest.New(t, func(wf *webtest.Fixture) http.Handler {
		f.Fixture = wf
		return f.router(httpx.Config{Logger: wf.Logger})
	})
	return f
}

// router builds the JSON API alone on the shared middleware, configured by cfg.
func (f *fixture) router(cfg httpx.Config) *gin.Engine {
	core := httpx.New(f.Svc, cfg)
	f.engine = core.Engine(httpx.EngineOptions{SkipRequestLog: true})
	New(core, moderation.NewChanges(f.DB)).Register(f.engine)
	f.engine.NoRoute(func(c *gin.Context) { core.Fail(c, httpx.ErrRouteNotFound) })
	f.engine.NoMethod(func(c *gin.Context) { core.Fail(c, httpx.ErrMethodNotAllowed) })
	return f.engine
}

// postComment submits a comment and returns the decoded 201 answer.
func (f *fixture) postComment(article, author, text string) commentResponse {
	f.T.Helper()
	var c commentResponse
	f.SubmitComment(article, author, text, &c)
	return c
}
