package duckdb

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"math"
	"strings"

	"govlake/internal/govlake"
)

// histograms counts each number or date column's values in equal-width
// bins from its minimum to its maximum; a value's bin is
// floor((axis - lo) / width), the last bin taking the maximum. A column of
// few distinct values (counted exactly) bins its grouped values, a query
// that hashes few keys (33 ms for 10 million values, where a histogram
// aggregate took 160). The others are counted in one scan, where DuckDB's
// histogram aggregate with boundaries counts the values up to each bin's
// largest axis value (binBounds): 120 ms a column of 10 million, where a
// histogram of computed bin numbers took 225 (the expression cost more than
// the counting).
func histograms(ctx context.Context, db *sql.DB, cols []govlake.Column, st []stats, out []govlake.ColumnProfile) error {
	var exprs []string
	var args []any
	var which []int
	var numbered []bool // the counts are a map from bin number to count
	for i, c := range cols {
		spec, binned := binSpecOf(c, st[i])
		if !binned || !out[i].DistinctApprox {
			continue // none, or binned with its grouped values (topValues)
		}
		axis, width := binAxis(c), spec.width
		if bounds, ok := binBounds(spec.lo, width, govlake.ProfileBins); ok {
			marks := make([]string, len(bounds))
			for k, b := range bounds {
				marks[k] = "?"
				args = append(args, b)
			}
			exprs = append(exprs, fmt.Sprintf("map_values(histogram(%s, [%s]::DOUBLE[]))", axis, strings.Join(marks, ", ")))
			numbered = append(numbered, false)
		} else {
			// Bins narrower than the numbers' spacing: the bin numbers,
			// counted. least() passes over a null: an empty cell must stay
			// out of the last bin.
			exprs = append(exprs, fmt.Sprintf("histogram(CASE WHEN %s IS NOT NULL THEN least(floor((%s - ?) / ?)::BIGINT, %d) END)", ident(c.Name), axis, govlake.ProfileBins-1))
			args = append(args, spec.lo, width)
			numbered = append(numbered, true)
		}
		which = append(which, i)
	}
	if len(which) == 0 {
		return nil
	}
	return scannedBins(ctx, db, cols, st, out, exprs, args, which, numbered)
}

// binBounds returns, for each bin but the last, the largest value that
// floor((x - lo) / width) puts in it or before, as DuckDB computes it (the
// same IEEE double arithmetic): a value x is in bin k when it is above
// bound k-1 and at most bound k. Each is found by bisecting the doubles
// between lo and lo + n*width, in order, as the bin number only grows with
// x. ok is false when two bins share a bound (bins narrower than the
// spacing of doubles there).
func binBounds(lo, width float64, n int) (bounds []float64, ok bool) {
	bin := func(x float64) float64 { return math.Floor((x - lo) / width) }
	top := lo + float64(n)*width
	if math.IsInf(top, 0) || math.IsNaN(top) || !(width > 0) {
		return nil, false
	}
	bounds = make([]float64, n-1)
	for k := range bounds {
		in, out := ordered(lo), ordered(top) // bin(in) <= k < bin(out)
		if bin(top) <= float64(k) {
			return nil, false
		}
		for out-in > 1 {
			mid := in + (out-in)/2
			if bin(fromOrdered(mid)) <= float64(k) {
				in = mid
			} else {
				out = mid
			}
		}
		bounds[k] = fromOrdered(in)
		if k > 0 && bounds[k] <= bounds[k-1] {
			return nil, false
		}
	}
	return bounds, true
}

// ordered maps doubles to integers in the same order.
func ordered(f float64) uint64 {
	b := math.Float64bits(f)
	if b>>63 == 1 {
		return ^b
	}
	return b | 1<<63
}

func fromOrdered(u uint64) float64 {
	if u>>63 == 1 {
		return math.Float64frombits(u &^ (1 << 63))
	}
	return math.Float64frombits(^u)
}

// scannedBins runs the histogram expressions of the columns which in one
// scan. One with bounds gives its counts in bin order, the last (the values
// above the last bound) only when there are any; a numbered one, a map
// from bin number to count, bins without values left out.
func scannedBins(ctx context.Context, db *sql.DB, cols []govlake.Column, st []stats, out []govlake.ColumnProfile, exprs []string, args []any, which []int, numbered []bool) error {
	found := make([]sql.NullString, len(exprs))
	dest := make([]any, len(exprs))
	for k := range found {
		dest[k] = &found[k]
		exprs[k] = "to_json(" + exprs[k] + ")::VARCHAR"
	}
	if err := db.QueryRowContext(ctx, "SELECT "+strings.Join(exprs, ", ")+" FROM cur", args...).Scan(dest...); err != nil {
		return fmt.Errorf("count the histograms: %w", err)
	}
	for j, i := range which {
		var counts []int64
		if found[j].Valid {
			var err error
			if counts, err = readCounts(found[j].String, numbered[j]); err != nil {
				return fmt.Errorf("read the histogram of %s: %w", cols[i].Name, err)
			}
		}
		out[i].Histogram = binsOf(cols[i], st[i], counts)
	}
	return nil
}

func readCounts(js string, numbered bool) ([]int64, error) {
	if !numbered {
		var counts []int64
		return counts, json.Unmarshal([]byte(js), &counts)
	}
	var byBin map[int]int64
	if err := json.Unmarshal([]byte(js), &byBin); err != nil {
		return nil, err
	}
	counts := make([]int64, govlake.ProfileBins)
	for b, n := range byBin {
		if b >= 0 && b < len(counts) {
			counts[b] = n
		}
	}
	return counts, nil
}

// binSpec is a histogram's axis: its lowest value and a bin's width.
type binSpec struct{ lo, width float64 }

// binSpecOf says whether a column has a histogram, and its axis.
func binSpecOf(c govlake.Column, s stats) (binSpec, bool) {
	if binAxis(c) == "" || !s.lo.Valid || !s.hi.Valid || s.lo.String == s.hi.String || !s.xlo.Valid {
		return binSpec{}, false
	}
	return binSpec{lo: s.xlo.Float64, width: (s.xhi.Float64 - s.xlo.Float64) / float64(govlake.ProfileBins)}, true
}

// binsOf labels a column's bin counts.
func binsOf(c govlake.Column, s stats, counts []int64) []govlake.Bin {
	n := govlake.ProfileBins
	lo, hi := s.xlo.Float64, s.xhi.Float64
	width := (hi - lo) / float64(n)
	h := make([]govlake.Bin, n)
	for k := range h {
		from, to := lo+float64(k)*width, lo+float64(k+1)*width
		if k == n-1 {
			to = hi
		}
		h[k] = govlake.Bin{From: binLabel(from, c.Type), To: binLabel(to, c.Type)}
		if k < len(counts) {
			h[k].Count = counts[k]
		}
	}
	return h
}
