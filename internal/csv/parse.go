package csv

import (
	"bytes"
	"fmt"
	"strings"
)

// lineSource gives the parser a source's physical lines, without their
// endings (LF or CRLF).
type lineSource interface {
	// nextLine returns the next line; ok is false when none is left.
	nextLine() (line string, ok bool, err error)
}

// parser reads records from lines, counting as a spreadsheet does: row
// counts records (a cell spanning lines is one row), line counts lines.
// Read and the chunks of ReadChunk both parse with it, so they cannot
// differ on what a record is.
type parser struct {
	name      string // for messages: the source's name
	delim     byte
	row, line int64
	field     []byte
	src       lineSource
	// kept says the record just parsed has a cell with text after its
	// closing quote, kept as written.
	kept   bool
	limits Limits
	// quoteFree says no line has a quote (a chunk's text was searched
	// once): every record is split at its delimiters.
	quoteFree bool
}

func (p *parser) readLine() (string, bool, error) {
	line, ok, err := p.src.nextLine()
	if ok {
		p.line++
	}
	return line, ok, err
}

// record parses the record that starts with line (just read) and appends
// its cells: a cell that starts with a quote runs to the closing quote,
// line breaks included ("" is a quote), and then to the delimiter; any
// other cell runs to the delimiter or the line's end. Cells are cut from
// the lines where they can be, not copied.
func (p *parser) record(cells []string, line string) ([]string, error) {
	start, size := len(cells), len(line)
	if size > p.limits.LineBytes {
		return nil, p.lineTooLong(p.row+1, p.line)
	}
	cells, err := p.cells(cells, line, &size)
	if err != nil {
		return nil, err
	}
	return cells, p.check(cells[start:], size)
}

// cells parses the record; size counts the bytes of the lines it took.
func (p *parser) cells(cells []string, line string, size *int) ([]string, error) {
	startLine := p.line
	p.row++
	p.kept = false
	if p.quoteFree || strings.IndexByte(line, '"') < 0 {
		return splitLine(cells, line, p.delim), nil
	}
	for {
		if len(line) > 0 && line[0] == '"' {
			line = line[1:]
			// The common quoted cell: closed on its line, no quote inside,
			// the delimiter or the line's end right after.
			if i := strings.IndexByte(line, '"'); i >= 0 && (i+1 == len(line) || line[i+1] == p.delim) {
				cells = append(cells, line[:i])
				if i+1 == len(line) {
					return cells, nil
				}
				line = line[i+2:]
				continue
			}
			p.field = p.field[:0]
			for {
				i := strings.IndexByte(line, '"')
				if i < 0 {
					p.field = append(p.field, line...)
					more, ok, err := p.readLine()
					if err != nil {
						return nil, fmt.Errorf("read %s: %w", p.name, err)
					}
					if !ok {
						return nil, unclosed(p.name, p.row, startLine)
					}
					p.field = append(p.field, '\n')
					if *size += len(more); *size > p.limits.LineBytes {
						return nil, p.lineTooLong(p.row, startLine)
					}
					line = more
					continue
				}
				p.field = append(p.field, line[:i]...)
				line = line[i+1:]
				if len(line) > 0 && line[0] == '"' {
					p.field = append(p.field, '"')
					line = line[1:]
					continue
				}
				break
			}
			i := strings.IndexByte(line, p.delim)
			if i < 0 {
				i = len(line)
			}
			if i > 0 {
				// Text after the closing quote: this was not a quoted cell
				// (as in "bad"quote). It is kept exactly as written, quotes
				// included, as RFC 4180's lazy readers do, and noted.
				p.field = append(append([]byte{'"'}, bytes.ReplaceAll(p.field, []byte{'"'}, []byte{'"', '"'})...), '"')
				p.field = append(p.field, line[:i]...)
				p.kept = true
			}
			cells = append(cells, string(p.field))
			if i == len(line) {
				return cells, nil
			}
			line = line[i+1:]
			continue
		}
		i := strings.IndexByte(line, p.delim)
		if i < 0 {
			return append(cells, line), nil
		}
		cells = append(cells, line[:i])
		line = line[i+1:]
	}
}
