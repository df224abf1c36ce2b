package tabular

import "strings"

// Dictionary is a text column's distinct values in order of first
// appearance, gathered by SetColumn and kept from one batch to the next of
// the same column (a worker's vector), so that a value is added, checked
// and converted once, not once a batch. A new Dictionary replaces one that
// grew past codedBytes: whoever caches by value index keys the cache by
// the Dictionary.
type Dictionary struct {
	Values []string // each its own copy: it outlives the batch's text
	ids    map[string]int32
	bytes  int
	days   []int32 // PlainDay's answers, +1; 0: not yet read, -1: not a plain date
}

// PlainDay returns value k read as a plain date (PlainDate), once.
func (d *Dictionary) PlainDay(k int32) (days int32, ok bool) {
	if len(d.days) < len(d.Values) {
		d.days = append(d.days, make([]int32, len(d.Values)-len(d.days))...)
	}
	if d.days[k] == 0 {
		d.days[k] = -1
		if v, ok := PlainDate(d.Values[k]); ok {
			d.days[k] = v + 1
		}
	}
	if d.days[k] < 0 {
		return 0, false
	}
	return d.days[k] - 1, true
}

// coder codes a text vector's cells (Vector.Codes) into its Dictionary,
// and remembers, from one batch to the next, that a column's values are
// mostly unique.
type coder struct {
	dict  *Dictionary
	codes []int32 // Codes' memory, kept while Codes is nil
	added int     // values added in this batch
	rest  int     // batches left without coding, after one gave up
}

// Limits of coding text: at most codedBytes of distinct values, and no
// more than one new value every other row of a batch once past codedEarly
// new values (a column of unique values gives up within a few hundred
// rows); after giving up, codedRest batches go without, and the next
// starts a new Dictionary.
const (
	codedBytes = 32 << 10
	codedEarly = 256
	codedRest  = 16
)

// startCoding prepares Codes for n rows, unless an earlier batch of the
// column gave up.
func (v *Vector) startCoding(n int) {
	c := &v.coder
	if c.rest > 0 {
		c.rest--
		return
	}
	if c.dict == nil {
		c.dict = &Dictionary{ids: make(map[string]int32, 64)}
	}
	c.added = 0
	c.codes = resize(c.codes, n)
	v.Codes, v.Dict = c.codes, c.dict
}

// code sets row r's code, adding its text to the Dictionary; past the
// limits the batch gives up coding (Codes and Dict nil).
func (v *Vector) code(r int, cell string) {
	c := &v.coder
	d := c.dict
	k, seen := d.ids[cell]
	if !seen {
		c.added++
		if d.bytes += len(cell); d.bytes > codedBytes || c.added > codedEarly && c.added > r/2 {
			v.Codes, v.Dict = nil, nil
			c.dict = nil
			c.rest = codedRest
			return
		}
		k = int32(len(d.Values))
		cell = strings.Clone(cell)
		d.ids[cell] = k
		d.Values = append(d.Values, cell)
	}
	v.Codes[r] = k
}
