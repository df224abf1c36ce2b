package ingest

import (
	"fmt"
	"path/filepath"
	"strings"

	"govlake/internal/govlake"
	"govlake/internal/tabular"
)

// sink stores checked records for both paths: valid rows into the parts,
// rejections into the rejected file and the tally, with progress reports.
type sink struct {
	r        *Runner
	p        *govlake.Pipeline
	name     string
	layout   govlake.Layout
	data     *parts
	rejected *fileWriter
	tally    govlake.Tally
	res      *result
	read     func() int64 // source bytes read so far
	size     int64
	blanks   []int64   // blank rows of chunks, held until data follows
	kept     cellCount // rows with a cell kept as written (tabular.NoteQuoteKept)
}

func (r *Runner) newSink(p *govlake.Pipeline, name string, layout govlake.Layout, cols []govlake.Column, tmp string, read func() int64, size int64) (*sink, error) {
	perPart := r.PartRows
	if perPart <= 0 {
		perPart = partRows
	}
	s := &sink{r: r, p: p, name: name, layout: layout, read: read, size: size,
		res: &result{rejectedPath: filepath.Join(tmp, "rejected.parquet")}}
	s.data = newParts(tmp, cols, r.NewWriter, workers(), perPart)
	s.data.sync = r.syncWork()
	rejected, err := newFileWriter(s.res.rejectedPath, govlake.RejectedColumns, r.NewWriter, r.syncWork())
	if err != nil {
		s.data.abort()
		return nil, err
	}
	s.rejected = rejected
	return s, nil
}

// emit stores one checked record: its typed row (unless written with its
// batch), or its rejections.
func (s *sink) emit(rec tabular.Record, rejs []govlake.Rejection, row []any, batched bool) error {
	res := s.res
	res.rows.Read++
	if rec.Note == tabular.NoteQuoteKept {
		s.kept.add(rec.Row)
	}
	if s.r.Progress != nil && res.rows.Read%progressEvery == 0 {
		s.r.Progress(govlake.Progress{Dataset: s.p.Dataset, Bytes: s.read(), Size: s.size, Rows: res.rows.Read, Rejected: res.rows.Rejected})
	}
	if len(rejs) == 0 {
		if !batched {
			if err := s.data.writeRow(row); err != nil {
				return fmt.Errorf("%s: row %d: %w", s.name, rec.Row, err)
			}
		}
		res.rows.Valid++
		return nil
	}
	res.rows.Rejected++
	raw := recordJSON(s.layout.Labels, rec.Cells)
	for _, rj := range rejs {
		// A rejection outlives the batch; its text may be cut from a large
		// chunk, which must not stay in memory with it.
		rj.Value = strings.Clone(rj.Value)
		s.tally.Add(rj)
		if len(res.first) < s.r.MaxRunRejections {
			res.first = append(res.first, rj)
		}
		if err := s.rejected.w.Write([]any{rj.Row, nullIfEmpty(rj.Column), rj.Keyword, rj.Value, rj.Message, raw}); err != nil {
			return err
		}
	}
	return nil
}

// finish closes the work files and returns what was made.
func (s *sink) finish() (*result, error) {
	res := s.res
	if s.r.Progress != nil {
		s.r.Progress(govlake.Progress{Dataset: s.p.Dataset, Bytes: s.size, Size: s.size, Rows: res.rows.Read, Rejected: res.rows.Rejected, Done: true})
	}
	if err := s.data.close(); err != nil {
		return nil, fmt.Errorf("write parquet: %w", err)
	}
	for _, p := range s.data.all {
		res.parts = append(res.parts, partFile{path: p.path, rows: p.rows, size: p.fw.size, sum: p.fw.sum})
	}
	res.summaries = s.data.summaries()
	res.rejections = s.rejected.w.Rows()
	if err := s.rejected.close(); err != nil {
		return nil, err
	}
	res.rejected = partFile{path: res.rejectedPath, rows: res.rejections, size: s.rejected.size, sum: s.rejected.sum}
	if k := s.kept; k.cells > 0 {
		s.tally.Warn(govlake.Warning{Row: k.firstRow, Keyword: tabular.NoteQuoteKept,
			Message: fmt.Sprintf("%d rows have a cell that starts with a quote and goes on after its closing quote (the first at row %d), such as \"bad\"quote; such cells are kept exactly as written, quotes included: quote the whole cell, doubling the quotes inside, if they were meant as text", k.cells, k.firstRow)})
	}
	res.summary = s.tally.Summary()
	return res, nil
}

// abort drops the work files of a run that failed.
func (s *sink) abort() {
	s.data.abort()
	s.rejected.abort()
}
