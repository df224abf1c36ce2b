package tabular

// Batch is rows of converted cells laid out by column, for checks and
// writers that work a column at a time: Cols[i] holds header position i.
type Batch struct {
	N    int
	Cols []Vector
}

// Vector is one column of a Batch: each cell converted to the property's
// JSON type, in typed slices so that nothing is boxed.
type Vector struct {
	// Type is what the cells were converted to: JSONInteger, JSONNumber,
	// JSONBoolean or JSONString.
	Type    string
	Present []bool   // false: the cell is empty (absent from the record)
	Bad     []bool   // present but not convertible to Type: the value is Text
	Text    []string // for JSONString, the values; for other types, the cell where Bad
	Ints    []int64  // JSONInteger values
	Floats  []float64
	Bools   []bool

	// Codes, for a JSONString column of few distinct values, is each
	// present row's index into Dict's values (absent rows' codes mean
	// nothing): checks and writers then work once a distinct value, not
	// once a row. Nil, with Dict, when the values were too many to be
	// worth it.
	Codes []int32
	Dict  *Dictionary
	coder coder
}

// NewVector returns a vector of n absent cells of one type.
func NewVector(jsonType string, n int) Vector {
	var v Vector
	v.Reset(jsonType, n)
	return v
}

// Reset makes v n absent cells of one type, reusing its memory.
func (v *Vector) Reset(jsonType string, n int) {
	v.Type = jsonType
	v.Present = resize(v.Present, n)
	v.Bad = resize(v.Bad, n)
	clear(v.Present)
	clear(v.Bad)
	v.Text = resize(v.Text, n)
	v.Ints, v.Floats, v.Bools = v.Ints[:0], v.Floats[:0], v.Bools[:0]
	switch jsonType {
	case JSONInteger:
		v.Ints = resize(v.Ints, n)
	case JSONNumber:
		v.Floats = resize(v.Floats, n)
	case JSONBoolean:
		v.Bools = resize(v.Bools, n)
	}
	v.Codes, v.Dict = nil, nil // SetColumn codes text
}

// resize returns s with length n, reusing its array when it is big enough.
func resize[T any](s []T, n int) []T {
	if cap(s) >= n {
		return s[:n]
	}
	return make([]T, n)
}

// SetColumn converts column i of every record not marked skip, as
// ConvertCell does, typed. conv, when not nil, rewrites a cell first
// (Zawgyi to Unicode). A typed vector keeps a cell's text only where it is
// Bad: storing every cell's string cost a pointer write, with the garbage
// collector's barrier, per cell. A text column's cells are coded (Codes)
// while its distinct values are few.
func (v *Vector) SetColumn(recs []Record, i int, skip []bool, conv func(r int, cell string) string) {
	if v.Type == JSONString {
		v.startCoding(len(v.Text))
	}
	for r := range recs {
		cells := recs[r].Cells
		if i >= len(cells) || skip[r] {
			continue
		}
		cell := cells[i]
		if conv != nil {
			cell = conv(r, cell)
		}
		if cell == "" {
			continue // absent: Reset left it so
		}
		present, ok := true, true
		switch v.Type {
		case JSONInteger:
			v.Ints[r], present, ok = ConvertInteger(cell)
		case JSONNumber:
			v.Floats[r], present, ok = ConvertNumber(cell)
		case JSONBoolean:
			v.Bools[r], present, ok = ConvertBoolean(cell)
		default:
			v.Text[r] = cell
			if v.Codes != nil {
				v.code(r, cell)
			}
		}
		v.Present[r] = present // blank space is absent too
		if present && !ok {
			v.Bad[r] = true
			v.Text[r] = cell
		}
	}
}

// Value returns row r's value as the reference validator sees it: nil when
// absent, the text when it did not convert, else the typed value.
func (v *Vector) Value(r int) any {
	switch {
	case !v.Present[r]:
		return nil
	case v.Bad[r]:
		return v.Text[r]
	}
	switch v.Type {
	case JSONInteger:
		return v.Ints[r]
	case JSONNumber:
		return v.Floats[r]
	case JSONBoolean:
		return v.Bools[r]
	}
	return v.Text[r]
}
