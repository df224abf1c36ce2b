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

// sketch adds a batch's values to the columns' sketches of distinct values
// and to their sums.
func (w *Writer) sketch(rec arrow.RecordBatch) {
	for i, s := range w.sketches {
		if s != nil {
			sketchColumn(s, rec.Column(i))
		}
	}
	w.sum(rec)
}

// sum adds a batch's numbers to their columns' sums.
func (w *Writer) sum(rec arrow.RecordBatch) {
	for i, k := range w.sums {
		if k != nil {
			addNumbers(k, rec.Column(i))
		}
	}
}

// addNumbers adds a number column's valid values to its sum.
func addNumbers(k *sum, col arrow.Array) {
	switch a := col.(type) {
	case *array.Int64:
		for r, v := range a.Int64Values() {
			if a.IsValid(r) {
				k.add(float64(v))
			}
		}
	case *array.Float64:
		for r, v := range a.Float64Values() {
			if a.IsValid(r) {
				k.add(v)
				if v == 0 && math.Signbit(v) {
					k.negZero = true
				}
			}
		}
	}
}

func sketchColumn(s *hll.Sketch, col arrow.Array) {
	switch a := col.(type) {
	case *array.Int64:
		ints(s, a, a.Int64Values())
	case *array.Uint64:
		ints(s, a, a.Uint64Values())
	case *array.Date32:
		ints(s, a, a.Date32Values())
	case *array.Time64:
		ints(s, a, a.Time64Values())
	case *array.Timestamp:
		ints(s, a, a.TimestampValues())
	case *array.Float64:
		vals := a.Float64Values()
		for r, v := range vals {
			if a.IsValid(r) {
				// 0 and -0 are one value to SQL's count(DISTINCT ...).
				s.AddHash(hll.HashUint64(math.Float64bits(v + 0)))
			}
		}
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

// ints adds the valid values of an integer array, without a validity
// check per row when the array has no nulls.
func ints[T ~int64 | ~uint64 | ~int32](s *hll.Sketch, a arrow.Array, vals []T) {
	if a.NullN() == 0 {
		for _, v := range vals {
			s.AddHash(hll.HashUint64(uint64(v)))
		}
		return
	}
	for r, v := range vals {
		if a.IsValid(r) {
			s.AddHash(hll.HashUint64(uint64(v)))
		}
	}
}

// Sketches are the sketches of each column's distinct values written so
// far (nil for a column of a type not sketched), to be merged with other
// parts' and estimated.
func (w *Writer) Sketches() []*hll.Sketch { return w.sketches }
