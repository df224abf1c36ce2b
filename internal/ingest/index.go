package ingest

import (
	"context"
	"time"

	"govlake/internal/govlake"
)

// logChange appends c to the store's catalogue index, after the objects
// it describes are written. A failure is logged, not returned: what it
// describes is stored, the next run of the dataset logs its versions
// again, and "ingest reindex" rebuilds the index from the store.
func (r *Runner) logChange(ctx context.Context, c *govlake.Change) {
	c.At = r.Now().UTC()
	var err error
	for attempt := 0; attempt < 3; attempt++ {
		if err = govlake.AppendChange(ctx, r.Store, c); err == nil || ctx.Err() != nil {
			break
		}
		time.Sleep(time.Duration(attempt+1) * 200 * time.Millisecond)
	}
	if err != nil {
		r.Logger.Warn("log a change to the catalogue index; ingest reindex rebuilds it", "dataset", c.Dataset, "kind", c.Kind, "err", err)
	}
}

// outcome is what a run left that the index needs: the dataset's
// metadata as stored, and the version made.
type outcome struct {
	meta *govlake.Metadata
	made *govlake.IndexedVersion
}

// runChange is the change a run record makes.
func runChange(run *govlake.Run, key string, out *outcome) *govlake.Change {
	c := &govlake.Change{Kind: govlake.ChangeRun, Dataset: run.Dataset, Run: &govlake.RunRef{Key: key, Status: run.Status}}
	if out != nil {
		c.Meta, c.Version = out.meta, out.made
	}
	return c
}
