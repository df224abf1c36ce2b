package ingest

import (
	"fmt"
	"strings"

	"govlake/internal/govlake"
	"govlake/internal/tabular"
)

// checker turns one source record into typed values and its rejections:
// structure first (blank row, extra cells), then cell conversion, then the
// JSON Schema.
type checker struct {
	schema   Schema
	layout   govlake.Layout
	cols     []govlake.Column
	record   map[string]any
	values   []any
	badType  map[string]string // column -> cell that did not convert
	viol     []govlake.Violation
	rejs     []govlake.Rejection
	position map[string]int // label -> header position

	fix   fixer
	fixes []cellFixes // per header position
}

func newChecker(schema Schema, layout govlake.Layout, cols []govlake.Column) *checker {
	pos := make(map[string]int, len(layout.Labels))
	for i, l := range layout.Labels {
		pos[l] = i
	}
	return &checker{
		schema: schema, layout: layout, cols: cols,
		record:   make(map[string]any, len(layout.Labels)),
		values:   make([]any, len(cols)),
		badType:  map[string]string{},
		position: pos,
	}
}

// check returns the rejections of rec, or none; when there are none,
// c.values holds the row to store.
func (c *checker) check(rec tabular.Record) []govlake.Rejection {
	c.rejs = c.rejs[:0]
	labels := c.layout.Labels
	if rj, bad := structural(rec, len(labels)); bad {
		return append(c.rejs, rj)
	}
	clear(c.record)
	clear(c.badType)
	for i, label := range labels {
		if i >= len(rec.Cells) {
			break // missing trailing cells are empty
		}
		cell := rec.Cells[i]
		if c.fix.activeAt(i) {
			cell = c.fix.fix(i, &c.fixes[i], rec.Row, cell)
		}
		v, present, ok := tabular.ConvertCell(cell, c.layout.JSONTypes[i])
		if !present {
			continue
		}
		if !ok {
			// Keep the text: the schema reports its type error, with any others.
			c.badType[label] = cell
			c.record[label] = cell
			continue
		}
		c.record[label] = v
	}
	c.viol = c.schema.Validate(c.record, c.viol[:0])
	for _, v := range c.viol {
		r := govlake.Rejection{Row: rec.Row, Column: v.Column, Keyword: v.Keyword, Message: v.Message}
		if i, ok := c.position[v.Column]; ok && i < len(rec.Cells) {
			r.Value = rec.Cells[i] // as in the source
		}
		if _, ok := c.badType[v.Column]; ok && v.Keyword == "type" {
			i := c.position[v.Column]
			r.Message = c.fix.typeMessage(i, rec.Cells[i], c.layout.JSONTypes[i])
		}
		c.rejs = append(c.rejs, r)
	}
	if len(c.rejs) > 0 {
		return c.rejs
	}
	for i, col := range c.layout.Index {
		c.values[i] = nil
		if col >= 0 {
			c.values[i] = c.record[c.cols[i].Name]
		}
	}
	return nil
}

// structural finds what is wrong with a record before any cell is read:
// a blank row, or cells beyond the header.
func structural(rec tabular.Record, width int) (govlake.Rejection, bool) {
	if rec.Problem != "" {
		return govlake.Rejection{Row: rec.Row, Keyword: govlake.KeywordSource, Message: rec.Problem}, true
	}
	if len(rec.Cells) == 0 {
		return govlake.Rejection{Row: rec.Row, Keyword: govlake.KeywordBlankRow,
			Message: "the row is blank; delete the empty line"}, true
	}
	if len(rec.Cells) > width {
		extra := rec.Cells[width:]
		for i, cell := range extra {
			if cell != "" {
				return govlake.Rejection{Row: rec.Row, Column: fmt.Sprintf("column %d", width+i+1),
					Keyword: govlake.KeywordExtraCell, Value: strings.Join(extra, ","),
					Message: fmt.Sprintf("the row has %d cells but the header has %d; remove the extra cells or quote cells that contain the delimiter", len(rec.Cells), width)}, true
			}
		}
	}
	return govlake.Rejection{}, false
}
