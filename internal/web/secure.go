package web

import (
	"crypto/sha256"
	"encoding/base64"
	"net/http"
	"strings"
)

// Browser security: every answer says its type is what it says
// (nosniff), may not be framed, and leaks no full address to other sites;
// pages may run only this server's scripts and the one embedded style
// sheet (by its hash: no inline script or style attribute runs); HSTS once
// the request came over TLS.

// csp is the Content-Security-Policy of every answer, for styleHash the
// digest of the pages' one <style> block.
func csp(styleHash string) string {
	return strings.Join([]string{
		"default-src 'self'",
		"script-src 'self'",
		"style-src 'self' 'sha256-" + styleHash + "'",
		"img-src 'self' data:",
		"connect-src 'self'",
		"object-src 'none'",
		"base-uri 'none'",
		"form-action 'self'",
		"frame-ancestors 'none'",
	}, "; ")
}

// styleDigest hashes the text inside the first <style> element of html.
func styleDigest(html string) string {
	_, rest, ok := strings.Cut(html, "<style>")
	if !ok {
		return ""
	}
	body, _, _ := strings.Cut(rest, "</style>")
	sum := sha256.Sum256([]byte(body))
	return base64.StdEncoding.EncodeToString(sum[:])
}

// secure sets the security headers of an answer.
func (s *Server) secure(w http.ResponseWriter, r *http.Request) {
	h := w.Header()
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Referrer-Policy", "strict-origin-when-cross-origin")
	h.Set("X-Frame-Options", "DENY")
	h.Set("Content-Security-Policy", s.policy)
	if r.TLS != nil || strings.EqualFold(strings.TrimSpace(strings.Split(r.Header.Get("X-Forwarded-Proto"), ",")[0]), "https") {
		h.Set("Strict-Transport-Security", "max-age=31536000; includeSubDomains")
	}
}
