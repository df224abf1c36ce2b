package duckdb

import (
	"math"
	"sort"
	"strconv"
	"time"

	"govlake/internal/govlake"
)

// countedProfile fills a column's distinct values, most frequent values and
// histogram from the writers' counts of each value, as topValues and the
// grouped bins would from the files, without reading them. ok is false
// when a counted value does not read back as the column's type.
func countedProfile(c govlake.Column, s stats, counts map[string]int64, p *govlake.ColumnProfile) (ok bool) {
	var bins []int64
	spec, binned := binSpecOf(c, s)
	if binned {
		bins = make([]int64, govlake.ProfileBins)
		for v, n := range counts {
			x, ok := axisValue(c, v)
			if !ok {
				return false
			}
			// As the grouped query: least(floor((x - lo) / width), bins-1).
			b := min(math.Floor((x-spec.lo)/spec.width), float64(govlake.ProfileBins-1))
			if b < 0 || math.IsNaN(b) {
				return false
			}
			bins[int(b)] += n
		}
		p.Histogram = binsOf(c, s, bins)
	}
	p.Distinct, p.Top = int64(len(counts)), topOf(counts)
	return true
}

// axisValue is a counted value on its histogram's axis: the number, or a
// date's seconds since 1970, as DuckDB's v::DOUBLE and epoch(v)::DOUBLE.
func axisValue(c govlake.Column, v string) (float64, bool) {
	switch c.Type {
	case govlake.TypeInt64:
		n, err := strconv.ParseInt(v, 10, 64)
		return float64(n), err == nil
	case govlake.TypeDate:
		t, err := time.Parse(time.DateOnly, v)
		return float64(t.Unix()), err == nil
	}
	return 0, false
}

// topOf returns the most frequent values, most frequent first, then by
// text, as topValues orders them.
func topOf(counts map[string]int64) []govlake.ValueCount {
	all := make([]govlake.ValueCount, 0, len(counts))
	for v, n := range counts {
		all = append(all, govlake.ValueCount{Value: v, Count: n})
	}
	sort.Slice(all, func(i, j int) bool {
		if all[i].Count != all[j].Count {
			return all[i].Count > all[j].Count
		}
		return all[i].Value < all[j].Value
	})
	if len(all) > govlake.ProfileTop {
		all = all[:govlake.ProfileTop]
	}
	if len(all) == 0 {
		return nil
	}
	return all
}
