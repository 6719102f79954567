// Package httpx is what Tribune's three HTTP front-ends (the JSON API, the Perspective-compatible
// API and the moderator dashboard) share: the one table that classifies errors, the JSON error
// responder, API-key authentication with its cache and rate limit, request-body binding, and
// the gin engine with the middleware every request passes (recovery, request ID, request log,
// body limit, timeout). Each front-end answers errors in its own shape, but all of them
// classify through Classify.
package httpx

import (
	"context"
	"errors"
	"math"
	"net/http"
	"strconv"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/tribune/tribune/moderation"
)

// Transport error kinds: failures the domain never sees because the request did not get that
// far. Each is a row of errorTable like the domain's kinds.
var (
	ErrTooLarge         = errors.New("request body too large")
	ErrMalformedJSON    = errors.New("malformed JSON")
	ErrEmptyBody        = errors.New("empty request body")
	ErrInvalidUTF8      = errors.New("invalid UTF-8")
	ErrWrongType        = errors.New("wrong JSON type")
	ErrUnknownField     = errors.New("unknown field")
	ErrBadBody          = errors.New("unreadable request body")
	ErrRouteNotFound    = errors.New("no such route")
	ErrMethodNotAllowed = errors.New("method not allowed")
)

// errorTable maps every error kind to its status, its code and the message shown when the
// error carries none of its own. Classify takes the first row the error matches, so the
// specific transport kinds come before moderation.ErrInvalid.
var errorTable = []struct {
	kind    error
	status  int
	code    string
	message string
}{
	{ErrTooLarge, http.StatusRequestEntityTooLarge, "too_large", "request body too large"},
	{ErrMalformedJSON, http.StatusBadRequest, "malformed_json", "the request body is not valid JSON"},
	{ErrEmptyBody, http.StatusBadRequest, "empty_body", "the request body is empty; send a JSON object"},
	{ErrInvalidUTF8, http.StatusBadRequest, "invalid_utf8", "the request body is not valid UTF-8"},
	{ErrWrongType, http.StatusBadRequest, "wrong_type", "a field has the wrong JSON type"},
	{ErrUnknownField, http.StatusBadRequest, "unknown_field", "the request has a field this endpoint does not know"},
	{ErrBadBody, http.StatusBadRequest, "bad_request", "could not read the request body"},
	{ErrRouteNotFound, http.StatusNotFound, "not_found", "no such endpoint"},
	{ErrMethodNotAllowed, http.StatusMethodNotAllowed, "method_not_allowed", "this endpoint does not support the method"},
	{moderation.ErrInvalid, http.StatusBadRequest, "invalid", "invalid input"},
	{moderation.ErrUnauthenticated, http.StatusUnauthorized, "unauthenticated",
		"missing or invalid credentials: send Authorization: Bearer <API key or session token>"},
	{moderation.ErrForbidden, http.StatusForbidden, "forbidden", "these credentials may not do this"},
	{moderation.ErrNotFound, http.StatusNotFound, "not_found", "not found"},
	{moderation.ErrConflict, http.StatusConflict, "conflict", "the request conflicts with the current state"},
	{context.DeadlineExceeded, http.StatusServiceUnavailable, "timeout", "the request took too long and was stopped"},
	{context.Canceled, http.StatusServiceUnavailable, "canceled", "the request was canceled"},
	{moderation.ErrRateLimited, http.StatusTooManyRequests, "rate_limited", "too many requests; retry after the time in Retry-After"},
	{moderation.ErrUnavailable, http.StatusServiceUnavailable, "unavailable",
		"the service is busy or cannot store data right now; retry after the time in Retry-After"},
}

// RequestError is a transport-level failure with a message (and field) safe to show clients.
// Kind is the row of the error table it is answered by.
type RequestError struct {
	Kind    error
	Field   string
	Message string
}

func (e *RequestError) Error() string { return e.Message }
func (e *RequestError) Unwrap() error { return e.Kind }

// Problem is an error as a client may see it.
type Problem struct {
	Status int
	Code   string
	// Message is safe to show: the error's own message when it was written for users, else
	// the table's wording for its kind.
	Message string
	// Field names the request field at fault, when one is.
	Field string
	// CommentID names the stored comment an idempotency_conflict clashes with.
	CommentID int64
	// Internal marks an error of no known kind: a 500, whose detail must be logged and not shown.
	Internal bool
}

// Classify maps err to the Problem every front-end answers, through the one error table.
func Classify(err error) Problem {
	for _, row := range errorTable {
		if !errors.Is(err, row.kind) {
			continue
		}
		p := Problem{Status: row.status, Code: row.code, Message: row.message}
		var re *RequestError
		var ie *moderation.InputError
		var ce *moderation.ConflictError
		var ice *moderation.IdempotencyConflictError
		var rl *moderation.RateLimitError
		switch {
		case errors.As(err, &re):
			p.Message, p.Field = re.Message, re.Field
		case errors.As(err, &ie):
			p.Message, p.Field = ie.Error(), ie.Field
		case errors.As(err, &ce):
			p.Message = ce.Reason
		case errors.As(err, &ice):
			p.Code, p.Message, p.CommentID = "idempotency_conflict", ice.Error(), ice.CommentID
		case errors.As(err, &rl):
			p.Message = rl.Reason
		}
		return p
	}
	return Problem{Status: http.StatusInternalServerError, Code: "internal", Internal: true,
		Message: "internal error; it has been logged"}
}

// ErrorBody is the JSON body of every error response of the JSON API (and of the dashboard's
// script, which asks for JSON).
type ErrorBody struct {
	Error ErrorDetail `json:"error"`
}

// ErrorDetail says what went wrong: a stable code, a message safe to show, and the field.
type ErrorDetail struct {
	Code    string `json:"code"`
	Message string `json:"message"`
	Field   string `json:"field,omitempty"`
	// CommentID names the stored comment an idempotency_conflict clashes with.
	CommentID int64 `json:"comment_id,omitempty"`
}

// Fail is the JSON error responder: it classifies err, sets Retry-After where waiting helps
// and writes the error body. Unknown errors are 500s: logged in full, answered generically.
func (k *Core) Fail(c *gin.Context, err error) {
	p := k.Problem(c, err)
	// Abort, so that a failing middleware (authentication) stops the chain.
	c.AbortWithStatusJSON(p.Status, ErrorBody{Error: ErrorDetail{Code: p.Code, Message: p.Message,
		Field: p.Field, CommentID: p.CommentID}})
}

// Problem classifies err for an answer about to be written: it logs internal errors (with the
// request ID that their generic message names) and sets Retry-After where waiting helps.
func (k *Core) Problem(c *gin.Context, err error) Problem {
	p := Classify(err)
	if p.Internal {
		k.Log.Error("internal error", "id", RequestID(c), "method", c.Request.Method,
			"path", c.Request.URL.Path, "error", err.Error())
		p.Message = "internal error; it has been logged (request id " + RequestID(c) + ")"
		return p
	}
	k.retryAfter(c, err)
	return p
}

// unavailableRetryAfter is the Retry-After of a 503: the database's busy timeout is 5 s, so
// a write that failed on contention may well succeed a moment later.
const unavailableRetryAfter = 2 * time.Second

// maxTarpitted bounds the rate-limited requests held back at once, so holding them cannot
// itself exhaust the server.
const maxTarpitted = 256

// tarpitDelay is the longest a rate-limited answer is held back.
const tarpitDelay = time.Second

// Tarpit holds back the answer to a rate-limited request for up to a second (less when the
// wait is shorter). A client that honours Retry-After loses nothing; one that retries at once
// in a loop is slowed to a few requests a second instead of thousands, and an idle goroutine
// costs far less than answering it.
func (k *Core) Tarpit(c *gin.Context, wait time.Duration) {
	select {
	case k.tarpitted <- struct{}{}:
		defer func() { <-k.tarpitted }()
	default:
		return
	}
	t := time.NewTimer(min(wait, tarpitDelay))
	defer t.Stop()
	select {
	case <-t.C:
	case <-c.Request.Context().Done():
	}
}

// retryAfter sets the Retry-After header (whole seconds, at least 1) for errors that ask the
// client to come back later, and holds back rate-limited answers (Tarpit).
func (k *Core) retryAfter(c *gin.Context, err error) {
	var wait time.Duration
	var rl *moderation.RateLimitError
	switch {
	case errors.As(err, &rl):
		if rl.RetryAfter <= 0 {
			return // a quota: waiting does not help
		}
		wait = rl.RetryAfter
		k.Tarpit(c, wait)
	case errors.Is(err, moderation.ErrUnavailable):
		wait = unavailableRetryAfter
	default:
		return
	}
	c.Header("Retry-After", RetrySeconds(wait))
}

// RetrySeconds formats a wait as Retry-After does: whole seconds, rounded up, at least 1.
func RetrySeconds(wait time.Duration) string {
	return strconv.Itoa(max(1, int(math.Ceil(wait.Seconds()))))
}
