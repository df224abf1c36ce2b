package ingest

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"strings"

	"govlake/internal/govlake"
)

// result is what processing a source produced, before commit.
type result struct {
	rows         govlake.RowCounts
	summary      govlake.ValidationSummary
	first        []govlake.Rejection
	parts        []partFile // the valid rows, in source order
	rejectedPath string     // always written, empty when no row was rejected, so every version has the table
	rejections   int64      // rows of the rejected file
}

// process decodes the source, checks every record and writes the valid rows
// and the rejections to work files. Memory holds one batch of rows, not the file.
func (r *Runner) process(ctx context.Context, p *govlake.Pipeline, schema Schema, srcPath, tmp string, run *govlake.Run) (*result, error) {
	name := filepath.Base(p.Source.URL)
	srcPath, name, err := unpack(srcPath, name, p.Source.Format, tmp)
	if err != nil {
		return nil, err
	}
	f, err := os.Open(srcPath)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var size int64
	if st, err := f.Stat(); err == nil {
		size = st.Size()
	}
	counted := &countingReader{f: f}
	dec, err := r.Decode(counted, name, p.Source)
	if err != nil {
		return nil, err
	}
	if p.Source.Transform != "" {
		if r.Transform == nil {
			return nil, govlake.Errorf(govlake.EINVALID, "source.transform is not available in this build")
		}
		if dec, err = r.Transform(ctx, dec, p.Source.Transform, name, tmp); err != nil {
			return nil, err
		}
		name += " (after source.transform)"
	}
	cols := schema.Columns()
	layout, warns, err := govlake.NewLayout(name, dec.Header(), dec.HeaderRow(), cols, schema.Required())
	if err != nil {
		return nil, err
	}
	var tally govlake.Tally
	for _, w := range warns {
		tally.Warn(w)
	}

	res := &result{}
	workers := runtime.GOMAXPROCS(0)
	perPart := r.PartRows
	if perPart <= 0 {
		perPart = partRows
	}
	data := newParts(tmp, cols, r.NewWriter, workers, perPart)
	defer data.abort()
	res.rejectedPath = filepath.Join(tmp, "rejected.parquet")
	rejected, err := newFileWriter(res.rejectedPath, govlake.RejectedColumns, r.NewWriter)
	if err != nil {
		return nil, err
	}
	defer rejected.abort()

	c := newChecker(schema, layout, cols)
	if r.Burmese != nil && p.Source.Zawgyi != govlake.ZawgyiOff {
		c.burmese, c.convert = r.Burmese, p.Source.Zawgyi == govlake.ZawgyiConvert
		c.zawgyi = make([]zawgyiCount, len(layout.Labels))
	}
	// emit stores one checked record: its typed row (unless written with
	// its batch), or its rejections.
	emit := func(rec govlake.Record, rejs []govlake.Rejection, row []any, batched bool) error {
		if len(rejs) > 0 {
			// A rejection's value and the record outlive the batch; their
			// text may be cut from a large chunk, which must not stay.
			for i := range rejs {
				rejs[i].Value = strings.Clone(rejs[i].Value)
			}
		}
		res.rows.Read++
		if r.Progress != nil && res.rows.Read%progressEvery == 0 {
			r.Progress(Progress{Dataset: p.Dataset, Bytes: min(counted.n, size), Size: size, Rows: res.rows.Read, Rejected: res.rows.Rejected})
		}
		if len(rejs) == 0 {
			if !batched {
				if err := data.writeRow(row); err != nil {
					return fmt.Errorf("%s: row %d: %w", name, rec.Row, err)
				}
			}
			res.rows.Valid++
			return nil
		}
		res.rows.Rejected++
		raw := recordJSON(layout.Labels, rec.Cells)
		for _, rj := range rejs {
			tally.Add(rj)
			if len(res.first) < r.MaxRunRejections {
				res.first = append(res.first, rj)
			}
			if err := rejected.w.Write([]any{rj.Row, nullIfEmpty(rj.Column), rj.Keyword, rj.Value, rj.Message, raw}); err != nil {
				return err
			}
		}
		return nil
	}
	stopped := func() error {
		return govlake.Errorf(govlake.ETIMEOUT, "run stopped after %d rows: %w", res.rows.Read, ctx.Err())
	}

	var fast FastSchema
	if fs, ok := schema.(FastSchema); ok && !r.Reference && fs.FastColumns(layout.Labels) != nil {
		fast = fs
	}
	if fast != nil {
		// Column batches, parsed and checked on every core, stored in
		// source order.
		fc := &fastChecker{
			newCC:  func() ColumnChecker { return fast.FastColumns(layout.Labels) },
			layout: layout, cols: cols, burmese: c.burmese, convert: c.convert, position: c.position,
		}
		if w, err := r.NewWriter(io.Discard, cols); err == nil {
			// Batches are built with a writer of their own, on the workers,
			// and encoded by the part writers.
			fc.prep, _ = w.(Preparer)
			defer w.Close()
		}
		chunks, _ := dec.(ChunkReader)
		if chunks != nil && !chunks.Chunks() {
			chunks = nil
		}
		read := func() (*batch, error) {
			if ctx.Err() != nil {
				return nil, stopped()
			}
			if chunks != nil {
				ch, err := chunks.ReadChunk()
				if ch == nil {
					return nil, err
				}
				return &batch{chunk: ch}, err
			}
			recs := make([]govlake.Record, 0, batchRows)
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
		// Blank rows of a chunk are held, by number, until data follows: at
		// the end of a file they are only line endings (the serial readers
		// do this themselves).
		var blanks []int64
		err := fc.pipeline(ctx, workers, read, func(b *batch) error {
			if b.err != nil {
				return fmt.Errorf("%s: %w", name, b.err)
			}
			for i, rec := range b.recs {
				if chunks != nil && len(rec.Cells) == 0 {
					blanks = append(blanks, rec.Row)
					continue
				}
				for _, row := range blanks {
					blank := govlake.Record{Row: row}
					rj, _ := structural(blank, len(layout.Labels))
					if err := emit(blank, []govlake.Rejection{rj}, nil, true); err != nil {
						return err
					}
				}
				blanks = blanks[:0]
				var row []any
				if b.rows != nil {
					row = b.rows[i]
				}
				if err := emit(rec, b.rejs[i], row, fc.prep != nil); err != nil {
					return err
				}
			}
			if fc.prep != nil {
				if err := data.writePrepared(b.prepared, b.valid); err != nil {
					return err
				}
			}
			for i, z := range b.zawgyi {
				if z.cells > 0 {
					if c.zawgyi[i].cells == 0 {
						c.zawgyi[i].firstRow = z.firstRow
					}
					c.zawgyi[i].cells += z.cells
				}
			}
			return nil
		})
		if err != nil && err != io.EOF {
			return nil, err
		}
	} else {
		// The per-row reference path.
		for i := 0; ; i++ {
			if i%8192 == 0 && ctx.Err() != nil {
				return nil, stopped()
			}
			rec, err := dec.Read()
			if err == io.EOF {
				break
			}
			if err != nil {
				return nil, err
			}
			if err := emit(rec, c.check(rec), c.values, false); err != nil {
				return nil, err
			}
		}
	}
	if r.Progress != nil {
		r.Progress(Progress{Dataset: p.Dataset, Bytes: size, Size: size, Rows: res.rows.Read, Rejected: res.rows.Rejected, Done: true})
	}
	if err := data.close(); err != nil {
		return nil, fmt.Errorf("write parquet: %w", err)
	}
	for _, p := range data.all {
		res.parts = append(res.parts, partFile{path: p.path, rows: p.rows})
	}
	res.rejections = rejected.w.Rows()
	if err := rejected.close(); err != nil {
		return nil, err
	}
	for _, w := range c.zawgyiWarnings() {
		tally.Warn(w)
	}
	res.summary = tally.Summary()
	return res, nil
}

func nullIfEmpty(s string) any {
	if s == "" {
		return nil
	}
	return s
}

// recordJSON keeps a rejected source row whole, in header order, so that a
// data officer can see and fix it.
func recordJSON(labels, cells []string) string {
	b := make([]byte, 0, 256)
	b = append(b, '{')
	for i, c := range cells {
		if i > 0 {
			b = append(b, ',')
		}
		if i < len(labels) {
			b = appendJSONString(b, labels[i])
		} else {
			b = appendJSONString(b, fmt.Sprintf("column %d", i+1))
		}
		b = append(b, ':')
		b = appendJSONString(b, c)
	}
	b = append(b, '}')
	return string(b)
}

// appendJSONString appends s as encoding/json writes it: plain text as it
// is, anything that needs escaping by json.Marshal itself.
func appendJSONString(b []byte, s string) []byte {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < 0x20 || c >= 0x7f || c == '"' || c == '\\' || c == '<' || c == '>' || c == '&' {
			q, _ := json.Marshal(s)
			return append(b, q...)
		}
	}
	b = append(b, '"')
	b = append(b, s...)
	return append(b, '"')
}

// partFile is one part of a version's data, as a work file.
type partFile struct {
	path string
	rows int64
}

// fileWriter is a RowWriter on a work file.
type fileWriter struct {
	f      *os.File
	w      RowWriter
	closed bool
}

func newFileWriter(path string, cols []govlake.Column, newWriter func(io.Writer, []govlake.Column) (RowWriter, error)) (*fileWriter, error) {
	f, err := os.Create(path)
	if err != nil {
		return nil, fmt.Errorf("make work file: %w", err)
	}
	w, err := newWriter(f, cols)
	if err != nil {
		f.Close()
		return nil, err
	}
	return &fileWriter{f: f, w: w}, nil
}

func (fw *fileWriter) close() error {
	fw.closed = true
	err := fw.w.Close()
	if cerr := fw.f.Close(); err == nil {
		err = cerr
	}
	return err
}

func (fw *fileWriter) abort() {
	if !fw.closed {
		fw.f.Close()
	}
}

// progressEvery is how many rows pass between progress reports.
const progressEvery = 16384

// Progress reports how far a run has read.
type Progress struct {
	Dataset        string
	Bytes, Size    int64 // source bytes read, of Size
	Rows, Rejected int64
	Done           bool
}

// countingReader counts the bytes the decoder has read.
type countingReader struct {
	f *os.File
	n int64
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.f.Read(p)
	c.n += int64(n)
	return n, err
}

func (c *countingReader) Seek(off int64, whence int) (int64, error) { return c.f.Seek(off, whence) }
