package perspective

import (
	"errors"
	"fmt"
	"net/http"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/tribune/tribune/moderation"
	"github.com/tribune/tribune/web/internal/httpx"
)

// perspectiveError is an error answered in Google's shape with its own HTTP status, gRPC
// status name and message (all safe to show the client).
type perspectiveError struct {
	code    int
	status  string
	message string
	// errorType is Perspective's own error kind (COMMENT_EMPTY, …), sent in the body's
	// details, which clients branch on; "" sends no details.
	errorType string
	// language is set for LANGUAGE_NOT_SUPPORTED_BY_ATTRIBUTE.
	language *languageErrorDetail
}

func (e *perspectiveError) Error() string { return e.message }

// perspectiveErr returns a *perspectiveError.
func perspectiveErr(code int, status, message string) error {
	return &perspectiveError{code: code, status: status, message: message}
}

// typedError is a 400 INVALID_ARGUMENT carrying Perspective's errorType.
func typedError(errorType, message string) error {
	return &perspectiveError{code: http.StatusBadRequest, status: "INVALID_ARGUMENT", message: message, errorType: errorType}
}

// languageError is Perspective's answer to a language an attribute does not support: 400
// with errorType LANGUAGE_NOT_SUPPORTED_BY_ATTRIBUTE, naming the attribute and the languages.
func languageError(attribute string, langs []string) error {
	return &perspectiveError{code: http.StatusBadRequest, status: "INVALID_ARGUMENT",
		message:   fmt.Sprintf("Attribute %s does not support request languages: %s", attribute, strings.Join(langs, ",")),
		errorType: "LANGUAGE_NOT_SUPPORTED_BY_ATTRIBUTE",
		language:  &languageErrorDetail{DetectedLanguages: langs, Attribute: attribute}}
}

// invalidArgument is the 400 INVALID_ARGUMENT Perspective answers to every bad request.
func invalidArgument(message string) error {
	return perspectiveErr(http.StatusBadRequest, "INVALID_ARGUMENT", message)
}

// grpcStatus names the canonical status Google's APIs pair with an HTTP status.
var grpcStatus = map[int]string{
	http.StatusBadRequest:         "INVALID_ARGUMENT",
	http.StatusUnauthorized:       "UNAUTHENTICATED",
	http.StatusForbidden:          "PERMISSION_DENIED",
	http.StatusNotFound:           "NOT_FOUND",
	http.StatusConflict:           "ABORTED",
	http.StatusNotImplemented:     "UNIMPLEMENTED",
	http.StatusTooManyRequests:    "RESOURCE_EXHAUSTED",
	http.StatusMethodNotAllowed:   "METHOD_NOT_ALLOWED",
	http.StatusServiceUnavailable: "UNAVAILABLE",
}

// fail is the Perspective API's error responder. Its own errors carry their status; every
// other error is classified by httpx.Classify, so that a domain or transport kind gets the same
// HTTP status on both APIs, and only the body's shape differs. Unknown errors are 500s, logged
// in full (never with the request body) and answered generically.
func (s *Handler) fail(c *gin.Context, err error) {
	var pe *perspectiveError
	if !errors.As(err, &pe) {
		pe = s.asPerspective(c, err)
	}
	body := perspectiveErrorBody{Error: perspectiveErrorDetail{Code: pe.code, Message: pe.message, Status: pe.status}}
	if pe.errorType != "" {
		body.Error.Details = []perspectiveErrorInfo{{Type: perspectiveErrorInfoType, ErrorType: pe.errorType,
			LanguageNotSupported: pe.language}}
	}
	c.AbortWithStatusJSON(pe.code, body)
}

// asPerspective words a classified error the way Google's front end would.
func (s *Handler) asPerspective(c *gin.Context, err error) *perspectiveError {
	p := s.Problem(c, err)
	if p.Internal {
		return &perspectiveError{code: http.StatusInternalServerError, status: "INTERNAL",
			message: "Internal error encountered; it has been logged (request id " + httpx.RequestID(c) + ")."}
	}
	msg := p.Message
	var ie *moderation.InputError
	if errors.As(err, &ie) {
		msg = perspectiveField(ie.Field) + ": " + ie.Reason
	}
	code := p.Status
	// Perspective answers every malformed request, an oversized one included, with 400.
	if code == http.StatusRequestEntityTooLarge {
		code = http.StatusBadRequest
	}
	status, ok := grpcStatus[code]
	if !ok {
		status = "FAILED_PRECONDITION"
	}
	return &perspectiveError{code: code, status: status, message: msg}
}

// perspectiveField names a domain input field as the Perspective request spells it.
func perspectiveField(field string) string {
	switch field {
	case "text":
		return "comment.text"
	case "context":
		return "context.entries"
	case "community_id":
		return "communityId"
	case "client_token":
		return "clientToken"
	case "scores", "verdict":
		return "attributeScores"
	}
	return field
}
