package s3

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"govlake/internal/govlake"
	"govlake/internal/storetest"
	"govlake/internal/vgwtest"
)

var discard = slog.New(slog.NewTextHandler(io.Discard, nil))

func newStore(t *testing.T, storeURL string, edit func(*Config)) *Store {
	t.Helper()
	cfg, err := ParseURL(storeURL)
	if err != nil {
		t.Fatal(err)
	}
	if edit != nil {
		edit(&cfg)
	}
	s, err := New(context.Background(), cfg, discard)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func bucketStore(t *testing.T, srv *vgwtest.Server, prefix string) *Store {
	t.Helper()
	s := newStore(t, srv.URL(srv.Bucket("contract"), prefix), nil)
	if err := s.CreateBucket(context.Background()); err != nil {
		t.Fatal(err)
	}
	return s
}

func TestContract(t *testing.T) {
	srv := vgwtest.Start(t)
	t.Run("bucket root", func(t *testing.T) {
		storetest.Run(t, func(t *testing.T) govlake.Store { return bucketStore(t, srv, "") })
	})
	t.Run("under a prefix", func(t *testing.T) {
		storetest.Run(t, func(t *testing.T) govlake.Store { return bucketStore(t, srv, "ministry/lake") })
	})
}

func TestParseURL(t *testing.T) {
	c, err := ParseURL("s3://data/gov/lake?endpoint=http://127.0.0.1:7070&region=ap-southeast-1&attempts=3&timeout=5s")
	if err != nil {
		t.Fatal(err)
	}
	if c.Bucket != "data" || c.Prefix != "gov/lake/" || c.Endpoint != "http://127.0.0.1:7070" || c.Region != "ap-southeast-1" || c.MaxAttempts != 3 || c.Timeout != 5*time.Second {
		t.Errorf("%+v", c)
	}
	for _, bad := range []string{"s3://", "http://x/y", "s3://b?endpoint=ftp://x", "s3://b?endpont=http://x", "s3://b?attempts=0", "s3://b?timeout=soon"} {
		if _, err := ParseURL(bad); govlake.ErrorCode(err) != govlake.EINVALID {
			t.Errorf("ParseURL(%q): %v", bad, err)
		}
	}
}

func TestConditionalCreateHonoured(t *testing.T) {
	srv := vgwtest.Start(t)
	s := bucketStore(t, srv, "")
	ok, err := s.ProbeConditional(context.Background())
	if err != nil || !ok {
		t.Fatalf("versitygw should honour If-None-Match: %v %v", ok, err)
	}
	objs, _ := s.List(context.Background(), "")
	if len(objs) != 0 {
		t.Errorf("probe left %v", objs)
	}
}

// On a server that ignores If-None-Match the fallback still refuses a
// second create of a key that exists (it cannot close a true race).
func TestFallbackCreate(t *testing.T) {
	srv := vgwtest.Start(t)
	s := bucketStore(t, srv, "")
	s.conditional = false
	ctx := context.Background()
	if err := s.Create(ctx, "m.json", strings.NewReader("first")); err != nil {
		t.Fatal(err)
	}
	if err := s.Create(ctx, "m.json", strings.NewReader("second")); govlake.ErrorCode(err) != govlake.ECONFLICT {
		t.Fatalf("second create: %v", err)
	}
	rc, _ := s.Get(ctx, "m.json")
	b, _ := io.ReadAll(rc)
	rc.Close()
	if string(b) != "first" {
		t.Fatalf("content %q", b)
	}
}

func TestWrongCredentials(t *testing.T) {
	srv := vgwtest.Start(t)
	good := bucketStore(t, srv, "")
	t.Setenv("AWS_SECRET_ACCESS_KEY", "not-the-secret-1234")
	s := newStore(t, srv.URL(good.cfg.Bucket, ""), nil)
	err := s.Check(context.Background())
	msg := err.Error()
	if govlake.ErrorCode(err) != govlake.EUNAVAILABLE || !strings.Contains(msg, srv.Endpoint) || !strings.Contains(msg, good.cfg.Bucket) ||
		!strings.Contains(msg, "refused the credentials") || strings.Contains(msg, "not-the-secret-1234") {
		t.Fatalf("error %q: want one naming endpoint and bucket, without the secret", msg)
	}
	_, err = s.Get(context.Background(), "x")
	if strings.Contains(err.Error(), "not-the-secret") {
		t.Fatal("secret printed")
	}
}

func TestMissingBucket(t *testing.T) {
	srv := vgwtest.Start(t)
	s := newStore(t, srv.URL("no-such-bucket", ""), nil)
	err := s.Check(context.Background())
	if err == nil || !strings.Contains(err.Error(), "no-such-bucket") {
		t.Fatalf("error %v", err)
	}
}

func TestServerDown(t *testing.T) {
	srv := vgwtest.Start(t)
	s := newStore(t, srv.URL(srv.Bucket("down"), ""), func(c *Config) { c.MaxAttempts, c.MaxBackoff = 3, 100*time.Millisecond })
	if err := s.CreateBucket(context.Background()); err != nil {
		t.Fatal(err)
	}
	srv.Stop()
	start := time.Now()
	err := s.Put(context.Background(), "a/b", strings.NewReader("x"))
	if govlake.ErrorCode(err) != govlake.EUNAVAILABLE || !strings.Contains(err.Error(), "failed after 3 tries") || !strings.Contains(err.Error(), "connection refused") {
		t.Fatalf("error %v", err)
	}
	if d := time.Since(start); d > 10*time.Second {
		t.Errorf("gave up after %v", d)
	}
	srv.Restart()
	if err := s.Put(context.Background(), "a/b", strings.NewReader("x")); err != nil {
		t.Fatalf("after restart: %v", err)
	}
}

// flaky answers 503 to the first failures requests, then passes them on.
func flaky(t *testing.T, endpoint string, failures int32, delay time.Duration) (*httptest.Server, *atomic.Int32) {
	target, _ := url.Parse(endpoint)
	rp := httputil.NewSingleHostReverseProxy(target)
	var n atomic.Int32
	p := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		i := n.Add(1)
		if delay > 0 {
			select {
			case <-time.After(delay):
			case <-r.Context().Done():
				return
			}
		}
		if i <= failures {
			http.Error(w, "<Error><Code>ServiceUnavailable</Code><Message>busy</Message></Error>", http.StatusServiceUnavailable)
			return
		}
		rp.ServeHTTP(w, r)
	}))
	t.Cleanup(p.Close)
	return p, &n
}

func TestRetriesFlakyServer(t *testing.T) {
	srv := vgwtest.Start(t)
	bucket := srv.Bucket("flaky")
	if err := newStore(t, srv.URL(bucket, ""), nil).CreateBucket(context.Background()); err != nil {
		t.Fatal(err)
	}
	p, n := flaky(t, srv.Endpoint, 2, 0)
	s := newStore(t, "s3://"+bucket+"?endpoint="+p.URL, func(c *Config) { c.MaxBackoff = 50 * time.Millisecond })
	if err := s.Put(context.Background(), "k", strings.NewReader("v")); err != nil {
		t.Fatalf("put through a server failing twice: %v", err)
	}
	if got := n.Load(); got != 3 {
		t.Errorf("%d requests, want 3 (two 503s, then success)", got)
	}
	// Always failing: bounded tries, then a clear error.
	p2, n2 := flaky(t, srv.Endpoint, 1000, 0)
	s2 := newStore(t, "s3://"+bucket+"?endpoint="+p2.URL, func(c *Config) { c.MaxAttempts, c.MaxBackoff = 4, 20*time.Millisecond })
	err := s2.Put(context.Background(), "k", strings.NewReader("v"))
	if govlake.ErrorCode(err) != govlake.EUNAVAILABLE || n2.Load() != 4 {
		t.Errorf("error %v after %d requests, want unavailable after 4", err, n2.Load())
	}
}

func TestSlowServerTimesOut(t *testing.T) {
	srv := vgwtest.Start(t)
	p, _ := flaky(t, srv.Endpoint, 0, 3*time.Second)
	s := newStore(t, "s3://slow?endpoint="+p.URL, func(c *Config) { c.Timeout, c.MaxAttempts, c.MaxBackoff = 300*time.Millisecond, 2, 10*time.Millisecond })
	start := time.Now()
	_, err := s.Get(context.Background(), "k")
	if c := govlake.ErrorCode(err); c != govlake.ETIMEOUT || !strings.Contains(err.Error(), "timeout awaiting response headers") {
		t.Fatalf("error %v (%s)", err, c)
	}
	if d := time.Since(start); d > 2*time.Second {
		t.Errorf("took %v: the response timeout did not bound it", d)
	}
}

// zeros is a non-seekable reader of n bytes, like a pipe.
type zeros struct{ left int64 }

func (z *zeros) Read(p []byte) (int, error) {
	if z.left <= 0 {
		return 0, io.EOF
	}
	if int64(len(p)) > z.left {
		p = p[:z.left]
	}
	for i := range p {
		p[i] = byte(i)
	}
	z.left -= int64(len(p))
	return len(p), nil
}

// A large upload streams in parts: the heap stays near a few parts.
func TestLargeUploadStreams(t *testing.T) {
	srv := vgwtest.Start(t)
	s := bucketStore(t, srv, "")
	const size = 256 << 20
	var peak atomic.Uint64
	stop := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		var m runtime.MemStats
		for {
			select {
			case <-stop:
				return
			case <-time.After(20 * time.Millisecond):
				runtime.ReadMemStats(&m)
				if m.HeapInuse > peak.Load() {
					peak.Store(m.HeapInuse)
				}
			}
		}
	}()
	err := s.Put(context.Background(), "big/part-00000.parquet", &zeros{left: size})
	close(stop)
	wg.Wait()
	if err != nil {
		t.Fatal(err)
	}
	objs, _ := s.List(context.Background(), "big/")
	if len(objs) != 1 || objs[0].Size != size {
		t.Fatalf("stored %v", objs)
	}
	if p := peak.Load(); p > 96<<20 {
		t.Errorf("heap in use peaked at %d MB uploading %d MB", p>>20, size>>20)
	} else {
		t.Logf("heap in use peaked at %d MB uploading %d MB", p>>20, size>>20)
	}
	rc, _ := s.Get(context.Background(), "big/part-00000.parquet")
	head := make([]byte, 4)
	io.ReadFull(rc, head)
	rc.Close()
	if !bytes.Equal(head, []byte{0, 1, 2, 3}) {
		t.Errorf("content %v", head)
	}
}
