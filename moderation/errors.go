// Package moderation is Tribune's domain: articles, comments, scores, verdicts, the site's
// policy, the review queue and the humans who decide. It defines the interfaces it needs from
// storage and from the classifier, and holds every business rule; other packages persist,
// transport or compute, and decide nothing.
package moderation

import (
	"errors"
	"fmt"
)

// Error kinds. Every error the domain returns wraps one of these (or none, for internal
// failures), so transports can map them to statuses with errors.Is.
var (
	// ErrNotFound means the thing asked for does not exist.
	ErrNotFound = errors.New("not found")
	// ErrInvalid means the input was rejected; see InputError for which field and why.
	ErrInvalid = errors.New("invalid input")
	// ErrConflict means the request clashes with the current state (already decided,
	// claimed by someone else, duplicate name).
	ErrConflict = errors.New("conflict")
	// ErrForbidden means the caller is known but may not do this.
	ErrForbidden = errors.New("forbidden")
	// ErrUnauthenticated means the caller presented no valid credentials.
	ErrUnauthenticated = errors.New("unauthenticated")
)

// InputError reports one invalid input field with a reason that is safe to show to users.
type InputError struct {
	Field  string
	Reason string
}

// Error implements error.
func (e *InputError) Error() string {
	if e.Field == "" {
		return e.Reason
	}
	return fmt.Sprintf("%s: %s", e.Field, e.Reason)
}

// Unwrap makes errors.Is(err, ErrInvalid) true for every InputError.
func (e *InputError) Unwrap() error { return ErrInvalid }

// invalid is shorthand for a *InputError.
func invalid(field, format string, args ...any) error {
	return &InputError{Field: field, Reason: fmt.Sprintf(format, args...)}
}

// ConflictError explains a conflict in words safe to show to users.
type ConflictError struct {
	Reason string
}

// Error implements error.
func (e *ConflictError) Error() string { return e.Reason }

// Unwrap makes errors.Is(err, ErrConflict) true.
func (e *ConflictError) Unwrap() error { return ErrConflict }

// ErrUnavailable means the service cannot answer now (the database is busy or cannot be
// written); the request may be retried later.
var ErrUnavailable = errors.New("temporarily unavailable")

// IdempotencyConflictError is a submission whose idempotency key or external id was already
// used for a different comment (another article, text or author).
type IdempotencyConflictError struct {
	CommentID int64
}

// Error implements error.
func (e *IdempotencyConflictError) Error() string {
	return fmt.Sprintf("this idempotency key or external_id was already used for comment %d, with a different article, author or text", e.CommentID)
}

// Unwrap makes errors.Is(err, ErrConflict) true.
func (e *IdempotencyConflictError) Unwrap() error { return ErrConflict }
