package ingest

import (
	"context"

	"govlake/internal/govlake"
)

// TableWriter keeps each dataset's versions as an open table (Apache
// Iceberg) beside them, for engines that read the lake directly. Both
// methods return notes on what the table cannot hold.
type TableWriter interface {
	// Commit adds a version just committed.
	Commit(ctx context.Context, m *govlake.Manifest) ([]string, error)
	// Sync makes a dataset's table hold exactly its published versions
	// that are not withdrawn.
	Sync(ctx context.Context, id string) ([]string, error)
}

// tableCommit adds a committed version to its dataset's table. A failure
// does not undo the version: the table is derived, the next commit or
// "ingest reindex" mends it, and the run's notes say it lags.
func (r *Runner) tableCommit(ctx context.Context, m *govlake.Manifest) []string {
	if r.Tables == nil {
		return nil
	}
	notes, err := r.Tables.Commit(ctx, m)
	if err != nil {
		r.Logger.Warn("update the Iceberg table; ingest reindex rebuilds it", "dataset", m.Dataset, "version", m.Version, "err", err)
		notes = append(notes, "the Iceberg table does not have this version yet ("+govlake.ErrorMessage(err)+"); the next run or ingest reindex adds it")
	}
	return notes
}

// tableSync brings a dataset's table to its versions after a publication
// or a withdrawal; a failure is logged, for the same reasons.
func (r *Runner) tableSync(ctx context.Context, id string) {
	if r.Tables == nil {
		return
	}
	if _, err := r.Tables.Sync(ctx, id); err != nil {
		r.Logger.Warn("update the Iceberg table; ingest reindex rebuilds it", "dataset", id, "err", err)
	}
}
