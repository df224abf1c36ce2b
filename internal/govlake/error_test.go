package govlake

import (
	"errors"
	"testing"
)

// A coded error prints its cause once, whichever way it was made.
func TestErrorPrintsCauseOnce(t *testing.T) {
	refused := errors.New("connection refused")
	for _, tc := range []struct {
		name string
		err  error
		want string
	}{
		{"Errorf with %w", Errorf(EUNAVAILABLE, "list datasets: %w", refused), "list datasets: connection refused"},
		{"wrapped again", Errorf(EINVALID, "pipeline a: %w", Errorf(EUNAVAILABLE, "list datasets: %w", refused)), "pipeline a: list datasets: connection refused"},
		{"message without the cause", &Error{Code: EINTERNAL, Message: "a stored file could not be read", Err: refused}, "a stored file could not be read: connection refused"},
		{"cause only", &Error{Code: EINTERNAL, Err: refused}, "connection refused"},
		{"code only", &Error{Code: ETIMEOUT}, "timeout"},
	} {
		if got := tc.err.Error(); got != tc.want {
			t.Errorf("%s: %q, want %q", tc.name, got, tc.want)
		}
		if tc.name != "code only" && !errors.Is(tc.err, refused) {
			t.Errorf("%s: the cause is not reachable with errors.Is", tc.name)
		}
	}
}
