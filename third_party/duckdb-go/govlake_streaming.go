package duckdb

// This file is govlake's addition to duckdb-go v2.10506.0 (see
// third_party/README.md): streaming query results. duckdb-go materializes
// every result before the first row is read, so one query can hold a result
// of any size in memory outside DuckDB's memory_limit. A streaming result
// is computed chunk by chunk as rows are read.

import (
	"context"
	"errors"

	"github.com/duckdb/duckdb-go/v2/mapping"
)

type streamingKey struct{}

// WithStreaming marks ctx so that a query run with it returns a streaming
// result. The connection must not run anything else until its rows close.
func WithStreaming(ctx context.Context) context.Context {
	return context.WithValue(ctx, streamingKey{}, true)
}

func streaming(ctx context.Context) bool {
	v, _ := ctx.Value(streamingKey{}).(bool)
	return v
}

// fetch reads the next chunk. For a streaming result the fetch runs the
// query's last pipeline, so it can be interrupted, and it can fail: an
// error then is the query's error, not the end of the rows.
func (r *rows) fetch() (mapping.DataChunk, error) {
	if r.ctx == nil {
		return mapping.FetchChunk(r.res), nil
	}
	var chunk mapping.DataChunk
	err := runWithCtxInterrupt(r.ctx, r.stmt.conn.conn, func(context.Context) error {
		chunk = mapping.FetchChunk(r.res)
		return nil
	})
	if err != nil {
		return chunk, err
	}
	if chunk.Ptr == nil {
		if msg := mapping.ResultError(&r.res); msg != "" {
			return chunk, errors.Join(r.ctx.Err(), getDuckDBError(msg))
		}
		if err := r.ctx.Err(); err != nil {
			return chunk, err
		}
	}
	return chunk, nil
}
