package duckdb

import (
	"context"
	"database/sql"
	"fmt"
	"sort"
	"strconv"
	"strings"

	"govlake/internal/govlake"
)

// profileColumns describes every column of the version (cur): empty and
// distinct values, range, mean, most frequent values and, for numbers and
// dates, a histogram. The counts, ranges and means come from what the
// files' writers saw (seen), or for columns they did not count from one
// scan per statsColumns columns (histograms: see histograms). A column
// with at most govlake.ProfileExactDistinct distinct values is then
// grouped, which counts them exactly and finds the most frequent; a column
// with more, by the writers' estimate (seen[i].Distinct, -1 when none),
// keeps the estimate, marked so, and no most frequent values: grouping
// millions of values (an id, an e-mail address) cost more than the rest of
// an ingest together. Without estimates every column is grouped.
func profileColumns(ctx context.Context, db *sql.DB, cols []govlake.Column, seen []govlake.ColumnSummary) ([]govlake.ColumnProfile, error) {
	out := make([]govlake.ColumnProfile, len(cols))
	st, err := columnStats(ctx, db, cols, seen)
	if err != nil {
		return nil, err
	}
	for i, c := range cols {
		s := st[i]
		p := govlake.ColumnProfile{Name: c.Name, Nulls: s.nulls, Min: s.lo.String, Max: s.hi.String}
		if s.mean.Valid {
			p.Mean = &s.mean.Float64
		}
		if counts := countsOf(seen, i); counts != nil && countedProfile(c, s, counts, &p) {
			// Counted by the writers: nothing to group.
		} else if estimate := estimateOf(seen, i); estimate >= 0 && s.values > govlake.ProfileExactDistinct && estimate > exactBelow {
			// An estimate can pass the number of values; the count cannot.
			p.Distinct, p.DistinctApprox = min(estimate, s.values), true
		} else {
			var bins []int64
			spec, binned := binSpecOf(c, s)
			if p.Distinct, p.Top, bins, err = topValues(ctx, db, c, spec, binned); err != nil {
				return nil, fmt.Errorf("profile column %s: %w", c.Name, err)
			}
			if binned {
				p.Histogram = binsOf(c, s, bins)
			}
		}
		out[i] = p
	}
	if err := histograms(ctx, db, cols, st, out); err != nil {
		return nil, err
	}
	return out, nil
}

// exactBelow is the estimate under which a column is grouped: a little over
// ProfileExactDistinct, so that a column with no more distinct values than
// that is grouped even when the estimate (within about 2%) is high.
const exactBelow = govlake.ProfileExactDistinct * 21 / 20

// countsOf returns the writers' counts of a column's values; nil when
// they did not count them all.
func countsOf(seen []govlake.ColumnSummary, i int) map[string]int64 {
	if i < len(seen) && seen[i].Counted {
		return seen[i].Counts
	}
	return nil
}

func estimateOf(seen []govlake.ColumnSummary, i int) int64 {
	if i < len(seen) {
		return seen[i].Distinct
	}
	return -1
}

// stats is one column's figures from the scan.
type stats struct {
	nulls, values int64
	lo, hi        sql.NullString
	mean          sql.NullFloat64
	xlo, xhi      sql.NullFloat64 // the histogram's axis (binAxis) range
}

// binAxis is the number a column's histogram counts: the value for
// numbers, seconds since 1970 for dates and times; "" for no histogram.
func binAxis(c govlake.Column) string { return axisOf(c, ident(c.Name)) }

// axisOf is binAxis of an expression holding the column's values.
func axisOf(c govlake.Column, expr string) string {
	switch c.Type {
	case govlake.TypeInt64, govlake.TypeFloat64, govlake.TypeDecimal:
		return expr + "::DOUBLE"
	case govlake.TypeDate, govlake.TypeTimestamp:
		return "epoch(" + expr + ")::DOUBLE"
	}
	return ""
}

func numeric(c govlake.Column) bool {
	return c.Type == govlake.TypeInt64 || c.Type == govlake.TypeFloat64 || c.Type == govlake.TypeDecimal
}

// statsColumns is how many columns one scan counts.
const statsColumns = 32

// columnStats takes what the writers counted (seen) and scans for the rest.
func columnStats(ctx context.Context, db *sql.DB, cols []govlake.Column, seen []govlake.ColumnSummary) ([]stats, error) {
	st := make([]stats, len(cols))
	scan, err := seenStats(ctx, db, cols, seen, st)
	if err != nil {
		return nil, err
	}
	for from := 0; from < len(scan); from += statsColumns {
		if err := someStats(ctx, db, cols, st, scan[from:min(from+statsColumns, len(scan))]); err != nil {
			return nil, err
		}
	}
	return st, nil
}

// someStats scans for the figures of the columns which.
func someStats(ctx context.Context, db *sql.DB, cols []govlake.Column, st []stats, which []int) error {
	var exprs []string
	var dest []any
	for _, i := range which {
		c := cols[i]
		col := ident(c.Name)
		mean, axis := "NULL::DOUBLE", binAxis(c)
		if numeric(c) {
			mean = "avg(" + col + ")::DOUBLE"
		}
		if axis == "" {
			axis = "NULL::DOUBLE"
		}
		exprs = append(exprs, "count(*) - count("+col+")", "count("+col+")",
			"min("+col+")::VARCHAR", "max("+col+")::VARCHAR", mean, "min("+axis+")", "max("+axis+")")
		s := &st[i]
		dest = append(dest, &s.nulls, &s.values, &s.lo, &s.hi, &s.mean, &s.xlo, &s.xhi)
	}
	if err := db.QueryRowContext(ctx, "SELECT "+strings.Join(exprs, ", ")+" FROM cur").Scan(dest...); err != nil {
		return fmt.Errorf("profile the columns: %w", err)
	}
	return nil
}

// topValues groups a column's values: how many distinct ones it has, and
// the most frequent, most frequent first, then by text; when binned, the
// same grouping also counts the histogram's bins (a second grouping of the
// column cost as much again).
func topValues(ctx context.Context, db *sql.DB, c govlake.Column, spec binSpec, binned bool) (int64, []govlake.ValueCount, []int64, error) {
	col := ident(c.Name)
	top := "SELECT v::VARCHAR AS t, c, count(*) OVER () AS n, NULL::BIGINT AS b FROM g ORDER BY c DESC, t LIMIT " + strconv.Itoa(govlake.ProfileTop)
	q := "WITH g AS MATERIALIZED (SELECT " + col + " AS v, count(*) AS c FROM cur WHERE " + col + " IS NOT NULL GROUP BY 1) "
	var args []any
	if binned {
		q += "SELECT * FROM (" + top + ") UNION ALL SELECT NULL, sum(c)::BIGINT, NULL, least(floor((" + axisOf(c, "v") + " - ?) / ?)::BIGINT, " +
			strconv.Itoa(govlake.ProfileBins-1) + ") FROM g GROUP BY 4"
		args = append(args, spec.lo, spec.width)
	} else {
		q += top
	}
	rows, err := db.QueryContext(ctx, q, args...)
	if err != nil {
		return 0, nil, nil, err
	}
	defer rows.Close()
	var values []govlake.ValueCount
	var distinct int64
	var bins []int64
	for rows.Next() {
		var v sql.NullString
		var count int64
		var n, bin sql.NullInt64
		if err := rows.Scan(&v, &count, &n, &bin); err != nil {
			return 0, nil, nil, err
		}
		if !bin.Valid {
			values = append(values, govlake.ValueCount{Value: v.String, Count: count})
			distinct = n.Int64
			continue
		}
		if bins == nil {
			bins = make([]int64, govlake.ProfileBins)
		}
		if bin.Int64 >= 0 && bin.Int64 < int64(len(bins)) {
			bins[bin.Int64] += count
		}
	}
	// A union keeps no order: the top values are put back in the query's.
	sort.SliceStable(values, func(i, j int) bool {
		if values[i].Count != values[j].Count {
			return values[i].Count > values[j].Count
		}
		return values[i].Value < values[j].Value
	})
	return distinct, values, bins, rows.Err()
}
