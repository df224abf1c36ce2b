package main

import (
	"strings"
	"testing"
)

// No bad load replaces good data: a source with no data rows, a footer
// that takes every row, or a file of invalid rows leaves the latest version
// as it was, with a message that says why; allow_empty lets an empty
// version through when that is right.
func TestNoEmptyVersionReplacesData(t *testing.T) {
	good := "id,name,age\n1,Aung,34\n2,Mya,29\n"
	for _, tc := range []struct {
		name, csv, extra, want string
		wantVersions           int
	}{
		{"header only", "id,name,age\n", "", "the source has no data rows: no version was made, and the latest version stays as it was (set allow_empty: true if an empty dataset is right)", 1},
		{"footer takes every row", good, "  footer_rows: 5\n", "the source has no data rows: no version was made", 1},
		{"every row invalid", "id,name,age\nx,Aung,34\ny,Mya,29\n", "max_invalid_ratio: 1\n", "none of its 2 rows is valid: no version was made", 1},
		{"mostly invalid, default ratio", "id,name,age\n1,Aung,34\nx,Mya,29\ny,Hla,41\n", "", "2 of 3 rows (66.67%) are invalid, more than max_invalid_ratio 0.1 allows: no version was made", 1},
		{"allowed empty", "id,name,age\n", "allow_empty: true\n", "succeeded  v2     valid=0", 2},
	} {
		t.Run(tc.name, func(t *testing.T) {
			store := t.TempDir()
			p := newPipeline(t, "people", good, peopleSchema, "")
			if code, out, errs := runIngest(t, "run", "-pipelines", p.dir, "-store", store); code != 0 {
				t.Fatalf("first run: %s%s", out, errs)
			}
			yaml := p.yaml + strings.TrimPrefix(tc.extra, "  ")
			if strings.HasPrefix(tc.extra, "  ") { // a source option
				yaml = strings.Replace(p.yaml, "  url: data.csv\n", "  url: data.csv\n"+tc.extra, 1)
			}
			p.write("people.yaml", yaml)
			p.write("data.csv", tc.csv)
			code, out, _ := runIngest(t, "run", "-pipelines", p.dir, "-store", store)
			if !strings.Contains(out, tc.want) {
				t.Errorf("exit %d, said:\n%s\nwant %q", code, out, tc.want)
			}
			vs := versions(t, testStore(t, store), "people")
			if len(vs) != tc.wantVersions {
				t.Fatalf("versions %v, want %d", vs, tc.wantVersions)
			}
			if m := manifest(t, testStore(t, store), "people", vs[len(vs)-1]); tc.wantVersions == 1 && m.Rows.Valid != 2 {
				t.Errorf("the latest version holds %d rows, want the first run's 2", m.Rows.Valid)
			}
		})
	}
}
