package main

import (
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"os"
	"os/exec"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"govlake/internal/govlake"
	"govlake/internal/s3"
	"govlake/internal/vgwtest"
	"govlake/internal/wire"
)

// TestMain lets the test binary act as the ingest command, so tests can
// start real, separate ingest processes.
func TestMain(m *testing.M) {
	if os.Getenv("GOVLAKE_AS_INGEST") == "1" {
		main()
		return
	}
	os.Exit(m.Run())
}

func s3Bucket(t *testing.T, srv *vgwtest.Server, name string) string {
	t.Helper()
	u := srv.URL(srv.Bucket(name), "lake")
	cfg, _ := s3.ParseURL(u)
	st, err := s3.New(context.Background(), cfg, discardLogger())
	if err != nil {
		t.Fatal(err)
	}
	if err := st.CreateBucket(context.Background()); err != nil {
		t.Fatal(err)
	}
	return u
}

func openS3(t *testing.T, u string) govlake.Store {
	t.Helper()
	st, err := wire.OpenStore(context.Background(), u, discardLogger())
	if err != nil {
		t.Fatal(err)
	}
	return st
}

// Two ingest processes race on one dataset in S3, many times: every run
// gets its own version, numbers are contiguous, and each version holds
// exactly its own run's rows.
func TestS3ProcessesRace(t *testing.T) {
	srv := vgwtest.Start(t)
	u := s3Bucket(t, srv, "race")
	const rounds = 8
	var dirs [2]*pipelineDir
	for w := range dirs {
		dirs[w] = newPipeline(t, "shared", "id,name\n", peopleSchema, "")
	}
	for round := 0; round < rounds; round++ {
		var wg sync.WaitGroup
		outs := make([]string, 2)
		for w, p := range dirs {
			// Each writer's source is new each round, so each run must make a version.
			var b strings.Builder
			b.WriteString("id,name\n")
			for i := 0; i <= w; i++ {
				fmt.Fprintf(&b, "%d,round %d writer %d\n", i+1, round, w)
			}
			p.write("data.csv", b.String())
			wg.Add(1)
			go func(w int, dir string) {
				defer wg.Done()
				cmd := exec.Command(os.Args[0], "run", "-pipelines", dir, "-store", u)
				cmd.Env = append(os.Environ(), "GOVLAKE_AS_INGEST=1")
				out, err := cmd.CombinedOutput()
				if err != nil {
					t.Errorf("round %d writer %d: %v\n%s", round, w, err, out)
				}
				outs[w] = string(out)
			}(w, p.dir)
		}
		wg.Wait()
	}
	st := openS3(t, u)
	vs := versions(t, st, "shared")
	if len(vs) != 2*rounds || vs[0] != 1 || vs[len(vs)-1] != 2*rounds {
		t.Fatalf("versions %v, want 1..%d", vs, 2*rounds)
	}
	for _, n := range vs {
		m := manifest(t, st, "shared", n)
		rc, err := st.Get(context.Background(), m.Source.RawKey)
		if err != nil {
			t.Fatal(err)
		}
		raw, _ := io.ReadAll(rc)
		rc.Close()
		if int64(strings.Count(string(raw), "\n")-1) != m.Rows.Valid || m.Files[0].Rows != m.Rows.Valid {
			t.Errorf("version %d: source has %d rows, manifest %d", n, strings.Count(string(raw), "\n")-1, m.Rows.Valid)
		}
	}
}

// cutter proxies to the S3 server until cut, then drops every connection,
// as a server that stops does.
type cutter struct {
	rp  *httputil.ReverseProxy
	cut atomic.Bool
	// cutAfter cuts the line after a request whose path contains it succeeds.
	cutAfter string
}

func (c *cutter) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if c.cut.Load() {
		if hj, ok := w.(http.Hijacker); ok {
			if conn, _, err := hj.Hijack(); err == nil {
				conn.(*net.TCPConn).SetLinger(0)
				conn.Close()
				return
			}
		}
		http.Error(w, "down", http.StatusServiceUnavailable)
		return
	}
	c.rp.ServeHTTP(w, r)
	if c.cutAfter != "" && r.Method == http.MethodPut && strings.Contains(r.URL.Path, c.cutAfter) {
		c.cut.Store(true)
	}
}

func TestS3ServerStopsDuringIngest(t *testing.T) {
	srv := vgwtest.Start(t)
	direct := s3Bucket(t, srv, "faults")
	target, _ := url.Parse(srv.Endpoint)
	cut := &cutter{rp: httputil.NewSingleHostReverseProxy(target)}
	proxy := httptest.NewServer(cut)
	defer proxy.Close()
	viaProxy := strings.Replace(direct, srv.Endpoint, proxy.URL, 1) + "&attempts=2"

	p := newPipeline(t, "people", "id,name\n1,Aung\n", peopleSchema, "")
	if code, out, errs := runIngest(t, "run", "-pipelines", p.dir, "-store", viaProxy); code != 0 {
		t.Fatalf("v1: %s %s", out, errs)
	}
	// The server goes away right after the data file of version 2 is uploaded.
	p.write("data.csv", "id,name\n1,Aung\n2,Mya\n")
	cut.cutAfter = "/part-00000.parquet"
	code, out, _ := runIngest(t, "run", "-pipelines", p.dir, "-store", viaProxy)
	if code != 1 || !strings.Contains(out, " failed ") || !strings.Contains(out, proxy.URL) {
		t.Fatalf("exit %d, want a failed run naming the endpoint:\n%s", code, out)
	}
	// Seen directly: no manifest for the new version, version 1 intact.
	st := openS3(t, direct)
	if vs := versions(t, st, "people"); len(vs) != 1 || vs[0] != 1 {
		t.Fatalf("versions %v", vs)
	}
	if m := manifest(t, st, "people", 1); m.Rows.Valid != 1 {
		t.Fatalf("v1 %+v", m.Rows)
	}
	// The server is back: the next run succeeds and is the latest version.
	cut.cutAfter = ""
	cut.cut.Store(false)
	code, out, _ = runIngest(t, "run", "-pipelines", p.dir, "-store", viaProxy)
	if code != 0 || !strings.Contains(out, "succeeded") {
		t.Fatalf("after the server came back: exit %d\n%s", code, out)
	}
	latest, err := govlake.LatestManifest(context.Background(), st, "people")
	if err != nil || latest.Rows.Valid != 2 {
		t.Fatalf("latest %+v %v", latest, err)
	}
}

func TestS3WrongCredentials(t *testing.T) {
	srv := vgwtest.Start(t)
	u := s3Bucket(t, srv, "creds")
	t.Setenv("AWS_SECRET_ACCESS_KEY", "wrong-secret-value-42")
	p := newPipeline(t, "people", "id,name\n1,Aung\n", peopleSchema, "")
	code, out, errs := runIngest(t, "run", "-pipelines", p.dir, "-store", u)
	all := out + errs
	bucket := strings.SplitN(u, "/", 4)[2]
	if code != 1 || !strings.Contains(all, srv.Endpoint) || !strings.Contains(all, bucket) || strings.Contains(all, "wrong-secret-value-42") {
		t.Fatalf("exit %d: %s", code, all)
	}
	if !strings.Contains(all, "refused the credentials") {
		t.Errorf("message does not say what is wrong: %s", all)
	}
}
