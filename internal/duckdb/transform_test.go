package duckdb

import (
	"context"
	"errors"
	"io"
	"strconv"
	"strings"
	"testing"

	"govlake/internal/govlake"
	"govlake/internal/tabular"
)

// records is a RecordReader over fixed records.
type records struct {
	header []string
	recs   []tabular.Record
}

func (r *records) Header() []string { return r.header }
func (r *records) HeaderRow() int64 { return 1 }
func (r *records) Close() error     { return nil }
func (r *records) Read() (tabular.Record, error) {
	if len(r.recs) == 0 {
		return tabular.Record{}, io.EOF
	}
	rec := r.recs[0]
	r.recs = r.recs[1:]
	return rec, nil
}

func wide() *records {
	return &records{
		header: []string{"Country", "Code", "2019 ", "2020", ""},
		recs: []tabular.Record{
			{Row: 2, Cells: []string{"Myanmar", "MMR", "23.6", "41.95429049", ""}},
			{Row: 3, Cells: []string{"Lao PDR", "LAO", "", "4.37E-06", ""}},
		},
	}
}

func readAll(t *testing.T, r tabular.RecordReader) []tabular.Record {
	t.Helper()
	var out []tabular.Record
	for {
		rec, err := r.Read()
		if errors.Is(err, io.EOF) {
			return out
		}
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, rec)
	}
}

func TestTransformUnpivot(t *testing.T) {
	q := `SELECT "Country" AS country, year::INTEGER AS year, value::DOUBLE AS value, DATE '2024-01-01' AS d, _source_row
	      FROM (UNPIVOT source ON COLUMNS('^[0-9]{4}$') INTO NAME year VALUE value) ORDER BY _source_row, year`
	out, err := Transform(context.Background(), wide(), q, "wide.csv", t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	if strings.Join(out.Header(), ",") != "country,year,value,d" {
		t.Errorf("header %v", out.Header())
	}
	got := readAll(t, out)
	want := []string{
		"2 Myanmar|2019|23.6|2024-01-01",
		"2 Myanmar|2020|41.95429049|2024-01-01",
		"3 Lao PDR|2020|4.37e-06|2024-01-01", // the empty 2019 cell is null, so left out
	}
	if len(got) != len(want) {
		t.Fatalf("records %v", got)
	}
	for i, rec := range got {
		if s := strconv.FormatInt(rec.Row, 10) + " " + strings.Join(rec.Cells, "|"); s != want[i] {
			t.Errorf("record %d = %q, want %q", i, s, want[i])
		}
	}
}

func TestTransformWithoutSourceRowCountsOutput(t *testing.T) {
	out, err := Transform(context.Background(), wide(), `SELECT "Code" FROM source ORDER BY 1 DESC`, "wide.csv", t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	got := readAll(t, out)
	if len(got) != 2 || got[0].Row != 1 || got[1].Row != 2 || got[0].Cells[0] != "MMR" {
		t.Errorf("records %v", got)
	}
}

func TestTransformErrors(t *testing.T) {
	tests := []struct{ sql, want string }{
		{"SELECT nope FROM source", "source.transform: "},
		{"DROP TABLE source", "only SELECT queries are allowed"},
		{"SELECT * FROM read_csv('/etc/passwd')", "source.transform: "},
		{"SELECT 1; SELECT 2", "one SQL statement at a time"},
	}
	for _, tt := range tests {
		_, err := Transform(context.Background(), wide(), tt.sql, "wide.csv", t.TempDir())
		if err == nil || !strings.Contains(err.Error(), tt.want) || govlake.ErrorCode(err) != govlake.EINVALID {
			t.Errorf("%s: %v, want %q", tt.sql, err, tt.want)
		}
	}
}
