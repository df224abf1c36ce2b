package xlsx

import (
	"errors"
	"io"
	"os"
	"strings"
	"testing"

	"govlake/internal/tabular"

	"github.com/xuri/excelize/v2"
)

func open(t *testing.T, path string, o Options) *Reader {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatal(err)
		}
		t.Skip(err)
	}
	defer f.Close()
	r, err := NewReader(f, "book.xlsx", o)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func all(t *testing.T, r *Reader) []tabular.Record {
	t.Helper()
	var out []tabular.Record
	for {
		rec, err := r.Read()
		if errors.Is(err, io.EOF) {
			return out
		}
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, rec)
	}
}

// The Myanmar census workbook: two title rows above the header, numbers
// shown with thousands separators, two sheets.
func TestCensusWorkbook(t *testing.T) {
	const path = "../../../shared/data/myanmar-census/BaselineData_Census_Dataset_Township_MIMU_16Jun2016_ENG.xlsx"
	r := open(t, path, Options{SkipRows: 2})
	h := r.Header()
	if r.HeaderRow() != 3 || h[0] != "State/Region Pcode" || h[5] != "Township Name" || h[6] != "Both sexes" {
		t.Fatalf("header row %d: %q", r.HeaderRow(), h[:7])
	}
	recs := all(t, r)
	if len(recs) != 330 {
		t.Errorf("%d townships, want 330", len(recs))
	}
	first := recs[0]
	if first.Row != 4 || first.Cells[4] != "MMR001001" || first.Cells[5] != "Myitkyina" || first.Cells[6] != "317604" {
		t.Errorf("first township %q", first.Cells[:7])
	}
	r2 := open(t, path, Options{Sheet: "2", SkipRows: 2})
	if len(r2.Header()) < 100 {
		t.Errorf("household sheet has %d columns", len(r2.Header()))
	}
}

func TestSheetsAndErrors(t *testing.T) {
	dir := t.TempDir()
	f := excelize.NewFile()
	f.SetSheetName("Sheet1", "Data")
	f.SetSheetRow("Data", "A1", &[]any{"id", "name", "amount"})
	f.SetSheetRow("Data", "A2", &[]any{1, "Aung", 1234567.5})
	f.SetSheetRow("Data", "A4", &[]any{3, "-", 7})
	style, _ := f.NewStyle(&excelize.Style{NumFmt: 4}) // #,##0.00
	f.SetCellStyle("Data", "C2", "C4", style)
	f.NewSheet("Notes")
	path := dir + "/book.xlsx"
	if err := f.SaveAs(path); err != nil {
		t.Fatal(err)
	}
	r := open(t, path, Options{Sheet: "Data", NAValues: []string{"-"}})
	recs := all(t, r)
	if len(recs) != 3 || recs[0].Cells[2] != "1234567.5" || recs[1].Row != 3 || recs[1].Cells != nil || recs[2].Cells[1] != "" {
		t.Errorf("records %v", recs)
	}
	fh, _ := os.Open(path)
	defer fh.Close()
	_, err := NewReader(fh, "book.xlsx", Options{Sheet: "Budget"})
	if err == nil || !strings.Contains(err.Error(), `no sheet "Budget"; the workbook has "Data", "Notes"`) {
		t.Errorf("missing sheet: %v", err)
	}
	_, err = NewReader(strings.NewReader("id,name\n"), "book.xlsx", Options{})
	if err == nil || !strings.Contains(err.Error(), "not an xlsx workbook") {
		t.Errorf("not a workbook: %v", err)
	}
}
