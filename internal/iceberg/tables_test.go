package iceberg_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	iceio "github.com/apache/iceberg-go/io"
	"github.com/apache/iceberg-go/table"

	"govlake/internal/file"
	"govlake/internal/govlake"
	"govlake/internal/iceberg"
	"govlake/internal/parquet"
)

var t0 = time.Date(2026, 3, 1, 8, 0, 0, 0, time.UTC)

// version stores a version as ingest does: a Parquet file, then the manifest.
func version(t *testing.T, s *file.Store, id string, n int, cols []govlake.Column, rows [][]any, draft bool) {
	t.Helper()
	ctx := context.Background()
	var buf bytes.Buffer
	w, err := parquet.NewWriter(&buf, cols)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range rows {
		if err := w.Write(r); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	key := govlake.PartKey(id, n, 0)
	size := int64(buf.Len())
	if err := s.Put(ctx, key, &buf); err != nil {
		t.Fatal(err)
	}
	m := govlake.Manifest{Dataset: id, Version: n, RunID: fmt.Sprintf("run%d", n), Columns: cols, Draft: draft,
		Files: []govlake.FileInfo{{Key: key, Size: size, Rows: int64(len(rows))}}, CreatedAt: t0.Add(time.Duration(n) * time.Hour)}
	b, _ := json.Marshal(m)
	if err := s.Create(ctx, govlake.ManifestKey(id, n), bytes.NewReader(b)); err != nil {
		t.Fatal(err)
	}
}

func put(t *testing.T, s *file.Store, key, body string) {
	t.Helper()
	if err := s.Put(context.Background(), key, strings.NewReader(body)); err != nil {
		t.Fatal(err)
	}
}

// open loads a table the way an engine does: the newest metadata file.
func open(t *testing.T, s *file.Store, id string) *table.Table {
	t.Helper()
	ctx := context.Background()
	n, _, err := govlake.TableMetadata(ctx, s, id)
	if err != nil || n == 0 {
		t.Fatalf("no table metadata for %s (%d): %v", id, n, err)
	}
	loc := s.URI(govlake.TableMetadataKey(id, n))
	tbl, err := table.NewFromLocation(ctx, table.Identifier{"datasets", id}, loc, iceio.LoadFSFunc(nil, loc), nil)
	if err != nil {
		t.Fatalf("iceberg-go cannot open %s: %v", loc, err)
	}
	return tbl
}

// scan reads a snapshot with iceberg-go's own scan: each row as text.
func scan(t *testing.T, tbl *table.Table, snapshot int64) []string {
	t.Helper()
	var opts []table.ScanOption
	if snapshot != 0 {
		opts = append(opts, table.WithSnapshotID(snapshot))
	}
	at, err := tbl.Scan(opts...).ToArrowTable(context.Background())
	if err != nil {
		t.Fatalf("scan snapshot %d: %v", snapshot, err)
	}
	defer at.Release()
	var out []string
	tr := array.NewTableReader(at, 1024)
	defer tr.Release()
	for tr.Next() {
		rec := tr.RecordBatch()
		for i := 0; i < int(rec.NumRows()); i++ {
			var cells []string
			for j, c := range rec.Columns() {
				cells = append(cells, rec.ColumnName(j)+"="+cell(c, i))
			}
			out = append(out, strings.Join(cells, " "))
		}
	}
	return out
}

func cell(c arrow.Array, i int) string {
	if c.IsNull(i) {
		return "null"
	}
	return c.ValueStr(i)
}

func snapshots(tbl *table.Table) string {
	var out []string
	for _, s := range tbl.Metadata().Snapshots() {
		out = append(out, fmt.Sprintf("%d@%d#%d", s.SnapshotID, s.TimestampMs, s.SequenceNumber))
	}
	return strings.Join(out, " ")
}

var (
	colID    = govlake.Column{Name: "id", Type: govlake.TypeInt64}
	colName  = govlake.Column{Name: "name", Type: govlake.TypeString, Nullable: true}
	colValue = govlake.Column{Name: "value", Type: govlake.TypeFloat64, Nullable: true}
)

func ms(n int) int64 { return t0.Add(time.Duration(n) * time.Hour).UnixMilli() }

func TestVersionsAreSnapshots(t *testing.T) {
	ctx := context.Background()
	s, err := file.NewStore(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	tables := iceberg.New(s, s.URI)
	commit := func(id string, n int) []string {
		t.Helper()
		var m govlake.Manifest
		if err := govlake.ReadJSON(ctx, s, govlake.ManifestKey(id, n), &m); err != nil {
			t.Fatal(err)
		}
		notes, err := tables.Commit(ctx, &m)
		if err != nil {
			t.Fatalf("commit %s v%d: %v", id, n, err)
		}
		return notes
	}
	version(t, s, "rates", 1, []govlake.Column{colID, colName}, [][]any{{int64(1), "a"}, {int64(2), "b"}, {int64(3), nil}}, false)
	commit("rates", 1)
	version(t, s, "rates", 2, []govlake.Column{colID, colName, colValue}, [][]any{{int64(1), "a", 1.5}, {int64(4), "d", nil}}, false)
	commit("rates", 2)

	tbl := open(t, s, "rates")
	if got, want := snapshots(tbl), fmt.Sprintf("1@%d#1 2@%d#2", ms(1), ms(2)); got != want {
		t.Fatalf("snapshots %s, want %s", got, want)
	}
	if got, want := strings.Join(scan(t, tbl, 0), "; "), "id=1 name=a value=1.5; id=4 name=d value=null"; got != want {
		t.Errorf("current snapshot:\n got %s\nwant %s", got, want)
	}
	if got, want := strings.Join(scan(t, tbl, 1), "; "), "id=1 name=a; id=2 name=b; id=3 name=null"; got != want {
		t.Errorf("snapshot 1 (version 1):\n got %s\nwant %s", got, want)
	}
	if loc := tbl.Metadata().Location(); loc != strings.TrimSuffix(s.URI("datasets/rates/"), "/") {
		t.Errorf("location %s", loc)
	}

	// A draft waits for its publication; a withdrawal leaves the table.
	version(t, s, "rates", 3, []govlake.Column{colID, colName, colValue}, [][]any{{int64(5), "e", 2.0}}, true)
	commit("rates", 3)
	if got := snapshots(open(t, s, "rates")); got != fmt.Sprintf("1@%d#1 2@%d#2", ms(1), ms(2)) {
		t.Fatalf("a draft was added: %s", got)
	}
	put(t, s, govlake.PublishedKey("rates", 3), "{}")
	put(t, s, govlake.WithdrawnKey("rates", 2), "{}")
	if _, err := tables.Sync(ctx, "rates"); err != nil {
		t.Fatal(err)
	}
	tbl = open(t, s, "rates")
	if got, want := snapshots(tbl), fmt.Sprintf("1@%d#1 3@%d#3", ms(1), ms(3)); got != want {
		t.Fatalf("after publishing 3 and withdrawing 2: %s, want %s", got, want)
	}
	if got := strings.Join(scan(t, tbl, 0), "; "); got != "id=5 name=e value=2" {
		t.Errorf("current snapshot after publication: %s", got)
	}
	if n, _, _ := govlake.TableMetadata(ctx, s, "rates"); n != 3 {
		t.Errorf("metadata file %d, want 3 (a draft's commit writes none)", n)
	}
	if _, err := tables.Sync(ctx, "rates"); err != nil {
		t.Fatal(err)
	}
	if n, _, _ := govlake.TableMetadata(ctx, s, "rates"); n != 3 {
		t.Errorf("a sync with nothing new wrote metadata file %d", n)
	}
}

func TestTypeChangeStartsTheHistory(t *testing.T) {
	ctx := context.Background()
	s, _ := file.NewStore(t.TempDir())
	tables := iceberg.New(s, s.URI)
	version(t, s, "codes", 1, []govlake.Column{colID, colName}, [][]any{{int64(1), "a"}}, false)
	version(t, s, "codes", 2, []govlake.Column{colID, {Name: "name", Type: govlake.TypeInt64, Nullable: true},
		{Name: "big", Type: govlake.TypeUint64}, {Name: "at", Type: govlake.TypeTimestampNS}}, [][]any{{int64(1), int64(7), uint64(1 << 63), "2026-01-02T03:04:05.123456789"}}, false)
	// No table yet: the first sync builds it from every version.
	notes, err := tables.Sync(ctx, "codes")
	if err != nil {
		t.Fatal(err)
	}
	want := []string{`versions before 2 are not in the Iceberg table: column "name" changed type from string to long there`,
		`columns not in the Iceberg table: big (uint64 has no Iceberg v2 type); at (timestamp_ns has no Iceberg v2 type)`}
	if strings.Join(notes, "\n") != strings.Join(want, "\n") {
		t.Errorf("notes:\n%s\nwant\n%s", strings.Join(notes, "\n"), strings.Join(want, "\n"))
	}
	tbl := open(t, s, "codes")
	if got := snapshots(tbl); got != fmt.Sprintf("2@%d#2", ms(2)) {
		t.Errorf("snapshots %s", got)
	}
	if got := strings.Join(scan(t, tbl, 0), "; "); got != "id=1 name=7" {
		t.Errorf("rows %s", got)
	}
	if h := tbl.Metadata().Properties()["govlake.history"]; h != want[0] {
		t.Errorf("history property %q", h)
	}
}

func TestDamagedMetadataIsRebuilt(t *testing.T) {
	ctx := context.Background()
	s, _ := file.NewStore(t.TempDir())
	tables := iceberg.New(s, s.URI)
	version(t, s, "d", 1, []govlake.Column{colID}, [][]any{{int64(1)}}, false)
	version(t, s, "d", 2, []govlake.Column{colID}, [][]any{{int64(2)}, {int64(3)}}, false)
	if _, err := tables.Sync(ctx, "d"); err != nil {
		t.Fatal(err)
	}
	put(t, s, govlake.TableMetadataKey("d", 2), "{not json")
	version(t, s, "d", 3, []govlake.Column{colID}, [][]any{{int64(4)}}, false)
	var m govlake.Manifest
	_ = govlake.ReadJSON(ctx, s, govlake.ManifestKey("d", 3), &m)
	if _, err := tables.Commit(ctx, &m); err != nil {
		t.Fatal(err)
	}
	tbl := open(t, s, "d")
	if got := snapshots(tbl); got != fmt.Sprintf("1@%d#1 2@%d#2 3@%d#3", ms(1), ms(2), ms(3)) {
		t.Errorf("snapshots after a damaged file %s", got)
	}
	if got := strings.Join(scan(t, tbl, 2), "; "); got != "id=2; id=3" {
		t.Errorf("snapshot 2: %s", got)
	}
}

// A table keeps its last ten metadata files; the hint names the newest,
// which lists every version.
func TestOldMetadataFilesGo(t *testing.T) {
	ctx := context.Background()
	s, _ := file.NewStore(t.TempDir())
	tables := iceberg.New(s, s.URI)
	for n := 1; n <= 12; n++ {
		version(t, s, "m", n, []govlake.Column{colID}, [][]any{{int64(n)}}, false)
		var m govlake.Manifest
		_ = govlake.ReadJSON(ctx, s, govlake.ManifestKey("m", n), &m)
		if _, err := tables.Commit(ctx, &m); err != nil {
			t.Fatal(err)
		}
	}
	objs, _ := s.List(ctx, govlake.TableMetadataPrefix("m"))
	var files []string
	for _, o := range objs {
		if strings.HasSuffix(o.Key, ".metadata.json") {
			files = append(files, strings.TrimPrefix(o.Key, govlake.TableMetadataPrefix("m")))
		}
	}
	if got := strings.Join(files, " "); got != "v10.metadata.json v11.metadata.json v12.metadata.json v3.metadata.json v4.metadata.json v5.metadata.json v6.metadata.json v7.metadata.json v8.metadata.json v9.metadata.json" {
		t.Errorf("metadata files: %s", got)
	}
	tbl := open(t, s, "m")
	if n := len(tbl.Metadata().Snapshots()); n != 12 || tbl.Metadata().CurrentSnapshot().SnapshotID != 12 {
		t.Errorf("%d snapshots, current %d", n, tbl.Metadata().CurrentSnapshot().SnapshotID)
	}
	if got := strings.Join(scan(t, tbl, 7), "; "); got != "id=7" {
		t.Errorf("snapshot 7: %s", got)
	}
}
