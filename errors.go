// Package marquee holds what every part of the platform shares: the small,
// closed vocabulary of errors and the table that turns them into HTTP
// statuses. Domain packages (tenant, storefront, branding) return these
// errors; web handlers return them unchanged and one error handler renders
// them.
package marquee

import (
	"errors"
	"net/http"
)

// Error codes: the whole vocabulary. Add one only with a row in statusByCode.
const (
	EINVALID     = "invalid"     // the input breaks a rule; the user can fix it
	ENOTFOUND    = "not_found"   // nothing by that name, or not for this caller
	ECONFLICT    = "conflict"    // the input is valid but collides with existing data
	EFORBIDDEN   = "forbidden"   // the caller may not do this
	EUNAVAILABLE = "unavailable" // a dependency is down; try again later
	EINTERNAL    = "internal"    // a bug or an unexpected failure; never shown in detail
)

var statusByCode = map[string]int{
	EINVALID:     http.StatusBadRequest,
	ENOTFOUND:    http.StatusNotFound,
	ECONFLICT:    http.StatusConflict,
	EFORBIDDEN:   http.StatusForbidden,
	EUNAVAILABLE: http.StatusServiceUnavailable,
	EINTERNAL:    http.StatusInternalServerError,
}

// Error is an application error people may read: Message is a go-i18n
// message ID (translated when a page renders), Field names the input it
// belongs to, if any. Err keeps the cause for logs.
type Error struct {
	Code    string
	Message string
	Field   string
	Err     error
}

// Error implements error for logs; users see the translated Message instead.
func (e *Error) Error() string {
	s := e.Code + ": " + e.Message
	if e.Field != "" {
		s += " (" + e.Field + ")"
	}
	if e.Err != nil {
		s += ": " + e.Err.Error()
	}
	return s
}

// Unwrap exposes the cause to errors.Is and errors.As.
func (e *Error) Unwrap() error { return e.Err }

// New returns an *Error with a code and a message ID.
func New(code, messageID string) *Error {
	return &Error{Code: code, Message: messageID}
}

// Wrap returns an *Error with a code, a message ID and the cause for logs.
func Wrap(code, messageID string, err error) *Error {
	return &Error{Code: code, Message: messageID, Err: err}
}

// Invalid returns an EINVALID error for one field.
func Invalid(field, messageID string) *Error {
	return &Error{Code: EINVALID, Message: messageID, Field: field}
}

// Internal wraps an unexpected error; users see a generic message.
func Internal(err error) *Error {
	return &Error{Code: EINTERNAL, Message: "error.internal", Err: err}
}

// ErrorCode returns the code of err, EINTERNAL for foreign errors and ""
// for nil.
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

// ErrorMessage returns the message ID users may read for err; internal
// errors always read "error.internal", whatever they wrap.
func ErrorMessage(err error) string {
	var e *Error
	if errors.As(err, &e) && e.Code != EINTERNAL && e.Message != "" {
		return e.Message
	}
	return "error.internal"
}

// ErrorField returns the input field err belongs to, or "".
func ErrorField(err error) string {
	var e *Error
	if errors.As(err, &e) {
		return e.Field
	}
	return ""
}

// HTTPStatus maps err to the HTTP status of its code.
func HTTPStatus(err error) int {
	if s, ok := statusByCode[ErrorCode(err)]; ok {
		return s
	}
	return http.StatusInternalServerError
}
