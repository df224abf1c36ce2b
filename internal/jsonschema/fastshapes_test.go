package jsonschema

import (
	"fmt"
	"strings"
	"testing"

	"govlake/internal/tabular"
)

// A schema as generators write it: local definitions reached by $ref, and
// nullable columns as an anyOf with {"type": "null"}.
const shapesSchema = `{
  "$schema": "https://json-schema.org/draft/2020-12/schema",
  "type": "object",
  "required": ["code"],
  "$defs": {
    "code": {"type": "string", "pattern": "^[A-Z]{3}$"},
    "score": {"type": "number", "minimum": 0, "maximum": 100},
    "alias": {"$ref": "#/$defs/code"}
  },
  "properties": {
    "code": {"$ref": "#/$defs/code"},
    "size": {"anyOf": [{"type": "integer", "minimum": 1, "maximum": 30}, {"type": "null"}]},
    "score": {"anyOf": [{"$ref": "#/$defs/score"}, {"type": "null"}], "description": "annotations do not matter"},
    "day": {"anyOf": [{"type": "string", "format": "date"}, {"type": "null"}]},
    "mixed": {"anyOf": [{"type": "integer", "multipleOf": 5}, {"type": "string", "maxLength": 2}]},
    "other": {"$ref": "#/$defs/alias"},
    "n": {"type": ["integer", "null"], "minimum": 0}
  }
}`

func TestShapesHaveAFastPathAndTypedColumns(t *testing.T) {
	s, err := Compile("shapes.schema.json", []byte(shapesSchema))
	if err != nil {
		t.Fatal(err)
	}
	if s.Fast() == nil {
		t.Fatal("no fast path for $ref and anyOf properties")
	}
	var got []string
	for _, c := range s.Columns() {
		got = append(got, fmt.Sprintf("%s:%s/%s/null=%v", c.Name, c.Type, c.JSONType, c.Nullable))
	}
	want := "code:string/string/null=false size:int64/integer/null=true score:float64/number/null=true day:date/string/null=true " +
		"mixed:string/string/null=true other:string/string/null=true n:int64/integer/null=true"
	if strings.Join(got, " ") != want {
		t.Errorf("columns\n%s\nwant\n%s", strings.Join(got, " "), want)
	}
	// Shapes the fast path leaves to the reference.
	for _, schema := range []string{
		`{"type": "object", "properties": {"a": {"anyOf": [{"type": "integer"}, {"anyOf": [{"type": "string"}]}]}}}`,
		`{"type": "object", "properties": {"a": {"anyOf": [{"type": "integer"}], "minimum": 3}}}`,
		`{"type": "object", "properties": {"a": {"oneOf": [{"type": "integer"}, {"type": "null"}]}}}`,
		`{"type": "object", "$defs": {"x": {"type": "integer"}}, "properties": {"a": {"$ref": "#/$defs/x", "minimum": 3}}}`,
	} {
		s, err := Compile("other.json", []byte(schema))
		if err != nil {
			t.Fatal(err)
		}
		if s.Fast() != nil {
			t.Errorf("a fast path for %s", schema)
		}
	}
}

func FuzzShapesAgreeWithReference(f *testing.F) {
	s, err := Compile("shapes.schema.json", []byte(shapesSchema))
	if err != nil {
		f.Fatal(err)
	}
	fast := s.Fast()
	seeds := [][7]string{
		{"MMR", "3", "99.5", "2024-02-29", "10", "LAO", "0"},
		{"mm", "0", "101", "2023-02-29", "abc", "x", "-1"},
		{"", "31", "-0.1", "yesterday", "7", "", "1.5"},
		{"ABC", "", "", "", "ab", "VNM", ""},
		{"ÀBC", "1e1", "1e2", "2024-01-01T00:00:00Z", "-5", "ABCD", "2e0"},
	}
	for _, sd := range seeds {
		f.Add(sd[0], sd[1], sd[2], sd[3], sd[4], sd[5], sd[6])
	}
	labels := []string{"code", "day", "mixed", "n", "other", "score", "size"}
	fc := fast.Columns(labels)
	types := map[string]string{}
	for _, c := range s.Columns() {
		types[c.Name] = c.JSONType
	}
	cellsOf := func(v [7]string) map[string]string {
		return map[string]string{"code": v[0], "size": v[1], "score": v[2], "day": v[3], "mixed": v[4], "other": v[5], "n": v[6]}
	}
	// One batch too, its vectors (and their dictionaries) reused.
	b := &tabular.Batch{Cols: make([]tabular.Vector, len(labels))}
	f.Fuzz(func(t *testing.T, code, size, score, day, mixed, other, n string) {
		cells := cellsOf([7]string{code, size, score, day, mixed, other, n})
		rec := cellRecord(s, cells)
		ref, got := both(t, s, fast, rec)
		if ref != got {
			t.Fatalf("record %#v\nreference:\n%s\nfast:\n%s", rec, ref, got)
		}
		rows := []map[string]string{cells}
		for _, sd := range seeds {
			rows = append(rows, cellsOf(sd))
		}
		batchAgrees(t, s, fc, b, labels, types, append(rows, rows...))
	})
}

// The benchmark's survey schema in each shape has the fast path and the
// same columns as the plain one.
func TestSurveyShapes(t *testing.T) {
	var plain string
	for _, shape := range []string{"", ".nullable", ".anyof", ".ref"} {
		s, err := Load("../../bench/testdata/survey" + shape + ".schema.json")
		if err != nil {
			t.Fatal(err)
		}
		if s.Fast() == nil {
			t.Errorf("survey%s: no fast path", shape)
		}
		cols := fmt.Sprint(s.Columns())
		if shape == "" {
			plain = cols
		} else if cols != plain {
			t.Errorf("survey%s columns\n%s\nplain\n%s", shape, cols, plain)
		}
	}
}
