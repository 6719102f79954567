package main

import (
	"errors"

	"github.com/tribune/tribune/moderation"
	"github.com/tribune/tribune/moderation/moderationtest"
)

// loadClassifier returns the model to serve: the file at path, or the embedded default for "".
//
// This stub is replaced by model.go: until the real model loader lands it serves the
// deterministic keyword fake, so that serve and its tests can run end to end.
func loadClassifier(path string) (moderation.Classifier, error) {
	if path != "" {
		return nil, errors.New("load model: model files are not supported by this build yet")
	}
	return moderationtest.FakeClassifier{}, nil
}
