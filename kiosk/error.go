package kiosk

import (
	"errors"
	"fmt"
)

// Error codes. Adapters translate library errors into these at their edge, and the api maps
// each to exactly one HTTP status, so a code is the whole contract between layers.
const (
	ECONFLICT     = "conflict"     // the action does not fit the current state or version
	EINVALID      = "invalid"      // the caller's input is wrong
	ENOTFOUND     = "not_found"    // no such thing
	ETOOLARGE     = "too_large"    // an upload or body beyond its cap
	EUNSUPPORTED  = "unsupported"  // a media type or kind we do not accept
	EUNREADABLE   = "unreadable"   // input of the right type that cannot be processed
	EUNAUTHORIZED = "unauthorized" // no or bad credentials
	EFORBIDDEN    = "forbidden"    // credentials fine, action not allowed
	ERATELIMIT    = "rate_limited" // too many requests
	EUNAVAILABLE  = "unavailable"  // a dependency (camera, database, OCR pool) is down
	EINTERNAL     = "internal"     // a bug or an unexpected failure
)

// Error is an application error. Message is safe to show to the user (it is written in the
// user's language); anything that is not an *Error is shown as an internal error.
type Error struct {
	Code    string
	Message string
}

// Error implements the error interface. It is for logs; users see Message.
func (e *Error) Error() string {
	return fmt.Sprintf("kiosk error: code=%s message=%s", e.Code, e.Message)
}

// Errorf returns an *Error with the given code and a formatted, user-facing message.
func Errorf(code, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

// ErrorCode returns the code of the first *Error in err's chain, EINTERNAL for any other
// error, and "" for nil.
func ErrorCode(err error) string {
	var e *Error
	if err == nil {
		return ""
	} else if errors.As(err, &e) {
		return e.Code
	}
	return EINTERNAL
}

// ErrorMessage returns the user-facing message of the first *Error in err's chain, or a
// generic one for any other error, so internal details never reach a screen.
func ErrorMessage(err error) string {
	var e *Error
	if err == nil {
		return ""
	} else if errors.As(err, &e) {
		return e.Message
	}
	return "系统内部错误，请稍后重试或联系工作人员。"
}
