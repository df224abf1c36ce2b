// Package csv decodes delimited text into records. It is its own parser
// rather than encoding/csv because govlake must count rows as a spreadsheet
// does (blank lines and multi-line cells included), detect the delimiter,
// skip metadata lines and footers, and keep going on the quirks of real
// government files. Character sets other than UTF-8 are converted with
// golang.org/x/text.
package csv

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"strings"
	"unicode/utf8"

	"golang.org/x/text/encoding"
	"golang.org/x/text/encoding/htmlindex"
	"golang.org/x/text/encoding/unicode"
	"golang.org/x/text/transform"

	"govlake/internal/govlake"
	"govlake/internal/tabular"
)

// Options are the csv format options of a pipeline's source.
type Options struct {
	Delimiter  string   // one character; empty means detect from the header line
	Encoding   string   // a WHATWG label; empty means UTF-8 (a BOM is honoured)
	SkipRows   int      // lines before the header
	FooterRows int      // records after the data to drop
	NAValues   []string // cells read as empty (null)
	Limits     Limits   // zero fields: DefaultLimits
	// ChunkBytes is about how many bytes of records ReadChunk cuts at a
	// time; 0 is 256 KB. Tests make it small, so that chunks reuse the
	// memory of released ones.
	ChunkBytes int
}

// OptionsFrom takes the csv options of a pipeline source.
func OptionsFrom(s govlake.Source) Options {
	return Options{Delimiter: s.Delimiter, Encoding: s.Encoding, SkipRows: s.SkipRows, FooterRows: s.FooterRows, NAValues: s.NAValues, Limits: Limits{LineBytes: s.MaxLineBytes, CellBytes: s.MaxCellBytes, Columns: s.MaxColumns}}
}

// Reader reads records from delimited text. It implements tabular.RecordReader.
type Reader struct {
	parser    // rows and lines so far count the header and skipped lines
	br        *bufio.Reader
	header    []string
	headerRow int64
	na        map[string]bool
	held      tabular.Held // blank rows until data follows, and the footer window
	eof       bool
	carry     []byte          // ReadChunk: bytes read past the last chunk
	want      int             // ReadChunk: bytes to have before cutting
	buffers   *freeList[byte] // ReadChunk: buffers of parsed chunks
	lists     *recordLists    // ReadChunk: records of released chunks
	// chunkBytes is the size ReadChunk aims at (tests make it small).
	chunkBytes int
	warns      []govlake.Warning // about the whole file
}

// Warnings says what the reader did to read the file as a whole.
func (r *Reader) Warnings() []govlake.Warning { return r.warns }

// loneCR finds a file whose line breaks are all a lone CR (no LF in its
// first megabyte, and a CR), and reads each CR of it as LF. A file with
// any LF keeps its CRs: a CR inside a line is text there.
func loneCR(r io.Reader) (io.Reader, bool) {
	br := bufio.NewReaderSize(r, 1<<20)
	head, _ := br.Peek(1 << 20)
	if bytes.IndexByte(head, '\n') >= 0 || bytes.IndexByte(head, '\r') < 0 {
		return br, false
	}
	return &crToLF{br}, true
}

// crToLF reads CR bytes as LF.
type crToLF struct{ r io.Reader }

func (c *crToLF) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	for i := range p[:n] {
		if p[i] == '\r' {
			p[i] = '\n'
		}
	}
	return n, err
}

// NewReader reads the header (after SkipRows lines) and returns a reader
// positioned at the first data record. name appears in error messages.
func NewReader(r io.Reader, name string, o Options) (*Reader, error) {
	r, err := decoder(r, o.Encoding)
	if err != nil {
		return nil, err
	}
	r, lone := loneCR(r)
	limits := o.Limits.orDefaults()
	cr := &Reader{parser: parser{name: name, limits: limits}, br: bufio.NewReaderSize(r, 1<<20), held: tabular.Held{Footer: o.FooterRows}, chunkBytes: o.ChunkBytes}
	if lone {
		cr.warns = append(cr.warns, govlake.Warning{Keyword: "line-endings",
			Message: fmt.Sprintf("%s ends its lines with a lone CR (as old Mac files do); each is read as a line break", name)})
	}
	cr.src = &bufLines{br: cr.br, max: limits.LineBytes, tooLong: cr.nextTooLong}
	if len(o.NAValues) > 0 {
		cr.na = make(map[string]bool, len(o.NAValues))
		for _, v := range o.NAValues {
			cr.na[v] = true
		}
	}
	// A UTF-8 BOM is not part of the first label.
	if b, err := cr.br.Peek(3); err == nil && bytes.Equal(b, []byte{0xEF, 0xBB, 0xBF}) {
		cr.br.Discard(3)
	}
	for i := 0; i < o.SkipRows; i++ {
		if _, err := cr.br.ReadSlice('\n'); err != nil && !errors.Is(err, bufio.ErrBufferFull) {
			if err == io.EOF {
				return nil, govlake.Errorf(govlake.EINVALID, "%s: the file has only %d lines, fewer than skip_rows (%d) plus a header", name, cr.line, o.SkipRows)
			}
			return nil, fmt.Errorf("read %s: %w", name, err)
		}
		cr.line++
		cr.row++
	}
	switch {
	case o.Delimiter != "":
		cr.delim = o.Delimiter[0]
		if len(o.Delimiter) != 1 {
			return nil, govlake.Errorf(govlake.EINVALID, "%s: delimiter %q must be a single-byte character", name, o.Delimiter)
		}
	default:
		cr.delim = cr.detect()
	}
	cells, err := cr.next()
	if err == io.EOF {
		return nil, govlake.Errorf(govlake.EINVALID, "%s: the file is empty: expected a header row at row %d", name, cr.row+1)
	}
	if err != nil {
		return nil, err
	}
	cr.header = append([]string(nil), cells...)
	cr.headerRow = cr.row
	if len(cr.header) == 1 && cr.header[0] == "" {
		return nil, govlake.Errorf(govlake.EINVALID, "%s: row %d, where the header should be, is blank; remove the blank line or set skip_rows", name, cr.row)
	}
	return cr, nil
}

// decoder converts from the named character set to UTF-8. With no name,
// UTF-8 is assumed and a UTF-8 or UTF-16 BOM is honoured.
func decoder(r io.Reader, label string) (io.Reader, error) {
	if label == "" || strings.EqualFold(label, "utf-8") || strings.EqualFold(label, "utf8") {
		// Only a UTF-16 BOM needs a decoder; UTF-8 bytes are read as they
		// are (NewReader drops a UTF-8 BOM), without a copy through one.
		br := bufio.NewReaderSize(r, 1<<20)
		if b, _ := br.Peek(2); len(b) == 2 && (b[0] == 0xFE && b[1] == 0xFF || b[0] == 0xFF && b[1] == 0xFE) {
			return transform.NewReader(br, unicode.BOMOverride(transform.Nop)), nil
		}
		return br, nil
	}
	enc, err := htmlindex.Get(label)
	if err != nil {
		return nil, govlake.Errorf(govlake.EINVALID, "encoding %q is not known; use a WHATWG label such as utf-8, latin1, windows-1252, utf-16 or tis-620", label)
	}
	if enc == encoding.Nop {
		return r, nil
	}
	return transform.NewReader(r, unicode.BOMOverride(enc.NewDecoder())), nil
}

// detect picks the delimiter that splits the header line into the most
// cells, without consuming anything.
func (r *Reader) detect() byte {
	line, _ := r.br.Peek(64 << 10)
	if i := bytes.IndexByte(line, '\n'); i >= 0 {
		line = line[:i]
	}
	best, bestN := byte(','), 0
	for _, d := range []byte{',', ';', '\t', '|'} {
		if n := countOutsideQuotes(line, d); n > bestN {
			best, bestN = d, n
		}
	}
	return best
}

func countOutsideQuotes(line []byte, d byte) int {
	n, quoted := 0, false
	for _, c := range line {
		switch {
		case c == '"':
			quoted = !quoted
		case c == d && !quoted:
			n++
		}
	}
	return n
}

// Header returns the header labels.
func (r *Reader) Header() []string { return r.header }

// HeaderRow returns the header's row number.
func (r *Reader) HeaderRow() int64 { return r.headerRow }

// Close does nothing: the reader holds only what its caller opened.
func (r *Reader) Close() error { return nil }

// Delimiter returns the delimiter in use, given or detected.
func (r *Reader) Delimiter() byte { return r.delim }

// Read returns the next data record. Blank rows are returned as records with
// no cells, except at the end of the file where they are only line endings.
// The last FooterRows records are never returned.
func (r *Reader) Read() (tabular.Record, error) {
	for {
		if rec, ok := r.held.Next(); ok {
			return rec, nil
		}
		if r.eof {
			return tabular.Record{}, io.EOF
		}
		cells, err := r.next()
		if err == io.EOF {
			r.eof = true
			continue
		}
		if err != nil {
			return tabular.Record{}, err
		}
		if blank(cells) {
			r.held.Blank(r.row)
			continue
		}
		emptyNA(cells, r.na)
		r.held.Data(tabular.Record{Row: r.row, Cells: cells, Note: note(r.kept)})
	}
}

// next parses one record. It returns io.EOF when no input is left.
func (r *Reader) next() ([]string, error) {
	line, ok, err := r.readLine()
	if govlake.ErrorCode(err) == govlake.ETOOLARGE {
		return nil, err
	}
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", r.name, err)
	}
	if !ok {
		return nil, io.EOF
	}
	cells, err := r.record(nil, line)
	if err != nil {
		return nil, err
	}
	if err := checkUTF8(r.name, r.row, cells); err != nil {
		return nil, err
	}
	return cells, nil
}

// note is the record's note when a cell was kept as written.
func note(kept bool) string {
	if kept {
		return tabular.NoteQuoteKept
	}
	return ""
}

// checkUTF8 names the first cell whose bytes are not UTF-8. It goes cell by
// cell: two cells' bytes can join into a valid sequence that neither is.
func checkUTF8(name string, row int64, cells []string) error {
	for i, c := range cells {
		if !utf8.ValidString(c) {
			return invalidUTF8(name, row, i)
		}
	}
	return nil
}

// emptyNA empties the cells that are na_values.
func emptyNA(cells []string, na map[string]bool) {
	if na == nil {
		return
	}
	for i, c := range cells {
		if na[c] {
			cells[i] = ""
		}
	}
}

func unclosed(name string, row, startLine int64) error {
	return govlake.Errorf(govlake.EINVALID, "%s: row %d: a quoted cell that starts on line %d is never closed; check for a stray double quote", name, row, startLine)
}

// invalidUTF8 names the cell (i counts from 0) whose bytes are not UTF-8.
func invalidUTF8(name string, row int64, i int) error {
	return govlake.Errorf(govlake.EINVALID, "%s: row %d, column %d: the bytes are not valid UTF-8; set source.encoding to the file's character set (for example latin1, windows-1252 or utf-16)", name, row, i+1)
}

// bufLines gives the parser the lines of a buffered reader.
type bufLines struct {
	br      *bufio.Reader
	eof     bool
	max     int          // longest line
	tooLong func() error // the error for a longer one
}

func (b *bufLines) nextLine() (string, bool, error) {
	if b.eof {
		return "", false, nil
	}
	line, err := b.br.ReadSlice('\n')
	if errors.Is(err, bufio.ErrBufferFull) {
		// A line longer than the buffer: gather it.
		buf := append([]byte(nil), line...)
		for errors.Is(err, bufio.ErrBufferFull) {
			line, err = b.br.ReadSlice('\n')
			if buf = append(buf, line...); len(buf) > b.max+2 { // +2: the line's own CR LF
				return "", false, b.tooLong()
			}
		}
		line = buf
	}
	switch {
	case err == io.EOF:
		b.eof = true
		if len(line) == 0 {
			return "", false, nil
		}
	case err != nil:
		return "", false, err
	}
	line = bytes.TrimSuffix(line, []byte{'\n'})
	line = bytes.TrimSuffix(line, []byte{'\r'})
	return string(line), true, nil
}

// blank reports whether a record has no content: an empty line, or only
// delimiters as spreadsheets export empty rows.
func blank(cells []string) bool {
	for _, c := range cells {
		if c != "" {
			return false
		}
	}
	return true
}
