// Package parquet writes dataset rows as Parquet files with arrow-go: typed
// columns from the dataset's schema, zstd compression, and a bounded batch of
// rows in memory at a time, each batch one row group.
package parquet

import (
	"fmt"
	"io"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
	pq "github.com/apache/arrow-go/v18/parquet"
	"github.com/apache/arrow-go/v18/parquet/compress"
	"github.com/apache/arrow-go/v18/parquet/pqarrow"

	"govlake/internal/govlake"
)

// BatchRows is the number of rows held in memory and written as one row
// group; DuckDB reads row groups of this size well.
const BatchRows = 122880

// Writer writes rows to one Parquet file.
type Writer struct {
	cols    []govlake.Column
	schema  *arrow.Schema
	b       *array.RecordBuilder
	fw      *pqarrow.FileWriter
	pending int
	rows    int64
	batch   int
}

// NewWriter starts a Parquet file with the given columns on w.
func NewWriter(w io.Writer, cols []govlake.Column) (*Writer, error) {
	fields := make([]arrow.Field, len(cols))
	for i, c := range cols {
		t, err := arrowType(c.Type)
		if err != nil {
			return nil, fmt.Errorf("column %q: %w", c.Name, err)
		}
		fields[i] = arrow.Field{Name: c.Name, Type: t, Nullable: c.Nullable}
	}
	schema := arrow.NewSchema(fields, nil)
	props := pq.NewWriterProperties(
		pq.WithCompression(compress.Codecs.Zstd),
		pq.WithMaxRowGroupLength(BatchRows),
		pq.WithCreatedBy("govlake"),
	)
	// Hide any Close method: the caller owns w, and pqarrow would close it.
	fw, err := pqarrow.NewFileWriter(schema, struct{ io.Writer }{w}, props, pqarrow.NewArrowWriterProperties(pqarrow.WithStoreSchema()))
	if err != nil {
		return nil, fmt.Errorf("start parquet file: %w", err)
	}
	return &Writer{
		cols: cols, schema: schema, fw: fw, batch: BatchRows,
		b: array.NewRecordBuilder(memory.DefaultAllocator, schema),
	}, nil
}

func arrowType(t string) (arrow.DataType, error) {
	switch t {
	case govlake.TypeInt64:
		return arrow.PrimitiveTypes.Int64, nil
	case govlake.TypeFloat64:
		return arrow.PrimitiveTypes.Float64, nil
	case govlake.TypeBool:
		return arrow.FixedWidthTypes.Boolean, nil
	case govlake.TypeDate:
		return arrow.FixedWidthTypes.Date32, nil
	case govlake.TypeTimestamp:
		return &arrow.TimestampType{Unit: arrow.Microsecond, TimeZone: "UTC"}, nil
	case govlake.TypeString:
		return arrow.BinaryTypes.String, nil
	}
	return nil, fmt.Errorf("unknown column type %q", t)
}

// Write appends one row: one value per column, nil for null, else int64,
// float64, bool or string (dates and date-times as validated text).
func (w *Writer) Write(row []any) error {
	for i, v := range row {
		fb := w.b.Field(i)
		if v == nil {
			fb.AppendNull()
			continue
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
					return fmt.Errorf("column %q: %q is not a date (YYYY-MM-DD)", w.cols[i].Name, s)
				}
				b.Append(arrow.Date32FromTime(d))
				ok = true
			}
		case *array.TimestampBuilder:
			if s, isStr := v.(string); isStr {
				t, err := time.Parse(time.RFC3339Nano, s)
				if err != nil {
					return fmt.Errorf("column %q: %q is not a date-time (RFC 3339)", w.cols[i].Name, s)
				}
				b.Append(arrow.Timestamp(t.UnixMicro()))
				ok = true
			}
		}
		if !ok {
			return fmt.Errorf("column %q: value %v (%T) does not fit type %s", w.cols[i].Name, v, v, w.cols[i].Type)
		}
	}
	w.pending++
	w.rows++
	if w.pending >= w.batch {
		return w.flush()
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
	if err := w.fw.Write(rec); err != nil {
		return fmt.Errorf("write parquet row group: %w", err)
	}
	return nil
}

// Rows returns the number of rows written so far.
func (w *Writer) Rows() int64 { return w.rows }

// Close writes the last batch and the file footer.
func (w *Writer) Close() error {
	defer w.b.Release()
	if err := w.flush(); err != nil {
		w.fw.Close()
		return err
	}
	if err := w.fw.Close(); err != nil {
		return fmt.Errorf("finish parquet file: %w", err)
	}
	return nil
}
