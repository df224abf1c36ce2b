package parquet

import (
	"math"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"

	"govlake/internal/hll"
)

// sketchable says whether a column's Arrow type is one whose values the
// writer sketches (every type a dataset column has).
func sketchable(t arrow.DataType) bool {
	switch t.ID() {
	case arrow.INT64, arrow.UINT64, arrow.FLOAT64, arrow.DATE32, arrow.TIME64, arrow.TIMESTAMP,
		arrow.BOOL, arrow.STRING, arrow.BINARY, arrow.DECIMAL128:
		return true
	}
	return false
}

// sketch adds a batch's values to the columns' sketches of distinct values.
func (w *Writer) sketch(rec arrow.RecordBatch) {
	for i, s := range w.sketches {
		if s != nil {
			sketchColumn(s, rec.Column(i))
		}
	}
}

func sketchColumn(s *hll.Sketch, col arrow.Array) {
	switch a := col.(type) {
	case *array.Int64:
		fixed(s, a, a.Int64Values(), func(v int64) uint64 { return uint64(v) })
	case *array.Uint64:
		fixed(s, a, a.Uint64Values(), func(v uint64) uint64 { return v })
	case *array.Float64:
		// 0 and -0 are one value to SQL's count(DISTINCT ...).
		fixed(s, a, a.Float64Values(), func(v float64) uint64 { return math.Float64bits(v + 0) })
	case *array.Date32:
		fixed(s, a, a.Date32Values(), func(v arrow.Date32) uint64 { return uint64(v) })
	case *array.Time64:
		fixed(s, a, a.Time64Values(), func(v arrow.Time64) uint64 { return uint64(v) })
	case *array.Timestamp:
		fixed(s, a, a.TimestampValues(), func(v arrow.Timestamp) uint64 { return uint64(v) })
	case *array.Boolean:
		for r := range a.Len() {
			if a.IsValid(r) {
				b := uint64(0)
				if a.Value(r) {
					b = 1
				}
				s.AddHash(hll.HashUint64(b))
			}
		}
	case *array.String:
		for r := range a.Len() {
			if a.IsValid(r) {
				s.AddHash(hll.HashBytes(a.Value(r)))
			}
		}
	case *array.Binary:
		for r := range a.Len() {
			if a.IsValid(r) {
				s.AddHash(hll.HashBytes(a.Value(r)))
			}
		}
	case *array.Decimal128:
		for r := range a.Len() {
			if a.IsValid(r) {
				v := a.Value(r)
				s.AddHash(hll.HashUint64(v.LowBits() ^ hll.HashUint64(uint64(v.HighBits()))))
			}
		}
	}
}

// fixed adds the valid values of a fixed-width array, without a validity
// check per row when the array has no nulls.
func fixed[T any](s *hll.Sketch, a arrow.Array, vals []T, bits func(T) uint64) {
	if a.NullN() == 0 {
		for _, v := range vals {
			s.AddHash(hll.HashUint64(bits(v)))
		}
		return
	}
	for r, v := range vals {
		if a.IsValid(r) {
			s.AddHash(hll.HashUint64(bits(v)))
		}
	}
}

// Sketches are the sketches of each column's distinct values written so
// far (nil for a column of a type not sketched), to be merged with other
// parts' and estimated.
func (w *Writer) Sketches() []*hll.Sketch { return w.sketches }
