package json

import (
	"errors"
	"io"
	"reflect"
	"strings"
	"testing"

	"govlake/internal/tabular"
)

func readAll(t *testing.T, in string, nd bool) ([]string, []tabular.Record, error) {
	return readOpts(t, in, Options{NDJSON: nd})
}

func readOpts(t *testing.T, in string, o Options) ([]string, []tabular.Record, error) {
	t.Helper()
	r, err := NewReader(strings.NewReader(in), "t.json", o)
	if err != nil {
		return nil, nil, err
	}
	var out []tabular.Record
	for {
		rec, err := r.Read()
		if errors.Is(err, io.EOF) {
			return r.Header(), out, nil
		}
		if err != nil {
			return r.Header(), out, err
		}
		out = append(out, rec)
	}
}

func TestJSON(t *testing.T) {
	in := `[
	  {"id": 1, "name": "Aung", "score": 12.50, "ok": true},
	  {"id": 2, "name": null, "tags": ["a", "b"], "nested": {"x": 1}},
	  {"name": "ျမန္မာ", "id": 3e0}
	]`
	header, recs, err := readAll(t, in, false)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Join(header, ",") != "id,name,score,ok,tags,nested" {
		t.Errorf("header %v", header)
	}
	want := []tabular.Record{
		{Row: 1, Cells: []string{"1", "Aung", "12.50", "true", "", ""}},
		{Row: 2, Cells: []string{"2", "", "", "", `["a","b"]`, `{"x":1}`}},
		{Row: 3, Cells: []string{"3e0", "ျမန္မာ", "", "", "", ""}},
	}
	if !reflect.DeepEqual(recs, want) {
		t.Errorf("records\n%v\nwant\n%v", recs, want)
	}
}

func TestNDJSON(t *testing.T) {
	in := "{\"id\": 1}\n\n{\"id\": 2, \"extra\": \"x\"}\r\n"
	header, recs, err := readAll(t, in, true)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Join(header, ",") != "id,extra" || len(recs) != 2 || recs[1].Row != 3 || recs[1].Cells[1] != "x" {
		t.Errorf("header %v records %v", header, recs)
	}
}

func TestErrors(t *testing.T) {
	tests := []struct {
		in      string
		records string
		want    string
	}{
		{``, "", "t.json: the file is empty: expected a JSON array of objects"},
		{`{"id": 1}`, "", "t.json: the document is an object, not an array of records; name the array inside it with source.records (such as data.items), or use format: ndjson for one object per line"},
		{`[{"id": 1}, 5]`, "", "t.json: record 2 is not a JSON object"},
		{`[{"id": 1}, {"id": }]`, "", "t.json: record 2 is not valid JSON (a syntax error at byte 18 of the file)"},
		{`[{"id": 1}`, "", "t.json: the array of records does not end properly after record 1 (it ends in the middle of a value)"},
		{`[]`, "", "t.json: no records with any keys"},
		{`{"data": {"rows": []}}`, "data.items", `t.json: the value of "data" has no key "items" (source.records); it has "rows"`},
		{`{"data": [1]}`, "data.items", `t.json: source.records is data.items, but the value of "data" is not an object`},
		{`nonsense`, "", "t.json: the file is not JSON (a syntax error at byte 2 of the file)"},
	}
	for _, tt := range tests {
		_, _, err := readOpts(t, tt.in, Options{Records: tt.records})
		if err == nil || err.Error() != tt.want {
			t.Errorf("%q:\n%v\nwant\n%s", tt.in, err, tt.want)
		}
	}
}

// A wrapped document: the records are found at their path, whatever comes
// before or after them.
func TestRecordsPath(t *testing.T) {
	in := `{"meta": {"source": "MoH", "pages": [1, 2]}, "data": {"total": 2, "items": [{"id": 1, "name": "Aung"}, {"id": 2, "name": "Mya"}], "next": null}}`
	header, recs, err := readOpts(t, in, Options{Records: "data.items"})
	if err != nil {
		t.Fatal(err)
	}
	want := []tabular.Record{{Row: 1, Cells: []string{"1", "Aung"}}, {Row: 2, Cells: []string{"2", "Mya"}}}
	if strings.Join(header, ",") != "id,name" || !reflect.DeepEqual(recs, want) {
		t.Errorf("header %v records %v", header, recs)
	}
}

// A broken NDJSON line is one record with a problem, and the lines after
// it are read.
func TestNDJSONBrokenLine(t *testing.T) {
	in := "{\"id\": 1}\n{\"id\": 2, oops}\n[3]\n{\"id\": 4}\n"
	header, recs, err := readAll(t, in, true)
	if err != nil {
		t.Fatal(err)
	}
	want := []tabular.Record{
		{Row: 1, Cells: []string{"1"}},
		{Row: 2, Problem: "line 2 is not valid JSON (a syntax error at byte 11 of the line); fix or remove the line"},
		{Row: 3, Problem: "line 3 is not a JSON object; fix or remove the line"},
		{Row: 4, Cells: []string{"4"}},
	}
	if strings.Join(header, ",") != "id" || !reflect.DeepEqual(recs, want) {
		t.Errorf("header %v records\n%+v\nwant\n%+v", header, recs, want)
	}
}
