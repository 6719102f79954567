package demo

import (
	"context"
	"io"
	"path/filepath"
	"testing"

	"github.com/tribune/tribune/moderation"
	"github.com/tribune/tribune/moderation/moderationtest"
	"github.com/tribune/tribune/store"
)

func TestLoadDemo(t *testing.T) {
	ctx := context.Background()
	db, err := store.Open(ctx, filepath.Join(t.TempDir(), "demo.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = db.Close() })
	svc, err := moderation.NewService(ctx, db, moderationtest.FakeClassifier{})
	if err != nil {
		t.Fatal(err)
	}
	rep, err := Load(ctx, svc, db, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	// Reports of comments the demo's moderator decided later are closed.
	if n, err := svc.ReportedCount(ctx, nil); err != nil || n == 0 || n > rep.Reported {
		t.Errorf("comments with open reports = %d, %v; want some of the %d reported", n, err, rep.Reported)
	}
	if rep.Stored < 200 || rep.Decided == 0 {
		t.Errorf("first load = %+v, want a few hundred comments and some decisions", rep)
	}
	if _, m, err := svc.Login(ctx, rep.Admin, rep.Password); err != nil || !m.IsAdmin() {
		t.Errorf("demo admin login = %+v, %v", m, err)
	}
	// Every verdict and every stance is represented.
	articles, err := svc.Articles(ctx, 0, 10)
	if err != nil {
		t.Fatal(err)
	}
	status, stance := map[moderation.Verdict]int{}, map[moderation.Stance]int{}
	for _, a := range articles {
		for v, n := range a.ByStatus {
			status[v] += n
		}
		for s, n := range a.ByStance {
			stance[s] += n
		}
	}
	for _, v := range []moderation.Verdict{moderation.Approve, moderation.Hold, moderation.Reject} {
		if status[v] == 0 {
			t.Errorf("no %s comment in the demo (%v)", v, status)
		}
	}
	for _, s := range moderation.Stances {
		if stance[s] == 0 {
			t.Errorf("no %s comment in the demo (%v)", s, stance)
		}
	}
	again, err := Load(ctx, svc, db, io.Discard)
	if err != nil || again.Stored != 0 || again.Decided != 0 || again.Existing != rep.Stored {
		t.Errorf("second load = %+v, %v; want nothing new", again, err)
	}
	if _, _, err := svc.Login(ctx, again.Admin, again.Password); err != nil {
		t.Errorf("demo admin login after reload: %v", err)
	}
}
