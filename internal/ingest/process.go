package ingest

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"hash"
	"io"
	"os"
	"path/filepath"

	"govlake/internal/govlake"
)

// result is what processing a source produced, before commit.
type result struct {
	rows         govlake.RowCounts
	summary      govlake.ValidationSummary
	first        []govlake.Rejection
	parts        []partFile              // the valid rows, in source order
	rejectedPath string                  // always written, empty when no row was rejected, so every version has the table
	rejected     partFile                // its size and digest
	rejections   int64                   // rows of the rejected file
	summaries    []govlake.ColumnSummary // what the writers saw of each column; nil: nothing
}

// process decodes the source, checks every record and writes the valid rows
// and the rejections to work files. Memory holds one batch of rows, not the
// file. Every reader it opens is closed on every return.
func (r *Runner) process(ctx context.Context, p *govlake.Pipeline, schema Schema, srcPath, tmp string, run *govlake.Run) (*result, error) {
	name := filepath.Base(p.Source.URL)
	srcPath, name, err := unpack(srcPath, name, p.Source.Format, tmp, p.Source.MaxBytes)
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
	defer dec.Close()
	warner, _ := dec.(Warner)
	norm := r.Normalizer
	if p.Source.Normalize == govlake.NormalizeNone {
		norm = nil
	}
	dec, labelWarns := relabel(dec, norm)
	if p.Source.Transform != "" {
		if r.Transform == nil {
			return nil, govlake.Errorf(govlake.EINVALID, "source.transform is not available in this build")
		}
		if dec, err = r.Transform(ctx, dec, p.Source.Transform, name, tmp); err != nil {
			return nil, err
		}
		defer dec.Close()
		name += " (after source.transform)"
	}
	cols := schema.Columns()
	layout, warns, err := govlake.NewLayout(name, dec.Header(), dec.HeaderRow(), cols, schema.Required())
	if err != nil {
		return nil, err
	}
	c := newChecker(schema, layout, cols)
	if r.Burmese == nil && p.Source.Zawgyi == govlake.ZawgyiConvert {
		return nil, govlake.Errorf(govlake.EUNAVAILABLE, "source.zawgyi is convert, but this server cannot convert Zawgyi (ICU's Zawgyi-my transliterator is missing; install libicu-dev 58 or later)")
	}
	if r.Burmese != nil && p.Source.Zawgyi != govlake.ZawgyiOff {
		c.fix.burmese, c.fix.convert = r.Burmese, p.Source.Zawgyi == govlake.ZawgyiConvert
	}
	c.fix.norm = norm
	numbers, numberWarns := numberFormats(p.Source, layout)
	c.fix.numbers = numbers
	warns = append(warns, numberWarns...)
	c.fixes = make([]cellFixes, len(layout.Labels))
	out, err := r.newSink(p, name, layout, cols, tmp, func() int64 { return min(counted.n, size) }, size)
	if err != nil {
		return nil, err
	}
	defer out.abort()
	for _, w := range append(labelWarns, warns...) {
		out.tally.Warn(w)
	}
	var fast FastSchema
	if fs, ok := schema.(FastSchema); ok && !r.Reference && fs.FastColumns(layout.Labels) != nil {
		fast = fs
	}
	if fast != nil {
		err = r.columns(ctx, dec, fast, c, out)
	} else {
		err = r.reference(ctx, dec, c, out)
	}
	if err != nil {
		return nil, err
	}
	for _, w := range c.fix.warnings(layout.Labels, c.fixes) {
		out.tally.Warn(w)
	}
	if warner != nil {
		for _, w := range warner.Warnings() {
			out.tally.Warn(w)
		}
	}
	return out.finish()
}

// stopped is the error of a run stopped between rows.
func stopped(ctx context.Context, rows int64) error {
	return govlake.Errorf(govlake.ETIMEOUT, "run stopped after %d rows: %w", rows, ctx.Err())
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

// partFile is one part of a version's data, as a work file, with its size
// and SHA-256 digest.
type partFile struct {
	path string
	rows int64
	size int64
	sum  string
}

// fileWriter is a RowWriter on a work file. The file is digested as it is
// written, on the writer's goroutine, so that committing a version does not
// read its files again, one after another, to digest them.
type fileWriter struct {
	f      *os.File
	h      hash.Hash
	size   int64
	w      RowWriter
	sync   bool // flush the file to disk when it is closed (see syncWork)
	closed bool
	sum    string // once closed
}

func newFileWriter(path string, cols []govlake.Column, newWriter func(io.Writer, []govlake.Column) (RowWriter, error), sync bool) (*fileWriter, error) {
	f, err := os.Create(path)
	if err != nil {
		return nil, fmt.Errorf("make work file: %w", err)
	}
	fw := &fileWriter{f: f, h: sha256.New(), sync: sync}
	w, err := newWriter(digesting{fw}, cols)
	if err != nil {
		f.Close()
		return nil, err
	}
	fw.w = w
	return fw, nil
}

// digesting writes to the work file and its digest.
type digesting struct{ fw *fileWriter }

func (d digesting) Write(p []byte) (int, error) {
	n, err := d.fw.f.Write(p)
	d.fw.h.Write(p[:n])
	d.fw.size += int64(n)
	return n, err
}

func (fw *fileWriter) close() error {
	fw.closed = true
	err := fw.w.Close()
	if err == nil && fw.sync {
		err = fw.f.Sync()
	}
	if cerr := fw.f.Close(); err == nil {
		err = cerr
	}
	fw.sum = hex.EncodeToString(fw.h.Sum(nil))
	return err
}

func (fw *fileWriter) abort() {
	if !fw.closed {
		fw.f.Close()
	}
}

// progressEvery is how many rows pass between progress reports.
const progressEvery = 16384

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
