package parquet

import (
	"strconv"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/bitutil"
	"github.com/apache/arrow-go/v18/arrow/memory"

	"govlake/internal/govlake"
)

// newCounts starts the counts of the columns the writer counts by value:
// text, integers, dates and booleans, whose text as SQL writes it is
// plain (a float's shortest text is not DuckDB's).
func newCounts(cols []govlake.Column) []map[string]int64 {
	counts := make([]map[string]int64, len(cols))
	for i, c := range cols {
		switch c.Type {
		case govlake.TypeString, govlake.TypeInt64, govlake.TypeDate, govlake.TypeBool:
			counts[i] = map[string]int64{}
		}
	}
	return counts
}

// countDictionary adds a row group's dictionary-encoded column to its
// counts: one increment a row, one map update a distinct value. It gives
// the counts up (nil) past govlake.ProfileCountedDistinct values, or for a
// date SQL does not write as YYYY-MM-DD.
func countDictionary(counts map[string]int64, d *array.Dictionary) map[string]int64 {
	if counts == nil {
		return nil
	}
	idx := d.Indices().(*array.Int32)
	per := make([]int64, d.Dictionary().Len())
	for r, k := range idx.Int32Values() {
		if idx.IsValid(r) {
			per[k]++
		}
	}
	for k, n := range per {
		if n == 0 {
			continue
		}
		var key string
		switch v := d.Dictionary().(type) {
		case *array.String:
			key = v.Value(k)
		case *array.Int64:
			key = strconv.FormatInt(v.Value(k), 10)
		case *array.Date32:
			var ok bool
			if key, ok = dateText(int64(v.Value(k))); !ok {
				return nil
			}
		default:
			return nil
		}
		counts[key] += n
	}
	if len(counts) > govlake.ProfileCountedDistinct {
		return nil
	}
	return counts
}

// countBooleans adds a row group's booleans to their counts.
func countBooleans(counts map[string]int64, arrays []arrow.Array) map[string]int64 {
	if counts == nil {
		return nil
	}
	for _, a := range arrays {
		b, ok := a.(*array.Boolean)
		if !ok {
			return nil
		}
		for r := range b.Len() {
			if b.IsValid(r) {
				counts[strconv.FormatBool(b.Value(r))]++
			}
		}
	}
	return counts
}

// dateText writes days since 1970 as DuckDB casts a DATE to text, for the
// years it writes plainly.
func dateText(days int64) (string, bool) {
	t := time.Unix(days*86400, 0).UTC()
	if t.Year() < 1 || t.Year() > 9999 {
		return "", false
	}
	return t.Format(time.DateOnly), true
}

// intDictionaryOf encodes integer (or date) arrays of width-byte values as
// one dictionary array; nil when the distinct values pass dictionaryBytes.
// (Its statistics are the dictionary's values, counted by writeDictionary:
// pqarrow's own path took them from the values the indices refer to, a
// null index included, and read that null's empty slot as a value.)
func intDictionaryOf[T int64 | int32](arrays []arrow.Array, n int64, dt arrow.DataType, width int, values func(arrow.Array) ([]T, bool)) *array.Dictionary {
	t := newDictionary(n, func(T) int { return width }, func(v T) T { return v })
	// Values near the first one (ages, years, days of a few years) find
	// their index in a table rather than the map: a third of the lookups'
	// time in ten million rows of three such columns.
	var near [nearSpan]int32 // index+1; 0: not seen yet
	base, started := int64(0), false
	for _, a := range arrays {
		vals, ok := values(a)
		if !ok {
			return nil
		}
		nulls := a.NullN() > 0
		for r, v := range vals {
			if nulls && a.IsNull(r) {
				t.null()
				continue
			}
			if !started {
				base, started = int64(v)-nearSpan/2, true
			}
			off := uint64(int64(v) - base)
			if off >= nearSpan {
				if !t.add(v) {
					return nil
				}
				continue
			}
			k := near[off]
			if k == 0 {
				if k = t.id(v) + 1; k == 0 {
					return nil
				}
				near[off] = k
			}
			t.set(k - 1)
		}
	}
	dict := t.values
	var raw []byte
	switch d := any(dict).(type) {
	case []int64:
		raw = arrow.Int64Traits.CastToBytes(d)
	case []int32:
		raw = arrow.Int32Traits.CastToBytes(d)
	}
	dictData := array.NewData(dt, len(dict), []*memory.Buffer{nil, memory.NewBufferBytes(raw)}, nil, 0, 0)
	defer dictData.Release()
	dictArray := array.MakeFromData(dictData)
	defer dictArray.Release()
	return t.array(dictArray)
}

// nearSpan is how many integers around a column's first value
// intDictionaryOf finds by table.
const nearSpan = 4096

// newDictionaryArray makes a dictionary array of int32 indices (nulls where
// valid's bits are clear, none when valid is nil) into dict.
func newDictionaryArray(dict arrow.Array, indices []int32, valid []byte, n int64) *array.Dictionary {
	nulls := 0
	var validBuf *memory.Buffer
	if valid != nil {
		nulls = int(n) - bitutil.CountSetBits(valid, 0, int(n))
		validBuf = memory.NewBufferBytes(valid)
	}
	idx := array.NewData(arrow.PrimitiveTypes.Int32, int(n),
		[]*memory.Buffer{validBuf, memory.NewBufferBytes(arrow.Int32Traits.CastToBytes(indices))}, nil, nulls, 0)
	defer idx.Release()
	idxArray := array.MakeFromData(idx)
	defer idxArray.Release()
	dt := &arrow.DictionaryType{IndexType: arrow.PrimitiveTypes.Int32, ValueType: dict.DataType()}
	return array.NewDictionaryArray(dt, idxArray, dict)
}
