package govlake

import (
	"errors"
	"fmt"
	"strings"
)

// Error codes. They are few on purpose: each maps to one HTTP status and one
// exit behaviour, in one place each.
const (
	EINVALID     = "invalid"            // the caller's input is wrong and can be fixed
	ENOTFOUND    = "not_found"          // no such dataset, version or object
	ECONFLICT    = "conflict"           // a conditional create lost to another writer
	ETIMEOUT     = "timeout"            // the work took longer than allowed
	ETOOLARGE    = "too_large"          // input or result over a configured limit
	EUNAVAILABLE = "unavailable"        // a dependency (store, server) cannot be reached
	EBUSY        = "busy"               // too much work at once; try again shortly
	EMETHOD      = "method_not_allowed" // the path exists, not for this HTTP method
	EINTERNAL    = "internal"           // a bug or an unexpected failure
)

// Error is the coded error type. Message is written for the person who has
// to act on it; Err keeps the cause for logs.
type Error struct {
	Code    string
	Message string
	Err     error
}

// Error prints the message and the cause, the cause once: a message made by
// Errorf with %w already holds its cause's text.
func (e *Error) Error() string {
	switch {
	case e.Message != "" && e.Err != nil && !strings.Contains(e.Message, e.Err.Error()):
		return e.Message + ": " + e.Err.Error()
	case e.Message != "":
		return e.Message
	case e.Err != nil:
		return e.Err.Error()
	}
	return e.Code
}

func (e *Error) Unwrap() error { return e.Err }

// Errorf returns a coded error with a formatted message. A %w verb in format
// keeps the cause reachable through errors.Is and errors.As.
func Errorf(code, format string, args ...any) *Error {
	err := fmt.Errorf(format, args...)
	return &Error{Code: code, Message: err.Error(), Err: errors.Unwrap(err)}
}

// ErrorCode returns the code of the first *Error in err's chain, or EINTERNAL.
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

// ErrorMessage returns the message meant for users: the message of the first
// *Error in err's chain, or a generic text so that no Go error string of an
// unexpected failure reaches a user.
func ErrorMessage(err error) string {
	if err == nil {
		return ""
	}
	var e *Error
	if errors.As(err, &e) && e.Message != "" {
		return e.Message
	}
	return "internal error"
}
