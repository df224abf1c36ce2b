package web

import (
	"encoding/json"
	"errors"
	"net/http"
	"strings"

	"govlake/internal/govlake"
)

// status is the one place where error codes become HTTP statuses.
func status(code string) int {
	switch code {
	case govlake.EINVALID:
		return http.StatusBadRequest
	case govlake.ENOTFOUND:
		return http.StatusNotFound
	case govlake.ECONFLICT:
		return http.StatusConflict
	case govlake.ETIMEOUT:
		return http.StatusGatewayTimeout
	case govlake.ETOOLARGE:
		return http.StatusRequestEntityTooLarge
	case govlake.EUNAVAILABLE:
		return http.StatusServiceUnavailable
	case govlake.EBUSY:
		return http.StatusTooManyRequests
	case govlake.EUNAUTHORIZED:
		return http.StatusUnauthorized
	case govlake.EFORBIDDEN:
		return http.StatusForbidden
	case govlake.EGONE:
		return http.StatusGone
	case govlake.EMETHOD:
		return http.StatusMethodNotAllowed
	}
	return http.StatusInternalServerError
}

// ErrorBody is the JSON answer of a failed API request.
type ErrorBody struct {
	Error ErrorDetail `json:"error"`
}

// ErrorDetail says what failed: a code from a short fixed list, and a
// message for the person who has to act on it.
type ErrorDetail struct {
	Code    string `json:"code"`
	Message string `json:"message"`
}

// errorView is the error page.
type errorView struct {
	Status  int
	Code    string
	Message string
}

// fail answers with the error: JSON for the API, a page for people.
func (s *Server) fail(w http.ResponseWriter, r *http.Request, err error) {
	code := govlake.ErrorCode(err)
	st := status(code)
	if st >= 500 {
		s.logger.Error("request failed", "request_id", RequestID(r.Context()), "method", r.Method, "path", r.URL.Path, "err", err)
	}
	msg := govlake.ErrorMessage(err)
	if st == http.StatusUnauthorized {
		w.Header().Set("WWW-Authenticate", `Bearer realm="govlake"`)
	}
	var limited *rateLimited
	if errors.As(err, &limited) {
		w.Header().Set("Retry-After", retryAfter(limited.wait))
	} else if st == http.StatusTooManyRequests || st == http.StatusServiceUnavailable {
		w.Header().Set("Retry-After", "1")
	}
	if strings.HasPrefix(r.URL.Path, "/api/") {
		writeJSON(w, st, ErrorBody{ErrorDetail{code, msg}})
		return
	}
	c := s.chrome(w, r) // before the status: it may set the language cookie
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(st)
	s.pages.ExecuteTemplate(w, "error.html", page{c, errorView{st, code, msg}})
}

func writeJSON(w http.ResponseWriter, st int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(st)
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.Encode(v)
}
