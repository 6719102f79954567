package moderation_test

import (
	"context"
	"path/filepath"
	"testing"

	"golang.org/x/crypto/bcrypt"

	"github.com/tribune/tribune/moderation"
	"github.com/tribune/tribune/moderation/moderationtest"
	"github.com/tribune/tribune/store"
)

// BenchmarkLogin compares a wrong password for a known name with any password for an unknown
// name, at the real cost factor: the two must take the same time, or names can be enumerated.
//
//	go test -run XXX -bench Login -benchtime 20x ./moderation/
func BenchmarkLogin(b *testing.B) {
	saved := moderation.BcryptCost
	moderation.BcryptCost = bcrypt.DefaultCost
	b.Cleanup(func() { moderation.BcryptCost = saved })
	f := newBenchFixture(b)
	ctx := context.Background()
	if _, err := f.AddModerator(ctx, "ann", "correct horse battery", moderation.RoleModerator); err != nil {
		b.Fatal(err)
	}
	for _, name := range []string{"ann", "nobody"} {
		b.Run("name="+name, func(b *testing.B) {
			for b.Loop() {
				if _, _, err := f.Login(ctx, name, "wrong password!"); err == nil {
					b.Fatal("logged in")
				}
			}
		})
	}
}

// newBenchFixture is a service over a fresh SQLite file, for benchmarks.
func newBenchFixture(b *testing.B) *moderation.Service {
	b.Helper()
	ctx := context.Background()
	db, err := store.Open(ctx, filepath.Join(b.TempDir(), "tribune.db"))
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { _ = db.Close() })
	svc, err := moderation.NewService(ctx, db, moderationtest.FakeClassifier{})
	if err != nil {
		b.Fatal(err)
	}
	return svc
}
