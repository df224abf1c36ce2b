package duckdb

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"path/filepath"
	"testing"

	duckdb "github.com/duckdb/duckdb-go/v2"

	"govlake/internal/govlake"
)

// writeParquet makes a fixture file with a separate, unrestricted DuckDB.
func writeParquet(t *testing.T, path, query string) {
	t.Helper()
	c, err := duckdb.NewConnector("", nil)
	if err != nil {
		t.Fatal(err)
	}
	db := sql.OpenDB(c)
	defer db.Close()
	if _, err := db.Exec("COPY (" + query + ") TO '" + path + "' (FORMAT parquet)"); err != nil {
		t.Fatal(err)
	}
}

func newEngine(t *testing.T) (*Engine, string) {
	t.Helper()
	dir := t.TempDir()
	writeParquet(t, filepath.Join(dir, "a.parquet"), "SELECT i AS id, 'n' || i AS name, DATE '2024-01-01' + i::INT AS day FROM range(1, 101) t(i)")
	writeParquet(t, filepath.Join(dir, "b.parquet"), "SELECT i AS id, i * 10 AS score FROM range(1, 11) t(i)")
	writeParquet(t, filepath.Join(dir, "r.parquet"), "SELECT 1::BIGINT AS \"row\", 'x' AS keyword WHERE false")
	tables := mapResolver{
		"a":           {filepath.Join(dir, "a.parquet")},
		"b":           {filepath.Join(dir, "b.parquet")},
		"a__rejected": {filepath.Join(dir, "r.parquet")},
	}
	e, err := Open(context.Background(), Options{AllowedDirs: []string{dir}, Threads: 2, MemoryLimit: "1GB"}, tables)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { e.Close() })
	return e, dir
}

func TestQuery(t *testing.T) {
	e, _ := newEngine(t)
	ctx := context.Background()
	tests := []struct {
		sql       string
		limit     int
		rows      int
		first     []any
		truncated bool
	}{
		{"SELECT count(*) AS n, sum(id) AS s FROM a", 10, 1, []any{int64(100), json.Number("5050")}, false}, // sum of BIGINT is a HUGEINT: every digit
		{"SELECT a.id, b.score FROM a JOIN b USING (id) ORDER BY a.id DESC", 100, 10, []any{int64(10), int64(100)}, false},
		{"SELECT day FROM a ORDER BY id LIMIT 1", 10, 1, []any{"2024-01-02"}, false},
		{"SELECT id FROM a ORDER BY id", 5, 5, []any{int64(1)}, true},
		{"SELECT count(*) FROM A__Rejected", 10, 1, []any{int64(0)}, false},
	}
	for _, tt := range tests {
		t.Run(tt.sql, func(t *testing.T) {
			res, err := e.Query(ctx, tt.sql, tt.limit)
			if err != nil {
				t.Fatal(err)
			}
			if len(res.Rows) != tt.rows || res.Truncated != tt.truncated {
				t.Fatalf("rows %d truncated %v, want %d %v", len(res.Rows), res.Truncated, tt.rows, tt.truncated)
			}
			for i, want := range tt.first {
				got := res.Rows[0][i]
				if f, ok := got.(float64); ok {
					if w, ok := want.(float64); ok && f == w {
						continue
					}
				}
				if got != want {
					t.Errorf("column %d = %#v (%T), want %#v", i, got, got, want)
				}
			}
		})
	}
}

func TestSandbox(t *testing.T) {
	e, dir := newEngine(t)
	ctx := context.Background()
	refused := []string{
		"SELECT * FROM read_csv('/etc/passwd')",
		"SELECT * FROM read_text('/etc/hostname')",
		"SELECT * FROM read_parquet('" + filepath.Join(dir, "..", "x.parquet") + "')",
		"COPY a TO '/tmp/govlake-escape.csv'",
		"CREATE TABLE x AS SELECT 1",
		"DROP TABLE a",
		"SET enable_external_access = true",
		"ATTACH '/tmp/x.db' AS x",
		"INSTALL httpfs",
		"LOAD httpfs",
		"PRAGMA memory_limit = '100GB'",
		"SELECT * FROM '/etc/passwd'",
		"SELECT * FROM glob('/etc/*')",
		"SELECT 1; DROP TABLE a",
		"",
	}
	for _, q := range refused {
		t.Run(q, func(t *testing.T) {
			_, err := e.Query(ctx, q, 10)
			if err == nil {
				t.Fatal("query was allowed")
			}
			if c := govlake.ErrorCode(err); c != govlake.EINVALID && c != govlake.ENOTFOUND {
				t.Fatalf("code %s (%v), want invalid", c, err)
			}
		})
	}
	// Nothing took effect: the view is still there.
	res, err := e.Query(ctx, "SELECT count(*) FROM a", 1)
	if err != nil || res.Rows[0][0] != int64(100) {
		t.Fatalf("after hostile queries: %v %v", res, err)
	}
}

func TestUnknownTable(t *testing.T) {
	e, _ := newEngine(t)
	_, err := e.Query(context.Background(), "SELECT * FROM nope", 1)
	if govlake.ErrorCode(err) != govlake.ENOTFOUND {
		t.Fatalf("got %v, want not found", err)
	}
}

// The resolver's error comes back from a query as the same value, even
// when its message looks like the codes that once travelled as text.
func TestResolverErrorCrossesDuckDB(t *testing.T) {
	cause := errors.New("store down")
	want := govlake.Errorf(govlake.EUNAVAILABLE, "[invalid] read the table list: %w", cause)
	e, err := Open(context.Background(), Options{}, failingResolver{want})
	if err != nil {
		t.Fatal(err)
	}
	defer e.Close()
	for i := 0; i < 3; i++ {
		_, got := e.Query(context.Background(), "SELECT * FROM anything", 1)
		if got != want {
			t.Fatalf("got %#v, want the resolver's own error value", got)
		}
		if govlake.ErrorCode(got) != govlake.EUNAVAILABLE || !errors.Is(got, cause) {
			t.Fatalf("code %s, cause kept %v", govlake.ErrorCode(got), errors.Is(got, cause))
		}
	}
	if n := len(e.scans.errs); n != 0 {
		t.Errorf("%d errors left held after their queries", n)
	}
}

type failingResolver struct{ err error }

func (f failingResolver) Table(ctx context.Context, name string) (govlake.Table, error) {
	return govlake.Table{}, f.err
}

type mapResolver map[string][]string

func (m mapResolver) Table(ctx context.Context, name string) (govlake.Table, error) {
	files, ok := m[name]
	if !ok {
		return govlake.Table{}, govlake.Errorf(govlake.ENOTFOUND, "no dataset or table named %s; GET /api/v1/datasets lists them", name)
	}
	return govlake.Table{Name: name, Files: files}, nil
}
