package main

import (
	"crypto/sha256"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"govlake/internal/govlake"
)

// A ministry's web server: it serves one CSV with an ETag, can fail, hang,
// or demand a token.
type webSource struct {
	body     atomic.Value // string
	requests atomic.Int32
	failures atomic.Int32 // answer 503 this many more times
	hang     atomic.Bool
	token    string
}

func (s *webSource) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	s.requests.Add(1)
	if s.hang.Load() {
		<-r.Context().Done()
		return
	}
	if s.failures.Add(-1) >= 0 {
		http.Error(w, "maintenance", http.StatusServiceUnavailable)
		return
	}
	if s.token != "" && r.Header.Get("Authorization") != "Bearer "+s.token {
		http.Error(w, "who are you", http.StatusUnauthorized)
		return
	}
	b := s.body.Load().(string)
	etag := fmt.Sprintf(`"%x"`, sha256.Sum256([]byte(b)))
	if r.Header.Get("If-None-Match") == etag {
		w.WriteHeader(http.StatusNotModified)
		return
	}
	w.Header().Set("ETag", etag)
	io.WriteString(w, b)
}

func TestHTTPSource(t *testing.T) {
	web := &webSource{token: "t0ken"}
	web.body.Store("id,name\n1,Aung\n")
	srv := httptest.NewServer(web)
	defer srv.Close()
	t.Setenv("MOH_TOKEN", "t0ken")
	store := t.TempDir()
	p := newPipeline(t, "people", "", peopleSchema, "")
	p.write("people.yaml", strings.Replace(p.yaml, "url: data.csv", "url: "+srv.URL+"/people.csv\n  allow_private_network: true\n  headers:\n    Authorization: \"Bearer ${MOH_TOKEN}\"", 1))
	run := func() (int, string) {
		code, out, _ := runIngest(t, "run", "-pipelines", p.dir, "-store", store)
		return code, out
	}

	// Fails twice, then answers: retried, and the run succeeds.
	web.failures.Store(2)
	if code, out := run(); code != 0 || !strings.Contains(out, "succeeded  v1") || web.requests.Load() != 3 {
		t.Fatalf("exit %d after %d requests: %s", code, web.requests.Load(), out)
	}
	// Unchanged on the server: one conditional request, a 304, no version.
	web.requests.Store(0)
	if code, out := run(); code != 0 || !strings.Contains(out, "unchanged  v1") || web.requests.Load() != 1 {
		t.Fatalf("exit %d after %d requests: %s", code, web.requests.Load(), out)
	}
	s := testStore(t, store)
	if vs := versions(t, s, "people"); len(vs) != 1 {
		t.Fatalf("versions %v", vs)
	}
	// Changed on the server: version 2, with the ETag kept for next time.
	web.body.Store("id,name\n1,Aung\n2,Mya\n")
	if code, out := run(); code != 0 || !strings.Contains(out, "succeeded  v2     valid=2") {
		t.Fatalf("exit %d: %s", code, out)
	}
	if m := manifest(t, s, "people", 2); m.Source.ETag == "" || m.Source.URL != srv.URL+"/people.csv" {
		t.Errorf("source %+v", m.Source)
	}
	// A wrong token is a 4xx: not retried, a clear failure.
	t.Setenv("MOH_TOKEN", "wrong")
	web.requests.Store(0)
	if code, out := run(); code != 1 || web.requests.Load() != 1 || !strings.Contains(out, "401 Unauthorized") {
		t.Fatalf("exit %d after %d requests: %s", code, web.requests.Load(), out)
	}
	t.Setenv("MOH_TOKEN", "t0ken")
}

func TestHTTPSourceThatHangs(t *testing.T) {
	web := &webSource{}
	web.body.Store("id,name\n1,Aung\n")
	web.hang.Store(true)
	srv := httptest.NewServer(web)
	defer srv.Close()
	store := t.TempDir()
	p := newPipeline(t, "people", "", peopleSchema, "timeout: 500ms\n")
	p.write("people.yaml", strings.Replace(p.yaml, "url: data.csv", "url: "+srv.URL+"/people.csv\n  allow_private_network: true", 1))
	start := time.Now()
	code, out, _ := runIngest(t, "run", "-pipelines", p.dir, "-store", store)
	if code != 1 || !strings.Contains(out, "stopped at its timeout of 500ms") {
		t.Fatalf("exit %d: %s", code, out)
	}
	// The message names the URL and says what happened, in words.
	if !strings.Contains(out, "get "+srv.URL+"/people.csv: no answer before the run's time ran out") || strings.Contains(out, "internal error") {
		t.Errorf("the timeout does not say where: %s", out)
	}
	if d := time.Since(start); d > 5*time.Second {
		t.Errorf("took %v", d)
	}
	// The next run, with the server answering, proceeds. (Its timeout is
	// raised: 500 ms is too tight for a whole run on a busy machine.)
	web.hang.Store(false)
	p.write("people.yaml", strings.Replace(strings.Replace(p.yaml, "url: data.csv", "url: "+srv.URL+"/people.csv\n  allow_private_network: true", 1), "timeout: 500ms", "timeout: 60s", 1))
	if code, out, _ := runIngest(t, "run", "-pipelines", p.dir, "-store", store); code != 0 || !strings.Contains(out, "succeeded  v1") {
		t.Fatalf("exit %d: %s", code, out)
	}
	rs := runs(t, testStore(t, store), "people")
	if len(rs) != 2 || rs[0].Status != govlake.RunFailed || rs[1].Status != govlake.RunSucceeded {
		t.Errorf("runs %+v", rs)
	}
}

// A pipeline pointed at the cloud metadata service (or anything else that
// is not on the public internet) fails before a packet is sent, with a run
// record saying why and what to change; no version is made.
func TestHTTPSourceRefusesMetadataAddress(t *testing.T) {
	store := t.TempDir()
	p := newPipeline(t, "people", "", peopleSchema, "")
	p.write("people.yaml", strings.Replace(p.yaml, "url: data.csv", "url: http://169.254.169.254/latest/meta-data/iam/security-credentials/\n  format: csv", 1))
	code, out, _ := runIngest(t, "run", "-pipelines", p.dir, "-store", store)
	want := "get http://169.254.169.254/latest/meta-data/iam/security-credentials/: 169.254.169.254 is a link-local address (where cloud metadata services answer): refused; set allow_private_network: true in the pipeline's source if it must be fetched from there"
	if code != 1 || !strings.Contains(out, want) {
		t.Fatalf("exit %d: %s\nwant %q", code, out, want)
	}
	if _, err := os.Stat(filepath.Join(store, "datasets", "people", "versions")); err == nil {
		t.Errorf("a version folder was made")
	}
	if runs, _ := os.ReadDir(filepath.Join(store, "runs", "people")); len(runs) != 1 {
		t.Errorf("%d run records, want 1", len(runs))
	}
}
