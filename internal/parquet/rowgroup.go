package parquet

import (
	"fmt"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
)

// dictionaryBytes is the most text a row group's column is dictionary
// encoded with by the writer itself: as arrow's dictionary page limit
// (WithDictionaryPageSizeLimit), past which a column of mostly unique
// values gives up its dictionary.
const dictionaryBytes = 32 << 10

// rowGroup holds prepared batches until they make a row group of BatchRows
// rows, written a column at a time: a column of few distinct values goes
// to the file as a dictionary built by the writer (text: from the batches'
// own dictionaries, made on the workers), where arrow hashed every value
// into its own table, after making a slice of 24-byte pointers to the
// values for it to read (700 MB a 10 million row file, for the garbage
// collector to clear and scan).
type rowGroup struct {
	batches []arrow.RecordBatch
	rows    int64
}

// add takes a prepared batch; it writes row groups while it holds enough
// rows for one.
func (w *Writer) add(rec arrow.RecordBatch) error {
	w.held.batches = append(w.held.batches, rec)
	w.held.rows += rec.NumRows()
	for w.held.rows >= int64(w.batch) {
		if err := w.writeRowGroup(int64(w.batch)); err != nil {
			return err
		}
	}
	return nil
}

// writeHeld writes what is held as a last, smaller row group.
func (w *Writer) writeHeld() error {
	if w.held.rows == 0 {
		return nil
	}
	return w.writeRowGroup(w.held.rows)
}

// writeRowGroup writes the first n held rows as one row group.
func (w *Writer) writeRowGroup(n int64) error {
	var take []arrow.RecordBatch
	left := n
	for left > 0 {
		rec := w.held.batches[0]
		if rec.NumRows() <= left {
			take = append(take, rec)
			left -= rec.NumRows()
			w.held.batches = w.held.batches[1:]
			continue
		}
		// The row group ends inside this batch: its head goes now, the
		// rest stays for the next.
		take = append(take, rec.NewSlice(0, left))
		w.held.batches[0] = rec.NewSlice(left, rec.NumRows())
		rec.Release()
		left = 0
	}
	w.held.rows -= n
	defer func() {
		for _, rec := range take {
			rec.Release()
		}
	}()
	if err := w.fw.startRowGroup(); err != nil {
		return fmt.Errorf("start parquet row group: %w", err)
	}
	arrays := make([]arrow.Array, len(take))
	for i, f := range w.schema.Fields() {
		for k, rec := range take {
			arrays[k] = rec.Column(i)
		}
		if err := w.writeColumn(i, f, arrays, n); err != nil {
			return fmt.Errorf("write parquet column %s: %w", f.Name, err)
		}
	}
	if err := w.fw.endRowGroup(); err != nil {
		return fmt.Errorf("end parquet row group: %w", err)
	}
	return nil
}

// writeColumn writes one column of a row group, from the batches' arrays:
// as a dictionary array where the writer makes one (then sketched and
// counted by its distinct values), else as it is.
func (w *Writer) writeColumn(i int, f arrow.Field, arrays []arrow.Array, n int64) error {
	if d := dictionaryFor(f.Type, arrays, n); d != nil {
		defer d.Release()
		if s := w.sketches[i]; s != nil {
			// Each distinct value once: a sketch keeps no count.
			sketchColumn(s, d.Dictionary())
		}
		w.counts[i] = countDictionary(w.counts[i], d)
		return w.fw.writeDictionary(f, d)
	}
	arrays, release := plain(arrays)
	defer release()
	if f.Type.ID() == arrow.BOOL {
		w.counts[i] = countBooleans(w.counts[i], arrays)
	} else {
		w.counts[i] = nil // the values of this row group were not counted
	}
	for _, a := range arrays {
		if s := w.sketches[i]; s != nil {
			sketchColumn(s, a)
		}
	}
	return w.fw.writeArrays(f, arrays)
}

// dictionaryFor dictionary-encodes a row group's column of text, integers
// or dates when its distinct values are few enough; nil otherwise.
func dictionaryFor(t arrow.DataType, arrays []arrow.Array, n int64) *array.Dictionary {
	switch t.ID() {
	case arrow.STRING:
		return dictionaryOf(arrays, n)
	case arrow.INT64:
		return intDictionaryOf(arrays, n, t, 8, func(a arrow.Array) ([]int64, bool) {
			v, ok := a.(*array.Int64)
			if !ok {
				return nil, false
			}
			return v.Int64Values(), true
		})
	case arrow.DATE32:
		return intDictionaryOf(arrays, n, t, 4, func(a arrow.Array) ([]int32, bool) {
			v, ok := a.(*array.Date32)
			if !ok {
				return nil, false
			}
			return arrow.Int32Traits.CastFromBytes(arrow.Date32Traits.CastToBytes(v.Date32Values())), true
		})
	}
	return nil
}
