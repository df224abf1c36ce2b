package parquet

import (
	"bytes"
	"fmt"
	"math"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"

	"govlake/internal/govlake"
	"govlake/internal/tabular"
)

// The writer's sketches estimate each column's distinct values within 3%,
// nulls and rows left out not counted, whichever way rows arrive (one at a
// time or in prepared batches), for every column type.
func TestSketchesEstimateDistinctValues(t *testing.T) {
	cols := []govlake.Column{
		{Name: "id", Type: govlake.TypeInt64}, {Name: "f", Type: govlake.TypeFloat64, Nullable: true},
		{Name: "b", Type: govlake.TypeBool}, {Name: "d", Type: govlake.TypeDate},
		{Name: "ts", Type: govlake.TypeTimestamp}, {Name: "s", Type: govlake.TypeString, Nullable: true},
		{Name: "dec", Type: govlake.TypeDecimal, Precision: 12, Scale: 2},
	}
	const n = 60_000
	var buf bytes.Buffer
	w, err := NewWriter(&buf, cols)
	if err != nil {
		t.Fatal(err)
	}
	for i := range n / 2 {
		var f any = float64(i%5000) * 0.5 // 5,000 values, and null
		if i%3 == 0 {
			f = nil
		}
		row := []any{int64(i), f, i%2 == 0, fmt.Sprintf("2024-%02d-%02d", 1+i%12, 1+i%28),
			fmt.Sprintf("2024-01-01T%02d:%02d:00Z", i%24, i%60), fmt.Sprintf("person%d@example.org", i), fmt.Sprintf("%d.%02d", i%700, i%3)}
		if err := w.Write(row); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	// The second half, on a writer of its own, as a prepared batch of the
	// columns that a batch holds typed; every other row left out (kept rows
	// only are sketched), the other columns null.
	var buf2 bytes.Buffer
	w2, err := NewWriter(&buf2, cols)
	if err != nil {
		t.Fatal(err)
	}
	b := &tabular.Batch{N: n, Cols: []tabular.Vector{tabular.NewVector(govlake.JSONInteger, n), tabular.NewVector(govlake.JSONString, n)}}
	keep := make([]bool, n)
	for r := range n {
		b.Cols[0].Present[r], b.Cols[0].Ints[r] = true, int64(n/2+r)
		b.Cols[1].Present[r], b.Cols[1].Text[r] = true, fmt.Sprintf("person%d@example.org", n/2+r)
		keep[r] = r%2 == 0
	}
	prepared, err := w2.PrepareColumns(b, []int{0, -1, -1, -1, -1, 1, -1}, keep)
	if err != nil {
		t.Fatal(err)
	}
	if err := w2.WritePrepared(prepared); err != nil {
		t.Fatal(err)
	}
	if err := w2.Close(); err != nil {
		t.Fatal(err)
	}
	// id and s: 30,000 rows, then 30,000 kept of 60,000, all distinct; f:
	// 5,000 values; b: 2; d: (month, day) pairs repeat every lcm(12, 28) =
	// 84 rows; ts: lcm(24, 60) = 120; dec: lcm(700, 3) = 2,100. The
	// batch's nulls add nothing.
	want := []int64{n, 5000, 2, 84, 120, n, 2100}
	for i, s := range w.Sketches() {
		if s == nil {
			t.Fatalf("column %s is not sketched", cols[i].Name)
		}
		if s2 := w2.Sketches()[i]; s2 != nil {
			s.Merge(s2)
		}
		got := s.Estimate()
		if math.Abs(float64(got-want[i])) > 0.03*float64(want[i]) {
			t.Errorf("column %s: estimate %d, want %d within 3%%", cols[i].Name, got, want[i])
		}
	}
}

// Summaries take counts and ranges from the file's statistics: a zero bound
// of a number column is +0 unless the column holds a -0, whose column is
// then left to a scan (the statistics cannot tell the two apart).
func TestSummariesFromStatistics(t *testing.T) {
	cols := []govlake.Column{{Name: "f", Type: govlake.TypeFloat64, Nullable: true}, {Name: "s", Type: govlake.TypeString, Nullable: true},
		{Name: "d", Type: govlake.TypeDate}, {Name: "i", Type: govlake.TypeInt64}, {Name: "ts", Type: govlake.TypeTimestamp}}
	for _, tc := range []struct {
		name  string
		zero  float64
		check func(s govlake.ColumnSummary) bool
	}{
		{"plus zero", 0, func(s govlake.ColumnSummary) bool {
			return s.Counted && s.Min.(float64) == 0 && !math.Signbit(s.Min.(float64)) && s.Max == 2.5 && s.Values == 3 && s.Nulls == 1 && s.Sum == 2.5
		}},
		{"minus zero", math.Copysign(0, -1), func(s govlake.ColumnSummary) bool { return !s.Counted && s.Min == nil && s.HasSum }},
	} {
		var buf bytes.Buffer
		w, err := NewWriter(&buf, cols)
		if err != nil {
			t.Fatal(err)
		}
		w.batch = 2 // two row groups, merged
		for _, row := range [][]any{
			{tc.zero, "b", "2024-03-01", int64(-7), "2024-01-01T00:00:00Z"},
			{nil, nil, "2024-01-31", int64(40), "2024-01-01T00:00:00Z"},
			{2.5, "a", "2024-02-01", int64(3), "2024-01-01T00:00:00Z"},
			{0.0, "c", "2023-12-31", int64(0), "2024-01-01T00:00:00Z"},
		} {
			if err := w.Write(row); err != nil {
				t.Fatal(err)
			}
		}
		if err := w.Close(); err != nil {
			t.Fatal(err)
		}
		got := w.Summaries()
		if !tc.check(got[0]) {
			t.Errorf("%s: f %+v", tc.name, got[0])
		}
		if s := got[1]; !s.Counted || s.Min != "a" || s.Max != "c" || s.Values != 3 || s.Nulls != 1 || s.HasSum {
			t.Errorf("%s: s %+v", tc.name, s)
		}
		// Dates as days since 1970: 2023-12-31 is 19722, 2024-03-01 is 19783.
		if s := got[2]; !s.Counted || s.Min != int64(19722) || s.Max != int64(19783) || s.Values != 4 {
			t.Errorf("%s: d %+v", tc.name, s)
		}
		if s := got[3]; !s.Counted || s.Min != int64(-7) || s.Max != int64(40) || s.Sum != 36 {
			t.Errorf("%s: i %+v", tc.name, s)
		}
		if got[4].Counted {
			t.Errorf("%s: a timestamp column is counted: %+v", tc.name, got[4])
		}
	}
}

// A prepared batch's text column holds exactly the kept cells, empty ones
// null, in order: few distinct values as a dictionary of the batch (its
// values only the kept rows'), many as a string array laid out without a
// builder; a date column the kept days. So whether the vector was coded
// by SetColumn or not.
func TestPrepareColumnsText(t *testing.T) {
	for _, coded := range []bool{false, true} {
		t.Run(fmt.Sprintf("coded=%v", coded), func(t *testing.T) { prepareText(t, coded) })
	}
}

// textVector holds texts, empty ones absent, coded through SetColumn or
// set as they are.
func textVector(texts []string, coded bool) tabular.Vector {
	v := tabular.NewVector(govlake.JSONString, len(texts))
	if !coded {
		for r, s := range texts {
			v.Present[r], v.Text[r] = s != "", s
		}
		return v
	}
	recs := make([]tabular.Record, len(texts))
	for r, s := range texts {
		recs[r] = tabular.Record{Cells: []string{s}}
	}
	v.SetColumn(recs, 0, make([]bool, len(texts)), nil)
	return v
}

func prepareText(t *testing.T, coded bool) {
	cols := []govlake.Column{{Name: "s", Type: govlake.TypeString, Nullable: true}, {Name: "n", Type: govlake.TypeString, Nullable: true},
		{Name: "d", Type: govlake.TypeDate, Nullable: true}}
	var buf bytes.Buffer
	w, err := NewWriter(&buf, cols)
	if err != nil {
		t.Fatal(err)
	}
	texts := []string{"Yangon", "", "skip", "မန္တလေး", "", "z"}
	days := []string{"2024-02-29", "1970-01-02", "not a day", "", "2024-02-29", "1969-12-31"}
	b := &tabular.Batch{N: len(texts), Cols: []tabular.Vector{textVector(texts, coded), textVector(days, coded)}}
	if (b.Cols[0].Codes != nil) != coded || (b.Cols[1].Codes != nil) != coded {
		t.Fatalf("coded %v: codes %v %v", coded, b.Cols[0].Codes, b.Cols[1].Codes)
	}
	keep := []bool{true, true, false, true, true, true}
	p, err := w.PrepareColumns(b, []int{0, -1, 1}, keep)
	if err != nil {
		t.Fatal(err)
	}
	rec := p.(arrow.RecordBatch)
	defer rec.Release()
	if d, ok := rec.Column(0).(*array.Dictionary); !ok || fmt.Sprint(d.Dictionary()) != `["Yangon" "မန္တလေး" "z"]` {
		t.Errorf("three distinct kept values made %v", rec.Column(0))
	}
	vals, release := plain([]arrow.Array{rec.Column(0)})
	defer release()
	if got := fmt.Sprint(vals[0]); got != `["Yangon" (null) "မန္တလေး" (null) "z"]` || vals[0].NullN() != 2 || rec.NumRows() != 5 {
		t.Errorf("text column %s, %d nulls, %d rows", got, vals[0].NullN(), rec.NumRows())
	}
	if rec.Column(1).NullN() != 5 {
		t.Errorf("absent column: %s", rec.Column(1))
	}
	if got := fmt.Sprint(rec.Column(2)); got != "[2024-02-29 1970-01-02 (null) 2024-02-29 1969-12-31]" {
		t.Errorf("date column %s", got)
	}
	keep[2] = true // "not a day" is kept: an error, as the uncoded path gives
	if _, err := w.PrepareColumns(b, []int{0, -1, 1}, keep); err == nil || err.Error() != `column "d": "not a day" is not a date (YYYY-MM-DD)` {
		t.Errorf("a kept bad date: %v", err)
	}
	// 2,000 distinct values of 20 bytes pass a dictionary's 32 KB.
	many := &tabular.Batch{N: 2000, Cols: []tabular.Vector{tabular.NewVector(govlake.JSONString, 2000)}}
	all := make([]bool, 2000)
	for r := range all {
		many.Cols[0].Present[r], many.Cols[0].Text[r], all[r] = r%9 != 4, fmt.Sprintf("person%06d@mail.mm", r), true
	}
	p, err = w.PrepareColumns(many, []int{0, -1, -1}, all)
	if err != nil {
		t.Fatal(err)
	}
	rec2 := p.(arrow.RecordBatch)
	defer rec2.Release()
	s, ok := rec2.Column(0).(*array.String)
	if !ok || s.Value(1999) != "person001999@mail.mm" || !s.IsNull(4) || s.NullN() != 222 {
		t.Errorf("2,000 distinct values: %T %v", rec2.Column(0), rec2.Column(0))
	}
}
