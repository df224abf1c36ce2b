// Package parquet writes dataset rows as Parquet files with arrow-go: typed
// columns from the dataset's schema, zstd compression, and at most a row
// group of rows (BatchRows) in memory at a time.
package parquet

import (
	"encoding/json"
	"fmt"
	"io"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
	pq "github.com/apache/arrow-go/v18/parquet"
	"github.com/apache/arrow-go/v18/parquet/compress"

	"govlake/internal/govlake"
	"govlake/internal/hll"
	"govlake/internal/tabular"
)

// BatchRows is the number of rows held in memory and written as one row
// group; DuckDB reads row groups of this size well.
const BatchRows = 122880

// Writer writes rows to one Parquet file.
type Writer struct {
	cols     []govlake.Column
	schema   *arrow.Schema
	b        *array.RecordBuilder
	fw       *fileWriter
	pending  int
	rows     int64
	batch    int
	held     rowGroup // prepared batches not yet written
	sketches []*hll.Sketch
	sums     []*sum             // number columns' sums, for their mean
	counts   []map[string]int64 // by column, each value's count; nil: not counted
}

// NewWriter starts a Parquet file with the given columns on w.
func NewWriter(w io.Writer, cols []govlake.Column) (*Writer, error) {
	UseZstdPages()
	fields := make([]arrow.Field, len(cols))
	for i, c := range cols {
		f, err := field(c)
		if err != nil {
			return nil, err
		}
		fields[i] = f
	}
	schema := arrow.NewSchema(fields, nil)
	props := pq.NewWriterProperties(
		pq.WithCompression(compress.Codecs.Zstd),
		pq.WithCompressionLevel(1),
		pq.WithDictionaryPageSizeLimit(32<<10), // a column of unique values gives up its dictionary early
		pq.WithMaxRowGroupLength(BatchRows),
		pq.WithCreatedBy("govlake"),
	)
	fw, err := newFileWriter(w, schema, props)
	if err != nil {
		return nil, fmt.Errorf("start parquet file: %w", err)
	}
	sketches, sums := make([]*hll.Sketch, len(fields)), make([]*sum, len(fields))
	for i, f := range fields {
		if sketchable(f.Type) {
			sketches[i] = hll.New()
		}
		if cols[i].Type == govlake.TypeInt64 || cols[i].Type == govlake.TypeFloat64 {
			sums[i] = &sum{}
		}
	}
	return &Writer{
		cols: cols, schema: schema, fw: fw, batch: BatchRows, sketches: sketches, sums: sums, counts: newCounts(cols),
		b: array.NewRecordBuilder(memory.DefaultAllocator, schema),
	}, nil
}

// Write appends one row: one value per column, nil for null, else int64,
// float64, bool or string (dates and date-times as validated text).
func (w *Writer) Write(row []any) error {
	if w.held.rows > 0 {
		// After prepared batches: this row starts a row group of its own.
		if err := w.writeHeld(); err != nil {
			return err
		}
	}
	if err := appendRow(w.b, w.cols, row); err != nil {
		return err
	}
	w.pending++
	w.rows++
	if w.pending >= w.batch {
		return w.flush()
	}
	return nil
}

func appendRow(rb *array.RecordBuilder, cols []govlake.Column, row []any) error {
	for i, v := range row {
		if err := appendValue(rb.Field(i), cols[i], v); err != nil {
			return err
		}
	}
	return nil
}

// appendValue appends one value to a column builder: nil for null, else
// int64, float64, bool or string (dates and date-times as validated text).
func appendValue(fb array.Builder, col govlake.Column, v any) error {
	if v == nil {
		fb.AppendNull()
		return nil
	}
	var ok bool
	switch b := fb.(type) {
	case *array.Int64Builder:
		var n int64
		if n, ok = v.(int64); ok {
			b.Append(n)
		}
	case *array.Float64Builder:
		var f float64
		switch x := v.(type) {
		case float64:
			f, ok = x, true
		case int64:
			f, ok = float64(x), true
		case json.Number: // a FLOAT in its shortest form
			var err error
			f, err = x.Float64()
			ok = err == nil
		}
		if ok {
			b.Append(f)
		}
	case *array.BooleanBuilder:
		var t bool
		if t, ok = v.(bool); ok {
			b.Append(t)
		}
	case *array.StringBuilder:
		var s string
		if s, ok = v.(string); ok {
			b.Append(s)
		}
	case *array.Date32Builder:
		if s, isStr := v.(string); isStr {
			d, err := time.Parse(time.DateOnly, s)
			if err != nil {
				return fmt.Errorf("column %q: %q is not a date (YYYY-MM-DD)", col.Name, s)
			}
			b.Append(arrow.Date32FromTime(d))
			ok = true
		}
	case *array.TimestampBuilder:
		if s, isStr := v.(string); isStr {
			ts, err := parseTimestamp(col, s)
			if err != nil {
				return err
			}
			b.Append(ts)
			ok = true
		}
	default:
		return appendResultValue(fb, col, v)
	}
	if !ok {
		return fmt.Errorf("column %q: value %v (%T) does not fit type %s", col.Name, v, v, col.Type)
	}
	return nil
}

func (w *Writer) flush() error {
	if w.pending == 0 {
		return nil
	}
	rec := w.b.NewRecordBatch()
	defer rec.Release()
	w.pending = 0
	w.sketch(rec)
	clear(w.counts) // rows written one by one are not counted
	if err := w.fw.writeRecord(rec); err != nil {
		return fmt.Errorf("write parquet row group: %w", err)
	}
	return nil
}

// PrepareColumns builds the Arrow columns of a batch, so that the costly
// part of writing can run on several goroutines at once; WritePrepared then
// adds the batch to the file. The rows are laid out by source column: column i
// of the file takes b.Values[index[i]] (null where index[i] < 0), for the
// rows marked keep. It may be called concurrently.
func (w *Writer) PrepareColumns(b *tabular.Batch, index []int, keep []bool) (any, error) {
	n := 0
	for _, k := range keep {
		if k {
			n++
		}
	}
	arrays := make([]arrow.Array, len(w.cols))
	defer func() {
		for _, a := range arrays {
			if a != nil {
				a.Release()
			}
		}
	}()
	fields := w.schema.Fields()
	schema := w.schema
	for i, f := range fields {
		if index[i] >= 0 && f.Type.ID() == arrow.STRING && b.Cols[index[i]].Type == govlake.JSONString {
			if d := batchDictionary(&b.Cols[index[i]], keep, n); d != nil {
				// Few distinct values: the batch carries them once, and
				// the row group's dictionary merges the batches' (see
				// dictionaryOf), rather than every value's bytes.
				arrays[i] = d
				fields[i].Type = d.DataType()
				schema = nil
				continue
			}
			arrays[i] = stringArray(&b.Cols[index[i]], keep, n)
			continue
		}
		fb := array.NewBuilder(memory.DefaultAllocator, f.Type)
		fb.Reserve(n)
		if index[i] < 0 {
			fb.AppendNulls(n)
		} else if err := appendVector(fb, w.cols[i], &b.Cols[index[i]], keep); err != nil {
			fb.Release()
			return nil, err
		}
		arrays[i] = fb.NewArray()
		fb.Release()
	}
	if schema == nil {
		schema = arrow.NewSchema(fields, nil)
	}
	return array.NewRecordBatch(schema, arrays, int64(n)), nil
}

// appendVector appends the kept rows of one batch column, typed, without
// boxing a value; a vector of an unexpected type goes value by value.
func appendVector(fb array.Builder, col govlake.Column, v *tabular.Vector, keep []bool) error {
	switch b := fb.(type) {
	case *array.Int64Builder:
		if v.Type == govlake.JSONInteger {
			return appendKept(b, col, v, v.Ints, keep)
		}
	case *array.Float64Builder:
		if v.Type == govlake.JSONNumber {
			return appendKept(b, col, v, v.Floats, keep)
		}
	case *array.StringBuilder:
		if v.Type == govlake.JSONString {
			size := 0
			for r, k := range keep {
				if k {
					size += len(v.Text[r])
				}
			}
			b.ReserveData(size)
			for r, k := range keep {
				switch {
				case !k:
				case !v.Present[r]:
					b.AppendNull()
				default:
					b.Append(v.Text[r])
				}
			}
			return nil
		}
	case *array.Date32Builder:
		if v.Type == govlake.JSONString {
			return appendDates(b, col, v, keep)
		}
	}
	for r, k := range keep {
		if k {
			if err := appendValue(fb, col, v.Value(r)); err != nil {
				return err
			}
		}
	}
	return nil
}

// appendDates appends the kept rows of a text vector as dates; a coded
// vector's distinct values are each read once while the column keeps its
// dictionary.
func appendDates(b *array.Date32Builder, col govlake.Column, v *tabular.Vector, keep []bool) error {
	for r, k := range keep {
		switch {
		case !k:
		case !v.Present[r]:
			b.UnsafeAppendBoolToBitmap(false)
		default:
			if v.Codes != nil {
				if days, ok := v.Dict.PlainDay(v.Codes[r]); ok {
					b.UnsafeAppend(arrow.Date32(days))
					continue
				}
			}
			d, ok := parseDate(v.Text[r])
			if !ok {
				return fmt.Errorf("column %q: %q is not a date (YYYY-MM-DD)", col.Name, v.Text[r])
			}
			b.UnsafeAppend(d)
		}
	}
	return nil
}

// fixedBuilder is an Arrow builder of fixed-width values, reserved ahead.
type fixedBuilder[T any] interface {
	UnsafeAppend(T)
	UnsafeAppendBoolToBitmap(bool)
}

// appendKept appends the kept rows of a typed vector's values.
func appendKept[T any](b fixedBuilder[T], col govlake.Column, v *tabular.Vector, vals []T, keep []bool) error {
	for r, k := range keep {
		switch {
		case !k:
		case !v.Present[r]:
			b.UnsafeAppendBoolToBitmap(false)
		case v.Bad[r]:
			return fmt.Errorf("column %q: value %q does not fit type %s", col.Name, v.Text[r], col.Type)
		default:
			b.UnsafeAppend(vals[r])
		}
	}
	return nil
}

// parseDate reads YYYY-MM-DD as days since 1970-01-01, fast for the plain
// form and by time.Parse for anything else.
func parseDate(s string) (arrow.Date32, bool) {
	if d, ok := tabular.PlainDate(s); ok {
		return arrow.Date32(d), true
	}
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		return 0, false
	}
	return arrow.Date32FromTime(t), true
}

// WritePrepared adds a prepared batch; a row group is written each time
// BatchRows rows are held (see rowGroup).
func (w *Writer) WritePrepared(p any) error {
	rec := p.(arrow.RecordBatch)
	if w.pending > 0 {
		if err := w.flush(); err != nil {
			rec.Release()
			return err
		}
	}
	w.sum(rec)
	w.rows += rec.NumRows()
	return w.add(rec)
}

// Rows returns the number of rows written so far.
func (w *Writer) Rows() int64 { return w.rows }

// Close writes the last batch and the file footer.
func (w *Writer) Close() error {
	defer w.b.Release()
	err := w.writeHeld()
	if err == nil {
		err = w.flush()
	}
	if err != nil {
		w.fw.Close()
		return err
	}
	if err := w.fw.Close(); err != nil {
		return fmt.Errorf("finish parquet file: %w", err)
	}
	return nil
}
