// Package registry is Tribune's model workflow: it turns model files into moderation
// classifiers (the one place package classifier meets the domain), picks the model a command
// runs (a file, else the registry's active model, else the embedded default), checks and
// imports models into the registry, compares a new model with the active one, and keeps a
// running service on the active model as it changes.
package registry

import (
	"bytes"
	"fmt"

	"github.com/tribune/tribune/classifier"
	"github.com/tribune/tribune/classifier/lang"
	"github.com/tribune/tribune/models"
	"github.com/tribune/tribune/moderation"
)

// explainTopK is how many contributions per head an assessment carries: enough for a
// moderator to see why, small enough to store with every score row.
const explainTopK = 8

// modelClassifier adapts a classifier.Model to moderation.Classifier. The classifier package
// knows nothing of the domain; this is the one place the two meet.
type modelClassifier struct {
	m      *classifier.Model
	priors map[string]float64 // each binary head's reference prior, when the model records it
}

// Adapt returns m as a moderation.Classifier (it is a moderation.QuickClassifier too).
func Adapt(m *classifier.Model) moderation.Classifier { return newModelClassifier(m) }

func newModelClassifier(m *classifier.Model) modelClassifier {
	c := modelClassifier{m: m, priors: map[string]float64{}}
	for _, h := range m.Heads() {
		if h.Binary && h.Prior > 0 && h.Prior < 1 {
			c.priors[h.Name] = h.Prior
		}
	}
	return c
}

var _ moderation.QuickClassifier = modelClassifier{}

// Version implements moderation.Classifier.
func (c modelClassifier) Version() string { return c.m.Version() }

// Score implements moderation.QuickClassifier: the scores and language of Assess, without
// explanations. Language detection stays cheap here: English text is recognised by its
// function words without running the trigram detector (classifier/lang's benchmarks).
func (c modelClassifier) Score(text, context string) (moderation.Assessment, error) {
	a := c.assessment(c.m.Predict(text, context))
	a.Explanation = nil
	a.Language, _ = lang.Detect(text)
	return a, nil
}

// Assess implements moderation.Classifier: binary heads become tone scores, the "stance" head
// becomes the stance distribution, every head's strongest features become the explanation,
// and the text's detected language (classifier/lang) goes with them.
func (c modelClassifier) Assess(text, context string) (moderation.Assessment, error) {
	a := c.assessment(c.m.Explain(text, context, explainTopK))
	a.Language, _ = lang.Detect(text)
	return a, nil
}

// assessment converts a prediction to the domain's terms.
func (c modelClassifier) assessment(p classifier.Prediction) moderation.Assessment {
	a := moderation.Assessment{
		ModelVersion: c.m.Version(),
		Scores:       moderation.Scores{Tone: make(map[string]float64, len(p.Heads))},
		Explanation:  make(map[string][]moderation.Contribution, len(p.Heads)),
	}
	for _, h := range p.Heads {
		switch {
		case h.Binary:
			a.Scores.Tone[h.Name] = h.Positive()
			if prior := c.priors[h.Name]; prior > 0 {
				if a.Priors == nil {
					a.Priors = make(map[string]float64, len(c.priors))
				}
				a.Priors[h.Name] = prior
			}
		case h.Name == "stance":
			a.Scores.Stance = make(map[moderation.Stance]float64, len(h.Classes))
			for i, class := range h.Classes {
				a.Scores.Stance[moderation.Stance(class)] = h.Probs[i]
			}
		default:
			// Other multi-class heads (a site's own) are explained but have no domain meaning.
		}
		contribs := make([]moderation.Contribution, 0, len(h.Explanation))
		for _, e := range h.Explanation {
			contribs = append(contribs, moderation.Contribution{
				Feature: e.Feature, Class: e.Class, Weight: e.Weight, Start: e.Start, End: e.End,
			})
		}
		a.Explanation[h.Name] = contribs
	}
	return a
}

// LoadModel reads the model file at path, or the embedded default model for "".
func LoadModel(path string) (*classifier.Model, error) {
	if path == "" {
		return classifier.LoadFS(models.FS, models.DefaultModel)
	}
	return classifier.LoadFile(path)
}

// LoadClassifier returns the classifier to serve: the model file at path, or the embedded
// default for "".
func LoadClassifier(path string) (moderation.Classifier, error) {
	m, err := LoadModel(path)
	if err != nil {
		return nil, err
	}
	return newModelClassifier(m), nil
}

// LoadBytes loads a model file held in memory (the registry's BLOB).
func LoadBytes(data []byte) (moderation.Classifier, error) {
	m, err := classifier.Load(bytes.NewReader(data))
	if err != nil {
		return nil, fmt.Errorf("load model: %w", err)
	}
	return newModelClassifier(m), nil
}
