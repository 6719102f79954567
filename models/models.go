// Package models holds the trained model files shipped inside the tribune binary, and the
// BERT uncased WordPiece vocabulary that new models are trained with.
package models

import "embed"

// FS holds the shipped model files (default.tribune), the vocabulary and the model card.
//
//go:embed *.txt *.md *.tribune
var FS embed.FS

// DefaultModel is the file name, inside FS, of the model served when no other is configured.
const DefaultModel = "default.tribune"

// Vocabulary is the file name, inside FS, of the BERT uncased WordPiece vocabulary (one token a
// line, line number = token id) that sugarme/tokenizer ships and that Tribune's models embed.
const Vocabulary = "bert-base-uncased-vocab.txt"
