// Package dossier holds Dossier's domain: entity types, their validation, the
// store interfaces the adapters implement, and the one error type every layer
// speaks. It imports nothing of the project's own.
package dossier

import (
	"errors"
	"fmt"
	"strings"
	"unicode/utf8"
)

// Error codes. Each maps to exactly one HTTP status in httpapi/problem.go.
const (
	EMALFORMED       = "malformed"             // 400
	EUNAUTHENTICATED = "unauthenticated"       // 401
	EFORBIDDEN       = "forbidden"             // 403
	ENOTFOUND        = "not_found"             // 404 (absent or not visible)
	ECONFLICT        = "conflict"              // 409
	ETOOLARGE        = "too_large"             // 413
	EUNSUPPORTED     = "unsupported"           // 415
	EINVALID         = "invalid"               // 422
	EPRECONDITION    = "precondition_failed"   // 412 (If-Match names another version)
	ERANGE           = "range_not_satisfiable" // 416
	ELOCKED          = "locked"                // 423
	ERATELIMITED     = "rate_limited"          // 429
	EUNAVAILABLE     = "unavailable"           // 503
	EINTERNAL        = "internal"              // 500
)

// FieldError names one invalid input field.
type FieldError struct {
	Field   string `json:"field"`
	Message string `json:"message"`
}

// Error is the application error. Message is safe to show to a client; Err is
// the cause, kept for logs and never rendered.
type Error struct {
	Code       string
	Message    string
	Fields     []FieldError
	RetryAfter int // seconds, for ERATELIMITED
	Err        error
}

func (e *Error) Error() string {
	var b strings.Builder
	b.WriteString(e.Code)
	if e.Message != "" {
		b.WriteString(": ")
		b.WriteString(e.Message)
	}
	for _, f := range e.Fields {
		fmt.Fprintf(&b, " [%s: %s]", f.Field, f.Message)
	}
	if e.Err != nil {
		b.WriteString(": ")
		b.WriteString(e.Err.Error())
	}
	return b.String()
}

func (e *Error) Unwrap() error { return e.Err }

// Errorf returns an *Error with the given code and formatted message.
func Errorf(code, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

// ErrorCode returns the code of the first *Error in err's chain, or EINTERNAL
// for anything unrecognised. A nil error has no code.
func ErrorCode(err error) string {
	if err == nil {
		return ""
	}
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	return EINTERNAL
}

// ErrorMessage returns the client-safe message of err. Unrecognised errors are
// reported as "internal error" so driver text never reaches a client.
func ErrorMessage(err error) string {
	var e *Error
	if errors.As(err, &e) && e.Code != EINTERNAL {
		return e.Message
	}
	return "internal error"
}

// ErrorFields returns the field errors of err, if any.
func ErrorFields(err error) []FieldError {
	var e *Error
	if errors.As(err, &e) {
		return e.Fields
	}
	return nil
}

// NotFound is the ENOTFOUND error for an object of the given type.
func NotFound(what string) *Error { return Errorf(ENOTFOUND, "%s not found", what) }

// Fields collects field errors during validation.
type Fields []FieldError

// Add records a problem with field.
func (f *Fields) Add(field, format string, args ...any) {
	*f = append(*f, FieldError{Field: field, Message: fmt.Sprintf(format, args...)})
}

// Err returns an EINVALID error listing every field, or nil when there are none.
func (f Fields) Err() error {
	if len(f) == 0 {
		return nil
	}
	return &Error{Code: EINVALID, Message: "invalid fields", Fields: f}
}

// MaxQuery is the longest free-text q a list or search accepts, in
// characters: longer text matches nothing anyone stored, and SQLite refuses
// a LIKE pattern over 50,000 bytes with an error that was a 500.
const MaxQuery = 1000

// QueryProblem says what is wrong with a free-text q ("" if nothing).
func QueryProblem(q string) string {
	if utf8.RuneCountInString(q) > MaxQuery {
		return "must be at most 1000 characters" // MaxQuery
	}
	return ""
}
