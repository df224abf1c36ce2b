package ingest

import (
	"fmt"
	"slices"
	"strconv"
	"strings"

	"govlake/internal/govlake"
	"govlake/internal/tabular"
)

// Normalizer puts text in Unicode NFC, the composed form: a Vietnamese
// letter with its marks as one code point, as people type it and as SQL
// literals compare.
type Normalizer interface {
	// NFC returns s in NFC, and whether that changed it.
	NFC(s string) (string, bool)
}

// Warner is a reader that has something to say about the file as a whole
// (its line endings, say), asked once it has been read.
type Warner interface {
	Warnings() []govlake.Warning
}

// fixer is what is done to a text cell before it is converted: Zawgyi is
// found (and converted, when asked) and text is put in NFC. Each change is
// counted per column, so that it is reported, never silent.
type fixer struct {
	burmese Burmese // nil: no Zawgyi handling
	convert bool
	norm    Normalizer // nil: cells are kept as they are
	// numbers gives, by header position, how the file writes the numbers
	// of a number or integer column (nil: as the type check reads them).
	numbers []*tabular.NumberFormat
}

// cellFixes counts one column's changed cells.
type cellFixes struct {
	zawgyi, nfc, number cellCount
	unicode             int64  // Burmese cells already in Unicode, to tell a mixed column
	example             string // the first number rewritten, and how
}

type cellCount struct {
	cells    int64
	firstRow int64
	rows     []int64 // the first rows, for the report
}

// shownRows is how many rows a report lists.
const shownRows = 10

func (c *cellCount) add(row int64) {
	if c.cells == 0 {
		c.firstRow = row
	}
	c.cells++
	if len(c.rows) < shownRows {
		c.rows = append(c.rows, row)
	}
}

func (c *cellCount) merge(o cellCount) {
	if o.cells > 0 {
		if c.cells == 0 {
			c.firstRow = o.firstRow
		}
		c.cells += o.cells
		for _, r := range o.rows {
			if len(c.rows) < shownRows {
				c.rows = append(c.rows, r)
			}
		}
	}
}

// rowList writes the rows of a count: "rows 2, 5 and 9", "and more".
func (c cellCount) rowList() string {
	parts := make([]string, len(c.rows))
	for i, r := range c.rows {
		parts[i] = strconv.FormatInt(r, 10)
	}
	s := "row " + parts[0]
	if len(parts) > 1 {
		s = "rows " + strings.Join(parts[:len(parts)-1], ", ") + " and " + parts[len(parts)-1]
	}
	if c.cells > int64(len(c.rows)) {
		s += fmt.Sprintf(" (and %d more)", c.cells-int64(len(c.rows)))
	}
	return s
}

// active reports whether any cell may change.
func (f fixer) active() bool { return f.burmese != nil || f.norm != nil || f.numbers != nil }

// notANumber marks a cell that is not a number as the file writes them, so
// that the type check rejects it: it never reads as a number.
const notANumber = "\x00"

// forText drops what cannot apply to any cell cut from text: a chunk of
// plain ASCII has neither Burmese nor text to compose.
func (f fixer) forText(text string) fixer {
	if text == "" {
		return f
	}
	if (f.burmese != nil || f.norm != nil) && tabular.IsASCII(text) {
		// Neither Burmese nor anything NFC would change.
		f.burmese, f.norm = nil, nil
	}
	if f.burmese != nil && !f.burmese.HasBurmese(text) {
		f.burmese = nil
	}
	if f.numbers != nil && !strings.Contains(text, "%") {
		// Without a percent sign, a plain format changes nothing.
		var kept []*tabular.NumberFormat
		for i, n := range f.numbers {
			if n != nil && !n.Plain() {
				if kept == nil {
					kept = make([]*tabular.NumberFormat, len(f.numbers))
				}
				kept[i] = n
			}
		}
		f.numbers = kept
	}
	return f
}

// activeAt reports whether a cell of header position i may change.
func (f fixer) activeAt(i int) bool {
	return f.burmese != nil || f.norm != nil || i < len(f.numbers) && f.numbers[i] != nil
}

// fix returns the cell of header position i as it is to be read,
// counting what changed.
func (f fixer) fix(i int, c *cellFixes, row int64, cell string) string {
	if f.burmese != nil && f.burmese.HasBurmese(cell) {
		if f.burmese.IsZawgyi(cell) {
			c.zawgyi.add(row)
			if f.convert {
				cell = f.burmese.ToUnicode(cell)
			}
		} else {
			c.unicode++
		}
	}
	if f.norm != nil && !tabular.IsASCII(cell) {
		if n, changed := f.norm.NFC(cell); changed {
			c.nfc.add(row)
			cell = n
		}
	}
	if i < len(f.numbers) && f.numbers[i] != nil {
		out, changed, ok := f.numbers[i].Canonical(cell)
		switch {
		case !ok:
			return notANumber + cell
		case changed:
			if c.number.cells == 0 {
				c.example = fmt.Sprintf("%q as %s", cell, out)
			}
			c.number.add(row)
			return out
		}
	}
	return cell
}

// typeMessage says why the cell of header position i is not of its type,
// in the terms of the file's way of writing numbers when it has one.
func (f fixer) typeMessage(i int, cell, jsonType string) string {
	if i < len(f.numbers) && f.numbers[i] != nil && !f.numbers[i].Plain() && (jsonType == govlake.JSONNumber || jsonType == govlake.JSONInteger) {
		return fmt.Sprintf("%q is not a number as this file writes them (%s)", cell, f.numbers[i])
	}
	return tabular.TypeMessage(cell, jsonType)
}

// numberFormats gives each number or integer column of the layout its way
// of writing numbers: the source's, with a column's own over it.
// Percentages read as fractions unless said otherwise.
func numberFormats(src govlake.Source, layout govlake.Layout) ([]*tabular.NumberFormat, []govlake.Warning) {
	var warns []govlake.Warning
	for name := range src.Columns {
		if !slices.Contains(layout.Labels, name) {
			warns = append(warns, govlake.Warning{Column: name, Keyword: "unknown-column",
				Message: fmt.Sprintf("source.columns names %q, which is not in the header; its number options apply to nothing", name)})
		}
	}
	out := make([]*tabular.NumberFormat, len(layout.Labels))
	for i, label := range layout.Labels {
		if t := layout.JSONTypes[i]; t != govlake.JSONNumber && t != govlake.JSONInteger {
			continue
		}
		st := src.NumberStyle.Merge(src.Columns[label])
		f := &tabular.NumberFormat{Decimal: st.Decimal, Thousands: st.Thousands, Percent: st.Percent}
		if f.Percent == "" {
			f.Percent = tabular.PercentFraction
		}
		out[i] = f
	}
	return out, warns
}

// warnings reports, per column, the cells that were found or changed.
func (f fixer) warnings(labels []string, fixes []cellFixes) []govlake.Warning {
	var out []govlake.Warning
	for i, c := range fixes {
		if z := c.zawgyi; z.cells > 0 {
			w := govlake.Warning{Row: z.firstRow, Column: labels[i], Keyword: "zawgyi"}
			mixed := ""
			if c.unicode > 0 {
				mixed = fmt.Sprintf("; the column mixes them with %d Burmese cells in Unicode", c.unicode)
			}
			if f.convert {
				w.Message = fmt.Sprintf("column %q: converted %d Zawgyi-encoded cells to Unicode (%s)%s", w.Column, z.cells, z.rowList(), mixed)
			} else {
				w.Message = fmt.Sprintf("column %q: %d cells look Zawgyi-encoded (%s)%s; set source.zawgyi: convert to store them as Unicode", w.Column, z.cells, z.rowList(), mixed)
			}
			out = append(out, w)
		}
		if n := c.number; n.cells > 0 {
			out = append(out, govlake.Warning{Row: n.firstRow, Column: labels[i], Keyword: "number-format",
				Message: fmt.Sprintf("column %q: %d numbers were read as the file writes them (%s), the first at row %d: %s", labels[i], n.cells, f.numbers[i], n.firstRow, c.example)})
		}
		if n := c.nfc; n.cells > 0 {
			out = append(out, govlake.Warning{Row: n.firstRow, Column: labels[i], Keyword: "unicode-nfc",
				Message: fmt.Sprintf("column %q: %d cells were not in Unicode's composed form (NFC) and were stored composed (the first at row %d); set source.normalize: none to keep them as they are", labels[i], n.cells, n.firstRow)})
		}
	}
	return out
}

// relabel puts a reader's header labels in NFC, so that they match the
// schema's names and a transform's SQL as people type them. The reader is
// wrapped only when a label changed, and keeps its chunks.
func relabel(dec tabular.RecordReader, norm Normalizer) (tabular.RecordReader, []govlake.Warning) {
	if norm == nil {
		return dec, nil
	}
	header := dec.Header()
	var fixed []string
	var warns []govlake.Warning
	for i, h := range header {
		n, changed := norm.NFC(h)
		if !changed {
			continue
		}
		if fixed == nil {
			fixed = append([]string(nil), header...)
		}
		fixed[i] = n
		warns = append(warns, govlake.Warning{Row: dec.HeaderRow(), Column: n, Keyword: "unicode-nfc",
			Message: fmt.Sprintf("the header label of column %d was not in Unicode's composed form (NFC); it is read as %q", i+1, n)})
	}
	if fixed == nil {
		return dec, nil
	}
	return &relabeled{RecordReader: dec, header: fixed}, warns
}

var _ ChunkReader = (*relabeled)(nil)

// relabeled is a reader with other header labels.
type relabeled struct {
	tabular.RecordReader
	header []string
}

func (r *relabeled) Header() []string { return r.header }

// Chunks and ReadChunk pass the reader's chunks through.
func (r *relabeled) Chunks() bool {
	c, ok := r.RecordReader.(ChunkReader)
	return ok && c.Chunks()
}

func (r *relabeled) ReadChunk() (tabular.Chunk, error) {
	return r.RecordReader.(ChunkReader).ReadChunk()
}
