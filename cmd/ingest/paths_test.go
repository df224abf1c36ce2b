package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// Nothing stored names a source by its path on the server: manifests and
// run records (which pages and the API show) name it relative to the
// pipeline file, and so do messages about it.
func TestNoServerPathsStored(t *testing.T) {
	store := t.TempDir()
	p := newPipeline(t, "people", "id,name\n1,Aung\n", peopleSchema, "")
	if code, out, errs := runIngest(t, "run", "-pipelines", p.dir, "-store", store); code != 0 {
		t.Fatalf("%s%s", out, errs)
	}
	if m := manifest(t, testStore(t, store), "people", 1); m.Source.URL != "data.csv" {
		t.Errorf("the manifest names the source %q, want data.csv", m.Source.URL)
	}
	p.write("people.yaml", strings.Replace(p.yaml, "url: data.csv", "url: ../elsewhere/missing.csv", 1))
	code, out, _ := runIngest(t, "run", "-pipelines", p.dir, "-store", store)
	if want := "source file ../elsewhere/missing.csv does not exist; check source.url"; code == 0 || !strings.Contains(out, want) {
		t.Errorf("exit %d: %s\nwant %q", code, out, want)
	}
	if strings.Contains(out, p.dir) || strings.Contains(out, filepath.Dir(p.dir)) {
		t.Errorf("the output names a server path: %s", out)
	}
	filepath.WalkDir(store, func(path string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(path, ".json") {
			return err
		}
		// The store itself is under the same temporary folder, and Iceberg
		// metadata names the store's files by address (its spec wants
		// absolute ones): only the sources' folders are checked.
		b, _ := os.ReadFile(path)
		if strings.Contains(string(b), p.dir) || strings.Contains(string(b), filepath.Join(filepath.Dir(p.dir), "elsewhere")) {
			t.Errorf("%s names a server path:\n%s", strings.TrimPrefix(path, store), b)
		}
		return nil
	})
}
