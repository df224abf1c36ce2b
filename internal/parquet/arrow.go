package parquet

import (
	"io"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/ipc"
	"github.com/apache/arrow-go/v18/arrow/memory"

	"govlake/internal/govlake"
)

// ArrowStream writes rows as an Arrow IPC stream, a batch at a time, so a
// result of any size flows with bounded memory.
type ArrowStream struct {
	cols    []govlake.Column
	b       *array.RecordBuilder
	w       *ipc.Writer
	pending int
	rows    int64
}

// NewArrowStream starts an Arrow IPC stream with the given columns on w.
func NewArrowStream(w io.Writer, cols []govlake.Column) (*ArrowStream, error) {
	fields := make([]arrow.Field, len(cols))
	for i, c := range cols {
		f, err := field(c)
		if err != nil {
			return nil, err
		}
		f.Nullable = true
		fields[i] = f
	}
	schema := arrow.NewSchema(fields, nil)
	return &ArrowStream{cols: cols, b: array.NewRecordBuilder(memory.DefaultAllocator, schema),
		w: ipc.NewWriter(w, ipc.WithSchema(schema))}, nil
}

// Write appends one row.
func (a *ArrowStream) Write(row []any) error {
	if err := appendRow(a.b, a.cols, row); err != nil {
		return err
	}
	a.pending++
	a.rows++
	if a.pending >= 65536 {
		return a.flush()
	}
	return nil
}

func (a *ArrowStream) flush() error {
	if a.pending == 0 {
		return nil
	}
	rec := a.b.NewRecordBatch()
	defer rec.Release()
	a.pending = 0
	return a.w.Write(rec)
}

// Rows returns the rows written.
func (a *ArrowStream) Rows() int64 { return a.rows }

// Close writes the last batch and ends the stream.
func (a *ArrowStream) Close() error {
	defer a.b.Release()
	if err := a.flush(); err != nil {
		return err
	}
	return a.w.Close()
}
