package main

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"
)

// A census workbook with a merged two-row header, formatted numbers, a
// percentage, a date and a footer arrives as stored, every digit, through
// SQL.
func TestWorkbookValuesThroughSQL(t *testing.T) {
	f := excelize.NewFile()
	sh := "Sheet1"
	for cell, v := range map[string]any{"A1": "Township", "B1": "Population", "B2": "Male", "C2": "Female", "D1": "Share urban", "E1": "Counted on",
		"A3": "Bahan", "B3": 4.526, "C3": 51234, "D3": 0.452, "E3": 41727,
		"A4": "Hlaing", "B4": 1234567.891, "C4": 2, "D4": 0.0005, "E4": 41728,
		"A6": "Source: Department of Population", "A7": "Figures are provisional"} {
		f.SetCellValue(sh, cell, v)
	}
	f.MergeCell(sh, "A1", "A2")
	f.MergeCell(sh, "B1", "C1")
	f.MergeCell(sh, "D1", "D2")
	f.MergeCell(sh, "E1", "E2")
	two, _ := f.NewStyle(&excelize.Style{NumFmt: 2})
	pct, _ := f.NewStyle(&excelize.Style{NumFmt: 10})
	date, _ := f.NewStyle(&excelize.Style{NumFmt: 14})
	f.SetCellStyle(sh, "B3", "B4", two)
	f.SetCellStyle(sh, "D3", "D4", pct)
	f.SetCellStyle(sh, "E3", "E4", date)
	var b bytes.Buffer
	f.Write(&b)

	schema := `{"type":"object","required":["Township"],"properties":{"Township":{"type":"string"},"Population / Male":{"type":"number"},"Population / Female":{"type":"integer"},"Share urban":{"type":"number","maximum":1},"Counted on":{"type":"string","format":"date"}}}`
	p := newPipeline(t, "census", "", schema, "")
	p.write("census.xlsx", b.String())
	p.write("census.yaml", strings.Replace(p.yaml, "  url: data.csv\n", "  url: census.xlsx\n  format: xlsx\n  header_rows: 2\n  footer_rows: 2\n", 1))
	store := t.TempDir()
	if code, out, errs := runIngest(t, "run", "-pipelines", p.dir, "-store", store); code != 0 || !strings.Contains(out, "valid=2 rejected=0") {
		t.Fatalf("exit %d: %s%s", code, out, errs)
	}
	s := testStore(t, store)
	m := manifest(t, s, "census", 1)
	got := query(t, s, `SELECT "Township", "Population / Male", "Population / Female", "Share urban", "Counted on" FROM c ORDER BY 1`, map[string]string{"c": m.Files[0].Key})
	want := [][]any{
		{"Bahan", 4.526, int64(51234), 0.452, "2014-03-29"},
		{"Hlaing", 1234567.891, int64(2), 0.0005, "2014-03-30"},
	}
	for i := range want {
		for j := range want[i] {
			g := got[i][j]
			if tm, ok := g.(time.Time); ok {
				g = tm.Format(time.DateOnly)
			}
			if g != want[i][j] {
				t.Errorf("row %d column %d = %v (%T), want %v", i, j, got[i][j], got[i][j], want[i][j])
			}
		}
	}
}
