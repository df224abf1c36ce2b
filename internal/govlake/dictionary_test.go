package govlake

import (
	"encoding/json"
	"fmt"
	"testing"
)

// Examples come from the schema, else the profile's most frequent values,
// else (too many distinct values to count them) the column's range.
func TestDictionaryExamples(t *testing.T) {
	schema := json.RawMessage(`{"required": ["id"], "properties": {"id": {"type": "integer", "title": "Household"},
		"ward": {"type": "string", "examples": ["Bahan"]}, "code": {"type": "string"}, "email": {"type": "string"}, "one": {"type": "string"}}}`)
	cols := []Column{{Name: "id", Type: TypeInt64}, {Name: "ward", Type: TypeString}, {Name: "code", Type: TypeString},
		{Name: "email", Type: TypeString}, {Name: "one", Type: TypeString}}
	profile := []ColumnProfile{
		{Name: "id", Distinct: 150000, DistinctApprox: true, Min: "1", Max: "150000"},
		{Name: "ward", Top: []ValueCount{{"Kamayut", 9}}},
		{Name: "code", Top: []ValueCount{{"a", 3}, {"b", 2}, {"c", 1}, {"d", 1}}},
		{Name: "email", DistinctApprox: true},
		{Name: "one", DistinctApprox: true, Min: "x", Max: "x"},
	}
	var got []string
	for _, d := range Dictionary(schema, cols, profile) {
		got = append(got, fmt.Sprint(d.Examples))
	}
	if want := "[[1 150000] [Bahan] [a b c] [] [x]]"; fmt.Sprint(got) != want {
		t.Errorf("examples %v, want %s", got, want)
	}
}
