package moderation

import (
	"context"
	"time"
)

// RegisteredModel is a model file kept in the database's model registry.
type RegisteredModel struct {
	// Version is the model's content hash, as its Classifier reports it.
	Version string
	Name    string
	// Data is the model file; listings leave it nil.
	Data []byte
	Size int
	// Metrics is the model's own description of how it was made and measured, as JSON.
	Metrics    string
	ImportedAt time.Time
	Active     bool
}

// ModelRegistry persists model files. At most one model is active; with none, the service
// uses its built-in model.
type ModelRegistry interface {
	// ImportModel stores a model; importing a version again changes nothing (created false).
	ImportModel(ctx context.Context, m RegisteredModel) (created bool, err error)
	// Models lists the registry, newest import first, without the files.
	Models(ctx context.Context) ([]RegisteredModel, error)
	// Model returns one model with its file, or ErrNotFound.
	Model(ctx context.Context, version string) (RegisteredModel, error)
	// ActivateModel makes a model the active one (and no other), or fails with ErrNotFound.
	ActivateModel(ctx context.Context, version string) error
	// ActiveModelVersion returns the active model's version, or ErrNotFound when none is.
	ActiveModelVersion(ctx context.Context) (string, error)
}

// ValidateModel checks a model before it enters the registry.
func ValidateModel(m RegisteredModel) error {
	if err := checkText("version", m.Version, MaxIDBytes, true); err != nil {
		return err
	}
	if err := checkText("name", m.Name, MaxNameBytes, true); err != nil {
		return err
	}
	if len(m.Data) == 0 {
		return invalid("data", "the model file is empty")
	}
	return nil
}
