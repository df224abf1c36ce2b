package govlake

import (
	"fmt"
	"testing"
)

func TestColumnSummaryMerge(t *testing.T) {
	c := func(values int64, lo, hi any) ColumnSummary {
		return ColumnSummary{Counted: true, Values: values, Nulls: 1, Min: lo, Max: hi, Sum: 1, HasSum: true}
	}
	tests := []struct {
		name string
		a, b ColumnSummary
		want string
	}{
		{"ints", c(2, int64(-3), int64(5)), c(4, int64(1), int64(9)), "true 6 2 -3 9 2 true"},
		{"strings", c(2, "b", "k"), c(1, "a", "c"), "true 3 2 a k 2 true"},
		{"floats", c(1, 2.5, 2.5), c(1, -1.0, 0.5), "true 2 2 -1 2.5 2 true"},
		{"bools", c(2, false, false), c(1, true, true), "true 3 2 false true 2 true"},
		{"no values first", c(0, nil, nil), c(2, "x", "y"), "true 2 2 x y 2 true"},
		{"no values second", c(2, "x", "y"), c(0, nil, nil), "true 2 2 x y 2 true"},
		{"one not counted", c(2, "x", "y"), ColumnSummary{Values: 3, HasSum: true}, "false 5 1 <nil> <nil> 1 true"},
		{"types differ", c(1, "x", "x"), c(1, int64(1), int64(1)), "false 2 2 <nil> <nil> 2 true"},
		{"one without sum", c(1, "x", "x"), ColumnSummary{Counted: true, Values: 1, Min: "a", Max: "a"}, "true 2 1 a x 1 false"},
	}
	for _, tt := range tests {
		s := tt.a
		s.Merge(tt.b)
		if got := fmt.Sprintf("%v %v %v %v %v %v %v", s.Counted, s.Values, s.Nulls, s.Min, s.Max, s.Sum, s.HasSum); got != tt.want {
			t.Errorf("%s: %s, want %s", tt.name, got, tt.want)
		}
	}
}
