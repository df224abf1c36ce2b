package main

import (
	"net/url"
	"strings"
	"testing"
)

// Every answer carries the browser security headers; HSTS only when the
// request came over TLS (here, through a proxy that says so); in chromium
// the pages run under the policy without one violation (the embedded style
// sheet is allowed by its hash, and no inline script exists).
func TestSecurityHeaders(t *testing.T) {
	base := bundledCatalog(t)
	for _, path := range []string{"/", "/datasets/population", "/api/v1/datasets", "/api/v1/query?format=csv&sql=SELECT+1", "/static/suggest.js", "/nope"} {
		resp, _ := do(t, "GET", base+path)
		h := resp.Header
		if h.Get("X-Content-Type-Options") != "nosniff" || h.Get("X-Frame-Options") != "DENY" || h.Get("Referrer-Policy") != "strict-origin-when-cross-origin" {
			t.Errorf("%s: %v", path, h)
		}
		policy := h.Get("Content-Security-Policy")
		for _, want := range []string{"default-src 'self'", "script-src 'self';", "style-src 'self' 'sha256-", "frame-ancestors 'none'", "object-src 'none'", "base-uri 'none'"} {
			if !strings.Contains(policy, want) {
				t.Errorf("%s: policy %q lacks %q", path, policy, want)
			}
		}
		if strings.Contains(policy, "unsafe-inline") || h.Get("Strict-Transport-Security") != "" {
			t.Errorf("%s: policy %q, HSTS %q over plain http", path, policy, h.Get("Strict-Transport-Security"))
		}
	}
	resp, _ := do(t, "GET", base+"/", "X-Forwarded-Proto", "https")
	if got := resp.Header.Get("Strict-Transport-Security"); got != "max-age=31536000; includeSubDomains" {
		t.Errorf("HSTS behind a TLS proxy: %q", got)
	}
	seen := drive(t, []pagePlan{{URL: base + "/"}, {URL: base + "/datasets/population"}, {URL: base + "/search?q=population"},
		{URL: base + "/kpis/egdi_score"}, {URL: base + "/query?sql=SELECT+1"}, {URL: base + "/organizations"}})
	for _, p := range seen {
		if p.Status != 200 || len(p.Console) > 0 {
			t.Errorf("%s: status %d, console %v", p.URL, p.Status, p.Console)
		}
	}
}

// CSV downloads neutralise text cells a spreadsheet would run as a formula
// (OWASP: =, +, -, @, tab, CR first) with an apostrophe; numbers stay
// numbers; raw=true gives programs the cells as they are.
func TestCSVFormulaCells(t *testing.T) {
	base := bundledCatalog(t)
	sql := `SELECT * FROM (VALUES ('=1+1', -5), ('+cmd', 1), ('-2+3', 2), ('@SUM(A1)', 3), (chr(9) || 'tab', 4), (chr(13) || 'cr', 5), ('plain', -6.5)) AS t(text, n)`
	get := func(raw string) string {
		_, body := do(t, "GET", base+"/api/v1/query?"+url.Values{"format": {"csv"}, "sql": {sql}, "raw": {raw}}.Encode())
		return string(body)
	}
	// n is DECIMAL(2,1) (VALUES unify -5 and -6.5), written with its scale.
	want := "text,n\n'=1+1,-5.0\n'+cmd,1.0\n'-2+3,2.0\n'@SUM(A1),3.0\n'\ttab,4.0\n\"'\rcr\",5.0\nplain,-6.5\n"
	if got := get(""); got != want {
		t.Errorf("CSV:\n%q\nwant\n%q", got, want)
	}
	if got := get("true"); got != "text,n\n=1+1,-5.0\n+cmd,1.0\n-2+3,2.0\n@SUM(A1),3.0\n\"\ttab\",4.0\n\"\rcr\",5.0\nplain,-6.5\n" {
		t.Errorf("CSV raw=true:\n%q", got)
	}
}
