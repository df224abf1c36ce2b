package main

import (
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"
)

// Each client address has its own budget per class of request; past it
// the answer is 429 with Retry-After, and other classes and other clients
// are not affected. Behind a trusted proxy the client is the last
// X-Forwarded-For address that is not a proxy.
func TestClientRateLimits(t *testing.T) {
	store := bundled.storeOr(t)
	do := func(method, u, xff string) (*http.Response, string) {
		t.Helper()
		req, _ := http.NewRequest(method, u, strings.NewReader("email=a%40b.c&password=x"))
		if method == "POST" {
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		}
		if xff != "" {
			req.Header.Set("X-Forwarded-For", xff)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		var e struct {
			Error struct{ Code, Message string }
		}
		json.NewDecoder(resp.Body).Decode(&e)
		return resp, e.Error.Message
	}
	query := func(base string) string {
		return base + "/api/v1/query?" + url.Values{"sql": {"SELECT count(*) FROM population"}}.Encode()
	}

	base := startCatalog(t, store, "-ip-query-rate", "2", "-ip-write-rate", "0.5", "-ip-page-rate", "0")
	for i := 1; i <= 4; i++ { // a burst of twice the rate
		if resp, msg := do("GET", query(base), "1.2.3.4"); resp.StatusCode != 200 {
			t.Fatalf("query %d: %d %s", i, resp.StatusCode, msg)
		}
	}
	resp, msg := do("GET", query(base), "5.6.7.8") // not a trusted proxy: X-Forwarded-For is ignored
	if resp.StatusCode != 429 || resp.Header.Get("Retry-After") != "1" || msg != "this address sent more than 2 SQL queries a second; wait 1 s" {
		t.Errorf("fifth query: %d Retry-After %q: %s", resp.StatusCode, resp.Header.Get("Retry-After"), msg)
	}
	if resp, _ := do("GET", base+"/datasets/population", ""); resp.StatusCode != 200 {
		t.Errorf("a page after the queries ran out: %d", resp.StatusCode)
	}
	for i, want := range []int{200, 429} { // sign-in attempts are writes: burst 1, a token every 2 s (slow enough for a loaded machine)
		resp, _ := do("POST", base+"/signin", "")
		if got := resp.StatusCode; (got == 429) != (want == 429) {
			t.Errorf("sign-in %d: %d", i+1, got)
		}
	}

	// Behind a trusted proxy, each forwarded client has its own budget.
	proxied := startCatalog(t, store, "-ip-query-rate", "1", "-trusted-proxies", "127.0.0.1")
	for _, client := range []string{"203.0.113.7", "198.51.100.9"} {
		for i := 1; i <= 2; i++ {
			if resp, msg := do("GET", query(proxied), client+", 127.0.0.1"); resp.StatusCode != 200 {
				t.Errorf("%s query %d: %d %s", client, i, resp.StatusCode, msg)
			}
		}
		if resp, _ := do("GET", query(proxied), client); resp.StatusCode != 429 {
			t.Errorf("%s third query: %d, want 429", client, resp.StatusCode)
		}
	}
}
