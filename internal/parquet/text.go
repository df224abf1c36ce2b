package parquet

import (
	"strings"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/bitutil"
	"github.com/apache/arrow-go/v18/arrow/memory"

	"govlake/internal/tabular"
)

// stringArray builds the kept rows of a text vector as an Arrow string
// array in one pass over its cells: the offsets and the bytes laid out
// directly, rather than a builder's checks for every cell.
func stringArray(v *tabular.Vector, keep []bool, n int) arrow.Array {
	size, nulls := 0, 0
	for r, k := range keep {
		if k {
			if v.Present[r] {
				size += len(v.Text[r])
			} else {
				nulls++
			}
		}
	}
	offsets := make([]int32, n+1)
	data := make([]byte, size)
	var valid []byte
	if nulls > 0 {
		valid = make([]byte, bitutil.BytesForBits(int64(n)))
	}
	j, at := 0, 0
	for r, k := range keep {
		if !k {
			continue
		}
		if v.Present[r] {
			at += copy(data[at:], v.Text[r])
			if valid != nil {
				bitutil.SetBit(valid, j)
			}
		}
		j++
		offsets[j] = int32(at)
	}
	var validBuf *memory.Buffer
	if valid != nil {
		validBuf = memory.NewBufferBytes(valid)
	}
	d := array.NewData(arrow.BinaryTypes.String, n,
		[]*memory.Buffer{validBuf, memory.NewBufferBytes(arrow.Int32Traits.CastToBytes(offsets)), memory.NewBufferBytes(data)}, nil, nulls, 0)
	defer d.Release()
	return array.NewStringData(d)
}

// dictionaryOf encodes a row group's text as one dictionary array: indices
// into the distinct values in order of appearance. Its arrays are plain
// text or, from the workers, dictionaries of their batch (batchDictionary),
// whose few values are merged here. Nil when the text passes
// dictionaryBytes: a column of mostly unique values is written as it is.
func dictionaryOf(arrays []arrow.Array, n int64) *array.Dictionary {
	t := newTextDictionary(n)
	for _, a := range arrays {
		switch s := a.(type) {
		case *array.String:
			for r := range s.Len() {
				if s.IsNull(r) {
					t.null()
				} else if !t.add(s.Value(r)) {
					return nil
				}
			}
		case *array.Dictionary:
			dv, ok := s.Dictionary().(*array.String)
			if !ok {
				return nil
			}
			to := make([]int32, dv.Len())
			for k := range to {
				if to[k] = t.id(dv.Value(k)); to[k] < 0 {
					return nil
				}
			}
			for r, k := range s.Indices().(*array.Int32).Int32Values() {
				if s.IsNull(r) {
					t.null()
				} else {
					t.set(to[k])
				}
			}
		default:
			return nil
		}
	}
	return textArray(t)
}

// batchDictionary encodes the kept rows of a batch's text column as a
// dictionary array, the distinct values copied once; nil when they pass
// dictionaryBytes (then stringArray lays out every value).
func batchDictionary(v *tabular.Vector, keep []bool, n int) *array.Dictionary {
	if v.Codes != nil {
		return codedDictionary(v, keep, n)
	}
	t := newTextDictionary(int64(n))
	for r, k := range keep {
		switch {
		case !k:
		case !v.Present[r]:
			t.null()
		case !t.add(v.Text[r]):
			return nil
		}
	}
	return textArray(t)
}

// codedDictionary is batchDictionary from the vector's codes: no value
// hashed again or copied (the Dictionary's values are their own), and
// only the values of kept rows in the dictionary (a rejected row's value
// is in no statistic).
func codedDictionary(v *tabular.Vector, keep []bool, n int) *array.Dictionary {
	to := make([]int32, len(v.Dict.Values))                          // a code's index+1 in the batch's dictionary; 0: not yet
	t := &dictionary[string]{indices: make([]int32, n), n: int64(n)} // its values are distinct: no map
	for r, k := range keep {
		switch {
		case !k:
		case !v.Present[r]:
			t.null()
		default:
			code := v.Codes[r]
			if to[code] == 0 {
				t.values = append(t.values, v.Dict.Values[code])
				to[code] = int32(len(t.values))
			}
			t.set(to[code] - 1)
		}
	}
	return textArray(t)
}

// dictionary gathers the distinct values of n rows and each row's index
// into them, while the values take at most dictionaryBytes (cost gives a
// value's bytes; keep copies a value that must outlive its source).
type dictionary[T comparable] struct {
	ids     map[T]int32
	values  []T
	size    int
	cost    func(T) int
	keep    func(T) T
	indices []int32
	valid   []byte // nil until a row is null
	n       int64
	j       int // rows so far
}

func newDictionary[T comparable](n int64, cost func(T) int, keep func(T) T) *dictionary[T] {
	return &dictionary[T]{ids: make(map[T]int32, 16), cost: cost, keep: keep, indices: make([]int32, n), n: n}
}

// newTextDictionary gathers text, each value copied once (a cell may be
// cut from a chunk released after its batch).
func newTextDictionary(n int64) *dictionary[string] {
	return newDictionary(n, func(v string) int { return len(v) }, strings.Clone)
}

// id returns a value's index, adding it; -1 when it would pass
// dictionaryBytes.
func (t *dictionary[T]) id(v T) int32 {
	k, seen := t.ids[v]
	if !seen {
		if t.size += t.cost(v); t.size > dictionaryBytes {
			return -1
		}
		k = int32(len(t.values))
		v = t.keep(v)
		t.ids[v] = k
		t.values = append(t.values, v)
	}
	return k
}

// add sets the next row to v; false when the values pass dictionaryBytes.
func (t *dictionary[T]) add(v T) bool {
	k := t.id(v)
	if k < 0 {
		return false
	}
	t.set(k)
	return true
}

func (t *dictionary[T]) set(k int32) {
	t.indices[t.j] = k
	if t.valid != nil {
		bitutil.SetBit(t.valid, t.j)
	}
	t.j++
}

func (t *dictionary[T]) null() {
	if t.valid == nil {
		t.valid = make([]byte, bitutil.BytesForBits(t.n))
		bitutil.SetBitsTo(t.valid, 0, int64(t.j), true)
	}
	t.j++
}

// array is the gathered rows as a dictionary array over dict, the values
// as an Arrow array.
func (t *dictionary[T]) array(dict arrow.Array) *array.Dictionary {
	return newDictionaryArray(dict, t.indices, t.valid, t.n)
}

// textArray is a text dictionary's rows as a dictionary array.
func textArray(t *dictionary[string]) *array.Dictionary {
	b := array.NewStringBuilder(memory.DefaultAllocator)
	defer b.Release()
	b.AppendValues(t.values, nil)
	dict := b.NewArray()
	defer dict.Release()
	return t.array(dict)
}

// plain returns text arrays as plain string arrays: a batch's dictionary
// is expanded, for a row group whose values were too many for one.
func plain(arrays []arrow.Array) (out []arrow.Array, release func()) {
	var made []arrow.Array
	out = make([]arrow.Array, len(arrays))
	for i, a := range arrays {
		d, ok := a.(*array.Dictionary)
		if !ok {
			out[i] = a
			continue
		}
		dv := d.Dictionary().(*array.String)
		idx := d.Indices().(*array.Int32).Int32Values()
		b := array.NewStringBuilder(memory.DefaultAllocator)
		b.Reserve(d.Len())
		for r, k := range idx {
			if d.IsNull(r) {
				b.AppendNull()
			} else {
				b.Append(dv.Value(int(k)))
			}
		}
		out[i] = b.NewArray()
		b.Release()
		made = append(made, out[i])
	}
	return out, func() {
		for _, a := range made {
			a.Release()
		}
	}
}
