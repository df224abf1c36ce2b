package govlake

import (
	"strings"
	"testing"
)

func TestPipelineValidate(t *testing.T) {
	good := func() Pipeline {
		p := NewPipeline()
		p.Dataset, p.Title, p.Schema, p.Source.URL = "population", "Population", "s.json", "p.csv"
		return p
	}
	tests := []struct {
		name  string
		edit  func(*Pipeline)
		wants []string // one substring per expected problem
	}{
		{"good", func(p *Pipeline) {}, nil},
		{"bad id", func(p *Pipeline) { p.Dataset = "Population-2" }, []string{"dataset: \"Population-2\" must match"}},
		{"reserved separator", func(p *Pipeline) { p.Dataset = "pop__v1" }, []string{`must not contain "__"`}},
		{"everything missing", func(p *Pipeline) { *p = Pipeline{} }, []string{"dataset: required", "title: required", "source.url: required", "source.format: required", "schema: required", "on_invalid", "timeout: 0s must be positive"}},
		{"format", func(p *Pipeline) { p.Source.Format = "xml" }, []string{`source.format: "xml" is not supported`}},
		{"csv options on json", func(p *Pipeline) { p.Source.Format, p.Source.Delimiter = "json", ";" }, []string{"source.delimiter: applies to csv sources only"}},
		{"sheet on csv", func(p *Pipeline) { p.Source.Sheet = "2" }, []string{"source.sheet: applies to xlsx sources only"}},
		{"xlsx options", func(p *Pipeline) { p.Source.Format, p.Source.Sheet, p.Source.SkipRows = "xlsx", "Data", 2 }, nil},
		{"ratio", func(p *Pipeline) { p.MaxInvalidRatio = 1.5 }, []string{"max_invalid_ratio: 1.5"}},
		{"on_invalid", func(p *Pipeline) { p.OnInvalid = "drop" }, []string{`on_invalid: "drop"`}},
		{"delimiter", func(p *Pipeline) { p.Source.Delimiter = ";;" }, []string{"source.delimiter"}},
		{"skip", func(p *Pipeline) { p.Source.SkipRows = -1 }, []string{"source.skip_rows"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := good()
			tt.edit(&p)
			err := p.Validate()
			if len(tt.wants) == 0 {
				if err != nil {
					t.Fatalf("unexpected error: %v", err)
				}
				return
			}
			if err == nil {
				t.Fatal("no error")
			}
			if ErrorCode(err) != EINVALID {
				t.Errorf("code %s", ErrorCode(err))
			}
			errs := err.(interface{ Unwrap() []error }).Unwrap()
			if len(errs) != len(tt.wants) {
				t.Errorf("%d problems, want %d: %v", len(errs), len(tt.wants), err)
			}
			for _, w := range tt.wants {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q lacks %q", err, w)
				}
			}
		})
	}
}

func TestNewLayout(t *testing.T) {
	cols := []Column{{Name: "id", JSONType: JSONInteger}, {Name: "name", JSONType: JSONString}, {Name: "note", JSONType: JSONString}}
	l, warns, err := NewLayout("f.csv", []string{"id", " name ", "", "name"}, 1, cols, map[string]bool{"id": true})
	if err != nil {
		t.Fatal(err)
	}
	if strings.Join(l.Labels, ",") != "id,name,field3,name4" {
		t.Errorf("labels %v", l.Labels)
	}
	if l.Index[0] != 0 || l.Index[1] != 1 || l.Index[2] != -1 {
		t.Errorf("index %v", l.Index)
	}
	if l.JSONTypes[0] != JSONInteger || l.JSONTypes[2] != JSONString {
		t.Errorf("types %v", l.JSONTypes)
	}
	var kws []string
	for _, w := range warns {
		kws = append(kws, w.Keyword)
	}
	if strings.Join(kws, ",") != "blank-label,duplicate-label,missing-label" {
		t.Errorf("warnings %v", kws)
	}
	_, _, err = NewLayout("f.csv", []string{"name"}, 4, cols, map[string]bool{"id": true})
	if err == nil || !strings.Contains(err.Error(), `f.csv: the header (row 4) lacks the required column(s) "id"`) {
		t.Errorf("missing required column: %v", err)
	}
}

// Labels match the schema's names whatever their spacing, and are read
// under the schema's name; a label that is missing names the header's
// nearest one when it looks like a misspelling.
func TestLayoutSpacingAndClosest(t *testing.T) {
	cols := []Column{{Name: "Total population", JSONType: JSONInteger}, {Name: "Township", JSONType: JSONString}}
	l, warns, err := NewLayout("f.csv", []string{" Total   population", "Township"}, 1, cols, map[string]bool{"Total population": true})
	if err != nil {
		t.Fatal(err)
	}
	if l.Labels[0] != "Total population" || l.Index[0] != 0 || l.JSONTypes[0] != JSONInteger {
		t.Errorf("layout %+v", l)
	}
	if len(warns) != 1 || warns[0].Message != `the header label "Total   population" is read as the schema's "Total population" (they differ only in spacing)` {
		t.Errorf("warnings %+v", warns)
	}
	for _, tc := range []struct {
		header []string
		want   string
	}{
		{[]string{"Totl population", "Township"}, `f.csv: the header (row 1) lacks the required column(s) "Total population"; the header has "Totl population", "Township" ("Totl population" looks like "Total population"): rename the header or fix the schema`},
		{[]string{"Year", "Township"}, `f.csv: the header (row 1) lacks the required column(s) "Total population"; the header has "Year", "Township": rename the header or fix the schema`},
	} {
		_, _, err := NewLayout("f.csv", tc.header, 1, cols, map[string]bool{"Total population": true})
		if ErrorMessage(err) != tc.want {
			t.Errorf("%v:\n%s\nwant\n%s", tc.header, ErrorMessage(err), tc.want)
		}
	}
}

func TestLayoutForKeyedRecords(t *testing.T) {
	_, _, err := NewLayout("people.json", []string{"name"}, 0, []Column{{Name: "id"}}, map[string]bool{"id": true})
	if err == nil || !strings.Contains(err.Error(), `people.json: no record has the required key(s) "id"; the records have "name"`) {
		t.Errorf("error %v", err)
	}
}
