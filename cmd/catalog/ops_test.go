package main

import (
	"bufio"
	"crypto/tls"
	"encoding/json"
	"io"
	"net/http"
	"os"
	"regexp"
	"strings"
	"testing"
	"time"
)

// With -log-format json every request is one JSON line with its id, which
// the answer's X-Request-Id repeats (a proxy's id is kept).
func TestJSONLogsWithRequestIDs(t *testing.T) {
	p := startCatalogProcess(t, bundled.storeOr(t), "-log-format", "json")
	req, _ := http.NewRequest("GET", p.url+"/datasets/population", nil)
	req.Header.Set("X-Request-Id", "proxy-7f3a.1")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	resp2, err := http.Get(p.url + "/no/such/page")
	if err != nil {
		t.Fatal(err)
	}
	resp2.Body.Close()
	made := resp2.Header.Get("X-Request-Id")
	if resp.Header.Get("X-Request-Id") != "proxy-7f3a.1" || !regexp.MustCompile(`^[0-9a-f]{16}$`).MatchString(made) {
		t.Fatalf("request ids %q and %q", resp.Header.Get("X-Request-Id"), made)
	}
	want := map[string]map[string]any{
		"proxy-7f3a.1": {"msg": "request", "level": "INFO", "method": "GET", "path": "/datasets/population", "route": "GET /datasets/{id}", "status": float64(200), "client": "127.0.0.1"},
		made:           {"msg": "request", "path": "/no/such/page", "route": "other", "status": float64(404)},
	}
	waitFor(t, 5*time.Second, func() bool {
		f, _ := os.Open(p.log)
		defer f.Close()
		found := 0
		sc := bufio.NewScanner(f)
		for sc.Scan() {
			var line map[string]any
			if err := json.Unmarshal(sc.Bytes(), &line); err != nil {
				t.Fatalf("a log line that is not JSON: %s", sc.Text())
			}
			id, _ := line["request_id"].(string)
			if fields, ok := want[id]; ok {
				for k, v := range fields {
					if line[k] != v {
						t.Errorf("request %s: %s = %v, want %v", id, k, line[k], v)
					}
				}
				found++
			}
		}
		return found == 2
	}, "both requests in the JSON log")
}

// With -tls-cert and -tls-key the catalogue speaks HTTPS and says so with
// HSTS; a key that is not one is an error at start naming the files.
func TestTLS(t *testing.T) {
	certFile, keyFile, pool := selfSigned(t)
	base := strings.Replace(startCatalog(t, bundled.storeOr(t), "-tls-cert", certFile, "-tls-key", keyFile), "http://", "https://", 1)
	client := &http.Client{Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool}}}
	resp, err := client.Get(base + "/healthz")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 200 || resp.TLS == nil || !strings.HasPrefix(resp.Header.Get("Strict-Transport-Security"), "max-age=") {
		t.Errorf("HTTPS: %d, TLS %v, HSTS %q", resp.StatusCode, resp.TLS != nil, resp.Header.Get("Strict-Transport-Security"))
	}
	var stderr strings.Builder
	code := Main(t.Context(), []string{"-store", t.TempDir(), "-addr", "127.0.0.1:0", "-tls-cert", keyFile, "-tls-key", keyFile}, io.Discard, &stderr, nil)
	if code != 1 || !strings.Contains(stderr.String(), "-tls-cert "+keyFile+" and -tls-key "+keyFile+": not a certificate and its key in PEM") {
		t.Errorf("a key as certificate: exit %d: %s", code, stderr.String())
	}
}
