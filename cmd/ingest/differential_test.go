package main

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"govlake/internal/csv"
	"govlake/internal/file"
	"govlake/internal/govlake"
	"govlake/internal/ingest"
	"govlake/internal/tabular"
	"govlake/internal/wire"
	"govlake/internal/yaml"
)

// The column-batch path and the per-row reference must agree on every row:
// the same counts, the same rejections (row, column, keyword, value,
// message, record) and the same stored rows in the same order. Run over the
// bundled datasets, every real file of ../shared/data with a pipeline, a
// crafted file and generated rows.
func TestFastPathAgreesWithReference(t *testing.T) {
	if _, err := os.Stat("../../../shared/data/SOURCES.md"); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatal(err)
		}
		t.Skip(err)
	}
	gen := t.TempDir()
	out, err := exec.Command("go", "run", "../../bench/gencsv", "-rows", "30000", "-invalid", "0.05", "-seed", "7").Output()
	if err != nil {
		t.Fatal(err)
	}
	os.WriteFile(filepath.Join(gen, "survey.csv"), out, 0o644)
	schema, _ := filepath.Abs("../../bench/testdata/survey.schema.json")
	os.WriteFile(filepath.Join(gen, "survey.yaml"), []byte("dataset: survey\ntitle: S\nsource: {url: survey.csv}\nschema: "+schema+"\n"), 0o644)
	// The same constraints written as nullable type lists, anyOf with null,
	// and $ref to local $defs: the same verdicts, through the fast path.
	for _, shape := range []string{"nullable", "anyof", "ref"} {
		schema, _ := filepath.Abs("../../bench/testdata/survey." + shape + ".schema.json")
		os.WriteFile(filepath.Join(gen, "survey_"+shape+".yaml"), []byte("dataset: survey_"+shape+"\ntitle: S\nsource: {url: survey.csv}\nschema: "+schema+"\n"), 0o644)
	}
	os.WriteFile(filepath.Join(gen, "people.csv"), []byte(craftedCSV), 0o644)
	os.WriteFile(filepath.Join(gen, "people.schema.json"), []byte(peopleSchema), 0o644)
	os.WriteFile(filepath.Join(gen, "people.yaml"), []byte("dataset: people\ntitle: P\nsource: {url: people.csv}\nschema: people.schema.json\nmax_invalid_ratio: 1\n"), 0o644)
	// Blank lines at the end are only line endings, however many.
	os.WriteFile(filepath.Join(gen, "trailing.csv"), []byte(craftedCSV+"\n,,,\n\n\r\n"+strings.Repeat("\n", 5000)), 0o644)
	os.WriteFile(filepath.Join(gen, "trailing.yaml"), []byte("dataset: trailing\ntitle: T\nsource: {url: trailing.csv}\nschema: people.schema.json\nmax_invalid_ratio: 1\n"), 0o644)

	compared := 0
	for _, dir := range []string{"../../pipelines", "testdata/real", gen} {
		ps, err := yaml.LoadDir(dir)
		if err != nil {
			t.Fatal(err)
		}
		stores := map[bool]string{true: t.TempDir(), false: t.TempDir()}
		for reference, storeDir := range stores {
			r := wire.NewRunner(testStore(t, storeDir), discardLogger())
			r.Reference = reference
			r.PartRows = 5000 // several parts, written at once
			if !reference {
				smallChunks(r)
			}
			for _, p := range ps {
				if run := r.Run(context.Background(), p); run.Failed() {
					t.Fatalf("%s (reference=%v): %s", p.Dataset, reference, run.Error)
				}
			}
		}
		ref, fast := testStore(t, stores[true]), testStore(t, stores[false])
		for _, p := range ps {
			mr, mf := manifest(t, ref, p.Dataset, 1), manifest(t, fast, p.Dataset, 1)
			if mr.Rows != mf.Rows || fmt.Sprint(mr.Validation) != fmt.Sprint(mf.Validation) {
				t.Errorf("%s: reference %+v %+v, fast %+v %+v", p.Dataset, mr.Rows, mr.Validation, mf.Rows, mf.Validation)
			}
			for _, q := range []struct {
				name      string
				ref, fast []string
			}{
				{"rows", keys(mr.Files), keys(mf.Files)},
				{"rejections", []string{mr.Rejected.Key}, []string{mf.Rejected.Key}},
			} {
				a, b := query2(t, ref, q.ref), query2(t, fast, q.fast)
				if int64(len(a)) != mr.Rows.Valid && q.name == "rows" {
					t.Errorf("%s: %d rows stored, %d valid", p.Dataset, len(a), mr.Rows.Valid)
				}
				if fmt.Sprint(a) != fmt.Sprint(b) {
					t.Errorf("%s: %s differ between the reference and the fast path", p.Dataset, q.name)
				}
			}
			if strings.HasPrefix(p.Dataset, "survey_") {
				if ms := manifest(t, fast, "survey", 1); mf.Rows != ms.Rows || fmt.Sprint(mf.Validation) != fmt.Sprint(ms.Validation) {
					t.Errorf("%s: %+v %+v, the plain schema %+v %+v", p.Dataset, mf.Rows, mf.Validation, ms.Rows, ms.Validation)
				}
			}
			if p.Dataset == "survey" && len(mf.Files) < 2 {
				// 2.3 MB: two chunks or more (about 1 MB each), each over
				// PartRows, so each a part of its own.
				t.Errorf("%s: %d valid rows in %d parts, want 2 or more", p.Dataset, mf.Rows.Valid, len(mf.Files))
			}
			if p.Dataset == "trailing" && mf.Rows.Read != 13 {
				t.Errorf("trailing: %d rows read, want the 13 of the crafted file", mf.Rows.Read)
			}
			// Each file's digest, taken as it was written, is its bytes'.
			for _, f := range append(mf.Files, *mf.Rejected) {
				b, err := os.ReadFile(filepath.Join(stores[false], filepath.FromSlash(f.Key)))
				if sum := sha256.Sum256(b); err != nil || hex.EncodeToString(sum[:]) != f.SHA256 || int64(len(b)) != f.Size {
					t.Errorf("%s: %s holds %d bytes, digest %x; the manifest says %d, %s (%v)", p.Dataset, f.Key, len(b), sum, f.Size, f.SHA256, err)
				}
			}
			// The profiles, from what each path's writers saw, are the
			// scan's.
			sameProfileAsScan(t, stores[false], mf)
			sameProfileAsScan(t, stores[true], mr)
			compared++
			t.Logf("%s: %d rows read, %d rejected: same in both paths", p.Dataset, mr.Rows.Read, mr.Rows.Rejected)
		}
	}
	if compared < 15 {
		t.Errorf("compared %d datasets", compared)
	}
}

// smallChunks makes the runner's CSV readers cut chunks of 4 KB, so that
// a file of a few megabytes is hundreds of chunks, each parsed into the
// memory of released ones: a cell kept past its batch without a copy
// would read another chunk's bytes, and the paths would differ.
func smallChunks(r *ingest.Runner) {
	decode := r.Decode
	r.Decode = func(rd io.ReadSeeker, name string, src govlake.Source) (tabular.RecordReader, error) {
		switch src.Format {
		case "json", "ndjson", "xlsx":
			return decode(rd, name, src)
		}
		o := csv.OptionsFrom(src)
		o.ChunkBytes = 4096
		return csv.NewReader(rd, name, o)
	}
}

// query2 returns every stored row of the files, in file order.
func query2(t *testing.T, s *file.Store, keys []string) [][]any {
	var rows [][]any
	for _, k := range keys {
		rows = append(rows, query(t, s, "SELECT * FROM d", map[string]string{"d": k})...)
	}
	return rows
}

func keys(files []govlake.FileInfo) []string {
	var out []string
	for _, f := range files {
		out = append(out, f.Key)
	}
	return out
}
