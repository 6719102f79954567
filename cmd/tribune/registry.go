package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/tribune/tribune/classifier"
	"github.com/tribune/tribune/moderation"
)

// loadClassifierBytes loads a model file held in memory (the registry's BLOB).
func loadClassifierBytes(data []byte) (moderation.Classifier, error) {
	m, err := classifier.Load(bytes.NewReader(data))
	if err != nil {
		return nil, fmt.Errorf("load model: %w", err)
	}
	return newModelClassifier(m), nil
}

// registryLoader turns a registered model's file into a classifier; tests replace it.
type registryLoader func(version string, data []byte) (moderation.Classifier, error)

func loadRegistered(_ string, data []byte) (moderation.Classifier, error) {
	return loadClassifierBytes(data)
}

// chooseClassifier picks the model a command uses: the file at path when given, else the
// registry's active model, else the embedded default. pinned reports a model given by path,
// which a server keeps whatever the registry says.
func chooseClassifier(ctx context.Context, reg moderation.ModelRegistry, path string, load registryLoader) (c moderation.Classifier, pinned bool, err error) {
	if path != "" {
		c, err = loadClassifier(path)
		return c, true, err
	}
	version, err := reg.ActiveModelVersion(ctx)
	if errors.Is(err, moderation.ErrNotFound) {
		c, err = loadClassifier("")
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
		return nil, false, fmt.Errorf("%w %s: %w", errActiveModel, version, err)
	}
	return c, false, nil
}

// errActiveModel marks a failure to load the registry's active model.
var errActiveModel = errors.New("the active model")

// classifierSetter is the part of moderation.Service a registry watcher drives.
type classifierSetter interface {
	Classifier() moderation.Classifier
	SetClassifier(moderation.Classifier)
}

// registryWatcher keeps a service on the registry's active model: it polls the active version
// and, when it changes, loads the model and swaps it in. Requests already scoring finish with
// the old model (Service.SetClassifier is an atomic swap), so none fails.
type registryWatcher struct {
	reg      moderation.ModelRegistry
	svc      classifierSetter
	load     registryLoader
	interval time.Duration
	log      *slog.Logger
	current  string // the active version last applied ("" for none)
	// embedded loads the model built into the binary, which runs again when no registered
	// model is active any more (tribune model activate embedded); nil keeps whatever runs.
	embedded func() (moderation.Classifier, error)
}

// defaultWatchInterval is how often a server looks for a newly activated model: one indexed
// read of a one-row result, so cheap, and a few seconds is quick enough for people.
const defaultWatchInterval = 3 * time.Second

// watchRegistry starts a watcher for svc that polls until ctx ends. current is the registry
// version the service runs now ("" when it runs the embedded model).
func watchRegistry(ctx context.Context, reg moderation.ModelRegistry, svc classifierSetter, current string, log *slog.Logger) {
	w := &registryWatcher{reg: reg, svc: svc, load: loadRegistered, interval: defaultWatchInterval, log: log, current: current,
		embedded: func() (moderation.Classifier, error) { return loadClassifier("") }}
	go w.run(ctx)
}

func (w *registryWatcher) run(ctx context.Context) {
	t := time.NewTicker(w.interval)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			if err := w.check(ctx); err != nil && ctx.Err() == nil {
				w.log.Error("model registry", "err", err)
			}
		}
	}
}

// check applies the active model if it changed since the last check. A model that fails to
// load is logged once and the service keeps its model.
func (w *registryWatcher) check(ctx context.Context) error {
	version, err := w.reg.ActiveModelVersion(ctx)
	if errors.Is(err, moderation.ErrNotFound) {
		return w.useEmbedded()
	}
	if err != nil || version == w.current {
		return err
	}
	m, err := w.reg.Model(ctx, version)
	if err != nil {
		return err // a read error: try again next time
	}
	w.current = version
	c, err := w.load(m.Version, m.Data)
	if err != nil {
		return fmt.Errorf("load activated model %s (keeping %s): %w", version, w.svc.Classifier().Version(), err)
	}
	old := w.svc.Classifier().Version()
	w.svc.SetClassifier(c)
	w.log.Info("model activated", "from", old, "to", c.Version())
	return nil
}

// useEmbedded switches back to the built-in model once no model is active any more. current
// becomes embeddedModel first, so a built-in model that fails to load is logged once.
func (w *registryWatcher) useEmbedded() error {
	if w.embedded == nil || w.current == embeddedModel {
		return nil
	}
	if w.current == "" {
		// Started on the embedded model (nothing was active): nothing to switch.
		w.current = embeddedModel
		return nil
	}
	w.current = embeddedModel
	c, err := w.embedded()
	if err != nil {
		return fmt.Errorf("load the embedded model (keeping %s): %w", w.svc.Classifier().Version(), err)
	}
	old := w.svc.Classifier().Version()
	w.svc.SetClassifier(c)
	w.log.Info("model activated", "from", old, "to", c.Version(), "embedded", true)
	return nil
}
