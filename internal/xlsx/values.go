package xlsx

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/xuri/excelize/v2"

	"govlake/internal/govlake"
)

// What a number format makes of a stored number.
const (
	asNumber = iota
	asDate
	asDateTime
	asTime
)

// value returns what a cell holds, which is not always what Excel shows:
// the stored number with every digit (4.526, not 4.53; 0.452, not 45.20%),
// or, for a number formatted as a date or time, the date or time in ISO
// form (2014-03-29, not 03-29-14). Text is kept as shown.
func (x *Reader) value(col int, shown, raw string) string {
	if raw == shown || raw == "" {
		return shown
	}
	f, err := strconv.ParseFloat(raw, 64)
	if err != nil || math.IsInf(f, 0) || math.IsNaN(f) {
		return shown
	}
	out := raw
	switch x.numberKind(col) {
	case asDate, asDateTime, asTime:
		t, err := excelize.ExcelDateToTime(f, x.date1904)
		if err != nil {
			return shown
		}
		out = isoTime(t, x.numberKind(col), f)
	}
	if out != shown && !sameNumber(shown, out) {
		x.note(col, shown, out)
	}
	return out
}

// isoTime writes a date, a date and time, or a time of day.
func isoTime(t time.Time, kind int, serial float64) string {
	t = t.Round(time.Second)
	switch {
	case kind == asTime && serial < 1:
		return t.Format("15:04:05")
	case kind == asDate || t.Hour() == 0 && t.Minute() == 0 && t.Second() == 0:
		return t.Format(time.DateOnly)
	}
	return t.Format("2006-01-02T15:04:05")
}

// numberKind finds what the cell's number format makes of numbers, by its
// style (cached per style, as a sheet has few).
func (x *Reader) numberKind(col int) int {
	cell, err := excelize.CoordinatesToCellName(col+1, int(x.row))
	if err != nil {
		return asNumber
	}
	id, err := x.f.GetCellStyle(x.sheet, cell)
	if err != nil {
		return asNumber
	}
	if k, ok := x.kinds[id]; ok {
		return k
	}
	k := asNumber
	if st, err := x.f.GetStyle(id); err == nil {
		k = formatKind(st.NumFmt, st.CustomNumFmt)
	}
	x.kinds[id] = k
	return k
}

// formatKind reads Excel's built-in format ids and custom format codes.
func formatKind(id int, custom *string) int {
	switch {
	case id >= 14 && id <= 17 || id == 22 && custom == nil:
		if id == 22 {
			return asDateTime
		}
		return asDate
	case id >= 18 && id <= 21 || id >= 45 && id <= 47:
		return asTime
	case custom == nil:
		return asNumber
	}
	code := strings.ToLower(*custom)
	// Text in quotes and escaped letters are not date parts.
	var b strings.Builder
	quoted := false
	for i := 0; i < len(code); i++ {
		switch c := code[i]; {
		case c == '"':
			quoted = !quoted
		case c == '\\':
			i++
		case !quoted:
			b.WriteByte(c)
		}
	}
	code = b.String()
	if i := strings.IndexByte(code, '['); i >= 0 && strings.Contains(code, "]") && !strings.ContainsAny(code[i:], "hms") {
		code = code[:i] + code[strings.IndexByte(code, ']')+1:] // a colour or locale, not elapsed time
	}
	date := strings.ContainsAny(code, "dy") || strings.Contains(code, "mmm")
	clock := strings.ContainsAny(code, "hs")
	switch {
	case date && clock:
		return asDateTime
	case date || strings.Contains(code, "m") && !clock && !strings.ContainsAny(code, "0#?"):
		return asDate
	case clock:
		return asTime
	}
	return asNumber
}

// changed counts one column's cells read other than as shown.
type changed struct {
	cells    int64
	firstRow int64
	example  string
}

func (x *Reader) note(col int, shown, out string) {
	for len(x.changed) <= col {
		x.changed = append(x.changed, changed{})
	}
	c := &x.changed[col]
	if c.cells == 0 {
		c.firstRow, c.example = x.row, fmt.Sprintf("%q is %s", shown, out)
	}
	c.cells++
}

// Warnings reports, per column, the cells read as stored rather than as
// Excel shows them.
func (x *Reader) Warnings() []govlake.Warning {
	var out []govlake.Warning
	for col, c := range x.changed {
		if c.cells == 0 {
			continue
		}
		label := fmt.Sprintf("column %d", col+1)
		if col < len(x.header) && x.header[col] != "" {
			label = x.header[col]
		}
		out = append(out, govlake.Warning{Row: c.firstRow, Column: label, Keyword: "stored-value",
			Message: fmt.Sprintf("column %q: %d cells are read as the workbook stores them, not as Excel shows them (the first at row %d: shown %s)", label, c.cells, c.firstRow, c.example)})
	}
	return out
}
