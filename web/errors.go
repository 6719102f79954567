package web

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
	errTooLarge         = errors.New("request body too large")
	errMalformedJSON    = errors.New("malformed JSON")
	errEmptyBody        = errors.New("empty request body")
	errInvalidUTF8      = errors.New("invalid UTF-8")
	errWrongType        = errors.New("wrong JSON type")
	errUnknownField     = errors.New("unknown field")
	errBadBody          = errors.New("unreadable request body")
	errRouteNotFound    = errors.New("no such route")
	errMethodNotAllowed = errors.New("method not allowed")
)

// errorTable maps every error kind to its status, its code and the message shown when the
// error carries none of its own. The responder takes the first row the error matches, so the
// specific transport kinds come before moderation.ErrInvalid.
var errorTable = []struct {
	kind    error
	status  int
	code    string
	message string
}{
	{errTooLarge, http.StatusRequestEntityTooLarge, "too_large", "request body too large"},
	{errMalformedJSON, http.StatusBadRequest, "malformed_json", "the request body is not valid JSON"},
	{errEmptyBody, http.StatusBadRequest, "empty_body", "the request body is empty; send a JSON object"},
	{errInvalidUTF8, http.StatusBadRequest, "invalid_utf8", "the request body is not valid UTF-8"},
	{errWrongType, http.StatusBadRequest, "wrong_type", "a field has the wrong JSON type"},
	{errUnknownField, http.StatusBadRequest, "unknown_field", "the request has a field this endpoint does not know"},
	{errBadBody, http.StatusBadRequest, "bad_request", "could not read the request body"},
	{errRouteNotFound, http.StatusNotFound, "not_found", "no such endpoint"},
	{errMethodNotAllowed, http.StatusMethodNotAllowed, "method_not_allowed", "this endpoint does not support the method"},
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

// unavailableRetryAfter is the Retry-After of a 503: the database's busy timeout is 5 s, so
// a write that failed on contention may well succeed a moment later.
const unavailableRetryAfter = 2 * time.Second

// requestError is a transport-level failure with a message (and field) safe to show clients.
type requestError struct {
	kind    error
	field   string
	message string
}

func (e *requestError) Error() string { return e.message }
func (e *requestError) Unwrap() error { return e.kind }

// errorBody is the JSON body of every error response.
type errorBody struct {
	Error errorDetail `json:"error"`
}

type errorDetail struct {
	Code    string `json:"code"`
	Message string `json:"message"`
	Field   string `json:"field,omitempty"`
	// CommentID names the stored comment an idempotency_conflict clashes with.
	CommentID int64 `json:"comment_id,omitempty"`
}

// maxTarpitted bounds the rate-limited requests held back at once, so holding them cannot
// itself exhaust the server.
const maxTarpitted = 256

// tarpitDelay is the longest a rate-limited answer is held back.
const tarpitDelay = time.Second

// tarpit holds back the answer to a rate-limited request for up to a second (less when the
// wait is shorter). A client that honours Retry-After loses nothing; one that retries at once
// in a loop is slowed to a few requests a second instead of thousands, and an idle goroutine
// costs far less than answering it.
func (s *Server) tarpit(c *gin.Context, wait time.Duration) {
	select {
	case s.tarpitted <- struct{}{}:
		defer func() { <-s.tarpitted }()
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
// client to come back later, and holds back rate-limited answers (tarpit).
func (s *Server) retryAfter(c *gin.Context, err error) {
	var wait time.Duration
	var rl *moderation.RateLimitError
	switch {
	case errors.As(err, &rl):
		if rl.RetryAfter <= 0 {
			return // a quota: waiting does not help
		}
		wait = rl.RetryAfter
		s.tarpit(c, wait)
	case errors.Is(err, moderation.ErrUnavailable):
		wait = unavailableRetryAfter
	default:
		return
	}
	c.Header("Retry-After", strconv.Itoa(max(1, int(math.Ceil(wait.Seconds())))))
}

// fail is the one error responder: it maps err to a status through errorTable and writes the
// error body. Unknown errors are 500s: logged in full, answered with a generic message.
func (s *Server) fail(c *gin.Context, err error) {
	for _, row := range errorTable {
		if !errors.Is(err, row.kind) {
			continue
		}
		d := errorDetail{Code: row.code, Message: row.message}
		var re *requestError
		var ie *moderation.InputError
		var ce *moderation.ConflictError
		var ice *moderation.IdempotencyConflictError
		var rl *moderation.RateLimitError
		switch {
		case errors.As(err, &re):
			d.Message, d.Field = re.message, re.field
		case errors.As(err, &ie):
			d.Message, d.Field = ie.Error(), ie.Field
		case errors.As(err, &ce):
			d.Message = ce.Reason
		case errors.As(err, &ice):
			d.Code, d.Message, d.CommentID = "idempotency_conflict", ice.Error(), ice.CommentID
		case errors.As(err, &rl):
			d.Message = rl.Reason
		}
		s.retryAfter(c, err)
		// Abort, so that a failing middleware (authentication) stops the chain.
		c.AbortWithStatusJSON(row.status, errorBody{Error: d})
		return
	}
	s.log.Error("internal error", "id", c.GetString(requestIDKey), "method", c.Request.Method,
		"path", c.Request.URL.Path, "error", err.Error())
	c.AbortWithStatusJSON(http.StatusInternalServerError, errorBody{Error: errorDetail{
		Code:    "internal",
		Message: "internal error; it has been logged (request id " + c.GetString(requestIDKey) + ")",
	}})
}
