package ingest

import (
	"context"
	"sort"
	"sync"

	"govlake/internal/govlake"
)

// ColumnChecker checks a batch of rows a column at a time.
type ColumnChecker interface {
	Check(b *govlake.Batch, bad func(row int, v govlake.Violation))
}

// FastSchema is a schema that offers column-batch checks for a header; it
// returns nil when the schema needs the per-row reference validator.
type FastSchema interface {
	FastColumns(labels []string) ColumnChecker
}

// batchRows is how many records a batch holds.
const batchRows = 4096

// Preparer is a RowWriter that can build a batch's columns on any
// goroutine, leaving only the encoding to the writer's.
type Preparer interface {
	// PrepareColumns builds the kept rows of a batch; file column i takes
	// the batch's column index[i] (none when negative).
	PrepareColumns(b *govlake.Batch, index []int, keep []bool) (any, error)
	WritePrepared(prepared any) error
}

// batch is one unit of work: records in, results out.
type batch struct {
	recs     []govlake.Record
	rows     [][]any               // per record: the typed row, or nil when rejected
	rejs     [][]govlake.Rejection // per record: its rejections
	zawgyi   []zawgyiCount
	prepared any // the valid rows, built by a Preparer
	err      error
	done     chan struct{}
}

// fastChecker converts and checks batches; several run at once.
type fastChecker struct {
	cc   ColumnChecker
	prep Preparer // nil: rows are written one by one
	// position gives a label's header position, for the values of violations.
	position map[string]int
	layout   govlake.Layout
	cols     []govlake.Column
	burmese  Burmese
	convert  bool
}

func (f *fastChecker) run(b *batch) {
	width := len(f.layout.Labels)
	n := len(b.recs)
	bt := &govlake.Batch{N: n, Values: make([][]any, width), Present: make([][]bool, width)}
	bad := make([][]bool, width) // cells that did not convert
	for i := range width {
		bt.Values[i] = make([]any, n)
		bt.Present[i] = make([]bool, n)
		bad[i] = make([]bool, n)
	}
	b.rows = make([][]any, n)
	b.rejs = make([][]govlake.Rejection, n)
	if f.burmese != nil {
		b.zawgyi = make([]zawgyiCount, width)
	}
	skip := make([]bool, n) // rejected for structure: no cell checks
	for r, rec := range b.recs {
		if rj, isBad := structural(rec, width); isBad {
			b.rejs[r] = []govlake.Rejection{rj}
			skip[r] = true
			continue
		}
		for i := 0; i < width && i < len(rec.Cells); i++ {
			cell := rec.Cells[i]
			if f.burmese != nil {
				cell = zawgyiCell(f.burmese, f.convert, &b.zawgyi[i], rec.Row, cell)
			}
			v, present, ok := govlake.ConvertCell(cell, f.layout.JSONTypes[i])
			if !present {
				continue
			}
			bt.Present[i][r] = true
			if !ok {
				bad[i][r] = true
				v = cell
			}
			bt.Values[i][r] = v
		}
	}
	f.cc.Check(bt, func(r int, v govlake.Violation) {
		if skip[r] {
			return
		}
		rec := b.recs[r]
		rj := govlake.Rejection{Row: rec.Row, Column: v.Column, Keyword: v.Keyword, Message: v.Message}
		if i, ok := f.position[v.Column]; ok {
			if i < len(rec.Cells) {
				rj.Value = rec.Cells[i]
			}
			if bad[i][r] && v.Keyword == "type" {
				rj.Message = govlake.TypeMessage(rec.Cells[i], f.layout.JSONTypes[i])
			}
		}
		b.rejs[r] = append(b.rejs[r], rj)
	})
	keep := make([]bool, n)
	for r := range b.recs {
		if len(b.rejs[r]) > 0 {
			// The reference reports a row's errors by column, then keyword.
			sort.SliceStable(b.rejs[r], func(i, j int) bool {
				x, y := b.rejs[r][i], b.rejs[r][j]
				if x.Column != y.Column {
					return x.Column < y.Column
				}
				return x.Keyword < y.Keyword
			})
			continue
		}
		keep[r] = true
		if f.prep != nil {
			continue // built column by column below
		}
		row := make([]any, len(f.cols))
		for ci, hi := range f.layout.Index {
			if hi >= 0 && bt.Present[hi][r] {
				row[ci] = bt.Values[hi][r]
			}
		}
		b.rows[r] = row
	}
	if f.prep != nil {
		b.prepared, b.err = f.prep.PrepareColumns(bt, f.layout.Index, keep)
	}
}

// pipeline runs the fast checks on workers, keeping the records' order:
// read hands batches to the workers and, in the same order, to emit.
func (f *fastChecker) pipeline(ctx context.Context, workers int, read func() ([]govlake.Record, error), emit func(*batch) error) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	jobs := make(chan *batch, workers)
	ordered := make(chan *batch, workers*2)
	var wg sync.WaitGroup
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for b := range jobs {
				f.run(b)
				close(b.done)
			}
		}()
	}
	errc := make(chan error, 1)
	go func() {
		defer close(ordered)
		defer close(jobs)
		for {
			recs, err := read()
			if len(recs) > 0 {
				b := &batch{recs: recs, done: make(chan struct{})}
				select {
				case jobs <- b:
				case <-ctx.Done():
					errc <- ctx.Err()
					return
				}
				select {
				case ordered <- b:
				case <-ctx.Done():
					errc <- ctx.Err()
					return
				}
			}
			if err != nil {
				errc <- err
				return
			}
		}
	}()
	var emitErr error
	for b := range ordered {
		<-b.done
		if emitErr == nil {
			if emitErr = emit(b); emitErr != nil {
				cancel()
			}
		}
	}
	wg.Wait()
	readErr := <-errc
	if emitErr != nil {
		return emitErr
	}
	return readErr
}
