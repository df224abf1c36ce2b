package main

import (
	"bytes"
	"compress/gzip"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/klauspost/compress/zstd"
)

// do sends a request with headers and returns the answer and its raw body
// (not decompressed: the transport's own gzip handling is off).
func do(t *testing.T, method, u string, headers ...string) (*http.Response, []byte) {
	t.Helper()
	req, _ := http.NewRequest(method, u, nil)
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	resp, err := (&http.Transport{DisableCompression: true}).RoundTrip(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp, b
}

// ETag and Last-Modified answer 304 until the catalogue changes; text
// answers are compressed with gzip or zstd and decompress to the same
// bytes; Parquet is not compressed again; a version's files are cached
// for good; a wrong method gets 405 with Allow.
func TestHTTPCachingAndCompression(t *testing.T) {
	base, moh := siteCatalogTokens(t)
	u := base + "/api/v1/datasets/mm_hospitals"
	first, body := do(t, "GET", u)
	etag, lm := first.Header.Get("ETag"), first.Header.Get("Last-Modified")
	if first.StatusCode != 200 || etag == "" || lm == "" || first.Header.Get("Cache-Control") != "public, max-age=60" {
		t.Fatalf("first answer: %d %v", first.StatusCode, first.Header)
	}
	if again, b := do(t, "GET", u, "If-None-Match", etag); again.StatusCode != 304 || len(b) != 0 {
		t.Errorf("If-None-Match: %d, %d bytes", again.StatusCode, len(b))
	}
	if again, _ := do(t, "GET", u, "If-Modified-Since", lm); again.StatusCode != 304 {
		t.Errorf("If-Modified-Since: %d", again.StatusCode)
	}
	if other, _ := do(t, "GET", base+"/api/v1/datasets/beds", "If-None-Match", etag); other.StatusCode != 200 {
		t.Errorf("another URL with this ETag: %d", other.StatusCode)
	}
	if code := call(t, "POST", base+"/api/v1/datasets/mm_hospitals/versions", moh, "text/csv", []byte("township,beds\nBahan,121\n"), nil); code != 201 {
		t.Fatalf("new version: %d", code)
	}
	changed, newBody := do(t, "GET", u, "If-None-Match", etag)
	if changed.StatusCode != 200 || changed.Header.Get("ETag") == etag || bytes.Equal(body, newBody) {
		t.Errorf("after a new version: %d, ETag %s", changed.StatusCode, changed.Header.Get("ETag"))
	}

	csvURL := base + "/api/v1/query?format=csv&sql=" + url.QueryEscape("SELECT * FROM range(20000) t(n)")
	_, plain := do(t, "GET", csvURL)
	gz, gzBody := do(t, "GET", csvURL, "Accept-Encoding", "gzip")
	zr, err := gzip.NewReader(bytes.NewReader(gzBody))
	if err != nil || gz.Header.Get("Content-Encoding") != "gzip" || !strings.Contains(strings.Join(gz.Header.Values("Vary"), ","), "Accept-Encoding") {
		t.Fatalf("gzip: %v %v", err, gz.Header)
	}
	unzipped, _ := io.ReadAll(zr)
	if !bytes.Equal(unzipped, plain) || len(gzBody)*2 > len(plain) {
		t.Errorf("gzip: %d bytes for %d, equal after %v", len(gzBody), len(plain), bytes.Equal(unzipped, plain))
	}
	zs, zsBody := do(t, "GET", csvURL, "Accept-Encoding", "gzip, zstd")
	dec, _ := zstd.NewReader(nil)
	unz, err := dec.DecodeAll(zsBody, nil)
	if zs.Header.Get("Content-Encoding") != "zstd" || err != nil || !bytes.Equal(unz, plain) {
		t.Errorf("zstd: %s, %v, equal %v", zs.Header.Get("Content-Encoding"), err, bytes.Equal(unz, plain))
	}
	t.Logf("CSV of 20,000 rows: %d bytes, gzip %d, zstd %d", len(plain), len(gzBody), len(zsBody))
	pq, _ := do(t, "GET", base+"/api/v1/datasets/mm_hospitals/versions/1/files/0", "Accept-Encoding", "gzip")
	if pq.Header.Get("Content-Encoding") != "" || pq.Header.Get("Cache-Control") != "public, max-age=31536000, immutable" {
		t.Errorf("a Parquet file: %v", pq.Header)
	}
	// Behind a proxy, the snippets name the address people use.
	if _, page := do(t, "GET", base+"/datasets/beds", "X-Forwarded-Proto", "https", "X-Forwarded-Host", "data.gov.example"); !strings.Contains(string(page), "https://data.gov.example/api/v1/query?format=csv") {
		t.Error("the snippets ignore X-Forwarded-Proto and X-Forwarded-Host")
	}
	if wrong, _ := do(t, "PUT", base+"/api/v1/search"); wrong.StatusCode != 405 || !strings.Contains(wrong.Header.Get("Allow"), "GET") {
		t.Errorf("a wrong method: %d, Allow %q", wrong.StatusCode, wrong.Header.Get("Allow"))
	}
}

// Another origin may read the API (a real fetch from a page on another
// port, in chromium) but not write to it; the preflight says so.
func TestCORS(t *testing.T) {
	base, _ := siteCatalogTokens(t)
	pre, _ := do(t, "OPTIONS", base+"/api/v1/search", "Origin", "https://portal.example", "Access-Control-Request-Method", "GET")
	if pre.StatusCode != 204 || pre.Header.Get("Access-Control-Allow-Origin") != "*" {
		t.Errorf("a read's preflight: %d %v", pre.StatusCode, pre.Header)
	}
	put, _ := do(t, "OPTIONS", base+"/api/v1/datasets/x", "Origin", "https://portal.example", "Access-Control-Request-Method", "PUT")
	if put.Header.Get("Access-Control-Allow-Origin") != "" {
		t.Errorf("a write's preflight is allowed: %v", put.Header)
	}
	// Configured origins: one portal reads, one admin page also writes.
	own := startCatalog(t, t.TempDir(), "-cors-origins", "https://portal.example", "-cors-write-origins", "https://admin.example")
	for _, tc := range []struct{ origin, method, want string }{
		{"https://portal.example", "GET", "https://portal.example"},
		{"https://elsewhere.example", "GET", ""},
		{"https://portal.example", "PUT", ""},
		{"https://admin.example", "PUT", "https://admin.example"},
	} {
		r, _ := do(t, "OPTIONS", own+"/api/v1/datasets/x", "Origin", tc.origin, "Access-Control-Request-Method", tc.method)
		if got := r.Header.Get("Access-Control-Allow-Origin"); got != tc.want {
			t.Errorf("%s %s: allowed %q, want %q", tc.origin, tc.method, got, tc.want)
		}
	}

	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	page := fmt.Sprintf(`<!doctype html><html lang="en"><title>portal</title><main><p id="out">waiting</p></main>
<script>fetch(%q).then(r => r.json()).then(a => { const p = document.getElementById('out'); p.textContent = 'count ' + a.count; p.id = 'done'; })
.catch(e => { document.getElementById('out').textContent = 'blocked ' + e; });</script>`, base+"/api/v1/search?q=hospital")
	srv := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		io.WriteString(w, page)
	})}
	go srv.Serve(ln)
	t.Cleanup(func() { srv.Close() })
	seen := drive(t, []pagePlan{{URL: "http://" + ln.Addr().String() + "/", Steps: []step{{Attached: "#done"}}}})
	if !strings.Contains(seen[0].HTML, `<p id="done">count 2</p>`) {
		t.Errorf("a page on another origin: %s %.300s", seen[0].Error, seen[0].HTML)
	}
}

// HEAD answers with a GET's headers and no body; a streamed query stops at
// its first row instead of being computed to the end, and the connection
// stays usable.
func TestHead(t *testing.T) {
	base := bundledCatalog(t)
	client := &http.Client{Transport: &http.Transport{DisableCompression: true}}
	for path, ct := range map[string]string{
		"/api/v1/query?format=csv&sql=" + url.QueryEscape("SELECT * FROM population"):     "text/csv; charset=utf-8",
		"/api/v1/query?format=parquet&sql=" + url.QueryEscape("SELECT * FROM population"): "application/vnd.apache.parquet",
		"/datasets/population.ttl": "text/turtle; charset=utf-8",
		"/api/v1/datasets":         "application/json",
	} {
		req, _ := http.NewRequest("HEAD", base+path, nil)
		resp, err := client.Do(req)
		if err != nil {
			t.Fatalf("HEAD %s: %v", path, err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != 200 || resp.Header.Get("Content-Type") != ct || len(body) != 0 {
			t.Errorf("HEAD %s: %d %q, %d bytes", path, resp.StatusCode, resp.Header.Get("Content-Type"), len(body))
		}
		get, err := client.Get(base + "/api/v1/datasets/population")
		if err != nil || get.StatusCode != 200 {
			t.Fatalf("GET after HEAD %s: %v", path, err)
		}
		get.Body.Close()
	}
}
