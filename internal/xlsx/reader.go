// Package xlsx decodes Excel workbooks into records with excelize: one
// sheet, by name or 1-based position, with rows above the header skipped,
// a header of one or more (merged) rows, and footer rows left out. Cells
// read as the workbook stores them, not as Excel shows them: numbers with
// every digit, dates and times in ISO form (values.go).
package xlsx

import (
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/xuri/excelize/v2"

	"govlake/internal/govlake"
	"govlake/internal/tabular"
)

// Options are the xlsx format options of a pipeline's source.
type Options struct {
	Sheet      string // name or 1-based position; empty means the first
	SkipRows   int
	HeaderRows int // rows that make the header, joined into one label per column (default 1)
	FooterRows int // rows at the end that are not data
	NAValues   []string
}

// Reader reads records of one sheet. It implements tabular.RecordReader.
type Reader struct {
	name      string
	f         *excelize.File
	shown     *excelize.Rows // formatted as Excel shows them
	raw       *excelize.Rows // as stored
	header    []string
	headerRow int64
	row       int64
	na        map[string]bool
	held      tabular.Held
	eof       bool
	sheet     string
	date1904  bool        // the workbook counts dates from 1904
	kinds     map[int]int // style id -> what its number format makes of numbers
	changed   []changed   // per column: cells read as stored, not as shown
}

// NewReader opens the workbook and reads the header row.
func NewReader(r io.Reader, name string, o Options) (*Reader, error) {
	f, err := excelize.OpenReader(r)
	if err != nil {
		return nil, &govlake.Error{Code: govlake.EINVALID, Message: fmt.Sprintf("%s is not an xlsx workbook, or is damaged: save it again from Excel or LibreOffice as .xlsx (an old .xls will not do)", name), Err: err}
	}
	sheets := f.GetSheetList()
	sheet := ""
	switch {
	case o.Sheet == "" && len(sheets) > 0:
		sheet = sheets[0]
	case o.Sheet != "":
		for _, s := range sheets {
			if s == o.Sheet {
				sheet = s
			}
		}
		if n, err := strconv.Atoi(o.Sheet); sheet == "" && err == nil && n >= 1 && n <= len(sheets) {
			sheet = sheets[n-1]
		}
	}
	if sheet == "" {
		f.Close()
		return nil, govlake.Errorf(govlake.EINVALID, "%s: no sheet %q; the workbook has %s (give source.sheet a name or a position from 1)", name, o.Sheet, strings.Join(quoted(sheets), ", "))
	}
	x := &Reader{name: name + " sheet " + sheet, f: f, sheet: sheet, kinds: map[int]int{}, held: tabular.Held{Footer: o.FooterRows}}
	if props, err := f.GetWorkbookProps(); err == nil && props.Date1904 != nil {
		x.date1904 = *props.Date1904
	}
	if x.shown, err = f.Rows(sheet); err == nil {
		x.raw, err = f.Rows(sheet)
	}
	if err != nil {
		f.Close()
		return nil, &govlake.Error{Code: govlake.EINVALID, Message: fmt.Sprintf("%s cannot be read: the sheet is damaged; save the workbook again", x.name), Err: err}
	}
	if len(o.NAValues) > 0 {
		x.na = map[string]bool{}
		for _, v := range o.NAValues {
			x.na[v] = true
		}
	}
	for i := 0; i < o.SkipRows; i++ {
		if _, err := x.next(); err == io.EOF {
			return nil, govlake.Errorf(govlake.EINVALID, "%s: the sheet has only %d rows, fewer than skip_rows (%d) plus a header", x.name, x.row, o.SkipRows)
		} else if err != nil {
			return nil, err
		}
	}
	h, err := x.readHeader(max(o.HeaderRows, 1))
	if err != nil {
		return nil, err
	}
	// Trailing empty header cells are formatting, not columns.
	for len(h) > 0 && strings.TrimSpace(h[len(h)-1]) == "" {
		h = h[:len(h)-1]
	}
	x.header, x.headerRow = h, x.row
	x.changed = nil // the header's own cells are not data
	return x, nil
}

// readHeader reads n rows and joins them into one label per column: a
// cell merged across columns labels each of them, and the parts of a
// column are joined with " / " (Population / Male). A blank cell keeps its
// column.
func (x *Reader) readHeader(n int) ([]string, error) {
	var rows [][]string
	width := 0
	for i := 0; i < n; i++ {
		h, err := x.next()
		if err == io.EOF || (err == nil && i == 0 && blank(h)) {
			return nil, govlake.Errorf(govlake.EINVALID, "%s: row %d, where the header should be, is empty; set skip_rows", x.name, x.row)
		}
		if err != nil {
			return nil, err
		}
		rows = append(rows, h)
		width = max(width, len(h))
	}
	if n == 1 {
		return rows[0], nil
	}
	first := int(x.row) - n + 1
	merges, err := x.f.GetMergeCells(x.sheet)
	if err != nil {
		return nil, govlake.Errorf(govlake.EINVALID, "%s: the merged cells of the header cannot be read", x.name)
	}
	for _, m := range merges {
		c1, r1, err1 := excelize.CellNameToCoordinates(m.GetStartAxis())
		c2, r2, err2 := excelize.CellNameToCoordinates(m.GetEndAxis())
		if err1 != nil || err2 != nil || r1 < first || r1 > int(x.row) {
			continue
		}
		v := m.GetCellValue()
		for r := r1; r <= min(r2, int(x.row)); r++ {
			row := &rows[r-first]
			for c := c1; c <= c2; c++ {
				for len(*row) < c {
					*row = append(*row, "")
				}
				(*row)[c-1] = v
			}
			width = max(width, len(*row))
		}
	}
	labels := make([]string, width)
	for c := range labels {
		var parts []string
		for _, row := range rows {
			if c < len(row) {
				if p := strings.TrimSpace(row[c]); p != "" && (len(parts) == 0 || parts[len(parts)-1] != p) {
					parts = append(parts, p)
				}
			}
		}
		labels[c] = strings.Join(parts, " / ")
	}
	return labels, nil
}

func quoted(s []string) []string {
	out := make([]string, len(s))
	for i, v := range s {
		out[i] = strconv.Quote(v)
	}
	return out
}

// next returns the cells of the next row.
func (x *Reader) next() ([]string, error) {
	if !x.shown.Next() {
		if err := x.shown.Error(); err != nil {
			return nil, &govlake.Error{Code: govlake.EINVALID, Message: fmt.Sprintf("%s: the rows after row %d cannot be read: the sheet is damaged; save the workbook again", x.name, x.row), Err: err}
		}
		return nil, io.EOF
	}
	x.raw.Next()
	x.row++
	shown, err := x.shown.Columns()
	if err == nil {
		var raw []string
		if raw, err = x.raw.Columns(excelize.Options{RawCellValue: true}); err == nil {
			for i, s := range shown {
				if i < len(raw) {
					shown[i] = x.value(i, s, raw[i])
				}
			}
			return shown, nil
		}
	}
	return nil, &govlake.Error{Code: govlake.EINVALID, Message: fmt.Sprintf("%s: row %d cannot be read: the sheet is damaged; save the workbook again", x.name, x.row), Err: err}
}

// sameNumber reports whether shown is raw with digit grouping only.
func sameNumber(shown, raw string) bool {
	if _, err := strconv.ParseFloat(raw, 64); err != nil {
		return false
	}
	plain := strings.NewReplacer(",", "", " ", "", "\u00a0", "", "'", "").Replace(shown)
	if plain == raw {
		return true
	}
	a, err1 := strconv.ParseFloat(plain, 64)
	b, _ := strconv.ParseFloat(raw, 64)
	return err1 == nil && a == b
}

func blank(cells []string) bool {
	for _, c := range cells {
		if strings.TrimSpace(c) != "" {
			return false
		}
	}
	return true
}

// Header returns the header labels.
func (x *Reader) Header() []string { return x.header }

// HeaderRow is the header's row number in the sheet.
func (x *Reader) HeaderRow() int64 { return x.headerRow }

// Close releases the workbook and its unpacked sheets; a second call does
// nothing.
func (x *Reader) Close() error {
	if x.f == nil {
		return nil
	}
	for _, rows := range []*excelize.Rows{x.shown, x.raw} {
		if rows != nil {
			rows.Close()
		}
	}
	err := x.f.Close()
	x.f = nil
	return err
}

// Read returns the next record with its sheet row number. Empty rows in the
// data are blank records; empty rows at the end are not rows.
func (x *Reader) Read() (tabular.Record, error) {
	for {
		if rec, ok := x.held.Next(); ok {
			return rec, nil
		}
		if x.eof {
			x.Close()
			return tabular.Record{}, io.EOF
		}
		cells, err := x.next()
		if err == io.EOF {
			x.eof = true
			continue
		}
		if err != nil {
			return tabular.Record{}, err
		}
		if blank(cells) {
			x.held.Blank(x.row)
			continue
		}
		if x.na != nil {
			for i, c := range cells {
				if x.na[c] {
					cells[i] = ""
				}
			}
		}
		x.held.Data(tabular.Record{Row: x.row, Cells: cells})
	}
}
