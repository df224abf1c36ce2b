package main

import (
	"context"
	"fmt"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"govlake/internal/cache"
	"govlake/internal/catalog"
	"govlake/internal/duckdb"
	"govlake/internal/file"
	"govlake/internal/govlake"
	"govlake/internal/vgwtest"
	"govlake/internal/wire"
)

// benchData ingests a generated survey of about 40 MB into a store.
func benchData(b *testing.B, store govlake.Store) {
	b.Helper()
	dir := b.TempDir()
	csvPath := filepath.Join(dir, "survey.csv")
	out, err := os.Create(csvPath)
	if err != nil {
		b.Fatal(err)
	}
	cmd := exec.Command("go", "run", "../../bench/gencsv", "-size", "40MB", "-invalid", "0")
	cmd.Stdout = out
	if err := cmd.Run(); err != nil {
		b.Fatal(err)
	}
	out.Close()
	schema, _ := filepath.Abs("../../bench/testdata/survey.schema.json")
	os.WriteFile(filepath.Join(dir, "survey.yaml"), []byte("dataset: survey\ntitle: Survey\nsource: {url: survey.csv}\nschema: "+schema+"\n"), 0o644)
	ingestDir(b, store, dir)
}

const benchSQL = `SELECT district, count(*), avg(income) FROM survey GROUP BY district ORDER BY district`

// queryOnce opens a catalogue and engine (untimed), then times one query;
// its answer must be want's, when want is not nil.
func queryOnce(b *testing.B, local govlake.Localizer, store govlake.Store, allowed string, want *govlake.Result) *govlake.Result {
	b.StopTimer()
	cat := catalog.New(store, local, discard, time.Now)
	cat.TTL = time.Hour
	if err := cat.Refresh(context.Background()); err != nil {
		b.Fatal(err)
	}
	e, err := duckdb.Open(context.Background(), duckdb.Options{AllowedDirs: []string{allowed}}, cat)
	if err != nil {
		b.Fatal(err)
	}
	defer e.Close()
	b.StartTimer()
	res, err := e.Query(context.Background(), benchSQL, 100)
	b.StopTimer()
	if err != nil {
		b.Fatal(err)
	}
	if len(res.Rows) != 12 {
		b.Fatalf("%d districts", len(res.Rows))
	}
	if want != nil && !sameRows(res.Rows, want.Rows) {
		b.Fatalf("the answers differ:\n%v\n%v", res.Rows, want.Rows)
	}
	b.StartTimer()
	return res
}

// BenchmarkCatalogQuery prints a group-by over a 40 MB dataset served from
// the local folder (the baseline), from S3 with an empty cache (cold: the
// files are fetched), and from S3 with the cache filled (warm).
func BenchmarkCatalogQuery(b *testing.B) {
	srv := vgwtest.Start(b)
	u := s3Store(b, srv)
	s3store, err := wire.OpenStore(context.Background(), u, discard)
	if err != nil {
		b.Fatal(err)
	}
	benchData(b, s3store)
	localDir := b.TempDir()
	fstore, _ := file.NewStore(localDir)
	benchData(b, fstore)

	// The baseline's answer, which every other way must give too.
	want := queryOnce(b, fstore, fstore, fstore.Root, nil)
	b.Run("local", func(b *testing.B) {
		for i := 0; i < b.N; i++ {
			queryOnce(b, fstore, fstore, fstore.Root, want)
		}
	})
	b.Run("s3-cold", func(b *testing.B) {
		for i := 0; i < b.N; i++ {
			b.StopTimer()
			dir := b.TempDir()
			c, _ := cache.New(s3store, dir, 1<<30, discard, time.Now)
			b.StartTimer()
			queryOnce(b, c, s3store, c.Dir(), want)
		}
	})
	b.Run("s3-warm", func(b *testing.B) {
		dir := b.TempDir()
		c, _ := cache.New(s3store, dir, 1<<30, discard, time.Now)
		queryOnce(b, c, s3store, c.Dir(), want)
		b.ResetTimer()
		for i := 0; i < b.N; i++ {
			queryOnce(b, c, s3store, c.Dir(), want)
		}
	})
	fmt.Println("(query time only; cold includes fetching the Parquet file from S3 into the cache)")
}

// sameRows compares answers cell by cell; averages may differ in their last
// bits, as DuckDB adds in parallel in any order.
func sameRows(a, b [][]any) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		for j := range a[i] {
			x, xf := a[i][j].(float64)
			y, yf := b[i][j].(float64)
			if xf && yf {
				if math.Abs(x-y) > 1e-9*math.Max(1, math.Abs(y)) {
					return false
				}
			} else if fmt.Sprint(a[i][j]) != fmt.Sprint(b[i][j]) {
				return false
			}
		}
	}
	return true
}
