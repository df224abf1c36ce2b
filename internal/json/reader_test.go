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
	t.Helper()
	r, err := NewReader(strings.NewReader(in), "t.json", nd)
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
		in   string
		nd   bool
		want string
	}{
		{``, false, "the file is empty"},
		{`{"id": 1}`, false, "expected a JSON array of objects"},
		{`[{"id": 1}, 5]`, false, "record 2 is not a JSON object"},
		{`[{"id": 1}, {"id": }]`, false, "record 2 is not valid JSON"},
		{"{\"id\": 1}\n{oops}\n", true, "line 2"},
		{`[]`, false, "no records"},
	}
	for _, tt := range tests {
		_, _, err := readAll(t, tt.in, tt.nd)
		if err == nil || !strings.Contains(err.Error(), tt.want) || !strings.Contains(err.Error(), "t.json") {
			t.Errorf("%q: %v, want %q", tt.in, err, tt.want)
		}
	}
}
