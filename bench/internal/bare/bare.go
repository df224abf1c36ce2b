// Package bare is what the benchmarks measure govlake against: bare DuckDB
// over the same Parquet files a store holds, and the percentiles both are
// reported with.
package bare

import (
	"context"
	"database/sql"
	"fmt"
	"sort"
	"strings"

	duckdb "github.com/duckdb/duckdb-go/v2"

	"govlake/internal/file"
	"govlake/internal/govlake"
)

// DuckDB opens an in-memory DuckDB with a view per dataset id over every
// Parquet file of its latest version in store.
func DuckDB(ctx context.Context, store *file.Store, ids ...string) (*sql.DB, error) {
	conn, err := duckdb.NewConnector("", nil)
	if err != nil {
		return nil, err
	}
	db := sql.OpenDB(conn)
	for _, id := range ids {
		m, err := govlake.LatestManifest(ctx, store, id)
		if err != nil {
			db.Close()
			return nil, err
		}
		var files []string
		for _, f := range m.Files {
			p, _ := store.LocalPath(ctx, f.Key)
			files = append(files, "'"+p+"'")
		}
		if _, err := db.Exec(fmt.Sprintf("CREATE VIEW %s AS SELECT * FROM read_parquet([%s])", id, strings.Join(files, ", "))); err != nil {
			db.Close()
			return nil, err
		}
	}
	return db, nil
}

// Timing is the median and the 99th percentile of timings, in ms.
type Timing struct{ P50, P99 float64 }

// Stats sorts ms and returns its percentiles.
func Stats(ms []float64) Timing {
	sort.Float64s(ms)
	at := func(p float64) float64 { return ms[min(len(ms)-1, int(p*float64(len(ms))))] }
	return Timing{at(0.5), at(0.99)}
}
