package ingest

import (
	"context"
	"sort"
	"sync"

	"govlake/internal/govlake"
	"govlake/internal/hll"
	"govlake/internal/tabular"
)

// ColumnChecker checks a batch of rows a column at a time. One is used by
// one goroutine at a time.
type ColumnChecker interface {
	Check(b *tabular.Batch, bad func(row int, v govlake.Violation))
}

// FastSchema is a schema that offers column-batch checks for a header; it
// returns nil when the schema needs the per-row reference validator. Each
// call returns a new checker.
type FastSchema interface {
	FastColumns(labels []string) ColumnChecker
}

// ChunkReader is a RecordReader that can also cut its source into chunks
// of whole records, parsed on the workers. Chunks says whether this source
// can (a footer, for one, must be found in order); then ReadChunk is used
// in place of Read, until io.EOF.
type ChunkReader interface {
	Chunks() bool
	ReadChunk() (tabular.Chunk, error)
}

// batchRows is how many records a batch of a record-at-a-time reader holds.
const batchRows = 4096

// Preparer is a RowWriter that can build a batch's columns on any
// goroutine, leaving only the encoding to the writer's.
type Preparer interface {
	// PrepareColumns builds the kept rows of a batch; file column i takes
	// the batch's column index[i] (none when negative).
	PrepareColumns(b *tabular.Batch, index []int, keep []bool) (any, error)
	WritePrepared(prepared any) error
}

// Summarizer is a RowWriter that sums up each column as it writes it: what
// it saw (after Close), and a sketch of its distinct values (nil for a
// column it does not sketch), so that the version's profile scans only for
// what is missing and estimates distinct values without grouping them.
type Summarizer interface {
	Summaries() []govlake.ColumnSummary
	Sketches() []*hll.Sketch
}

// batch is one unit of work: records (or a chunk to parse) in, results out.
type batch struct {
	chunk    tabular.Chunk
	parsed   tabular.Chunk // the chunk recs came from, released once emitted
	recs     []tabular.Record
	rows     [][]any               // per record: the typed row, when not prepared
	rejs     [][]govlake.Rejection // per record: its rejections
	fixes    []cellFixes           // per header position: what the fixer changed
	prepared any                   // the valid rows, built by a Preparer
	valid    int                   // rows in prepared
	err      error
	done     chan struct{}
}

// fastChecker converts and checks batches; several run at once, each
// worker with its own ColumnChecker.
type fastChecker struct {
	newCC func() ColumnChecker
	prep  Preparer // nil: rows are built for the writer one by one
	// position gives a label's header position, for the values of violations.
	position map[string]int
	layout   govlake.Layout
	cols     []govlake.Column
	fix      fixer
	// rejLists keeps emitted batches' lists of rejections, cleared, for
	// the next batches: a list is a pointer per row, made for every batch
	// it was 215 MB for ten million rows, cleared and scanned.
	rejLists chan [][]govlake.Rejection
}

// rejList returns n empty rejection lists, kept ones when it can.
func (f *fastChecker) rejList(n int) [][]govlake.Rejection {
	select {
	case l := <-f.rejLists:
		if cap(l) >= n {
			return l[:n]
		}
	default:
	}
	return make([][]govlake.Rejection, n)
}

// keepRejList takes an emitted batch's lists back.
func (f *fastChecker) keepRejList(l [][]govlake.Rejection) {
	if f.rejLists == nil {
		return
	}
	clear(l)
	select {
	case f.rejLists <- l:
	default:
	}
}

// scratch is a worker's memory for its batches' columns, used again for
// each batch: nothing of a batch's columns outlives its run.
type scratch struct {
	cc   ColumnChecker
	cols []tabular.Vector
}

func (f *fastChecker) run(w *scratch, b *batch) {
	cc := w.cc
	text := ""
	if b.chunk != nil {
		b.recs, text, b.err = b.chunk.Records()
		b.parsed, b.chunk = b.chunk, nil
		if b.err != nil {
			return
		}
	}
	width := len(f.layout.Labels)
	n := len(b.recs)
	if len(w.cols) < width {
		w.cols = make([]tabular.Vector, width)
	}
	bt := &tabular.Batch{N: n, Cols: w.cols[:width]}
	b.rejs = f.rejList(n)
	skip := make([]bool, n) // rejected for structure: no cell checks
	for r, rec := range b.recs {
		if rj, isBad := structural(rec, width); isBad {
			b.rejs[r] = []govlake.Rejection{rj}
			skip[r] = true
		}
	}
	// A chunk's cells are cut from one text: one scan of it tells whether
	// any cell has Burmese text, or any text to compose, to look at.
	fx := f.fix.forText(text)
	if fx.active() {
		b.fixes = make([]cellFixes, width)
	}
	for i := range width {
		vec := &bt.Cols[i]
		vec.Reset(f.layout.JSONTypes[i], n)
		var conv func(r int, cell string) string
		if fx.activeAt(i) {
			c := &b.fixes[i]
			conv = func(r int, cell string) string { return fx.fix(i, c, b.recs[r].Row, cell) }
		}
		vec.SetColumn(b.recs, i, skip, conv)
	}
	cc.Check(bt, func(r int, v govlake.Violation) {
		if skip[r] {
			return
		}
		rec := b.recs[r]
		rj := govlake.Rejection{Row: rec.Row, Column: v.Column, Keyword: v.Keyword, Message: v.Message}
		if i, ok := f.position[v.Column]; ok {
			if i < len(rec.Cells) {
				rj.Value = rec.Cells[i]
			}
			if bt.Cols[i].Bad[r] && v.Keyword == "type" {
				rj.Message = f.fix.typeMessage(i, rec.Cells[i], f.layout.JSONTypes[i])
			}
		}
		b.rejs[r] = append(b.rejs[r], rj)
	})
	f.store(b, bt)
}

// store orders each rejected row's errors as the reference does, and lays
// out the valid rows: as typed rows, or prepared by the writer.
func (f *fastChecker) store(b *batch, bt *tabular.Batch) {
	n := len(b.recs)
	keep := make([]bool, n)
	if f.prep == nil {
		b.rows = make([][]any, n)
	}
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
		b.valid++
		if f.prep != nil {
			continue // built column by column below
		}
		row := make([]any, len(f.cols))
		for ci, hi := range f.layout.Index {
			if hi >= 0 {
				row[ci] = bt.Cols[hi].Value(r)
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
func (f *fastChecker) pipeline(ctx context.Context, workers int, read func() (*batch, error), emit func(*batch) error) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	jobs := make(chan *batch, workers)
	ordered := make(chan *batch, workers*2)
	var wg sync.WaitGroup
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			w := &scratch{cc: f.newCC()}
			for b := range jobs {
				f.run(w, b)
				close(b.done)
			}
		}()
	}
	errc := make(chan error, 1)
	go func() {
		defer close(ordered)
		defer close(jobs)
		for {
			b, err := read()
			if b != nil {
				b.done = make(chan struct{})
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
		if b.parsed != nil {
			b.recs = nil
			b.parsed.Release()
		}
		f.keepRejList(b.rejs)
		b.rejs = nil
	}
	wg.Wait()
	readErr := <-errc
	if emitErr != nil {
		return emitErr
	}
	return readErr
}
