package ingest

import (
	"fmt"
	"io"
	"path/filepath"
	"sync/atomic"

	"govlake/internal/govlake"
	"govlake/internal/hll"
)

// partRows is how many rows a part file holds before the next begins: a
// few row groups, so that a large dataset has parts to encode at once and
// none is left to encode alone at the end for long.
const partRows = 4 * 122880

// partBatches bounds a part by batches too (a chunk is about 1 MB of
// source), so that wide rows do not make the parts waiting to be encoded
// large: memory holds at most this many batches per open part.
const partBatches = 64

// parts writes the valid rows as part files. Prepared batches go to the
// current part's goroutine, which encodes them while the next part fills,
// so encoding uses every core; at most workers parts are open at once,
// which bounds the memory of batches waiting to be encoded.
type parts struct {
	dir       string
	cols      []govlake.Column
	newWriter func(io.Writer, []govlake.Column) (RowWriter, error)
	sync      bool  // flush each part to disk once written (syncWork)
	max       int64 // rows per part; 0: one part
	slots     chan struct{}
	stopped   atomic.Bool // abort: encode nothing more
	cur       *part
	all       []*part
}

type part struct {
	fw      *fileWriter
	path    string
	rows    int64
	batches int
	in      chan any
	done    chan struct{}
	err     error
}

func newParts(dir string, cols []govlake.Column, newWriter func(io.Writer, []govlake.Column) (RowWriter, error), workers int, perPart int64) *parts {
	return &parts{dir: dir, cols: cols, newWriter: newWriter, max: perPart, slots: make(chan struct{}, max(workers, 1))}
}

// start opens the next part file.
func (ps *parts) start(async bool) error {
	p := &part{path: filepath.Join(ps.dir, fmt.Sprintf("part-%05d.parquet", len(ps.all)))}
	fw, err := newFileWriter(p.path, ps.cols, ps.newWriter, ps.sync)
	if err != nil {
		return err
	}
	p.fw = fw
	ps.all = append(ps.all, p)
	ps.cur = p
	if !async {
		return nil
	}
	ps.slots <- struct{}{}
	p.in, p.done = make(chan any, 1024), make(chan struct{})
	pw, _ := fw.w.(Preparer)
	in := p.in
	go func() {
		defer func() { <-ps.slots }()
		defer close(p.done)
		for prepared := range in {
			if p.err == nil && !ps.stopped.Load() {
				p.err = pw.WritePrepared(prepared)
			}
		}
		if ps.stopped.Load() {
			return
		}
		if err := fw.close(); p.err == nil {
			p.err = err
		}
	}()
	return nil
}

// writePrepared adds a batch of n prepared rows.
func (ps *parts) writePrepared(prepared any, n int) error {
	if ps.cur == nil {
		if err := ps.start(true); err != nil {
			return err
		}
	}
	p := ps.cur
	p.in <- prepared
	p.rows += int64(n)
	p.batches++
	if ps.max > 0 && (p.rows >= ps.max || p.batches >= partBatches) {
		ps.finish(p)
	}
	return nil
}

// writeRow adds one row, on the caller's goroutine, to a single part.
func (ps *parts) writeRow(row []any) error {
	if ps.cur == nil {
		if err := ps.start(false); err != nil {
			return err
		}
	}
	ps.cur.rows++
	return ps.cur.fw.w.Write(row)
}

// finish lets a part's goroutine end once it has encoded what it was given.
func (ps *parts) finish(p *part) {
	if p.in != nil {
		close(p.in)
		p.in = nil
	}
	if ps.cur == p {
		ps.cur = nil
	}
}

// close finishes every part and waits for them; a version always has at
// least one part, empty if no row was valid, so that its table exists.
func (ps *parts) close() error {
	if len(ps.all) == 0 {
		if err := ps.start(false); err != nil {
			return err
		}
	}
	if ps.cur != nil {
		ps.finish(ps.cur)
	}
	var first error
	for _, p := range ps.all {
		if p.done != nil {
			<-p.done
		} else if !p.fw.closed {
			p.err = p.fw.close()
		}
		if first == nil && p.err != nil {
			first = p.err
		}
	}
	return first
}

// abort stops every part without finishing its file.
func (ps *parts) abort() {
	ps.stopped.Store(true)
	if ps.cur != nil {
		ps.finish(ps.cur)
	}
	for _, p := range ps.all {
		if p.done != nil {
			<-p.done
		}
		p.fw.abort()
	}
}

// summaries merges every part's summaries and sketches: what the writers
// saw of each column, with an estimate of its distinct values (-1 where a
// writer did not sketch the column); nil when the writers do not sum up.
func (ps *parts) summaries() []govlake.ColumnSummary {
	var out []govlake.ColumnSummary
	var merged []*hll.Sketch
	for k, p := range ps.all {
		sw, ok := p.fw.w.(Summarizer)
		if !ok {
			return nil
		}
		sums, sketches := sw.Summaries(), sw.Sketches()
		if k == 0 {
			out, merged = sums, make([]*hll.Sketch, len(sketches))
			for i, s := range sketches {
				if s != nil {
					merged[i] = hll.New()
				}
			}
		} else {
			for i := range out {
				out[i].Merge(sums[i])
			}
		}
		for i, s := range sketches {
			if s != nil && merged[i] != nil {
				merged[i].Merge(s)
			}
		}
	}
	for i := range out {
		out[i].Distinct = -1
		if i < len(merged) && merged[i] != nil {
			out[i].Distinct = merged[i].Estimate()
		}
	}
	return out
}
