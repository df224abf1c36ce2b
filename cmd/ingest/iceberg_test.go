package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// Each commit extends the dataset's Iceberg table; a table that is gone
// (or was never made, as for versions from before the tables) comes back
// whole with ingest reindex, which says what it checked.
func TestReindexRebuildsIcebergTables(t *testing.T) {
	store := t.TempDir()
	p := newPipeline(t, "people", "id,name\n1,Aung\n", peopleSchema, "")
	for _, csv := range []string{"id,name\n1,Aung\n", "id,name\n1,Aung\n2,Mya\n"} {
		p.write("data.csv", csv)
		if code, out, errs := runIngest(t, "run", "-pipelines", p.dir, "-store", store); code != 0 {
			t.Fatalf("%s%s", out, errs)
		}
	}
	if d := tableBehind(t, testStore(t, store)); d != "" {
		t.Fatalf("after two commits: %s", d)
	}
	meta := filepath.Join(store, "datasets", "people", "metadata")
	if err := os.RemoveAll(meta); err != nil {
		t.Fatal(err)
	}
	if d := tableBehind(t, testStore(t, store)); !strings.HasPrefix(d, "no table") {
		t.Fatalf("after removing the table: %q", d)
	}
	code, out, errs := runIngest(t, "reindex", "-store", store)
	if code != 0 || !strings.Contains(out, "Iceberg tables checked in") || !strings.Contains(out, ": 1 datasets") {
		t.Fatalf("exit %d: %s%s", code, out, errs)
	}
	if d := tableBehind(t, testStore(t, store)); d != "" {
		t.Errorf("after ingest reindex: %s", d)
	}
	if _, err := os.Stat(filepath.Join(meta, "version-hint.text")); err != nil {
		t.Errorf("no version hint after reindex: %v", err)
	}
}
