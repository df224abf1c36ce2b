package parquet

import (
	"math"

	"github.com/apache/arrow-go/v18/parquet/metadata"

	"govlake/internal/govlake"
)

// sum adds numbers with Neumaier's compensation, so that the mean of ten
// million values keeps its digits. negZero records a -0: Parquet's
// statistics write a zero bound as -0 (minimum) or +0 (maximum) whatever
// the values were, so a column holding -0 takes its range from a scan.
type sum struct {
	s, c    float64
	negZero bool
}

func (k *sum) add(v float64) {
	t := k.s + v
	if math.Abs(k.s) >= math.Abs(v) {
		k.c += (k.s - t) + v
	} else {
		k.c += (v - t) + k.s
	}
	k.s = t
}

func (k *sum) value() float64 { return k.s + k.c }

// Summaries are what the writer saw of each column, once closed: counts and
// range from the file's statistics (which the writer keeps anyway), the
// sum of numbers from its own pass, and no estimate of distinct values
// (see Sketches).
func (w *Writer) Summaries() []govlake.ColumnSummary {
	out := make([]govlake.ColumnSummary, len(w.cols))
	md, err := w.fw.FileMetadata()
	for i, c := range w.cols {
		out[i] = govlake.ColumnSummary{Distinct: -1}
		if err == nil {
			out[i] = columnSummary(md, i, c)
		}
		out[i].Counts = w.counts[i]
		if k := w.sums[i]; k != nil {
			out[i].Sum, out[i].HasSum = k.value(), true
			if out[i].Counted && c.Type == govlake.TypeFloat64 {
				if k.negZero {
					out[i].Counted, out[i].Min, out[i].Max = false, nil, nil
				} else if out[i].Values > 0 {
					out[i].Min, out[i].Max = out[i].Min.(float64)+0, out[i].Max.(float64)+0 // -0 + 0 = +0
				}
			}
		}
	}
	return out
}

// columnSummary merges a column's statistics over the file's row groups;
// not counted when a row group lacks them.
func columnSummary(md *metadata.FileMetaData, i int, c govlake.Column) govlake.ColumnSummary {
	s := govlake.ColumnSummary{Distinct: -1, Counted: true}
	none := govlake.ColumnSummary{Distinct: -1}
	for g := range md.NumRowGroups() {
		rg := md.RowGroup(g)
		cc, err := rg.ColumnChunk(i)
		if err != nil {
			return none
		}
		st, err := cc.Statistics()
		if err != nil || st == nil || !st.HasNullCount() {
			return none
		}
		part := govlake.ColumnSummary{Counted: true, Nulls: st.NullCount(), Values: rg.NumRows() - st.NullCount()}
		if part.Values > 0 {
			if !st.HasMinMax() {
				return none
			}
			if part.Min, part.Max = minMax(st, c); part.Min == nil {
				return none
			}
		}
		s.Merge(part)
	}
	return s
}

// minMax reads a row group's range in a column of a summarized type.
func minMax(st metadata.TypedStatistics, c govlake.Column) (lo, hi any) {
	switch x := st.(type) {
	case *metadata.Int64Statistics:
		if c.Type == govlake.TypeInt64 {
			return x.Min(), x.Max()
		}
	case *metadata.Int32Statistics:
		if c.Type == govlake.TypeDate {
			return int64(x.Min()), int64(x.Max())
		}
	case *metadata.Float64Statistics:
		if c.Type == govlake.TypeFloat64 {
			return x.Min(), x.Max()
		}
	case *metadata.BooleanStatistics:
		return x.Min(), x.Max()
	case *metadata.ByteArrayStatistics:
		if c.Type == govlake.TypeString {
			return string(x.Min()), string(x.Max())
		}
	}
	return nil, nil
}
