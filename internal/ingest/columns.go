package ingest

import (
	"context"
	"fmt"
	"io"
	"runtime"

	"govlake/internal/govlake"
	"govlake/internal/tabular"
)

// workers is how many batches are parsed, checked and encoded at once.
func workers() int { return runtime.GOMAXPROCS(0) }

// columns is the column-batch path: batches of records (or chunks of a
// source's text) are parsed, converted and checked a column at a time on
// every core, and stored in source order.
func (r *Runner) columns(ctx context.Context, dec tabular.RecordReader, fast FastSchema, c *checker, out *sink) error {
	labels := out.layout.Labels
	fc := &fastChecker{
		newCC:  func() ColumnChecker { return fast.FastColumns(labels) },
		layout: out.layout, cols: c.cols, fix: c.fix, position: c.position,
		rejLists: make(chan [][]govlake.Rejection, 16),
	}
	if w, err := r.NewWriter(io.Discard, c.cols); err == nil {
		// Batches are built with a writer of their own, on the workers,
		// and encoded by the part writers.
		fc.prep, _ = w.(Preparer)
		defer w.Close()
	}
	chunks, _ := dec.(ChunkReader)
	if chunks != nil && !chunks.Chunks() {
		chunks = nil
	}
	err := fc.pipeline(ctx, workers(), batchSource(ctx, dec, chunks, out), func(b *batch) error {
		return out.batch(b, chunks != nil, fc.prep != nil, c)
	})
	if err != nil && err != io.EOF {
		return err
	}
	return nil
}

// batchSource reads the next batch: a chunk of text when the reader cuts
// chunks, else up to batchRows records.
func batchSource(ctx context.Context, dec tabular.RecordReader, chunks ChunkReader, out *sink) func() (*batch, error) {
	return func() (*batch, error) {
		if ctx.Err() != nil {
			return nil, stopped(ctx, out.res.rows.Read)
		}
		if chunks != nil {
			ch, err := chunks.ReadChunk()
			if ch == nil {
				return nil, err
			}
			return &batch{chunk: ch}, err
		}
		recs := make([]tabular.Record, 0, batchRows)
		for len(recs) < batchRows {
			rec, err := dec.Read()
			if err != nil {
				if len(recs) == 0 {
					return nil, err
				}
				return &batch{recs: recs}, err
			}
			recs = append(recs, rec)
		}
		return &batch{recs: recs}, nil
	}
}

// batch stores a checked batch in source order. Blank rows of a chunk are
// held, by number, until data follows: at the end of a file they are only
// line endings (the serial readers do this themselves).
func (s *sink) batch(b *batch, chunked, prepared bool, c *checker) error {
	if b.err != nil {
		return fmt.Errorf("%s: %w", s.name, b.err)
	}
	for i, rec := range b.recs {
		if chunked && len(rec.Cells) == 0 {
			s.blanks = append(s.blanks, rec.Row)
			continue
		}
		for _, row := range s.blanks {
			blank := tabular.Record{Row: row}
			rj, _ := structural(blank, len(s.layout.Labels))
			if err := s.emit(blank, []govlake.Rejection{rj}, nil, true); err != nil {
				return err
			}
		}
		s.blanks = s.blanks[:0]
		var row []any
		if b.rows != nil {
			row = b.rows[i]
		}
		if err := s.emit(rec, b.rejs[i], row, prepared); err != nil {
			return err
		}
	}
	if prepared {
		if err := s.data.writePrepared(b.prepared, b.valid); err != nil {
			return err
		}
	}
	for i, f := range b.fixes {
		c.fixes[i].zawgyi.merge(f.zawgyi)
		c.fixes[i].nfc.merge(f.nfc)
		c.fixes[i].unicode += f.unicode
		if c.fixes[i].number.cells == 0 && f.number.cells > 0 {
			c.fixes[i].example = f.example
		}
		c.fixes[i].number.merge(f.number)
	}
	return nil
}
