package csv

import "govlake/internal/govlake"

// Limits bound what one record may hold, so that a file without line
// breaks, or with a runaway quote, is refused with its row named instead of
// being read into memory whole. Memory while reading is about twelve times
// the longest line (measured), so the defaults hold a 1 GB file in well
// under a gigabyte.
type Limits struct {
	LineBytes int // a physical line, or a record spanning lines
	CellBytes int // one cell
	Columns   int // cells in a record
}

// DefaultLimits are used for a limit the pipeline leaves at 0.
var DefaultLimits = Limits{LineBytes: 32 << 20, CellBytes: 16 << 20, Columns: 16384}

// orDefaults fills the limits left at 0 with DefaultLimits.
func (l Limits) orDefaults() Limits {
	if l.LineBytes <= 0 {
		l.LineBytes = DefaultLimits.LineBytes
	}
	if l.CellBytes <= 0 {
		l.CellBytes = DefaultLimits.CellBytes
	}
	if l.Columns <= 0 {
		l.Columns = DefaultLimits.Columns
	}
	return l
}

// lineTooLong is the error for row (starting at line) passing LineBytes.
func (p *parser) lineTooLong(row, line int64) error {
	return govlake.Errorf(govlake.ETOOLARGE, "%s: row %d (line %d) runs past %s without ending (max_line_bytes); is this delimited text with line breaks, or is a quote left open? raise max_line_bytes in the pipeline's source if the rows really are this long", p.name, row, line, govlake.ByteSize(int64(p.limits.LineBytes)))
}

// nextTooLong is lineTooLong for the record after those read so far.
func (p *parser) nextTooLong() error { return p.lineTooLong(p.row+1, p.line+1) }

// check refuses a record with too many cells or too large a cell.
func (p *parser) check(cells []string, size int) error {
	if len(cells) > p.limits.Columns {
		return govlake.Errorf(govlake.ETOOLARGE, "%s: row %d has %d columns, more than %d (max_columns); check the delimiter, or raise max_columns in the pipeline's source", p.name, p.row, len(cells), p.limits.Columns)
	}
	if size <= p.limits.CellBytes {
		return nil
	}
	for i, c := range cells {
		if len(c) > p.limits.CellBytes {
			return govlake.Errorf(govlake.ETOOLARGE, "%s: row %d, column %d holds %s, more than %s (max_cell_bytes); raise max_cell_bytes in the pipeline's source if the cell is meant to be this large", p.name, p.row, i+1, govlake.ByteSize(int64(len(c))), govlake.ByteSize(int64(p.limits.CellBytes)))
		}
	}
	return nil
}
