package tabular

import (
	"fmt"
	"testing"
)

func TestConvertCell(t *testing.T) {
	tests := []struct {
		cell, typ string
		want      any
		present   bool
		ok        bool
	}{
		// An empty cell is absent whatever the type.
		{"", JSONInteger, nil, false, true},
		{"", JSONString, nil, false, true},
		{"   ", JSONInteger, nil, false, true},
		{"   ", JSONNumber, nil, false, true},
		{"   ", JSONBoolean, nil, false, true},
		{"   ", JSONString, "   ", true, true}, // strings are kept as they are
		// integer
		{"42", JSONInteger, int64(42), true, true},
		{"+7", JSONInteger, int64(7), true, true},
		{"-3", JSONInteger, int64(-3), true, true},
		{" 12 ", JSONInteger, int64(12), true, true},
		{"136.0", JSONInteger, int64(136), true, true},
		{"1e3", JSONInteger, int64(1000), true, true},
		{"9223372036854775807", JSONInteger, int64(9223372036854775807), true, true},
		{"9223372036854775808", JSONInteger, nil, true, false},
		{"1.5", JSONInteger, nil, true, false},
		{"1,000", JSONInteger, nil, true, false},
		{"abc", JSONInteger, nil, true, false},
		{"0x1F", JSONInteger, nil, true, false},
		{"12 kg", JSONInteger, nil, true, false},
		// number
		{"3.14", JSONNumber, 3.14, true, true},
		{".5", JSONNumber, 0.5, true, true},
		{"5.", JSONNumber, 5.0, true, true},
		{"-2E-3", JSONNumber, -0.002, true, true},
		{"4.37E-06", JSONNumber, 4.37e-06, true, true},
		{"0.6955600000000001", JSONNumber, 0.6955600000000001, true, true},
		{"NaN", JSONNumber, nil, true, false},
		{"Inf", JSONNumber, nil, true, false},
		{"1e999", JSONNumber, nil, true, false},
		{"1_000", JSONNumber, nil, true, false},
		{"3,14", JSONNumber, nil, true, false},
		{"e5", JSONNumber, nil, true, false},
		{"1e", JSONNumber, nil, true, false},
		{".", JSONNumber, nil, true, false},
		{"-", JSONNumber, nil, true, false},
		// boolean
		{"true", JSONBoolean, true, true, true},
		{"TRUE", JSONBoolean, true, true, true},
		{"True", JSONBoolean, true, true, true},
		{"1", JSONBoolean, true, true, true},
		{"false", JSONBoolean, false, true, true},
		{"0", JSONBoolean, false, true, true},
		{"yes", JSONBoolean, nil, true, false},
		// string and untyped
		{"Myanmar", JSONString, "Myanmar", true, true},
		{"မြန်မာ", JSONString, "မြန်မာ", true, true},
		{" padded ", JSONString, " padded ", true, true},
		{"42", JSONString, "42", true, true},
	}
	for _, tt := range tests {
		t.Run(tt.typ+"/"+tt.cell, func(t *testing.T) {
			got, present, ok := ConvertCell(tt.cell, tt.typ)
			if got != tt.want || present != tt.present || ok != tt.ok {
				t.Errorf("ConvertCell(%q, %s) = %#v, %v, %v; want %#v, %v, %v", tt.cell, tt.typ, got, present, ok, tt.want, tt.present, tt.ok)
			}
		})
	}
}

func TestHeld(t *testing.T) {
	h := Held{Footer: 1}
	h.Blank(2) // a blank row before data is a row
	h.Data(Record{Row: 3, Cells: []string{"a"}})
	h.Data(Record{Row: 4, Cells: []string{"b"}})
	h.Blank(5) // nor is a blank row between the data and the footer
	h.Data(Record{Row: 6, Cells: []string{"footer"}})
	h.Blank(7)
	var rows []int64
	for {
		rec, ok := h.Next()
		if !ok {
			break
		}
		rows = append(rows, rec.Row)
	}
	if fmt.Sprint(rows) != "[2 3 4]" {
		t.Errorf("rows %v, want [2 3 4] (5 stands before the footer, 6 is the footer, 7 trailing)", rows)
	}
}

// A batch column holds what ConvertCell gives, typed: the same presence,
// the same value, and the text where the cell did not convert.
func TestVectorAgreesWithConvertCell(t *testing.T) {
	cells := []string{"", "  ", "42", "+7", " 12 ", "136.0", "1e3", "9223372036854775807", "9223372036854775808",
		"-0", "007", "-", "1.5", "1,000", "abc", "3.14", ".5", "5.", "-2E-3", "NaN", "Inf", "true", "TRUE", "0", "1", "yes", "ဗမာ"}
	for _, typ := range []string{JSONInteger, JSONNumber, JSONBoolean, JSONString} {
		recs := make([]Record, len(cells)+1)
		for i, c := range cells {
			recs[i] = Record{Cells: []string{c}}
		}
		recs[len(cells)] = Record{} // a short row: the cell is absent
		v := NewVector(typ, len(recs))
		v.Text[len(cells)] = "left over" // Reset memory is not read for absent cells
		v.SetColumn(recs, 0, make([]bool, len(recs)), nil)
		for i, c := range cells {
			want, present, ok := ConvertCell(c, typ)
			if v.Present[i] != present || v.Bad[i] != (present && !ok) {
				t.Errorf("%s %q: present %v bad %v, ConvertCell says present %v ok %v", typ, c, v.Present[i], v.Bad[i], present, ok)
			}
			if present && !ok {
				want = c
			}
			if got := v.Value(i); fmt.Sprintf("%T %v", got, got) != fmt.Sprintf("%T %v", want, want) {
				t.Errorf("%s %q: value %T %v, ConvertCell %T %v", typ, c, got, got, want, want)
			}
		}
		if v.Value(len(cells)) != nil {
			t.Errorf("%s: a missing cell has value %v", typ, v.Value(len(cells)))
		}
	}
}
