// Package xlsx decodes Excel workbooks into records with excelize: one
// sheet, by name or 1-based position, with rows above the header skipped.
// Cells read as Excel shows them, except numbers shown with thousands
// separators, which read as the plain number stored ("317,604" is 317604).
package xlsx

import (
	"io"
	"strconv"
	"strings"

	"github.com/xuri/excelize/v2"

	"govlake/internal/govlake"
	"govlake/internal/tabular"
)

// Options are the xlsx format options of a pipeline's source.
type Options struct {
	Sheet    string // name or 1-based position; empty means the first
	SkipRows int
	NAValues []string
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
}

// NewReader opens the workbook and reads the header row.
func NewReader(r io.Reader, name string, o Options) (*Reader, error) {
	f, err := excelize.OpenReader(r)
	if err != nil {
		return nil, govlake.Errorf(govlake.EINVALID, "%s: not an xlsx workbook: %v", name, err)
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
	x := &Reader{name: name + " sheet " + sheet, f: f}
	if x.shown, err = f.Rows(sheet); err == nil {
		x.raw, err = f.Rows(sheet)
	}
	if err != nil {
		f.Close()
		return nil, govlake.Errorf(govlake.EINVALID, "%s: %v", x.name, err)
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
	h, err := x.next()
	if err == io.EOF || (err == nil && blank(h)) {
		return nil, govlake.Errorf(govlake.EINVALID, "%s: row %d, where the header should be, is empty; set skip_rows", x.name, x.row)
	}
	if err != nil {
		return nil, err
	}
	// Trailing empty header cells are formatting, not columns.
	for len(h) > 0 && strings.TrimSpace(h[len(h)-1]) == "" {
		h = h[:len(h)-1]
	}
	x.header, x.headerRow = h, x.row
	return x, nil
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
			return nil, govlake.Errorf(govlake.EINVALID, "%s: %v", x.name, err)
		}
		return nil, io.EOF
	}
	x.raw.Next()
	x.row++
	shown, err := x.shown.Columns()
	if err != nil {
		return nil, govlake.Errorf(govlake.EINVALID, "%s: row %d: %v", x.name, x.row, err)
	}
	raw, err := x.raw.Columns(excelize.Options{RawCellValue: true})
	if err != nil {
		return nil, govlake.Errorf(govlake.EINVALID, "%s: row %d: %v", x.name, x.row, err)
	}
	for i, s := range shown {
		if i < len(raw) && raw[i] != s && sameNumber(s, raw[i]) {
			shown[i] = raw[i]
		}
	}
	return shown, nil
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
