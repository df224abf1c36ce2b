package duckdb

import (
	"context"
	"database/sql"
	"fmt"
	"strconv"
	"strings"

	"govlake/internal/govlake"
)

// seenStats fills the figures of the columns the writers counted (seen)
// and returns the others, which a scan must count. Ranges are written as
// DuckDB casts them to text: strings, integers and booleans directly,
// numbers and dates by DuckDB itself, in one query without a scan.
func seenStats(ctx context.Context, db *sql.DB, cols []govlake.Column, seen []govlake.ColumnSummary, st []stats) ([]int, error) {
	var scan []int
	var exprs []string
	var args []any
	var dest []any
	for i, c := range cols {
		if i >= len(seen) || !seen[i].Counted {
			scan = append(scan, i)
			continue
		}
		s, x := seen[i], &st[i]
		x.nulls, x.values = s.Nulls, s.Values
		if s.Values == 0 {
			continue
		}
		if numeric(c) && s.HasSum {
			x.mean = sql.NullFloat64{Float64: s.Sum / float64(s.Values), Valid: true}
		}
		for _, end := range []struct {
			v    any
			text *sql.NullString
			axis *sql.NullFloat64
		}{{s.Min, &x.lo, &x.xlo}, {s.Max, &x.hi, &x.xhi}} {
			switch v := end.v.(type) {
			case string:
				*end.text = sql.NullString{String: v, Valid: true}
			case bool:
				*end.text = sql.NullString{String: strconv.FormatBool(v), Valid: true}
			case int64:
				if c.Type == govlake.TypeDate {
					exprs, args, dest = append(exprs, "(DATE '1970-01-01' + ?::INTEGER)::VARCHAR"), append(args, v), append(dest, end.text)
					*end.axis = sql.NullFloat64{Float64: float64(v) * 86400, Valid: true}
					continue
				}
				*end.text = sql.NullString{String: strconv.FormatInt(v, 10), Valid: true}
				*end.axis = sql.NullFloat64{Float64: float64(v), Valid: true}
			case float64:
				exprs, args, dest = append(exprs, "?::DOUBLE::VARCHAR"), append(args, v), append(dest, end.text)
				*end.axis = sql.NullFloat64{Float64: v, Valid: true}
			default:
				return nil, fmt.Errorf("column %s: a range of %T", c.Name, v)
			}
		}
	}
	if len(exprs) > 0 {
		if err := db.QueryRowContext(ctx, "SELECT "+strings.Join(exprs, ", "), args...).Scan(dest...); err != nil {
			return nil, fmt.Errorf("write the ranges as text: %w", err)
		}
	}
	return scan, nil
}
