package moderation

import (
	"context"
	"fmt"
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

// CheckModel decides whether a classifier may moderate under policy p: it scores samples
// (the built-in fixtures) and refuses a model that fails on any, that lacks a tone attribute
// the policy has a threshold for (such a model would approve everything: moderation off), or
// whose scores are not probabilities. toxic and civil, when both non-empty, are samples known
// to be toxic and civil: a model must score the toxic ones higher on average.
func CheckModel(c Classifier, p Policy, civil, toxic []string) error {
	used := map[string]bool{}
	for attr := range p.Hold {
		used[attr] = true
	}
	for attr := range p.Reject {
		used[attr] = true
	}
	mean := func(texts []string) (float64, error) {
		var sum float64
		for _, t := range texts {
			a, err := c.Assess(t, "")
			if err != nil {
				return 0, fmt.Errorf("check model: scoring a fixture: %w", err)
			}
			for attr := range used {
				v, ok := a.Scores.Tone[attr]
				if !ok {
					return 0, invalid("model", "has no %s score, which the policy uses: it would approve everything", attr)
				}
				if !(v >= 0 && v <= 1) {
					return 0, invalid("model", "gives %s score %v, not a probability", attr, v)
				}
			}
			sum += a.Scores.Tone["toxicity"]
		}
		return sum / float64(max(1, len(texts))), nil
	}
	civilMean, err := mean(civil)
	if err != nil {
		return err
	}
	toxicMean, err := mean(toxic)
	if err != nil {
		return err
	}
	if used["toxicity"] && len(civil) > 0 && len(toxic) > 0 && toxicMean <= civilMean {
		return invalid("model", "scores toxic fixtures (mean toxicity %.2f) no higher than civil ones (%.2f)", toxicMean, civilMean)
	}
	return nil
}
