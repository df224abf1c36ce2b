package web

import (
	"context"
	"net"
	"net/http"
	"strings"
	"time"

	"govlake/internal/govlake"
)

// TokenVerifier says who an API token belongs to.
type TokenVerifier interface {
	Verify(ctx context.Context, secret string) (*govlake.Principal, error)
}

// Auditor records writes and refused attempts.
type Auditor interface {
	Record(ctx context.Context, e govlake.AuditEvent) error
}

// authenticate reads the request's token (Authorization: Bearer <token>,
// or CKAN's bare Authorization: <token>) and puts its principal in the
// request's context. No token is no principal; a wrong one is a 401 even
// on a public route, so that a client learns its token is bad.
func (s *Server) authenticate(r *http.Request) (*http.Request, error) {
	h := strings.TrimSpace(r.Header.Get("Authorization"))
	if h == "" {
		return s.withSession(r), nil
	}
	secret := h
	if scheme, rest, ok := strings.Cut(h, " "); ok {
		if !strings.EqualFold(scheme, "Bearer") {
			return r, govlake.Errorf(govlake.EUNAUTHORIZED, "the Authorization header must be Bearer <token>")
		}
		secret = strings.TrimSpace(rest)
	}
	if s.Tokens == nil {
		return r, govlake.Errorf(govlake.EUNAUTHORIZED, "this server takes no tokens")
	}
	p, err := s.Tokens.Verify(r.Context(), secret)
	if err != nil {
		s.audit(r, govlake.AuditEvent{Who: "anonymous", Action: "auth.token", Target: r.Method + " " + r.URL.Path, Result: govlake.ErrorCode(err)})
		return r, err
	}
	if ok, wait := s.limits.allow(p.Who, s.now()); !ok {
		if s.Observer != nil {
			s.Observer.ObserveLimited("token")
		}
		return r, &rateLimited{wait: wait, err: govlake.Errorf(govlake.EBUSY, "this token sent more than %g requests a second; wait %s s", s.limits.Rate, retryAfter(wait))}
	}
	return r.WithContext(govlake.WithPrincipal(r.Context(), p)), nil
}

// rateLimited is a refusal that says when to come back.
type rateLimited struct {
	wait time.Duration
	err  error
}

func (e *rateLimited) Error() string { return e.err.Error() }
func (e *rateLimited) Unwrap() error { return e.err }

// TokenRate limits each API token to rate requests a second, burst at once.
func (s *Server) TokenRate(rate, burst float64) {
	s.limits = &rateLimiter{Rate: rate, Burst: burst}
}

// require checks that the request's principal has at least role within
// org; an admin may act on any organisation. A refusal is on record.
func (s *Server) require(r *http.Request, role, org string) error {
	p := govlake.PrincipalFrom(r.Context())
	if p == nil {
		return govlake.Errorf(govlake.EUNAUTHORIZED, "this needs a token: send Authorization: Bearer <token> (catalog token create makes one)")
	}
	if !p.Can(role, org) {
		s.audit(r, govlake.AuditEvent{Action: "auth.denied", Target: r.Method + " " + r.URL.Path, Result: govlake.EFORBIDDEN,
			Detail: "needs " + role + " of " + org})
		return govlake.Errorf(govlake.EFORBIDDEN, "a %s token of %s may not do this: it needs %s of %s", p.Role, p.Org, role, org)
	}
	return nil
}

// audit records an event with the request's principal and address. A
// failure to record is logged; the caller decides whether it matters.
func (s *Server) audit(r *http.Request, e govlake.AuditEvent) error {
	if s.Audit == nil {
		return nil
	}
	if p := govlake.PrincipalFrom(r.Context()); p != nil {
		if e.Who == "" {
			e.Who = p.Who
		}
		if e.Org == "" {
			e.Org = p.Org
		}
	}
	if e.Who == "" {
		e.Who = "anonymous"
	}
	if host, _, err := net.SplitHostPort(r.RemoteAddr); err == nil {
		e.Remote = host
	}
	err := s.Audit.Record(r.Context(), e)
	if err != nil {
		s.logger.Error("audit record failed", "action", e.Action, "err", err)
	}
	return err
}
