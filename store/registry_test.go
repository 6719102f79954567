package store

import (
	"context"
	"errors"
	"testing"

	"github.com/tribune/tribune/moderation"
)

func TestModelRegistry(t *testing.T) {
	ctx := context.Background()
	db, clk := newDB(t)
	if _, err := db.ActiveModelVersion(ctx); !errors.Is(err, moderation.ErrNotFound) {
		t.Fatalf("ActiveModelVersion on an empty registry: %v, want ErrNotFound", err)
	}
	for _, v := range []string{"sha256:aaaa", "sha256:bbbb"} {
		created, err := db.ImportModel(ctx, moderation.RegisteredModel{Version: v, Name: "m " + v, Data: []byte("bytes of " + v), Metrics: `{"cv":[]}`})
		if err != nil || !created {
			t.Fatalf("ImportModel(%s) = %v, %v", v, created, err)
		}
		clk.Advance(1e9)
	}
	if created, err := db.ImportModel(ctx, moderation.RegisteredModel{Version: "sha256:aaaa", Name: "again", Data: []byte("x")}); err != nil || created {
		t.Errorf("second ImportModel = %v, %v; want false, nil", created, err)
	}
	if err := db.ActivateModel(ctx, "sha256:zzzz"); !errors.Is(err, moderation.ErrNotFound) {
		t.Errorf("ActivateModel(unknown) = %v, want ErrNotFound", err)
	}
	for _, v := range []string{"sha256:aaaa", "sha256:bbbb", "sha256:bbbb", "sha256:aaaa"} {
		if err := db.ActivateModel(ctx, v); err != nil {
			t.Fatalf("ActivateModel(%s): %v", v, err)
		}
		got, err := db.ActiveModelVersion(ctx)
		if err != nil || got != v {
			t.Errorf("active = %q, %v; want %q", got, err, v)
		}
		ms, err := db.Models(ctx)
		if err != nil {
			t.Fatal(err)
		}
		active := 0
		for _, m := range ms {
			if m.Active {
				active++
			}
		}
		if len(ms) != 2 || active != 1 {
			t.Errorf("Models = %d models, %d active; want 2, 1", len(ms), active)
		}
	}
	m, err := db.Model(ctx, "sha256:aaaa")
	if err != nil || string(m.Data) != "bytes of sha256:aaaa" || m.Name != "m sha256:aaaa" || !m.Active || m.Size != len(m.Data) {
		t.Errorf("Model = %+v, %v", m, err)
	}
	if _, err := db.Model(ctx, "sha256:zzzz"); !errors.Is(err, moderation.ErrNotFound) {
		t.Errorf("Model(unknown) = %v, want ErrNotFound", err)
	}
}
