package web

import (
	"net"
	"net/http"
	"net/netip"
	"strings"

	"govlake/internal/govlake"
)

// Request classes limited per client address: SQL costs the most, writes
// change the store, pages are everything else a person or crawler reads.
const (
	ClassQueries = "queries"
	ClassPages   = "pages"
	ClassWrites  = "writes"
)

var classWords = map[string]string{ClassQueries: "SQL queries", ClassPages: "requests for pages and data", ClassWrites: "writes"}

// IPRate limits each client address to rate requests a second of class
// (twice that at once); 0 lifts the limit.
func (s *Server) IPRate(class string, rate float64) {
	if s.ipLimits == nil {
		s.ipLimits = map[string]*rateLimiter{}
	}
	s.ipLimits[class] = &rateLimiter{Rate: rate, Burst: 2 * rate}
}

// classOf says which limit a request counts against; "" for none (static
// files, health checks and metrics, which cost nothing and must answer).
func classOf(r *http.Request) string {
	p := r.URL.Path
	switch {
	case strings.HasPrefix(p, "/static/") || p == "/healthz" || p == "/readyz" || p == "/metrics" || p == "/favicon.ico":
		return ""
	case r.Method != http.MethodGet && r.Method != http.MethodHead && r.Method != http.MethodOptions && p != "/api/v1/query" && !strings.Contains(p, "/action/datastore_search"):
		return ClassWrites
	case p == "/api/v1/query" || strings.HasPrefix(p, "/api/v1/queries/") || strings.Contains(p, "/action/datastore_search") || (p == "/console" && r.URL.Query().Get("sql") != ""):
		return ClassQueries
	}
	return ClassPages
}

// clientAddr is the address a request came from: the connection's peer, or,
// when that is a trusted proxy, the last address in X-Forwarded-For that is
// not one.
func (s *Server) clientAddr(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		host = r.RemoteAddr
	}
	addr, err := netip.ParseAddr(host)
	if err != nil || !s.trusted(addr) {
		return host
	}
	hops := strings.Split(strings.Join(r.Header.Values("X-Forwarded-For"), ","), ",")
	for i := len(hops) - 1; i >= 0; i-- {
		a, err := netip.ParseAddr(strings.TrimSpace(hops[i]))
		if err != nil {
			break
		}
		if !s.trusted(a) {
			return a.String()
		}
	}
	return host
}

func (s *Server) trusted(a netip.Addr) bool {
	for _, p := range s.TrustedProxies {
		if p.Contains(a.Unmap()) {
			return true
		}
	}
	return false
}

// limitClient counts r against its address's limit for its class.
func (s *Server) limitClient(r *http.Request) error {
	class := classOf(r)
	l := s.ipLimits[class]
	if l == nil {
		return nil
	}
	if ok, wait := l.allow(s.clientAddr(r), s.now()); !ok {
		if s.Observer != nil {
			s.Observer.ObserveLimited(class)
		}
		return &rateLimited{wait: wait, err: govlake.Errorf(govlake.EBUSY, "this address sent more than %g %s a second; wait %s s", l.Rate, classWords[class], retryAfter(wait))}
	}
	return nil
}
