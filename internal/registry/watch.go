package registry

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/tribune/tribune/moderation"
)

// Loader turns a registered model's file into a classifier; tests pass a fake one.
type Loader func(version string, data []byte) (moderation.Classifier, error)

// LoadRegistered is the Loader for real model files.
func LoadRegistered(_ string, data []byte) (moderation.Classifier, error) { return LoadBytes(data) }

// ErrActiveModel marks a failure to load the registry's active model.
var ErrActiveModel = errors.New("the active model")

// Choose picks the model a command uses: the file at path when given, else the registry's
// active model, else the embedded default. pinned reports a model given by path, which a
// server keeps whatever the registry says. A broken active model is an error that wraps
// ErrActiveModel.
func Choose(ctx context.Context, reg moderation.ModelRegistry, path string, load Loader) (c moderation.Classifier, pinned bool, err error) {
	if path != "" {
		c, err = LoadClassifier(path)
		return c, true, err
	}
	version, err := reg.ActiveModelVersion(ctx)
	if errors.Is(err, moderation.ErrNotFound) {
		c, err = LoadClassifier("")
		return c, false, err
	}
	if err != nil {
		return nil, false, err
	}
	m, err := reg.Model(ctx, version)
	if err != nil {
		return nil, false, err
	}
	c, err = load(m.Version, m.Data)
	if err != nil {
		return nil, false, fmt.Errorf("%w %s: %w", ErrActiveModel, version, err)
	}
	return c, false, nil
}

// ClassifierSetter is the part of moderation.Service a Watcher drives.
type ClassifierSetter interface {
	Classifier() moderation.Classifier
	SetClassifier(moderation.Classifier)
}

// Watcher keeps a service on the registry's active model: it polls the active version and,
// when it changes, loads the model and swaps it in. Requests already scoring finish with the
// old model (Service.SetClassifier is an atomic swap), so none fails.
type Watcher struct {
	Registry moderation.ModelRegistry
	Service  ClassifierSetter
	Load     Loader
	Interval time.Duration
	Log      *slog.Logger
	// Current is the active version last applied ("" for none: the embedded model runs).
	Current string
	// Embedded loads the model built into the binary, which runs again when no registered
	// model is active any more (tribune model activate embedded); nil keeps whatever runs.
	Embedded func() (moderation.Classifier, error)
}

// WatchInterval is how often a server looks for a newly activated model: one indexed read of
// a one-row result, so cheap, and a few seconds is quick enough for people.
const WatchInterval = 3 * time.Second

// Watch starts a Watcher for svc with real model files that polls every WatchInterval until
// ctx ends. current is the registry version the service runs now ("" for the embedded model).
func Watch(ctx context.Context, reg moderation.ModelRegistry, svc ClassifierSetter, current string, log *slog.Logger) {
	w := &Watcher{Registry: reg, Service: svc, Load: LoadRegistered, Interval: WatchInterval, Log: log,
		Current: current, Embedded: func() (moderation.Classifier, error) { return LoadClassifier("") }}
	go w.Run(ctx)
}

// Run checks every Interval until ctx ends, logging failures.
func (w *Watcher) Run(ctx context.Context) {
	t := time.NewTicker(w.Interval)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			if err := w.Check(ctx); err != nil && ctx.Err() == nil {
				w.Log.Error("model registry", "err", err)
			}
		}
	}
}

// Check applies the active model if it changed since the last check. A model that fails to
// load is reported once and the service keeps its model.
func (w *Watcher) Check(ctx context.Context) error {
	version, err := w.Registry.ActiveModelVersion(ctx)
	if errors.Is(err, moderation.ErrNotFound) {
		return w.useEmbedded()
	}
	if err != nil || version == w.Current {
		return err
	}
	m, err := w.Registry.Model(ctx, version)
	if err != nil {
		return err // a read error: try again next time
	}
	w.Current = version
	c, err := w.Load(m.Version, m.Data)
	if err != nil {
		return fmt.Errorf("load activated model %s (keeping %s): %w", version, w.Service.Classifier().Version(), err)
	}
	w.swap(c, false)
	return nil
}

// useEmbedded switches back to the built-in model once no model is active any more. Current
// becomes Embedded first, so a built-in model that fails to load is reported once.
func (w *Watcher) useEmbedded() error {
	if w.Embedded == nil || w.Current == EmbeddedName {
		return nil
	}
	started := w.Current == "" // started on the embedded model: nothing to switch
	w.Current = EmbeddedName
	if started {
		return nil
	}
	c, err := w.Embedded()
	if err != nil {
		return fmt.Errorf("load the embedded model (keeping %s): %w", w.Service.Classifier().Version(), err)
	}
	w.swap(c, true)
	return nil
}

func (w *Watcher) swap(c moderation.Classifier, embedded bool) {
	old := w.Service.Classifier().Version()
	w.Service.SetClassifier(c)
	w.Log.Info("model activated", "from", old, "to", c.Version(), "embedded", embedded)
}
