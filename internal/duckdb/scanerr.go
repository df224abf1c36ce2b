package duckdb

import (
	"strconv"
	"strings"
	"sync"
)

// scanErrors carries a resolver's errors across DuckDB, which keeps only
// the text of an error that a replacement scan returns: the error itself
// is kept here under a ticket, and the text DuckDB carries holds the
// ticket, so the caller gets back the very value the resolver made.
type scanErrors struct {
	mu   sync.Mutex
	next uint64
	errs map[uint64]error
}

// ticketMark starts a ticket in the text DuckDB carries.
const ticketMark = "[govlake-scan-error "

// maxHeld bounds errors whose query never came back to collect them.
const maxHeld = 1024

// hold keeps err and returns the text that refers to it.
func (s *scanErrors) hold(err error) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.errs == nil || len(s.errs) >= maxHeld {
		s.errs = map[uint64]error{}
	}
	s.next++
	s.errs[s.next] = err
	return ticketMark + strconv.FormatUint(s.next, 10) + "]"
}

// take returns the error that msg refers to, once, or nil.
func (s *scanErrors) take(msg string) error {
	_, rest, ok := strings.Cut(msg, ticketMark)
	if !ok {
		return nil
	}
	num, _, ok := strings.Cut(rest, "]")
	if !ok {
		return nil
	}
	n, err := strconv.ParseUint(num, 10, 64)
	if err != nil {
		return nil
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	held := s.errs[n]
	delete(s.errs, n)
	return held
}
