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
	ids := make(map[string]int32, 64)
	var values []string
	size := 0
	indices := make([]int32, n)
	var valid []byte
	j := 0
	// id returns a value's index in the row group's dictionary; -1 when
	// the dictionary would pass dictionaryBytes.
	id := func(v string) int32 {
		k, seen := ids[v]
		if !seen {
			if size += len(v); size > dictionaryBytes {
				return -1
			}
			k = int32(len(values))
			v = strings.Clone(v) // not the batch's buffer, kept alive by the map
			ids[v] = k
			values = append(values, v)
		}
		return k
	}
	null := func() {
		if valid == nil {
			valid = make([]byte, bitutil.BytesForBits(n))
			bitutil.SetBitsTo(valid, 0, int64(j), true)
		}
		j++
	}
	set := func(k int32) {
		indices[j] = k
		if valid != nil {
			bitutil.SetBit(valid, j)
		}
		j++
	}
	for _, a := range arrays {
		switch s := a.(type) {
		case *array.String:
			for r := range s.Len() {
				if s.IsNull(r) {
					null()
					continue
				}
				k := id(s.Value(r))
				if k < 0 {
					return nil
				}
				set(k)
			}
		case *array.Dictionary:
			dv, ok := s.Dictionary().(*array.String)
			if !ok {
				return nil
			}
			to := make([]int32, dv.Len())
			for k := range to {
				if to[k] = id(dv.Value(k)); to[k] < 0 {
					return nil
				}
			}
			idx := s.Indices().(*array.Int32).Int32Values()
			for r, k := range idx {
				if s.IsNull(r) {
					null()
					continue
				}
				set(to[k])
			}
		default:
			return nil
		}
	}
	b := array.NewStringBuilder(memory.DefaultAllocator)
	defer b.Release()
	b.AppendValues(values, nil)
	dict := b.NewArray()
	defer dict.Release()
	return newDictionary(dict, indices, valid, n)
}

// batchDictionary encodes the kept rows of a batch's text column as a
// dictionary array, the distinct values copied once; nil when they pass
// dictionaryBytes (then stringArray lays out every value).
func batchDictionary(v *tabular.Vector, keep []bool, n int) *array.Dictionary {
	ids := make(map[string]int32, 16)
	var values []string
	size := 0
	indices := make([]int32, n)
	var valid []byte
	j := 0
	for r, k := range keep {
		if !k {
			continue
		}
		if !v.Present[r] {
			if valid == nil {
				valid = make([]byte, bitutil.BytesForBits(int64(n)))
				bitutil.SetBitsTo(valid, 0, int64(j), true)
			}
			j++
			continue
		}
		s := v.Text[r]
		id, seen := ids[s]
		if !seen {
			if size += len(s); size > dictionaryBytes {
				return nil
			}
			id = int32(len(values))
			s = strings.Clone(s) // the cell is cut from a chunk released after the batch
			ids[s] = id
			values = append(values, s)
		}
		indices[j] = id
		if valid != nil {
			bitutil.SetBit(valid, j)
		}
		j++
	}
	b := array.NewStringBuilder(memory.DefaultAllocator)
	defer b.Release()
	b.AppendValues(values, nil)
	dict := b.NewArray()
	defer dict.Release()
	return newDictionary(dict, indices, valid, int64(n))
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
