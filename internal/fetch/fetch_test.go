package fetch

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"govlake/internal/govlake"
)

func testFetcher(env map[string]string) (*Fetcher, *[]time.Duration) {
	f := NewFetcher(slog.New(slog.NewTextHandler(io.Discard, nil)))
	var waits []time.Duration
	f.Sleep = func(ctx context.Context, d time.Duration) error { waits = append(waits, d); return nil }
	f.Getenv = func(k string) string { return env[k] }
	f.Trusted = []netip.Prefix{netip.MustParsePrefix("127.0.0.1/32")} // the test servers
	return f, &waits
}

func body(t *testing.T, got *govlake.Fetched) string {
	t.Helper()
	b, err := io.ReadAll(got.Body)
	got.Body.Close()
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func TestFetchRetriesThenSucceeds(t *testing.T) {
	var n atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if n.Add(1) <= 2 {
			http.Error(w, "busy", http.StatusBadGateway)
			return
		}
		io.WriteString(w, "id\n1\n")
	}))
	defer srv.Close()
	f, waits := testFetcher(nil)
	got, err := f.Fetch(context.Background(), govlake.Source{URL: srv.URL}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if body(t, got) != "id\n1\n" || n.Load() != 3 {
		t.Fatalf("%d requests", n.Load())
	}
	// Exponential with jitter: the second wait is drawn from a doubled range.
	if len(*waits) != 2 || (*waits)[0] < 250*time.Millisecond || (*waits)[0] > 500*time.Millisecond ||
		(*waits)[1] < 500*time.Millisecond || (*waits)[1] > time.Second {
		t.Errorf("waits %v", *waits)
	}
}

func TestFetchDoesNotRetryClientErrors(t *testing.T) {
	var n atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n.Add(1)
		http.Error(w, "no such resource", http.StatusNotFound)
	}))
	defer srv.Close()
	f, _ := testFetcher(nil)
	_, err := f.Fetch(context.Background(), govlake.Source{URL: srv.URL + "/x.csv"}, nil)
	if govlake.ErrorCode(err) != govlake.EINVALID || n.Load() != 1 || !strings.Contains(err.Error(), "404 Not Found: no such resource (not retried") {
		t.Fatalf("%v after %d requests", err, n.Load())
	}
}

func TestFetchGivesUp(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {}))
	url := srv.URL
	srv.Close() // nothing listens
	f, waits := testFetcher(nil)
	_, err := f.Fetch(context.Background(), govlake.Source{URL: url}, nil)
	if govlake.ErrorCode(err) != govlake.EUNAVAILABLE || !strings.Contains(err.Error(), "connection refused") || !strings.Contains(err.Error(), "gave up after 4 tries") || len(*waits) != 3 {
		t.Fatalf("%v, waits %v", err, *waits)
	}
}

func TestFetchConditional(t *testing.T) {
	var seen []string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		seen = append(seen, r.Header.Get("If-None-Match")+"|"+r.Header.Get("If-Modified-Since"))
		if r.Header.Get("If-None-Match") == `"v1"` {
			w.WriteHeader(http.StatusNotModified)
			return
		}
		w.Header().Set("ETag", `"v1"`)
		w.Header().Set("Last-Modified", "Mon, 23 Nov 2026 10:00:00 GMT")
		io.WriteString(w, "id\n1\n")
	}))
	defer srv.Close()
	f, _ := testFetcher(nil)
	got, err := f.Fetch(context.Background(), govlake.Source{URL: srv.URL}, nil)
	if err != nil || got.ETag != `"v1"` || got.LastModified != "Mon, 23 Nov 2026 10:00:00 GMT" {
		t.Fatalf("%+v %v", got, err)
	}
	body(t, got)
	got, err = f.Fetch(context.Background(), govlake.Source{URL: srv.URL}, &govlake.SourceInfo{ETag: got.ETag, LastModified: got.LastModified})
	if err != nil || !got.NotModified || got.Body != nil {
		t.Fatalf("%+v %v", got, err)
	}
	if len(seen) != 2 || seen[1] != `"v1"|Mon, 23 Nov 2026 10:00:00 GMT` {
		t.Errorf("requests %q", seen)
	}
}

func TestFetchHeadersFromEnvironment(t *testing.T) {
	var auth string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		auth = r.Header.Get("Authorization")
		io.WriteString(w, "ok")
	}))
	defer srv.Close()
	src := govlake.Source{URL: srv.URL, Headers: map[string]string{"Authorization": "Bearer ${PORTAL_TOKEN}"}}
	f, _ := testFetcher(map[string]string{"PORTAL_TOKEN": "s3cr3t"})
	got, err := f.Fetch(context.Background(), src, nil)
	if err != nil || auth != "Bearer s3cr3t" {
		t.Fatalf("auth %q %v", auth, err)
	}
	body(t, got)
	f, _ = testFetcher(nil)
	_, err = f.Fetch(context.Background(), src, nil)
	if err == nil || !strings.Contains(err.Error(), "needs the environment variable PORTAL_TOKEN, which is not set") {
		t.Fatalf("missing variable: %v", err)
	}
}

func TestFetchRedirectAndSizeLimit(t *testing.T) {
	mux := http.NewServeMux()
	mux.HandleFunc("/old", func(w http.ResponseWriter, r *http.Request) { http.Redirect(w, r, "/new", http.StatusFound) })
	mux.HandleFunc("/new", func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, strings.Repeat("x", 1000)) })
	srv := httptest.NewServer(mux)
	defer srv.Close()
	f, _ := testFetcher(nil)
	got, err := f.Fetch(context.Background(), govlake.Source{URL: srv.URL + "/old"}, nil)
	if err != nil || got.URL != srv.URL+"/new" || len(body(t, got)) != 1000 {
		t.Fatalf("%+v %v", got, err)
	}
	_, err = f.Fetch(context.Background(), govlake.Source{URL: srv.URL + "/old", MaxBytes: 999}, nil)
	if govlake.ErrorCode(err) != govlake.ETOOLARGE {
		t.Fatalf("limit: %v", err)
	}
}
