package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"os"
	"time"

	"govlake/internal/govlake"
	"govlake/internal/wire"
)

// sweep removes what killed runs left in the store and the work folder,
// and prints what it removed.
func sweep(ctx context.Context, dir string, store govlake.Store, grace time.Duration, logger *slog.Logger, stdout, stderr io.Writer) int {
	if grace < 0 {
		fmt.Fprintln(stderr, "ingest sweep: -grace must not be negative")
		return 2
	}
	// The longest timeout of the pipelines (files, and datasets defined
	// through the catalogue) tells how old an upload must be to have no
	// live run; without any, the default timeout.
	var longest time.Duration
	ps, _ := wire.LoadPipelines(dir)
	if defs, err := os.MkdirTemp("", "govlake-api-definitions-"); err == nil {
		api, _, _ := wire.APIPipelines(ctx, store, logger, defs)
		ps = append(ps, api...)
		os.RemoveAll(defs)
	}
	for _, p := range ps {
		longest = max(longest, p.Timeout)
	}
	if longest == 0 {
		longest = govlake.DefaultRunTimeout
	}
	rep := wire.Sweep(ctx, store, logger, grace, longest)
	fmt.Fprintf(stdout, "work folders removed:        %d\n", rep.WorkFolders)
	fmt.Fprintf(stdout, "dead version folders emptied: %d (%d files, %s)\n", rep.Folders, rep.Files, govlake.ByteSize(rep.Bytes))
	fmt.Fprintf(stdout, "unfinished uploads aborted:  %d\n", rep.Uploads)
	fmt.Fprintf(stdout, "run records marked died:     %d\n", rep.Runs)
	fmt.Fprintf(stdout, "old leases removed:          %d\n", rep.Leases)
	if rep.IndexSnapshot > 0 {
		fmt.Fprintf(stdout, "index snapshot written at:   change %d\n", rep.IndexSnapshot)
	}
	fmt.Fprintf(stdout, "old index objects removed:   %d\n", rep.IndexRemoved)
	if rep.Rule != "" {
		fmt.Fprintf(stdout, "abort-unfinished-upload rule: %s\n", rep.Rule)
	}
	for _, e := range rep.Errors {
		fmt.Fprintln(stderr, "ingest sweep:", e)
	}
	if len(rep.Errors) > 0 {
		return 1
	}
	return 0
}
