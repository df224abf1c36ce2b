package main

import (
	"context"
	"io/fs"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

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
