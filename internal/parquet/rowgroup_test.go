package parquet

import (
	"bytes"
	"context"
	"fmt"
	"slices"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
	pq "github.com/apache/arrow-go/v18/parquet"
	"github.com/apache/arrow-go/v18/parquet/file"
	"github.com/apache/arrow-go/v18/parquet/metadata"
	"github.com/apache/arrow-go/v18/parquet/pqarrow"

	"govlake/internal/govlake"
	"govlake/internal/tabular"
)

// Prepared batches make row groups of exactly BatchRows rows (the last
// smaller), cut inside a batch where they must; a text column of few
// values, nulls among them, is dictionary encoded by the writer, one of
// unique values is not, and both read back as they were written, with
// their statistics.
func TestPreparedRowGroups(t *testing.T) {
	cols := []govlake.Column{{Name: "n", Type: govlake.TypeInt64}, {Name: "ward", Type: govlake.TypeString, Nullable: true},
		{Name: "email", Type: govlake.TypeString}}
	var buf bytes.Buffer
	w, err := NewWriter(&buf, cols)
	if err != nil {
		t.Fatal(err)
	}
	w.batch = 1000
	wards := []string{"Kamayut", "Sanchaung", "Hlaing", "မင်္ဂလာတောင်ညွန့်"}
	const total, per = 4321, 700
	var want [][3]string
	for from := 0; from < total; from += per {
		n := min(per, total-from)
		b := &tabular.Batch{N: n, Cols: []tabular.Vector{tabular.NewVector(tabular.JSONInteger, n), tabular.NewVector(tabular.JSONString, n), tabular.NewVector(tabular.JSONString, n)}}
		for r := range n {
			i := from + r
			b.Cols[0].Ints[r], b.Cols[0].Present[r] = int64(i), true
			ward := ""
			if i%7 != 3 {
				ward = wards[i%len(wards)]
				b.Cols[1].Text[r], b.Cols[1].Present[r] = ward, true
			}
			email := fmt.Sprintf("person%d.of-the-household@example.org", i) // 1,000 pass 32 KB
			b.Cols[2].Text[r], b.Cols[2].Present[r] = email, true
			want = append(want, [3]string{fmt.Sprint(i), ward, email})
		}
		keep := make([]bool, n)
		for r := range keep {
			keep[r] = true
		}
		writePrepared(t, w, b, []int{0, 1, 2}, keep)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	rdr, err := file.NewParquetReader(bytes.NewReader(buf.Bytes()))
	if err != nil {
		t.Fatal(err)
	}
	var sizes []int64
	for g := range rdr.NumRowGroups() {
		rg := rdr.MetaData().RowGroup(g)
		sizes = append(sizes, rg.NumRows())
		// The last row group's 321 addresses are under 32 KB: worth a dictionary.
		for c, dict := range []bool{false, true, g == 4} {
			cc, _ := rg.ColumnChunk(c)
			if got := dictionaryOnly(cc); c > 0 && got != dict {
				t.Errorf("row group %d, %s: pages %v", g, cols[c].Name, cc.EncodingStats())
			}
		}
		cc, _ := rg.ColumnChunk(1)
		st, err := cc.Statistics()
		if err != nil || st == nil || string(st.(*metadata.ByteArrayStatistics).Min()) != "Hlaing" || st.NullCount() == 0 {
			t.Errorf("row group %d: ward statistics %v %v", g, st, err)
		}
	}
	if fmt.Sprint(sizes) != "[1000 1000 1000 1000 321]" {
		t.Errorf("row groups of %v rows", sizes)
	}
	tbl := readTable(t, rdr)
	var got [][3]string
	for k, chunk := range tbl.Column(0).Data().Chunks() {
		ns, wards, emails := chunk.(*array.Int64), tbl.Column(1).Data().Chunk(k).(*array.String), tbl.Column(2).Data().Chunk(k).(*array.String)
		for r := range ns.Len() {
			got = append(got, [3]string{fmt.Sprint(ns.Value(r)), wards.Value(r), emails.Value(r)})
			if wards.IsNull(r) != (ns.Value(r)%7 == 3) {
				t.Fatalf("row %d: null %v", ns.Value(r), wards.IsNull(r))
			}
		}
	}
	if !slices.Equal(got, want) {
		t.Errorf("read back %d rows, wrote %d; first differing: %v", len(got), len(want), firstDiff(got, want))
	}
	if e := w.Sketches()[1].Estimate(); e != int64(len(wards)) {
		t.Errorf("ward's sketch estimates %d distinct values", e)
	}
	// Each value counted, as SQL writes it: the wards and the numbers
	// (dictionaries of each row group); not the addresses, whose row
	// groups but the last had too many to encode.
	wantWards := map[string]int64{}
	for _, r := range want {
		if r[1] != "" {
			wantWards[r[1]]++
		}
	}
	sums := w.Summaries()
	if fmt.Sprint(sums[1].Counts) != fmt.Sprint(wantWards) || len(sums[0].Counts) != total || sums[0].Counts["4320"] != 1 || sums[2].Counts != nil {
		t.Errorf("counts: ward %v, %d numbers, addresses %d", sums[1].Counts, len(sums[0].Counts), len(sums[2].Counts))
	}
}

// dictionaryOnly says whether every data page of a column chunk is
// dictionary encoded.
func dictionaryOnly(cc *metadata.ColumnChunkMetaData) bool {
	if !cc.HasDictionaryPage() {
		return false
	}
	for _, s := range cc.EncodingStats() {
		if fmt.Sprint(s.PageType) == "DATA_PAGE" && s.Encoding != pq.Encodings.RLEDict {
			return false
		}
	}
	return true
}

func firstDiff(a, b [][3]string) string {
	for i := range min(len(a), len(b)) {
		if a[i] != b[i] {
			return fmt.Sprintf("%v / %v", a[i], b[i])
		}
	}
	return "none"
}

// A date or integer column with empty cells, dictionary encoded, keeps its
// true range and null count (pqarrow's dictionary path read a null index's
// empty slot as a value: 1970-01-01), and its values are counted.
func TestPreparedRangeWithNulls(t *testing.T) {
	cols := []govlake.Column{{Name: "born", Type: govlake.TypeDate, Nullable: true}, {Name: "n", Type: govlake.TypeInt64, Nullable: true}}
	var buf bytes.Buffer
	w, err := NewWriter(&buf, cols)
	if err != nil {
		t.Fatal(err)
	}
	b := &tabular.Batch{N: 3, Cols: []tabular.Vector{tabular.NewVector(tabular.JSONString, 3), tabular.NewVector(tabular.JSONInteger, 3)}}
	b.Cols[0].Text[1], b.Cols[0].Present[1] = "1990-05-01", true
	b.Cols[1].Ints[1], b.Cols[1].Present[1] = 42, true
	writePrepared(t, w, b, []int{0, 1}, []bool{true, true, true})
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	s := w.Summaries()
	if s[0].Min != int64(7425) || s[0].Max != int64(7425) || s[0].Nulls != 2 || s[1].Min != int64(42) || s[1].Nulls != 2 {
		t.Errorf("born %v..%v (%d empty), n %v (%d empty)", s[0].Min, s[0].Max, s[0].Nulls, s[1].Min, s[1].Nulls)
	}
	if fmt.Sprint(s[0].Counts, s[1].Counts) != "map[1990-05-01:1] map[42:1]" {
		t.Errorf("counts %v %v", s[0].Counts, s[1].Counts)
	}
}

// writePrepared prepares and writes a batch's kept rows.
func writePrepared(t *testing.T, w *Writer, b *tabular.Batch, index []int, keep []bool) {
	t.Helper()
	p, err := w.PrepareColumns(b, index, keep)
	if err != nil {
		t.Fatal(err)
	}
	if err := w.WritePrepared(p); err != nil {
		t.Fatal(err)
	}
}

// readTable reads a whole file back with arrow.
func readTable(t *testing.T, rdr *file.Reader) arrow.Table {
	t.Helper()
	fr, err := pqarrow.NewFileReader(rdr, pqarrow.ArrowReadProperties{}, memory.DefaultAllocator)
	if err != nil {
		t.Fatal(err)
	}
	tbl, err := fr.ReadTable(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(tbl.Release)
	return tbl
}

// An integer dictionary decodes to the values it was made from, whether a
// value is found by the table near the first value or by the map (far
// away, at the ends of int64), with nulls kept; past dictionaryBytes of
// distinct values there is none.
func TestIntDictionaryNearAndFar(t *testing.T) {
	int64s := func(a arrow.Array) ([]int64, bool) {
		v, ok := a.(*array.Int64)
		if !ok {
			return nil, false
		}
		return v.Int64Values(), true
	}
	far := []int64{-1 << 63, 1<<63 - 1, 1e12, -1e12, 2048 + 60, -2049 + 60}
	for _, tc := range []struct {
		name   string
		values []int64
		valid  []bool
		none   bool
	}{
		{name: "near", values: []int64{60, 61, 0, 120, 60, 61, 7}},
		{name: "near and far", values: append([]int64{60, 12, 60}, append(far, far...)...)},
		{name: "nulls", values: []int64{60, 0, 61, 0, 1 << 40}, valid: []bool{true, false, true, false, true}},
		{name: "first far below", values: []int64{-1 << 63, -1<<63 + 1, 5, -1 << 63}},
		{name: "too many", values: seq(0, 5000), none: true},
		{name: "at the limit", values: seq(0, dictionaryBytes/8)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			b := array.NewInt64Builder(memory.DefaultAllocator)
			b.AppendValues(tc.values, tc.valid)
			a := b.NewArray()
			defer a.Release()
			// Two arrays, as a row group of two batches.
			half := int64(a.Len() / 2)
			parts := []arrow.Array{array.NewSlice(a, 0, half), array.NewSlice(a, half, int64(a.Len()))}
			d := intDictionaryOf(parts, int64(a.Len()), arrow.PrimitiveTypes.Int64, 8, int64s)
			if tc.none {
				if d != nil {
					t.Fatalf("%d distinct values made a dictionary", len(tc.values))
				}
				return
			}
			if d == nil {
				t.Fatal("no dictionary")
			}
			defer d.Release()
			dict := d.Dictionary().(*array.Int64).Int64Values()
			if len(dict) != len(slices.Compact(slices.Sorted(slices.Values(dict)))) {
				t.Errorf("dictionary %v repeats a value", dict)
			}
			for r := range tc.values {
				valid := tc.valid == nil || tc.valid[r]
				if d.IsValid(r) != valid {
					t.Fatalf("row %d: valid %v, want %v", r, d.IsValid(r), valid)
				}
				if got := dict[d.GetValueIndex(r)]; valid && got != tc.values[r] {
					t.Errorf("row %d: %d, want %d", r, got, tc.values[r])
				}
			}
		})
	}
}

func seq(from, to int64) []int64 {
	var s []int64
	for v := from; v < to; v++ {
		s = append(s, v)
	}
	return s
}
