package xlsx

import (
	"bytes"
	"reflect"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"govlake/internal/govlake"
	"govlake/internal/tabular"
)

// censusBook makes a workbook as a statistics office exports it: a header
// of two rows with merged cells, numbers formatted to two decimals, a
// percentage, a date, and two footer rows.
func censusBook(t *testing.T) []byte {
	t.Helper()
	f := excelize.NewFile()
	sh := "Sheet1"
	set := func(cell string, v any) {
		if err := f.SetCellValue(sh, cell, v); err != nil {
			t.Fatal(err)
		}
	}
	set("A1", "Township")
	set("B1", "Population")
	set("D1", "Share urban")
	set("E1", "Counted on")
	set("F1", "Notes")
	set("B2", "Male")
	set("C2", "Female")
	f.MergeCell(sh, "A1", "A2")
	f.MergeCell(sh, "B1", "C1")
	f.MergeCell(sh, "D1", "D2")
	f.MergeCell(sh, "E1", "E2")
	rows := [][]any{
		{"Bahan", 4.526, 51234, 0.452, 41727, nil},
		{"Hlaing", 1234567.891, 2, 0.0005, 41728, "revised"},
	}
	for i, r := range rows {
		for j, v := range r {
			if v != nil {
				c, _ := excelize.CoordinatesToCellName(j+1, i+3)
				set(c, v)
			}
		}
	}
	two, _ := f.NewStyle(&excelize.Style{NumFmt: 2})   // 0.00
	pct, _ := f.NewStyle(&excelize.Style{NumFmt: 10})  // 0.00%
	date, _ := f.NewStyle(&excelize.Style{NumFmt: 14}) // m/d/yy
	thou, _ := f.NewStyle(&excelize.Style{NumFmt: 3})  // #,##0
	f.SetCellStyle(sh, "B3", "B4", two)
	f.SetCellStyle(sh, "C3", "C4", thou)
	f.SetCellStyle(sh, "D3", "D4", pct)
	f.SetCellStyle(sh, "E3", "E4", date)
	set("A6", "Source: Department of Population")
	set("A7", "Figures are provisional")
	var b bytes.Buffer
	if err := f.Write(&b); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// A merged two-row header becomes one label per column, blank cells keep
// their column, values are read as stored (every digit, ISO dates,
// percentages as fractions), the footer is left out, and every cell read
// other than as shown is reported per column.
func TestMergedHeaderAndStoredValues(t *testing.T) {
	r, err := NewReader(bytes.NewReader(censusBook(t)), "census.xlsx", Options{HeaderRows: 2, FooterRows: 2})
	if err != nil {
		t.Fatal(err)
	}
	if want := []string{"Township", "Population / Male", "Population / Female", "Share urban", "Counted on", "Notes"}; !reflect.DeepEqual(r.Header(), want) {
		t.Errorf("header %q, want %q", r.Header(), want)
	}
	recs := all(t, r)
	want := []tabular.Record{
		{Row: 3, Cells: []string{"Bahan", "4.526", "51234", "0.452", "2014-03-29"}},
		{Row: 4, Cells: []string{"Hlaing", "1234567.891", "2", "0.0005", "2014-03-30", "revised"}},
	}
	if !reflect.DeepEqual(recs, want) {
		t.Errorf("records\n%v\nwant\n%v", recs, want)
	}
	var msgs []string
	for _, w := range r.Warnings() {
		msgs = append(msgs, w.Message)
	}
	wantMsgs := []string{
		`column "Population / Male": 2 cells are read as the workbook stores them, not as Excel shows them (the first at row 3: shown "4.53" is 4.526)`,
		`column "Share urban": 2 cells are read as the workbook stores them, not as Excel shows them (the first at row 3: shown "45.20%" is 0.452)`,
		`column "Counted on": 2 cells are read as the workbook stores them, not as Excel shows them (the first at row 3: shown "03-29-14" is 2014-03-29)`,
	}
	if strings.Join(msgs, "\n") != strings.Join(wantMsgs, "\n") {
		t.Errorf("warnings\n%s\nwant\n%s", strings.Join(msgs, "\n"), strings.Join(wantMsgs, "\n"))
	}
}

// A file that is not a workbook says so in words.
func TestNotAWorkbook(t *testing.T) {
	_, err := NewReader(strings.NewReader("id,name\n1,Aung\n"), "people.xlsx", Options{})
	if want := "people.xlsx is not an xlsx workbook, or is damaged: save it again from Excel or LibreOffice as .xlsx (an old .xls will not do)"; err == nil || err.Error() == "" || govlake.ErrorMessage(err) != want {
		t.Errorf("%v", err)
	}
}
