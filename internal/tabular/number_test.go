package tabular

import (
	"math"
	"strconv"
	"testing"
)

func TestNumberFormatCanonical(t *testing.T) {
	nl := NumberFormat{Decimal: ",", Thousands: ".", Percent: PercentFraction}
	us := NumberFormat{Decimal: ".", Thousands: ",", Percent: PercentFraction}
	ch := NumberFormat{Decimal: ".", Thousands: "'", Percent: PercentOff}
	keep := NumberFormat{Decimal: ".", Percent: PercentNumber}
	for _, tc := range []struct {
		f       NumberFormat
		in, out string
		changed bool
		wantOK  bool // for a cell left as it is: whether it is a number in f
	}{
		{nl, "1.234.567,89", "1234567.89", true, true},
		{nl, "-3,5", "-3.5", true, true},
		{nl, "1234,5", "1234.5", true, true},
		{nl, ",5", "0.5", true, true},
		{nl, "12", "12", false, true},
		{nl, "1.23,4", "1.23,4", false, false},   // thousands not grouped by three: left for the type check
		{nl, "1,234.5", "1,234.5", false, false}, // written the other way round
		{nl, "45,2%", "0.452", true, true},
		{nl, "100 %", "1", true, true},
		{nl, "0,5%", "0.005", true, true},
		{us, "3,520,000,000", "3520000000", true, true},
		{us, "1,234.5678", "1234.5678", true, true},
		{us, "12.5%", "0.125", true, true},
		{us, "abc", "abc", false, false},
		{us, "", "", false, true},
		{ch, "1'234'567.25", "1234567.25", true, true},
		{NumberFormat{Decimal: "."}, "3.25", "3.25", false, true}, // plain: left to the type check
		{NumberFormat{Decimal: "."}, "x", "x", false, true},
		{ch, "45%", "45%", false, false}, // percent: off
		{keep, "45.20%", "45.20", true, true},
	} {
		got, changed, ok := tc.f.Canonical(tc.in)
		if got != tc.out || changed != tc.changed || ok != (tc.out != tc.in || tc.wantOK) {
			t.Errorf("%+v %q: %q %v %v, want %q %v", tc.f, tc.in, got, changed, ok, tc.out, tc.changed)
		}
	}
}

// The fast path for plain decimals gives the very bits of the full parser
// (isDecimal and strconv.ParseFloat), and accepts nothing it refuses.
func FuzzPlainDecimalAgrees(f *testing.F) {
	for _, s := range []string{"0", "-0", "+0.0", "1234567.89", "4999999.84", ".5", "5.", "-.25", "0.1", "123456789012345",
		"1234567890123456", "9007199254740993", "1.7976931348623157", ".", "-", "+", "1e5", "1..2", "١٢", "0.000000000000001", "00000000000000001"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got, fast := 0.0, false
		if s != "" {
			got, fast = plainDecimal(s)
		}
		if !fast {
			return
		}
		want, err := strconv.ParseFloat(s, 64)
		if !isDecimal(s) || err != nil {
			t.Fatalf("%q: the fast path reads %v, the full parser refuses it (%v)", s, got, err)
		}
		if math.Float64bits(got) != math.Float64bits(want) {
			t.Fatalf("%q: fast %v (%x), strconv %v (%x)", s, got, math.Float64bits(got), want, math.Float64bits(want))
		}
	})
}
