package tabular

import (
	"fmt"
	"strings"
)

// NumberFormat says how a file writes numbers: its decimal mark, the
// separator of its thousands (none when ""), and what a trailing percent
// sign means.
type NumberFormat struct {
	Decimal   string // "." or ","
	Thousands string // "", ",", ".", " ", "'" or a no-break space
	Percent   string // PercentFraction (45.2% is 0.452), PercentNumber (45.2) or PercentOff
}

// What a trailing percent sign means.
const (
	PercentFraction = "fraction"
	PercentNumber   = "number"
	PercentOff      = "off"
)

// Plain reports whether f reads numbers without a percent sign as they are
// already read: a point for decimals, no thousands.
func (f NumberFormat) Plain() bool {
	return (f.Decimal == "" || f.Decimal == ".") && f.Thousands == ""
}

// Canonical rewrites a number written in f as plain decimal text, exactly
// (no arithmetic: digits move, none change), and reports whether it did and
// whether the cell is a number in f at all (a cell whose thousands are not
// grouped by three is not). An empty cell is left as it is.
func (f NumberFormat) Canonical(cell string) (out string, changed, ok bool) {
	s := strings.TrimSpace(cell)
	if s == "" {
		return cell, false, true
	}
	if (f.Decimal == "" || f.Decimal == ".") && f.Thousands == "" && s[len(s)-1] != '%' {
		return cell, false, true // plain: the type check reads it
	}
	percent := false
	if rest, found := strings.CutSuffix(s, "%"); found && f.Percent != PercentOff {
		s, percent = strings.TrimSpace(rest), true
	}
	sign := ""
	if s != "" && (s[0] == '-' || s[0] == '+') {
		sign, s = s[:1], s[1:]
	}
	dec := f.Decimal
	if dec == "" {
		dec = "."
	}
	intPart, frac, hasFrac := strings.Cut(s, dec)
	if f.Thousands != "" && strings.Contains(intPart, f.Thousands) {
		groups := strings.Split(intPart, f.Thousands)
		if len(groups[0]) < 1 || len(groups[0]) > 3 || !digitsOnly(groups[0]) {
			return cell, false, false
		}
		for _, g := range groups[1:] {
			if len(g) != 3 || !digitsOnly(g) {
				return cell, false, false
			}
		}
		intPart = strings.Join(groups, "")
	}
	if !digitsOnly(intPart) || intPart == "" && !hasFrac || hasFrac && (frac == "" && intPart == "" || !digitsOnly(frac)) {
		return cell, false, false
	}
	if percent && f.Percent != PercentNumber {
		intPart, frac = shiftLeft2(intPart, frac)
		hasFrac = frac != ""
	}
	out = sign + intPart
	if hasFrac && frac != "" {
		out += "." + frac
	}
	if intPart == "" {
		out = sign + "0." + frac
	}
	return out, out != cell, true
}

// String says how f writes numbers, for messages.
func (f NumberFormat) String() string {
	dec := f.Decimal
	if dec == "" {
		dec = "."
	}
	s := fmt.Sprintf("decimal mark %q", dec)
	if f.Thousands != "" {
		s += fmt.Sprintf(", thousands separated by %q", f.Thousands)
	}
	switch f.Percent {
	case PercentNumber:
		s += ", 45% as 45"
	case PercentOff:
	default:
		s += ", 45% as 0.45"
	}
	return s
}

// shiftLeft2 divides a decimal by 100 by moving its point two digits left.
func shiftLeft2(intPart, frac string) (string, string) {
	for len(intPart) < 3 {
		intPart = "0" + intPart
	}
	frac = intPart[len(intPart)-2:] + frac
	intPart = strings.TrimLeft(intPart[:len(intPart)-2], "0")
	if intPart == "" {
		intPart = "0"
	}
	return intPart, strings.TrimRight(frac, "0")
}

func digitsOnly(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}
