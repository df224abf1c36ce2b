package govlake

import (
	"cmp"
	"time"
)

// ColumnProfile sums up one column of a version, computed over all its
// rows when the version is made (and kept in its manifest). Min, Max and
// the values are written as DuckDB casts them to text. Distinct is exact
// for a column of at most ProfileExactDistinct distinct values; above, it
// is an estimate (DistinctApprox, typically within a few percent) and Top
// is left out.
type ColumnProfile struct {
	Name           string       `json:"name"`
	Nulls          int64        `json:"nulls"`
	Distinct       int64        `json:"distinct"`
	DistinctApprox bool         `json:"distinct_approximate,omitempty"`
	Min            string       `json:"min,omitempty"`
	Max            string       `json:"max,omitempty"`
	Mean           *float64     `json:"mean,omitempty"` // numbers only
	Top            []ValueCount `json:"top,omitempty"`
	Histogram      []Bin        `json:"histogram,omitempty"` // numbers and dates: equal-width bins from Min to Max
}

// ValueCount is a value and how many rows hold it.
type ValueCount struct {
	Value string `json:"value"`
	Count int64  `json:"count"`
}

// Bin is one bar of a histogram: rows from From up to To (the last bin
// includes To).
type Bin struct {
	From  string `json:"from"`
	To    string `json:"to"`
	Count int64  `json:"count"`
}

// ProfileTop and ProfileBins bound a profile: the most frequent values kept,
// and the bars of a histogram. ProfileExactDistinct is the most distinct
// values a column's profile counts exactly.
const (
	ProfileTop           = 5
	ProfileBins          = 10
	ProfileExactDistinct = 100_000
	// ProfileCountedDistinct is the most distinct values a column's
	// writers count (ColumnSummary.Counts): enough for codes, categories,
	// small integers and dates, little memory for each file written.
	ProfileCountedDistinct = 20_000
)

// DiffSummary compares a version with the one before it: rows added,
// removed and changed, matched by the pipeline's primary key, or by whole
// rows without one (a changed row then counts as one removed and one
// added). Only the columns both versions have are compared.
type DiffSummary struct {
	Previous int      `json:"previous"`
	Key      []string `json:"key,omitempty"`
	Added    int64    `json:"added"`
	Removed  int64    `json:"removed"`
	Changed  int64    `json:"changed"`
	// Columns added and dropped since the previous version.
	NewColumns     []string `json:"new_columns,omitempty"`
	DroppedColumns []string `json:"dropped_columns,omitempty"`
}

// Freshness says whether a dataset is up to date with its declared
// frequency: the next version was due at Due (zero when no frequency is
// declared, or it is irregular).
type Freshness struct {
	Frequency string    `json:"frequency,omitempty"`
	Due       time.Time `json:"due,omitzero"`
	Overdue   bool      `json:"overdue"`
}

// FreshnessAt is the freshness at now of a dataset last updated at updated.
func FreshnessAt(frequency string, updated, now time.Time) Freshness {
	f := Freshness{Frequency: frequency}
	if d := FrequencyDue(frequency); d > 0 && !updated.IsZero() {
		f.Due = updated.Add(d)
		f.Overdue = now.After(f.Due)
	}
	return f
}

// ColumnSummary is what the writer of a version's files saw of one column,
// so that its profile scans only for what is missing. When Counted, Values,
// Nulls, Min and Max are known: Min and Max are int64 (integers; dates as
// days since 1970), float64, string or bool, nil when there are no values.
// A column is not counted when of a type the writer does not summarize,
// or with a value too long for its file's statistics. Sum holds the sum of
// a number column's values (HasSum); Distinct an estimate of its distinct
// values, -1 when there is none. Counts, when not nil, is how many times
// each value occurs, by its text as SQL's VARCHAR cast writes it, so that a
// profile need not group the column: writers keep it only while a column
// has at most ProfileCountedDistinct distinct values.
type ColumnSummary struct {
	Counted       bool
	Values, Nulls int64
	Min, Max      any
	Sum           float64
	HasSum        bool
	Distinct      int64
	Counts        map[string]int64
}

// Merge adds o, the same column's summary of another file (Distinct is
// not merged: estimates merge by their sketches).
func (s *ColumnSummary) Merge(o ColumnSummary) {
	switch {
	case !s.Counted || !o.Counted:
		s.Counted, s.Min, s.Max = false, nil, nil
	case o.Values == 0:
	case s.Values == 0:
		s.Min, s.Max = o.Min, o.Max
	default:
		s.Min, s.Max = pick(s.Min, o.Min, -1), pick(s.Max, o.Max, 1)
		s.Counted = s.Min != nil && s.Max != nil
	}
	s.Values += o.Values
	s.Nulls += o.Nulls
	s.Sum += o.Sum
	s.HasSum = s.HasSum && o.HasSum
	s.Counts = MergeCounts(s.Counts, o.Counts)
}

// MergeCounts adds o's counts to s's, in s; nil when either is nil or
// together they pass ProfileCountedDistinct values.
func MergeCounts(s, o map[string]int64) map[string]int64 {
	if s == nil || o == nil {
		return nil
	}
	for v, n := range o {
		s[v] += n
	}
	if len(s) > ProfileCountedDistinct {
		return nil
	}
	return s
}

// pick returns the smaller (sign -1) or larger (1) of two values of one
// type; nil when their types differ.
func pick(a, b any, sign int) any {
	c, ok := compareValues(a, b)
	switch {
	case !ok:
		return nil
	case c*sign >= 0:
		return a
	}
	return b
}

func compareValues(a, b any) (int, bool) {
	switch x := a.(type) {
	case int64:
		y, ok := b.(int64)
		return cmp.Compare(x, y), ok
	case float64:
		y, ok := b.(float64)
		return cmp.Compare(x, y), ok
	case string:
		y, ok := b.(string)
		return cmp.Compare(x, y), ok
	case bool:
		y, ok := b.(bool)
		return cmp.Compare(boolInt(x), boolInt(y)), ok
	}
	return 0, false
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}
