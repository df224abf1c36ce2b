package main

import (
	"context"
	"fmt"
	"io"
	"maps"
	"slices"
	"time"

	"govlake/internal/govlake"
	"govlake/internal/wire"
)

// reindex rebuilds the catalogue index from the store's manifests and
// says what it holds.
func reindex(ctx context.Context, store govlake.Store, stdout, stderr io.Writer) int {
	start := time.Now()
	x, err := wire.Reindex(ctx, store)
	if err != nil {
		fmt.Fprintln(stderr, "ingest reindex:", govlake.ErrorMessage(err))
		return 1
	}
	versions, withdrawn := 0, 0
	for _, d := range x.Datasets {
		versions += len(d.Versions)
		withdrawn += len(d.Withdrawn)
	}
	fmt.Fprintf(stdout, "index rebuilt from the store at change %d in %s: %d datasets, %d versions (%d withdrawn)\n",
		x.Seq, time.Since(start).Round(time.Millisecond), len(x.Datasets), versions, withdrawn)
	start = time.Now()
	ids := slices.Sorted(maps.Keys(x.Datasets))
	notes, err := wire.SyncTables(ctx, store, ids)
	for _, id := range slices.Sorted(maps.Keys(notes)) {
		for _, n := range notes[id] {
			fmt.Fprintf(stdout, "Iceberg table %s: %s\n", id, n)
		}
	}
	if err != nil {
		fmt.Fprintln(stderr, "ingest reindex:", govlake.ErrorMessage(err))
		return 1
	}
	fmt.Fprintf(stdout, "Iceberg tables checked in %s: %d datasets\n", time.Since(start).Round(time.Millisecond), len(ids))
	return 0
}
