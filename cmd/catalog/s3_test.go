package main

import (
	"context"
	"io/fs"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	iceberg "github.com/apache/iceberg-go"
	"github.com/apache/iceberg-go/catalog/rest"
	iceio "github.com/apache/iceberg-go/io"
	_ "github.com/apache/iceberg-go/io/gocloud/s3" // s3:// addresses, as engines read them

	"govlake/internal/s3"
	"govlake/internal/vgwtest"
	"govlake/internal/wire"
)

func s3Store(t testing.TB, srv *vgwtest.Server) string {
	t.Helper()
	u := srv.URL(srv.Bucket("catalog"), "lake")
	cfg, _ := s3.ParseURL(u)
	st, err := s3.New(context.Background(), cfg, discard)
	if err != nil {
		t.Fatal(err)
	}
	if err := st.CreateBucket(context.Background()); err != nil {
		t.Fatal(err)
	}
	return u
}

// inodes maps the cache's files to their inode numbers: a fetched-again
// file is a new inode.
func inodes(t *testing.T, dir string) map[string]uint64 {
	out := map[string]uint64{}
	filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			info, _ := d.Info()
			out[p] = info.Sys().(*syscall.Stat_t).Ino
		}
		return nil
	})
	return out
}

// The demo against S3: ingest writes the bundled datasets to a real
// S3-compatible server, the catalogue serves them from it through its cache,
// and the figures are the same as from the local folder.
func TestS3EndToEnd(t *testing.T) {
	srv := vgwtest.Start(t)
	u := s3Store(t, srv)
	store, err := wire.OpenStore(context.Background(), u, discard)
	if err != nil {
		t.Fatal(err)
	}
	ingestDir(t, store, "../../pipelines")
	cache := t.TempDir()
	base := startCatalogURL(t, u, "-cache", cache, "-cache-size", "1GB")
	checkFigures(t, base)

	before := inodes(t, cache)
	if len(before) < 4 {
		t.Fatalf("cache holds %d files after the queries", len(before))
	}
	for p := range before {
		if !strings.HasPrefix(p, cache) || !strings.HasSuffix(p, ".parquet") {
			t.Errorf("unexpected cache file %s", p)
		}
	}
	// Engines read the same datasets as Iceberg tables straight from S3.
	bucket := strings.TrimPrefix(strings.SplitN(u, "?", 2)[0], "s3://")
	checkIceberg(t, base, "s3://"+bucket+"/datasets/", rest.WithAdditionalProps(iceberg.Properties{
		iceio.S3EndpointURL: srv.Endpoint, iceio.S3AccessKeyID: vgwtest.AccessKey, iceio.S3SecretAccessKey: vgwtest.SecretKey, iceio.S3Region: "us-east-1"}))

	// A restarted catalogue uses the copies it has.
	base = startCatalogURL(t, u, "-cache", cache, "-cache-size", "1GB")
	checkFigures(t, base)
	after := inodes(t, cache)
	for p, ino := range before {
		if after[p] != ino {
			t.Errorf("%s was fetched again after a restart", p)
		}
	}
}

// startCatalogURL serves any store URL until the test ends.
func startCatalogURL(t *testing.T, storeURL string, args ...string) string {
	t.Helper()
	return startCatalogArgs(t, append([]string{"-store", storeURL}, args...))
}

// Withdrawing on S3: the version's objects are gone from the bucket, and
// the catalogue's cache forgets its local copies; the other version still
// answers.
func TestS3Withdraw(t *testing.T) {
	srv := vgwtest.Start(t)
	u := s3Store(t, srv)
	store, err := wire.OpenStore(context.Background(), u, discard)
	if err != nil {
		t.Fatal(err)
	}
	moh := newToken(t, u, "moh", "publisher")
	cache := t.TempDir()
	base := startCatalogURL(t, u, "-cache", cache, "-cache-size", "1GB", "-organizations", "../../organizations")
	def := []byte(`{"title": "Dengue cases", "max_invalid_ratio": 0.5, "schema": ` + casesSchema + `}`)
	if code := call(t, "PUT", base+"/api/v1/datasets/dengue", moh, "application/json", def, nil); code != 201 {
		t.Fatalf("define: %d", code)
	}
	for _, body := range []string{"week,township,cases\n2024-W01,Bahan,12\n2024-W01,Hlaing,-1\n", "week,township,cases\n2024-W02,Bahan,15\n"} {
		if code := call(t, "POST", base+"/api/v1/datasets/dengue/versions", moh, "text/csv", []byte(body), nil); code != 201 {
			t.Fatalf("upload: %d", code)
		}
	}
	var res struct{ Rows [][]any }
	getJSON(t, "GET", base+"/api/v1/query?sql="+urlQuery("SELECT sum(cases) FROM dengue__v1"), "", 200, &res) // fetched into the cache
	keys := func(prefix string) []string {
		objs, err := store.List(context.Background(), prefix)
		if err != nil {
			t.Fatal(err)
		}
		var out []string
		for _, o := range objs {
			out = append(out, o.Key)
		}
		return out
	}
	v1 := "datasets/dengue/versions/00000001/"
	if got := keys(v1); !contains(got, v1+"part-00000.parquet") || !contains(got, v1+"rejected.parquet") || len(keys("datasets/dengue/raw/")) != 2 {
		t.Fatalf("before: %v %v", got, keys("datasets/dengue/raw/"))
	}
	cached := func() int {
		n := 0
		filepath.WalkDir(cache, func(p string, d fs.DirEntry, err error) error {
			if err == nil && !d.IsDir() && strings.Contains(filepath.ToSlash(p), "versions/00000001/") {
				n++
			}
			return nil
		})
		return n
	}
	if cached() == 0 {
		t.Fatal("version 1 was not cached, so the test proves nothing about the cache")
	}
	if code := call(t, "POST", base+"/api/v1/datasets/dengue/versions/1/withdraw", moh, "application/json", []byte(`{"reason": "wrong township"}`), nil); code != 200 {
		t.Fatalf("withdraw: %d", code)
	}
	if got := keys(v1); strings.Join(got, " ") != v1+"claim.json "+v1+"manifest.json "+v1+"withdrawn.json" {
		t.Errorf("left in the bucket: %v", got)
	}
	if raws := keys("datasets/dengue/raw/"); len(raws) != 1 {
		t.Errorf("raw sources left: %v", raws)
	}
	var e errJSON
	if code := call(t, "GET", base+"/api/v1/query?sql="+urlQuery("SELECT * FROM dengue__v1"), "", "", nil, &e); code != 410 {
		t.Errorf("version 1: %d", code)
	}
	if n := cached(); n != 0 {
		t.Errorf("%d copies of version 1 left in the cache", n)
	}
	getJSON(t, "GET", base+"/api/v1/query?sql="+urlQuery("SELECT sum(cases) AS n FROM dengue"), "", 200, &res)
	if res.Rows[0][0] != float64(15) {
		t.Errorf("version 2: %v", res.Rows)
	}
}

// /readyz answers 200 while the store can be read and DuckDB runs, and 503
// with the reason once the S3 server is gone; /healthz still answers.
func TestReadyz(t *testing.T) {
	srv := vgwtest.Start(t)
	base := startCatalogURL(t, s3Store(t, srv), "-refresh", "0")
	if resp, body := do(t, "GET", base+"/readyz"); resp.StatusCode != 200 || string(body) != "ready\n" || resp.Header.Get("Cache-Control") != "no-store" {
		t.Fatalf("readyz: %d %q", resp.StatusCode, body)
	}
	srv.Stop()
	resp, body := do(t, "GET", base+"/readyz")
	if resp.StatusCode != 503 || !strings.HasPrefix(string(body), "not ready: ") || strings.Contains(string(body), "dial tcp") {
		t.Errorf("readyz without the store: %d %q", resp.StatusCode, body)
	}
	if resp, _ := do(t, "GET", base+"/healthz"); resp.StatusCode != 200 {
		t.Errorf("healthz: %d", resp.StatusCode)
	}
}
