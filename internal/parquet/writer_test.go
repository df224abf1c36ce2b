package parquet

import (
	"bytes"
	"testing"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/parquet/file"

	"govlake/internal/govlake"
)

func TestWriteTypes(t *testing.T) {
	cols := []govlake.Column{
		{Name: "i", Type: govlake.TypeInt64},
		{Name: "f", Type: govlake.TypeFloat64, Nullable: true},
		{Name: "b", Type: govlake.TypeBool, Nullable: true},
		{Name: "d", Type: govlake.TypeDate, Nullable: true},
		{Name: "ts", Type: govlake.TypeTimestamp, Nullable: true},
		{Name: "s", Type: govlake.TypeString, Nullable: true},
	}
	var buf bytes.Buffer
	w, err := NewWriter(&buf, cols)
	if err != nil {
		t.Fatal(err)
	}
	w.batch = 2 // several row groups
	rows := [][]any{
		{int64(1), 1.5, true, "2024-02-29", "2024-01-01T10:00:00+06:30", "Yangon"},
		{int64(2), int64(3), false, nil, nil, nil},
		{int64(3), nil, nil, "1960-01-01", "2024-06-30T23:59:59Z", "မန္တလေး"},
	}
	for _, r := range rows {
		if err := w.Write(r); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	if w.Rows() != 3 {
		t.Errorf("rows %d", w.Rows())
	}
	rdr, err := file.NewParquetReader(bytes.NewReader(buf.Bytes()))
	if err != nil {
		t.Fatal(err)
	}
	if rdr.NumRowGroups() != 2 {
		t.Errorf("row groups %d, want 2", rdr.NumRowGroups())
	}
	tbl := readTable(t, rdr)
	if tbl.NumRows() != 3 {
		t.Fatalf("rows %d", tbl.NumRows())
	}
	col := func(i int) arrow.Array { return tbl.Column(i).Data().Chunk(0) }
	if v := col(0).(*array.Int64).Value(0); v != 1 {
		t.Errorf("i = %d", v)
	}
	if v := col(1).(*array.Float64).Value(1); v != 3 {
		t.Errorf("f from an integer = %v", v)
	}
	if d := col(3).(*array.Date32).Value(0).ToTime(); !d.Equal(time.Date(2024, 2, 29, 0, 0, 0, 0, time.UTC)) {
		t.Errorf("d = %v", d)
	}
	ts := col(4).(*array.Timestamp)
	if got := time.UnixMicro(int64(ts.Value(0))).UTC(); !got.Equal(time.Date(2024, 1, 1, 3, 30, 0, 0, time.UTC)) {
		t.Errorf("ts = %v, want 03:30 UTC", got)
	}
	if tt := tbl.Schema().Field(4).Type.(*arrow.TimestampType); tt.Unit != arrow.Microsecond || tt.TimeZone != "UTC" {
		t.Errorf("ts type %v", tt)
	}
	if !col(5).IsNull(1) || !col(2).IsNull(2) || !col(1).IsNull(2) || col(1).IsNull(0) {
		t.Errorf("nulls lost")
	}
	if s := col(5).(*array.String).Value(2); s != "မန္တလေး" {
		t.Errorf("s = %q", s)
	}
}

func TestWriteRejectsWrongTypes(t *testing.T) {
	var buf bytes.Buffer
	w, err := NewWriter(&buf, []govlake.Column{{Name: "d", Type: govlake.TypeDate}, {Name: "i", Type: govlake.TypeInt64}})
	if err != nil {
		t.Fatal(err)
	}
	if err := w.Write([]any{"2024-13-01", int64(1)}); err == nil {
		t.Error("bad date accepted")
	}
	w2, _ := NewWriter(&buf, []govlake.Column{{Name: "i", Type: govlake.TypeInt64}})
	if err := w2.Write([]any{"7"}); err == nil {
		t.Error("string in an int64 column accepted")
	}
}

// The fast date reading gives time.Parse's day for every date of four
// centuries and turns down what time.Parse turns down.
func TestParseDateAgreesWithTimeParse(t *testing.T) {
	for d := time.Date(1900, 1, 1, 0, 0, 0, 0, time.UTC); d.Year() < 2300; d = d.AddDate(0, 0, 1) {
		s := d.Format(time.DateOnly)
		got, ok := parseDate(s)
		if !ok || got != arrow.Date32FromTime(d) {
			t.Fatalf("%s: %v %v, want %v", s, got, ok, arrow.Date32FromTime(d))
		}
	}
	for _, s := range []string{"2023-02-29", "2024-13-01", "2024-00-01", "2024-01-32", "2024-1-01", "20240101", "", "0001-01-01", "9999-12-31"} {
		want, err := time.Parse(time.DateOnly, s)
		got, ok := parseDate(s)
		if ok != (err == nil) || (ok && got != arrow.Date32FromTime(want)) {
			t.Errorf("%q: %v %v, time.Parse %v %v", s, got, ok, want, err)
		}
	}
}
