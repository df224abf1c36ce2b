package main

import (
	"fmt"
	"strings"
	"testing"

	"govlake/internal/govlake"
)

// A wrapped JSON document is read at source.records; a broken NDJSON line
// is one rejected record (source-error) and the others are stored, on both
// validation paths.
func TestWrappedJSONAndBrokenNDJSON(t *testing.T) {
	schema := `{"type":"object","required":["id"],"properties":{"id":{"type":"integer"},"name":{"type":"string"}}}`
	for _, tc := range []struct {
		name, data, source string
		valid              int64
		rejection          string
	}{
		{"wrapped", `{"meta": {"count": 3}, "data": {"items": [{"id": 1, "name": "Aung"}, {"id": 2, "name": "Mya"}, {"id": 3, "name": "Hla"}]}}`,
			"  format: json\n  records: data.items\n", 3, ""},
		{"ndjson", "{\"id\": 1, \"name\": \"Aung\"}\n{\"id\": 2, \"name\": \"Mya\"\n{\"id\": 3, \"name\": \"Hla\"}\n",
			"  format: ndjson\n", 2, "row 2 source-error: line 2 is not valid JSON (a syntax error at byte 23 of the line); fix or remove the line"},
	} {
		for _, reference := range []bool{false, true} {
			p := newPipeline(t, "people", "", schema, "max_invalid_ratio: 0.5\n")
			p.write("data.csv", tc.data)
			p.write("people.yaml", strings.Replace(p.yaml, "  url: data.csv\n", "  url: data.csv\n"+tc.source, 1))
			store := t.TempDir()
			run := runPath(t, p.dir, store, reference)
			if run.Status != govlake.RunSucceeded || run.Rows.Valid != tc.valid {
				t.Fatalf("%s reference=%v: %s %+v %s", tc.name, reference, run.Status, run.Rows, run.Error)
			}
			var rejs []string
			for _, rj := range run.Rejections {
				rejs = append(rejs, fmt.Sprintf("row %d %s: %s", rj.Row, rj.Keyword, rj.Message))
			}
			if got := strings.Join(rejs, "\n"); got != tc.rejection {
				t.Errorf("%s reference=%v: rejections %q, want %q", tc.name, reference, got, tc.rejection)
			}
			s := testStore(t, store)
			m := manifest(t, s, "people", 1)
			got := query(t, s, `SELECT string_agg(name, ',' ORDER BY id) FROM p`, map[string]string{"p": m.Files[0].Key})
			want := "Aung,Mya,Hla"
			if tc.name == "ndjson" {
				want = "Aung,Hla"
			}
			if got[0][0] != want {
				t.Errorf("%s reference=%v: stored %v, want %s", tc.name, reference, got[0][0], want)
			}
		}
	}
}
