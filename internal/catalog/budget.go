package catalog

import (
	"context"
	"errors"

	"govlake/internal/govlake"
)

// DefaultMaxResultBytes bounds a result held in memory (JSON, the console,
// CKAN's datastore) when Limits names no bound.
const DefaultMaxResultBytes = 64 << 20

// errEnough stops a stream once a held result is full.
var errEnough = errors.New("enough rows")

// collect runs sql and holds at most limit rows and about MaxResultBytes of
// cells; a result cut by either is Truncated, and TruncatedBy says which.
// A single row bigger than the byte bound is an error: no page could hold
// it, so the next page would be the same.
func (q *Queries) collect(ctx context.Context, sql string, limit int, args ...any) (*govlake.Result, error) {
	budget := q.limits.MaxResultBytes
	if budget <= 0 {
		budget = DefaultMaxResultBytes
	}
	res := &govlake.Result{Rows: [][]any{}}
	var held int64
	err := q.engine.Stream(ctx, sql, func(cols []govlake.ResultColumn) error {
		res.Columns = cols
		return nil
	}, func(row []any) error {
		if len(res.Rows) >= limit {
			res.Truncated, res.TruncatedBy = true, "rows"
			return errEnough
		}
		size := rowSize(row)
		if held+size > budget {
			if len(res.Rows) == 0 {
				return govlake.Errorf(govlake.ETOOLARGE, "one row of this result holds %s, more than the %s a result shown or sent as JSON may hold: ask for fewer or shorter columns, or download it (format=csv, parquet ...)", govlake.ByteSize(size), govlake.ByteSize(budget))
			}
			res.Truncated, res.TruncatedBy = true, "bytes"
			return errEnough
		}
		held += size
		res.Rows = append(res.Rows, append([]any(nil), row...))
		return nil
	}, args...)
	if err != nil && !errors.Is(err, errEnough) {
		return nil, err
	}
	return res, nil
}

// rowSize is about what a row takes in memory and as JSON: its text and
// bytes, and a few bytes for every other value.
func rowSize(row []any) int64 {
	var n int64
	for _, v := range row {
		n += valueSize(v)
	}
	return n
}

func valueSize(v any) int64 {
	switch v := v.(type) {
	case string:
		return int64(len(v)) + 16
	case []byte:
		return int64(len(v))*2 + 16
	case []any:
		n := int64(16)
		for _, e := range v {
			n += valueSize(e)
		}
		return n
	case map[string]any:
		n := int64(16)
		for k, e := range v {
			n += int64(len(k)) + valueSize(e)
		}
		return n
	}
	return 16
}
