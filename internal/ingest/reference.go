package ingest

import (
	"context"
	"io"

	"govlake/internal/tabular"
)

// reference is the per-row path: each record is converted and checked
// against the whole schema by the reference validator, one at a time. It
// is the path every schema can take, and what the column-batch path is
// compared with.
func (r *Runner) reference(ctx context.Context, dec tabular.RecordReader, c *checker, out *sink) error {
	for i := 0; ; i++ {
		if i%8192 == 0 && ctx.Err() != nil {
			return stopped(ctx, out.res.rows.Read)
		}
		rec, err := dec.Read()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return err
		}
		if err := out.emit(rec, c.check(rec), c.values, false); err != nil {
			return err
		}
	}
}
