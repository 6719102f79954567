package web

import (
	"net/http"
	"testing"

	"github.com/tribune/tribune/moderation"
	"github.com/tribune/tribune/web/internal/webtest"
)

func TestMain(m *testing.M) { webtest.Main(m) }

// fixture is the whole server, as `tribune serve` wires it, over a fresh database.
type fixture struct {
	*webtest.Fixture
	srv *Server
}

func newFixture(t testing.TB) *fixture {
	t.Helper()
	f := &fixture{}
	f.Fixture = webtest.New(t, func(wf *webtest.Fixture) http.Handler {
		f.Fixture = wf
		f.serve(Options{Logger: wf.Logger, SkipRequestLog: true, Changes: moderation.NewChanges(wf.DB), Version: "v-test"})
		return f.Handler
	})
	return f
}

// serve replaces the fixture's server by one with opts.
func (f *fixture) serve(opts Options) {
	f.srv = New(f.Svc, opts)
	f.Handler = f.srv.Handler()
}

// dashFixture is the whole server with an admin session and a few held comments.
type dashFixture struct {
	*webtest.Dash
	web *fixture
}

func newDashFixture(t testing.TB) *dashFixture {
	t.Helper()
	f := newFixture(t)
	return &dashFixture{Dash: webtest.NewDash(f.Fixture), web: f}
}

// serve replaces the fixture's server by one with opts.
func (f *dashFixture) serve(opts Options) { f.web.serve(opts) }

// testPassword is every test moderator's password.
const testPassword = webtest.Password
