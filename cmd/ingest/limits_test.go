package main

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// A run record stays small whatever the source holds: here 100 rejected
// cells of 256 KB each and a 40 MB line; the record is read on every page.
func TestRunRecordsAreSmall(t *testing.T) {
	var csv strings.Builder
	csv.WriteString("id,name\n")
	big := strings.Repeat("9x", 1<<17) // 256 KB, not an integer
	for i := range 100 {
		fmt.Fprintf(&csv, "%s%d,name\n", big, i)
	}
	csv.WriteString("1,ok\n")
	store := t.TempDir()
	p := newPipeline(t, "people", csv.String(), peopleSchema, "max_invalid_ratio: 1\n")
	if code, out, _ := runIngest(t, "run", "-pipelines", p.dir, "-store", store); code != 0 {
		t.Fatalf("exit %d: %s", code, out)
	}
	runs, _ := filepath.Glob(filepath.Join(store, "runs", "people", "*.json"))
	if len(runs) != 1 {
		t.Fatalf("%d run records", len(runs))
	}
	b, _ := os.ReadFile(runs[0])
	var run struct {
		Rows       struct{ Valid, Rejected int64 }
		Rejections []struct{ Value, Message string }
	}
	json.Unmarshal(b, &run)
	if len(b) > 100<<10 || run.Rows.Rejected != 100 || run.Rows.Valid != 1 || len(run.Rejections) != 100 {
		t.Fatalf("record of %d bytes, %+v, %d rejections listed", len(b), run.Rows, len(run.Rejections))
	}
	if v := run.Rejections[0].Value; len([]rune(v)) != 201 || !strings.HasSuffix(v, "…") || !strings.HasPrefix(v, "9x9x") {
		t.Errorf("a rejected 256 KB cell is listed as %d characters: %.40q", len([]rune(v)), v)
	}
	t.Logf("run record: %d bytes", len(b))

	// A line past max_line_bytes fails the run with the row named; the
	// record is small, its error says what to change.
	p2 := newPipeline(t, "lines", "id,name\n1,a\n2,"+strings.Repeat("z", 40<<20)+"\n", peopleSchema, "")
	code, out, _ := runIngest(t, "run", "-pipelines", p2.dir, "-store", store)
	want := "data.csv: row 3 (line 3) runs past 32 MB without ending (max_line_bytes)"
	if code != 1 || !strings.Contains(out, want) {
		t.Fatalf("exit %d: %.600s\nwant %q", code, out, want)
	}
	runs, _ = filepath.Glob(filepath.Join(store, "runs", "lines", "*.json"))
	if len(runs) != 1 {
		t.Fatalf("%d run records for the long line", len(runs))
	}
	if st, _ := os.Stat(runs[0]); st.Size() > 8<<10 {
		t.Errorf("the long line's run record is %d bytes", st.Size())
	}
}
