package duckdb

import (
	"context"
	"strings"
	"testing"
	"time"

	"govlake/internal/govlake"
)

// Results stream (third_party/duckdb-go): rows arrive before the query has
// run to its end, an error raised while rows are fetched is an error and
// not a short result, and a cancelled context stops the fetching.
func TestStreamingResults(t *testing.T) {
	e, err := Open(context.Background(), Options{Threads: 2, MemoryLimit: "256MB"}, failingResolver{})
	if err != nil {
		t.Fatal(err)
	}
	defer e.Close()
	noHeader := func([]govlake.ResultColumn) error { return nil }

	// The first row of a result far larger than the memory limit (100
	// million rows of 200 bytes: 20 GB) comes at once; a materialized
	// result would have to be built whole first.
	start := time.Now()
	var got int
	err = e.Stream(context.Background(), "SELECT i, repeat('x', 200) AS s FROM range(100000000) t(i)", noHeader, func(row []any) error {
		got++
		if got == 5000 {
			return errStop
		}
		return nil
	})
	if err != errStop || got != 5000 || time.Since(start) > 5*time.Second {
		t.Fatalf("first 5000 rows: %v after %d rows in %s", err, got, time.Since(start))
	}

	// Row 3,000,000 cannot be cast: rows before it arrive (the result is
	// fetched while it is computed), then the error, not a short result.
	got = 0
	err = e.Stream(context.Background(), "SELECT CAST(CASE WHEN i < 3000000 THEN i::VARCHAR ELSE 'x' || i END AS INTEGER) AS n FROM range(4000000) t(i)", noHeader, func(row []any) error {
		got++
		return nil
	})
	// On a busy machine DuckDB sometimes reports the cancellation of the
	// other thread instead of the conversion (1 run in 8 under load, before
	// and after 2026-12-06): that is still an error, never a short result.
	conversion := err != nil && strings.Contains(err.Error(), "Could not convert string 'x")
	cancelled := err != nil && govlake.ErrorCode(err) == govlake.EINVALID && strings.Contains(err.Error(), "DuckDB reported only that it was interrupted")
	if (!conversion && !cancelled) || got < 100000 || got >= 3000000 {
		t.Errorf("a cast failing at row 3000000: %v after %d rows; want the conversion error", err, got)
	}

	// A cancelled context ends a stream that is still producing.
	ctx, cancel := context.WithCancel(context.Background())
	got = 0
	err = e.Stream(ctx, "SELECT i FROM range(1000000000) t(i)", noHeader, func(row []any) error {
		if got++; got == 3000 {
			cancel()
		}
		return nil
	})
	if err == nil || got > 100000 {
		t.Errorf("cancelled after 3000 rows: %v after %d rows", err, got)
	}
}

var errStop = errorString("stop")

type errorString string

func (e errorString) Error() string { return string(e) }
