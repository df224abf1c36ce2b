package catalog

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"testing"
	"time"

	"govlake/internal/govlake"
)

// putTable writes a table metadata file n whose current snapshot is
// version, and the hint naming it.
func (m *memStore) putTable(id string, n, version int) {
	meta := fmt.Sprintf(`{"format-version": 2, "location": "file:///lake/datasets/%s", "current-snapshot-id": %d}`, id, version)
	m.Put(context.Background(), govlake.TableMetadataKey(id, n), bytes.NewReader([]byte(meta)))
	m.Put(context.Background(), govlake.TableHintKey(id), bytes.NewReader([]byte(fmt.Sprint(n))))
}

// A loaded table is kept while its dataset does not change and its
// current snapshot is the latest version; a new version, or a table that
// lags its version, is read from the store.
func TestOpenTableKeepsTheLatest(t *testing.T) {
	cat, st := newTestCatalog(t)
	cat.TTL = time.Hour // refreshed only when asked
	ctx := context.Background()
	st.putTable("people", 1, 1)
	load := func(want int) int {
		t.Helper()
		before := st.gets
		tbl, err := cat.OpenTable(ctx, "people")
		if err != nil {
			t.Fatal(err)
		}
		var head struct {
			Current int `json:"current-snapshot-id"`
		}
		if err := json.Unmarshal(tbl.Metadata, &head); err != nil || head.Current != want {
			t.Fatalf("current snapshot %d (%v), want %d", head.Current, err, want)
		}
		return st.gets - before
	}
	if n := load(1); n == 0 {
		t.Errorf("the first load read nothing from the store")
	}
	if n := load(1); n != 0 {
		t.Errorf("the second load read the store %d times", n)
	}
	// Version 2 lands, its table a moment later: until then the old table
	// is served and read again each time.
	man := govlake.Manifest{Dataset: "people", Version: 2, Metadata: govlake.Metadata{ID: "people", Title: "People"},
		CreatedAt: time.Date(2026, 1, 3, 0, 0, 0, 0, time.UTC), Files: []govlake.FileInfo{{Key: govlake.PartKey("people", 2, 0)}}}
	b, _ := json.Marshal(man)
	st.Put(ctx, govlake.ManifestKey("people", 2), bytes.NewReader(b))
	v2 := govlake.NewIndexedVersion(2, man.CreatedAt, 3, false)
	if err := govlake.AppendChange(ctx, st, &govlake.Change{Kind: govlake.ChangeRun, Dataset: "people", Version: &v2, Meta: &man.Metadata}); err != nil {
		t.Fatal(err)
	}
	if err := cat.RefreshNow(ctx); err != nil {
		t.Fatal(err)
	}
	if d, err := cat.Dataset(ctx, "people"); err != nil || d.Version != 2 {
		t.Fatalf("the catalogue did not see version 2: %+v %v", d, err)
	}
	if n := load(1); n == 0 {
		t.Errorf("a table behind its dataset was not read again")
	}
	if n := load(1); n == 0 {
		t.Errorf("a table behind its dataset was kept")
	}
	st.putTable("people", 2, 2)
	if n := load(2); n == 0 {
		t.Errorf("the new table was not read")
	}
	if n := load(2); n != 0 {
		t.Errorf("the new table was read again, %d requests", n)
	}
}
