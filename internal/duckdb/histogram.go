package duckdb

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"strings"

	"govlake/internal/govlake"
)

// histograms counts each number or date column's values in equal-width
// bins from its minimum to its maximum. A column of few distinct values
// (counted exactly) bins its grouped values, a query that hashes few keys;
// the others are counted in one scan, where DuckDB's histogram aggregate
// counts each column's bin numbers (as JSON: a map from bin to count, bins
// without values left out); ten filtered counts per column were 2.7 times
// slower.
func histograms(ctx context.Context, db *sql.DB, cols []govlake.Column, st []stats, out []govlake.ColumnProfile) error {
	n := govlake.ProfileBins
	var exprs []string
	var args []any
	var which []int
	for i, c := range cols {
		s := st[i]
		axis := binAxis(c)
		if axis == "" || !s.lo.Valid || !s.hi.Valid || s.lo.String == s.hi.String || !s.xlo.Valid {
			continue
		}
		width := (s.xhi.Float64 - s.xlo.Float64) / float64(n)
		if !out[i].DistinctApprox {
			counts, err := groupedBins(ctx, db, c, s.xlo.Float64, width)
			if err != nil {
				return fmt.Errorf("count the histogram of %s: %w", c.Name, err)
			}
			out[i].Histogram = binsOf(c, s, counts)
			continue
		}
		// least() passes over a null: an empty cell must stay out of the last bin.
		exprs = append(exprs, fmt.Sprintf("to_json(histogram(CASE WHEN %s IS NOT NULL THEN least(floor((%s - ?) / ?)::BIGINT, %d) END))::VARCHAR", ident(c.Name), axis, n-1))
		args = append(args, s.xlo.Float64, width)
		which = append(which, i)
	}
	if len(which) == 0 {
		return nil
	}
	return scannedBins(ctx, db, cols, st, out, exprs, args, which)
}

// scannedBins runs the histogram expressions of the columns which in one
// scan.
func scannedBins(ctx context.Context, db *sql.DB, cols []govlake.Column, st []stats, out []govlake.ColumnProfile, exprs []string, args []any, which []int) error {
	found := make([]sql.NullString, len(exprs))
	dest := make([]any, len(exprs))
	for k := range found {
		dest[k] = &found[k]
	}
	if err := db.QueryRowContext(ctx, "SELECT "+strings.Join(exprs, ", ")+" FROM cur", args...).Scan(dest...); err != nil {
		return fmt.Errorf("count the histograms: %w", err)
	}
	for j, i := range which {
		var counts map[int]int64
		if found[j].Valid {
			if err := json.Unmarshal([]byte(found[j].String), &counts); err != nil {
				return fmt.Errorf("read the histogram of %s: %w", cols[i].Name, err)
			}
		}
		out[i].Histogram = binsOf(cols[i], st[i], counts)
	}
	return nil
}

// groupedBins counts a column's values per bin from its grouped values.
func groupedBins(ctx context.Context, db *sql.DB, c govlake.Column, lo, width float64) (map[int]int64, error) {
	col := ident(c.Name)
	q := fmt.Sprintf("SELECT least(floor((%s - ?) / ?)::BIGINT, %d), sum(c)::BIGINT FROM (SELECT %s AS v, count(*) AS c FROM cur WHERE %s IS NOT NULL GROUP BY 1) GROUP BY 1",
		axisOf(c, "v"), govlake.ProfileBins-1, col, col)
	rows, err := db.QueryContext(ctx, q, lo, width)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	counts := map[int]int64{}
	for rows.Next() {
		var b int
		var k int64
		if err := rows.Scan(&b, &k); err != nil {
			return nil, err
		}
		counts[b] += k
	}
	return counts, rows.Err()
}

// binsOf labels a column's bin counts.
func binsOf(c govlake.Column, s stats, counts map[int]int64) []govlake.Bin {
	n := govlake.ProfileBins
	lo, hi := s.xlo.Float64, s.xhi.Float64
	width := (hi - lo) / float64(n)
	h := make([]govlake.Bin, n)
	for k := range h {
		from, to := lo+float64(k)*width, lo+float64(k+1)*width
		if k == n-1 {
			to = hi
		}
		h[k] = govlake.Bin{From: binLabel(from, c.Type), To: binLabel(to, c.Type), Count: counts[k]}
	}
	return h
}
