package main

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"strings"
	"testing"

	"govlake/internal/govlake"
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
