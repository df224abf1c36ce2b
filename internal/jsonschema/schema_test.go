package jsonschema

import (
	"strings"
	"testing"

	"govlake/internal/govlake"
)

const testSchema = `{
  "type": "object",
  "required": ["code", "year"],
  "properties": {
    "code":   {"type": "string", "pattern": "^[A-Z]{3}$"},
    "year":   {"type": "integer", "minimum": 1960},
    "value":  {"type": ["number", "null"], "maximum": 100},
    "ok":     {"type": "boolean"},
    "day":    {"type": "string", "format": "date"},
    "at":     {"type": "string", "format": "date-time"},
    "kind":   {"enum": ["a", "b"]},
    "either": {"type": ["integer", "string"]}
  }
}`

func TestColumns(t *testing.T) {
	s, err := Compile("test.schema.json", []byte(testSchema))
	if err != nil {
		t.Fatal(err)
	}
	want := []govlake.Column{
		{Name: "code", Type: "string", Nullable: false, JSONType: "string"},
		{Name: "year", Type: "int64", Nullable: false, JSONType: "integer"},
		{Name: "value", Type: "float64", Nullable: true, JSONType: "number"},
		{Name: "ok", Type: "bool", Nullable: true, JSONType: "boolean"},
		{Name: "day", Type: "date", Nullable: true, JSONType: "string"},
		{Name: "at", Type: "timestamp", Nullable: true, JSONType: "string"},
		{Name: "kind", Type: "string", Nullable: true, JSONType: "string"},
		{Name: "either", Type: "string", Nullable: true, JSONType: "string"},
	}
	got := s.Columns()
	if len(got) != len(want) {
		t.Fatalf("columns %+v", got)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("column %d = %+v, want %+v", i, got[i], want[i])
		}
	}
}

func TestValidate(t *testing.T) {
	s, err := Compile("test.schema.json", []byte(testSchema))
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name   string
		record map[string]any
		want   []string // column/keyword
	}{
		{"valid", map[string]any{"code": "MMR", "year": int64(2014), "value": 1.5, "day": "2024-02-29", "at": "2024-01-01T10:00:00+06:30"}, nil},
		{"required", map[string]any{"code": "MMR"}, []string{"year/required"}},
		{"pattern and minimum", map[string]any{"code": "mm", "year": int64(1900)}, []string{"code/pattern", "year/minimum"}},
		{"type from a cell that did not convert", map[string]any{"code": "MMR", "year": "20x4"}, []string{"year/type"}},
		{"maximum", map[string]any{"code": "MMR", "year": int64(2000), "value": 101.0}, []string{"value/maximum"}},
		{"date format", map[string]any{"code": "MMR", "year": int64(2000), "day": "2023-02-29"}, []string{"day/format"}},
		{"date-time format", map[string]any{"code": "MMR", "year": int64(2000), "at": "yesterday"}, []string{"at/format"}},
		{"enum", map[string]any{"code": "MMR", "year": int64(2000), "kind": "c"}, []string{"kind/enum"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got []string
			for _, v := range s.Validate(tt.record, nil) {
				got = append(got, v.Column+"/"+v.Keyword)
				if v.Message == "" {
					t.Errorf("%s/%s has no message", v.Column, v.Keyword)
				}
			}
			if strings.Join(got, " ") != strings.Join(tt.want, " ") {
				t.Errorf("violations %v, want %v", got, tt.want)
			}
		})
	}
}

func TestBadSchemas(t *testing.T) {
	tests := []struct{ name, schema, want string }{
		{"not json", `{"type":`, "is not valid JSON"},
		{"not an object schema", `{"type": "array"}`, `"type" must be "object"`},
		{"no properties", `{"type": "object"}`, `"properties" must name at least one column`},
		{"nested", `{"properties": {"a": {"type": "object"}}}`, `property "a": nested objects`},
		{"bad keyword value", `{"properties": {"a": {"type": "string", "minLength": "x"}}}`, "does not compile"},
		{"bad regex", `{"properties": {"a": {"type": "string", "pattern": "("}}}`, "does not compile"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Compile("bad.schema.json", []byte(tt.schema))
			if err == nil || !strings.Contains(err.Error(), tt.want) || !strings.Contains(err.Error(), "bad.schema.json") {
				t.Fatalf("error %v, want it to name the file and say %q", err, tt.want)
			}
		})
	}
}
