package main

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"govlake/internal/govlake"
	"govlake/internal/wire"
	"govlake/internal/yaml"
)

// A local source's digest is taken while it is processed when its bytes
// cannot be the latest version's (first version, or another size), and
// before, to decide, when they may be (same size). Every case records the
// digest of the bytes, keeps them under it, and makes a version exactly
// when the bytes changed; a run whose rows are all rejected records the
// digest too.
func TestSourceDigest(t *testing.T) {
	store := t.TempDir()
	p := newPipeline(t, "people", "", peopleSchema, "")
	s := testStore(t, store)
	for i, step := range []struct {
		csv, want string
		version   int
	}{
		{"id,name,age\n1,Aung,34\n2,Mya,29\n", "succeeded  v1", 1}, // first: hashed meanwhile
		{"id,name,age\n1,Aung,34\n2,Mya,29\n", "unchanged  v1", 1}, // same size: hashed first, same digest
		{"id,name,age\n1,Aung,34\n2,Mya,28\n", "succeeded  v2", 2}, // same size, other bytes
		{"id,name,age\n1,Aung,34\n2,Mya,28\n3,Hla,41\n", "succeeded  v3", 3},
		{"id,name,age\nx,Aung,34\n", "rejected", 3}, // every row rejected: no version
	} {
		p.write("data.csv", step.csv)
		_, out, errs := runIngest(t, "run", "-pipelines", p.dir, "-store", store)
		if !strings.Contains(out, step.want) {
			t.Fatalf("step %d: %s %s", i, out, errs)
		}
		sum := sha256.Sum256([]byte(step.csv))
		want := hex.EncodeToString(sum[:])
		rs := runs(t, s, "people")
		last := rs[len(rs)-1]
		if last.Source.SHA256 != want || last.Source.Size != int64(len(step.csv)) {
			t.Errorf("step %d: run record's source %+v, want digest %s", i, last.Source, want)
		}
		if vs := versions(t, s, "people"); len(vs) != step.version {
			t.Errorf("step %d: versions %v", i, vs)
		}
		if m := manifest(t, s, "people", step.version); strings.HasPrefix(step.want, "succeeded") && m.Source.SHA256 != want {
			t.Errorf("step %d: manifest's digest %s, want %s", i, m.Source.SHA256, want)
		}
		rc, err := s.Get(context.Background(), govlake.RawKey("people", want))
		if err != nil {
			t.Errorf("step %d: raw bytes not kept under their digest: %v", i, err)
		} else {
			rc.Close()
		}
	}
}

// A local source processed in place while its copy is made (its bytes are
// new) must not change meanwhile: a run whose source grows while it is
// read fails and makes no version, and the next run, of the finished file,
// makes the version.
func TestSourceChangedWhileRead(t *testing.T) {
	dir, store := t.TempDir(), t.TempDir()
	var csv strings.Builder
	csv.WriteString("id,name,age\n")
	for i := range 40000 {
		fmt.Fprintf(&csv, "%d,Aung,%d\n", i+1, i%90)
	}
	data := filepath.Join(dir, "data.csv")
	os.WriteFile(data, []byte(csv.String()), 0o644)
	os.WriteFile(filepath.Join(dir, "people.schema.json"), []byte(peopleSchema), 0o644)
	os.WriteFile(filepath.Join(dir, "people.yaml"), []byte("dataset: people\ntitle: People\nsource: {url: data.csv}\nschema: people.schema.json\n"), 0o644)
	ps, err := yaml.LoadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	s := testStore(t, store)
	r := wire.NewRunner(s, discardLogger())
	var once sync.Once
	r.Progress = func(govlake.Progress) {
		once.Do(func() {
			f, _ := os.OpenFile(data, os.O_APPEND|os.O_WRONLY, 0)
			f.WriteString("40001,Hla,41\n")
			f.Close()
		})
	}
	run := r.Run(context.Background(), ps[0])
	if run.Status != govlake.RunFailed || !strings.Contains(run.Error, "data.csv changed while it was read; no version was made") {
		t.Fatalf("a source that grew while read: %s %q", run.Status, run.Error)
	}
	if _, err := govlake.LatestManifest(context.Background(), s, "people"); err != nil && govlake.ErrorCode(err) != govlake.ENOTFOUND {
		t.Fatal(err)
	} else if m, _ := govlake.LatestManifest(context.Background(), s, "people"); m != nil {
		t.Fatalf("version %d was made of a changing source", m.Version)
	}
	r.Progress = nil
	if run := r.Run(context.Background(), ps[0]); run.Status != govlake.RunSucceeded || run.Rows.Valid != 40001 {
		t.Fatalf("the finished file: %s %+v %s", run.Status, run.Rows, run.Error)
	}
}
