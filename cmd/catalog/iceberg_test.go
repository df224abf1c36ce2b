package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/ipc"
	"github.com/apache/iceberg-go/catalog/rest"
	icetable "github.com/apache/iceberg-go/table"
)

// rowsOf renders a record stream's rows as text, one string per row, in
// column order, sorted: two readers of the same rows give the same list.
func rowsOf(t *testing.T, recs func(yield func(arrow.RecordBatch) bool)) []string {
	t.Helper()
	var out []string
	for rec := range recs {
		for i := 0; i < int(rec.NumRows()); i++ {
			cells := make([]string, rec.NumCols())
			for j, c := range rec.Columns() {
				cells[j] = "null"
				if !c.IsNull(i) {
					cells[j] = c.ValueStr(i)
				}
			}
			out = append(out, strings.Join(cells, "\x1f"))
		}
	}
	sort.Strings(out)
	return out
}

// icebergRows reads a snapshot (0: the current one) with iceberg-go's own
// scan, and returns its column names and rows.
func icebergRows(t *testing.T, tbl *icetable.Table, snapshot int64) ([]string, []string) {
	t.Helper()
	var opts []icetable.ScanOption
	if snapshot != 0 {
		opts = append(opts, icetable.WithSnapshotID(snapshot))
	}
	at, err := tbl.Scan(opts...).ToArrowTable(context.Background())
	if err != nil {
		t.Fatalf("iceberg-go scan of %v (snapshot %d): %v", tbl.Identifier(), snapshot, err)
	}
	defer at.Release()
	var names []string
	for _, f := range at.Schema().Fields() {
		names = append(names, f.Name)
	}
	tr := array.NewTableReader(at, 4096)
	defer tr.Release()
	return names, rowsOf(t, func(yield func(arrow.RecordBatch) bool) {
		for tr.Next() {
			if !yield(tr.RecordBatch()) {
				return
			}
		}
	})
}

// sqlRows runs SQL through the catalogue's API as an Arrow stream: the
// oracle the Iceberg reading is compared with.
func sqlRows(t *testing.T, base, sql string) ([]string, []string) {
	t.Helper()
	resp, err := http.Get(base + "/api/v1/query?format=arrow&sql=" + url.QueryEscape(sql))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != 200 {
		t.Fatalf("%s: %d %s", sql, resp.StatusCode, b)
	}
	rd, err := ipc.NewReader(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	defer rd.Release()
	var names []string
	for _, f := range rd.Schema().Fields() {
		names = append(names, f.Name)
	}
	return names, rowsOf(t, func(yield func(arrow.RecordBatch) bool) {
		for rd.Next() {
			if !yield(rd.RecordBatch()) {
				return
			}
		}
	})
}

func sameTableRows(t *testing.T, what string, gotNames, got, wantNames, want []string) {
	t.Helper()
	if !slices.Equal(gotNames, wantNames) {
		t.Errorf("%s: Iceberg columns %q, SQL columns %q", what, gotNames, wantNames)
		return
	}
	if len(got) != len(want) {
		t.Errorf("%s: Iceberg has %d rows, SQL %d", what, len(got), len(want))
		return
	}
	for i := range got {
		if got[i] != want[i] {
			t.Errorf("%s: row %d differs:\nIceberg %q\nSQL     %q", what, i, got[i], want[i])
			return
		}
	}
}

func quoteIdent(s string) string { return `"` + strings.ReplaceAll(s, `"`, `""`) + `"` }

// Every bundled dataset, found by name through the catalogue's Iceberg
// REST endpoint with iceberg-go's REST client and read with iceberg-go's
// own scan, holds exactly the rows govlake's SQL gives for it.
func TestIcebergReadsEveryDataset(t *testing.T) {
	checkIceberg(t, bundledCatalog(t), "file:///")
}

// checkIceberg reads every dataset of a catalogue through its Iceberg REST
// endpoint, with iceberg-go, and compares each with govlake's SQL; every
// metadata file is at an address beginning with at.
func checkIceberg(t *testing.T, base, at string, opts ...rest.Option) {
	ctx := context.Background()
	cat, err := rest.NewCatalog(ctx, "govlake", base+"/iceberg", opts...)
	if err != nil {
		t.Fatalf("iceberg-go's REST client cannot use the catalogue: %v", err)
	}
	var listed []string
	for id, err := range cat.ListTables(ctx, icetable.Identifier{"datasets"}) {
		if err != nil {
			t.Fatalf("list tables: %v", err)
		}
		listed = append(listed, strings.Join(id, "."))
	}
	var datasets struct {
		Datasets []struct {
			ID   string
			Rows int64
		}
	}
	getJSON(t, "GET", base+"/api/v1/datasets", "", 200, &datasets)
	var want []string
	for _, d := range datasets.Datasets {
		want = append(want, "datasets."+d.ID)
	}
	if !slices.Equal(listed, want) || len(want) < 7 {
		t.Fatalf("tables %q, datasets %q", listed, want)
	}
	var page struct {
		Identifiers []struct{ Name string }
		Next        string `json:"next-page-token"`
	}
	getJSON(t, "GET", base+"/iceberg/v1/namespaces/datasets/tables?pageSize=3", "", 200, &page)
	if len(page.Identifiers) != 3 || page.Next != "3" {
		t.Errorf("first page of 3: %+v", page)
	}
	page.Next = ""
	getJSON(t, "GET", base+"/iceberg/v1/namespaces/datasets/tables?pageSize=3&pageToken=6", "", 200, &page)
	if len(page.Identifiers) != len(want)-6 || page.Next != "" {
		t.Errorf("last page: %+v", page)
	}
	for _, d := range datasets.Datasets {
		tbl, err := cat.LoadTable(ctx, icetable.Identifier{"datasets", d.ID})
		if err != nil {
			t.Fatalf("load %s: %v", d.ID, err)
		}
		if !strings.HasPrefix(tbl.MetadataLocation(), at) {
			t.Errorf("%s: metadata at %s, want it under %s", d.ID, tbl.MetadataLocation(), at)
		}
		names, got := icebergRows(t, tbl, 0)
		if int64(len(got)) != d.Rows {
			t.Errorf("%s: Iceberg has %d rows, the catalogue says %d", d.ID, len(got), d.Rows)
		}
		wantNames, wantRows := sqlRows(t, base, "SELECT * FROM "+quoteIdent(d.ID))
		sameTableRows(t, d.ID, names, got, wantNames, wantRows)
		t.Logf("%s: %d rows, %d columns, equal", d.ID, len(got), len(names))
	}
}

// A past snapshot is the past version: snapshot ids and times are the
// versions' numbers and times, and time travel reads what SQL reads at
// dataset__v1. The REST endpoint's errors and pages are the spec's.
func TestIcebergSnapshotsAreVersions(t *testing.T) {
	storeDir, store, pdir, write := countsPipeline(t)
	write("d.csv", "id\n1\n2\n")
	ingestDir(t, store, pdir)
	write("d.csv", "id\n1\n2\n3\n4\n5\n")
	ingestDir(t, store, pdir)
	base := startCatalog(t, storeDir)
	ctx := context.Background()
	cat, err := rest.NewCatalog(ctx, "govlake", base+"/iceberg")
	if err != nil {
		t.Fatal(err)
	}
	tbl, err := cat.LoadTable(ctx, icetable.Identifier{"datasets", "counts"})
	if err != nil {
		t.Fatal(err)
	}
	var versions struct {
		Versions []struct {
			Version int
			Created time.Time `json:"created"`
		}
	}
	getJSON(t, "GET", base+"/api/v1/datasets/counts/versions", "", 200, &versions)
	var got, want []string
	for _, s := range tbl.Metadata().Snapshots() {
		got = append(got, fmt.Sprintf("%d@%d", s.SnapshotID, s.TimestampMs))
	}
	for i := len(versions.Versions) - 1; i >= 0; i-- {
		v := versions.Versions[i]
		want = append(want, fmt.Sprintf("%d@%d", v.Version, v.Created.UnixMilli()))
	}
	if !slices.Equal(got, want) || len(want) != 2 {
		t.Fatalf("snapshots %q, versions %q", got, want)
	}
	for _, c := range []struct {
		snapshot int64
		sql      string
	}{{1, "SELECT * FROM counts__v1"}, {2, "SELECT * FROM counts__v2"}, {0, "SELECT * FROM counts"}} {
		names, rows := icebergRows(t, tbl, c.snapshot)
		wantNames, wantRows := sqlRows(t, base, c.sql)
		sameTableRows(t, fmt.Sprintf("snapshot %d", c.snapshot), names, rows, wantNames, wantRows)
	}
	if _, rows := icebergRows(t, tbl, 1); len(rows) != 2 {
		t.Errorf("snapshot 1 has %d rows, version 1 had 2", len(rows))
	}

	for _, c := range []struct {
		method, path string
		status       int
		want         string
	}{
		{"GET", "/iceberg/v1/namespaces/datasets/tables/nope", 404, `{"error":{"message":"no dataset \"nope\"","type":"NoSuchTableException","code":404}}`},
		{"GET", "/iceberg/v1/namespaces/other/tables", 404, `{"error":{"message":"no namespace \"other\": the only one is \"datasets\"","type":"NoSuchNamespaceException","code":404}}`},
		{"POST", "/iceberg/v1/namespaces/datasets/tables/counts", 403, `{"error":{"message":"this Iceberg catalog is read-only: tables change only when ingest publishes a dataset's versions","type":"ForbiddenException","code":403}}`},
		{"GET", "/iceberg/v1/namespaces/datasets/tables?pageSize=1", 200, `{"identifiers":[{"namespace":["datasets"],"name":"counts"}]}`},
		{"GET", "/iceberg/v1/namespaces", 200, `{"namespaces":[["datasets"]]}`},
	} {
		req, _ := http.NewRequest(c.method, base+c.path, strings.NewReader("{}"))
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		var compact bytes.Buffer
		if err := json.Compact(&compact, b); err != nil || compact.String() != c.want || resp.StatusCode != c.status {
			t.Errorf("%s %s: %d %s\nwant %d %s", c.method, c.path, resp.StatusCode, b, c.status, c.want)
		}
	}
}
