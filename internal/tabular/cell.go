package tabular

import (
	"fmt"
	"math"
	"strconv"
	"strings"
)

// JSON types a text cell can be converted to.
const (
	JSONInteger = "integer"
	JSONNumber  = "number"
	JSONBoolean = "boolean"
	JSONString  = "string"
)

// ConvertCell converts a text cell (CSV, XLSX) to a property's JSON type
// before validation. The rules, which the tests pin down one by one:
//   - an empty cell is absent (null); for integer, number and boolean a cell
//     of only spaces is empty too, and surrounding spaces are ignored;
//   - integer: a decimal number with an integral value that fits 64 bits:
//     "42", "+7", "-3", "136.0" and "1e3" (JSON Schema counts 1.0 as an integer);
//   - number: a decimal number, with optional sign, fraction and exponent
//     ("3.14", ".5", "-2E-3"); not NaN, Inf, hex or thousands separators;
//   - boolean: true/True/TRUE/1 and false/False/FALSE/0, as Frictionless;
//   - string, or no declared type: the cell as it is.
//
// ok is false when the cell does not convert; the caller reports a type error.
// present is false when the cell is empty.
func ConvertCell(cell, jsonType string) (v any, present, ok bool) {
	switch jsonType {
	case JSONInteger:
		n, present, ok := ConvertInteger(cell)
		if !present || !ok {
			return nil, present, ok
		}
		return n, true, true
	case JSONNumber:
		f, present, ok := ConvertNumber(cell)
		if !present || !ok {
			return nil, present, ok
		}
		return f, true, true
	case JSONBoolean:
		b, present, ok := ConvertBoolean(cell)
		if !present || !ok {
			return nil, present, ok
		}
		return b, true, true
	}
	if cell == "" {
		return nil, false, true
	}
	return cell, true, true
}

// ConvertInteger is ConvertCell for integer properties, without boxing.
func ConvertInteger(cell string) (n int64, present, ok bool) {
	if cell == "" {
		return 0, false, true
	}
	// Plain digits, the common case, parse here; all else takes the full rules.
	if len(cell) <= 18 {
		i := 0
		if cell[0] == '-' && len(cell) > 1 {
			i = 1
		}
		var v int64
		for ; i < len(cell); i++ {
			c := cell[i] - '0'
			if c > 9 {
				break
			}
			v = v*10 + int64(c)
		}
		if i == len(cell) {
			if cell[0] == '-' {
				v = -v
			}
			return v, true, true
		}
	}
	s := strings.TrimSpace(cell)
	if s == "" {
		return 0, false, true
	}
	if !isDecimal(s) {
		return 0, true, false
	}
	if n, err := strconv.ParseInt(strings.TrimPrefix(s, "+"), 10, 64); err == nil {
		return n, true, true
	}
	f, err := strconv.ParseFloat(s, 64)
	if err != nil || f != math.Trunc(f) || f < -(1<<63) || f >= 1<<63 {
		return 0, true, false
	}
	return int64(f), true, true
}

// ConvertNumber is ConvertCell for number properties, without boxing.
func ConvertNumber(cell string) (f float64, present, ok bool) {
	if cell == "" {
		return 0, false, true
	}
	s := strings.TrimSpace(cell)
	if s == "" {
		return 0, false, true
	}
	if f, ok := plainDecimal(s); ok {
		return f, true, true
	}
	if !isDecimal(s) {
		return 0, true, false
	}
	f, err := strconv.ParseFloat(s, 64)
	if err != nil || math.IsInf(f, 0) {
		return 0, true, false
	}
	return f, true, true
}

// ConvertBoolean is ConvertCell for boolean properties, without boxing.
func ConvertBoolean(cell string) (b, present, ok bool) {
	if cell == "" {
		return false, false, true
	}
	switch strings.TrimSpace(cell) {
	case "":
		return false, false, true
	case "true", "True", "TRUE", "1":
		return true, true, true
	case "false", "False", "FALSE", "0":
		return false, true, true
	}
	return false, true, false
}

// pow10 are the powers of ten a float64 holds exactly.
var pow10 = [...]float64{1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11,
	1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22}

// plainDecimal reads the common number cell, [+-] digits [. digits] with
// at most 15 digits, without strconv: the digits as an integer below 2^53
// and one division by an exact power of ten, which IEEE rounds correctly
// (Clinger's fast path), so the value is the one strconv.ParseFloat gives.
// Anything else is false, for the full parser.
func plainDecimal(s string) (float64, bool) {
	i, neg := 0, false
	if s[0] == '+' || s[0] == '-' {
		neg, i = s[0] == '-', 1
	}
	var m uint64
	digits, frac, point := 0, 0, false
	for ; i < len(s); i++ {
		c := s[i]
		switch {
		case c >= '0' && c <= '9':
			m = m*10 + uint64(c-'0')
			digits++
			if point {
				frac++
			}
		case c == '.' && !point:
			point = true
		default:
			return 0, false
		}
	}
	if digits == 0 || digits > 15 {
		return 0, false
	}
	f := float64(m) / pow10[frac]
	if neg {
		f = -f
	}
	return f, true
}

// isDecimal reports whether s is [+-] digits [. digits] [eE [+-] digits],
// with digits on at least one side of the point.
func isDecimal(s string) bool {
	i := 0
	if i < len(s) && (s[i] == '+' || s[i] == '-') {
		i++
	}
	digits := 0
	for i < len(s) && s[i] >= '0' && s[i] <= '9' {
		i++
		digits++
	}
	if i < len(s) && s[i] == '.' {
		i++
		for i < len(s) && s[i] >= '0' && s[i] <= '9' {
			i++
			digits++
		}
	}
	if digits == 0 {
		return false
	}
	if i < len(s) && (s[i] == 'e' || s[i] == 'E') {
		i++
		if i < len(s) && (s[i] == '+' || s[i] == '-') {
			i++
		}
		exp := 0
		for i < len(s) && s[i] >= '0' && s[i] <= '9' {
			i++
			exp++
		}
		if exp == 0 {
			return false
		}
	}
	return i == len(s)
}

// TypeMessage explains a cell that did not convert to its declared type.
func TypeMessage(cell, jsonType string) string {
	switch jsonType {
	case JSONInteger:
		return fmt.Sprintf("%q is not a whole number (expected an integer such as 42, without thousands separators or units)", cell)
	case JSONNumber:
		return fmt.Sprintf("%q is not a number (expected a decimal such as 3.14 or 2.5e6, with a point as decimal mark and no thousands separators)", cell)
	case JSONBoolean:
		return fmt.Sprintf("%q is not a boolean (expected true, false, 1 or 0)", cell)
	}
	return fmt.Sprintf("%q is not of type %s", cell, jsonType)
}

// Clip cuts text for a message to at most n characters, marking the cut
// with an ellipsis, so that a huge cell makes a short message.
func Clip(s string, n int) string {
	if len(s) <= n {
		return s
	}
	i := 0
	for j := range s {
		if i == n {
			return s[:j] + "…"
		}
		i++
	}
	return s
}

// IsASCII reports whether s has no byte of 0x80 or above.
func IsASCII(s string) bool {
	// Thirty-two bytes a step, four words ORed before one test (the
	// compiler combines each word's loads): a chunk of source text is a
	// quarter of a megabyte, and most are all ASCII.
	i := 0
	for ; i+32 <= len(s); i += 32 {
		if (word(s, i)|word(s, i+8)|word(s, i+16)|word(s, i+24))&0x8080808080808080 != 0 {
			return false
		}
	}
	for ; i+8 <= len(s); i += 8 {
		if word(s, i)&0x8080808080808080 != 0 {
			return false
		}
	}
	for ; i < len(s); i++ {
		if s[i] >= 0x80 {
			return false
		}
	}
	return true
}

// word is the eight bytes of s from i, little-endian.
func word(s string, i int) uint64 {
	s = s[i : i+8]
	return uint64(s[0]) | uint64(s[1])<<8 | uint64(s[2])<<16 | uint64(s[3])<<24 |
		uint64(s[4])<<32 | uint64(s[5])<<40 | uint64(s[6])<<48 | uint64(s[7])<<56
}
