package duckdb

import (
	"context"
	"database/sql"
	"fmt"
	"strconv"
	"strings"

	"govlake/internal/govlake"
)

// profileColumns describes every column of the version (cur): empty and distinct
// values, range, mean, most frequent values and, for numbers and dates, a
// histogram. The counts and ranges come from one scan per four columns, the
// histograms of all columns from one more; only the most frequent values
// take a query per column, and for a column of unique values (an id) that
// query is a top-N sort rather than a grouping of every value.
func profileColumns(ctx context.Context, db *sql.DB, cols []govlake.Column) ([]govlake.ColumnProfile, error) {
	out := make([]govlake.ColumnProfile, len(cols))
	st, err := columnStats(ctx, db, cols)
	if err != nil {
		return nil, err
	}
	for i, c := range cols {
		s := st[i]
		p := govlake.ColumnProfile{Name: c.Name, Nulls: s.nulls, Distinct: s.distinct, Min: s.lo.String, Max: s.hi.String}
		if s.mean.Valid {
			p.Mean = &s.mean.Float64
		}
		p.Top, err = topValues(ctx, db, c, s.distinct == s.values)
		if err != nil {
			return nil, fmt.Errorf("profile column %s: %w", c.Name, err)
		}
		out[i] = p
	}
	if err := histograms(ctx, db, cols, st, out); err != nil {
		return nil, err
	}
	return out, nil
}

// stats is one column's figures from the scan.
type stats struct {
	nulls, distinct, values int64
	lo, hi                  sql.NullString
	mean                    sql.NullFloat64
	xlo, xhi                sql.NullFloat64 // the histogram's axis (binAxis) range
}

// binAxis is the number a column's histogram counts: the value for
// numbers, seconds since 1970 for dates and times; "" for no histogram.
func binAxis(c govlake.Column) string {
	switch c.Type {
	case govlake.TypeInt64, govlake.TypeFloat64, govlake.TypeDecimal:
		return ident(c.Name) + "::DOUBLE"
	case govlake.TypeDate, govlake.TypeTimestamp:
		return "epoch(" + ident(c.Name) + ")::DOUBLE"
	}
	return ""
}

func numeric(c govlake.Column) bool {
	return c.Type == govlake.TypeInt64 || c.Type == govlake.TypeFloat64 || c.Type == govlake.TypeDecimal
}

// statsColumns is how many columns one scan counts: each distinct count
// holds a hash table of the column's values, and all of a query's at once.
const statsColumns = 4

func columnStats(ctx context.Context, db *sql.DB, cols []govlake.Column) ([]stats, error) {
	st := make([]stats, len(cols))
	for from := 0; from < len(cols); from += statsColumns {
		to := min(from+statsColumns, len(cols))
		if err := someStats(ctx, db, cols[from:to], st[from:to]); err != nil {
			return nil, err
		}
	}
	return st, nil
}

func someStats(ctx context.Context, db *sql.DB, cols []govlake.Column, st []stats) error {
	var exprs []string
	var dest []any
	for i, c := range cols {
		col := ident(c.Name)
		mean, axis := "NULL::DOUBLE", binAxis(c)
		if numeric(c) {
			mean = "avg(" + col + ")::DOUBLE"
		}
		if axis == "" {
			axis = "NULL::DOUBLE"
		}
		exprs = append(exprs, "count(*) - count("+col+")", "count(DISTINCT "+col+")", "count("+col+")",
			"min("+col+")::VARCHAR", "max("+col+")::VARCHAR", mean, "min("+axis+")", "max("+axis+")")
		s := &st[i]
		dest = append(dest, &s.nulls, &s.distinct, &s.values, &s.lo, &s.hi, &s.mean, &s.xlo, &s.xhi)
	}
	if err := db.QueryRowContext(ctx, "SELECT "+strings.Join(exprs, ", ")+" FROM cur").Scan(dest...); err != nil {
		return fmt.Errorf("profile the columns: %w", err)
	}
	return nil
}

// topValues are a column's most frequent values, most frequent first, then
// by text. When every value is unique, they are the first by text.
func topValues(ctx context.Context, db *sql.DB, c govlake.Column, unique bool) ([]govlake.ValueCount, error) {
	col := ident(c.Name)
	q := "SELECT " + col + "::VARCHAR, count(*) FROM cur WHERE " + col + " IS NOT NULL GROUP BY 1 ORDER BY 2 DESC, 1 LIMIT " + strconv.Itoa(govlake.ProfileTop)
	if unique {
		q = "SELECT " + col + "::VARCHAR, 1::BIGINT FROM cur WHERE " + col + " IS NOT NULL ORDER BY 1 LIMIT " + strconv.Itoa(govlake.ProfileTop)
	}
	rows, err := db.QueryContext(ctx, q)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var top []govlake.ValueCount
	for rows.Next() {
		var v govlake.ValueCount
		if err := rows.Scan(&v.Value, &v.Count); err != nil {
			return nil, err
		}
		top = append(top, v)
	}
	return top, rows.Err()
}

// histograms counts each number or date column's values in equal-width
// bins from its minimum to its maximum, every column in one scan.
func histograms(ctx context.Context, db *sql.DB, cols []govlake.Column, st []stats, out []govlake.ColumnProfile) error {
	n := govlake.ProfileBins
	var exprs, bins []string
	var args []any
	var which []int
	for i, c := range cols {
		s := st[i]
		axis := binAxis(c)
		if axis == "" || !s.lo.Valid || !s.hi.Valid || s.lo.String == s.hi.String || !s.xlo.Valid {
			continue
		}
		width := (s.xhi.Float64 - s.xlo.Float64) / float64(n)
		b := "b" + strconv.Itoa(len(which))
		bins = append(bins, fmt.Sprintf("CASE WHEN %s IS NOT NULL THEN least(floor((%s - ?) / ?)::BIGINT, %d) END AS %s", ident(c.Name), axis, n-1, b))
		args = append(args, s.xlo.Float64, width)
		for k := range n {
			exprs = append(exprs, fmt.Sprintf("count(*) FILTER (WHERE %s = %d)", b, k))
		}
		which = append(which, i)
	}
	if len(which) == 0 {
		return nil
	}
	counts := make([]int64, len(exprs))
	dest := make([]any, len(exprs))
	for k := range counts {
		dest[k] = &counts[k]
	}
	q := "SELECT " + strings.Join(exprs, ", ") + " FROM (SELECT " + strings.Join(bins, ", ") + " FROM cur)"
	if err := db.QueryRowContext(ctx, q, args...).Scan(dest...); err != nil {
		return fmt.Errorf("count the histograms: %w", err)
	}
	for j, i := range which {
		lo, hi := st[i].xlo.Float64, st[i].xhi.Float64
		width := (hi - lo) / float64(n)
		h := make([]govlake.Bin, n)
		for k := range h {
			from, to := lo+float64(k)*width, lo+float64(k+1)*width
			if k == n-1 {
				to = hi
			}
			h[k] = govlake.Bin{From: binLabel(from, cols[i].Type), To: binLabel(to, cols[i].Type), Count: counts[j*n+k]}
		}
		out[i].Histogram = h
	}
	return nil
}
