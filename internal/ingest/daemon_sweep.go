package ingest

import (
	"context"
	"encoding/json"
	"strings"
	"time"

	"govlake/internal/govlake"
)

// sweepLease names the lease of one day's sweep: of several daemons on
// one store, the one that creates it sweeps. Pipeline ids start with a
// letter, so it cannot be a pipeline's.
const sweepLease = "_sweep"

// sweepLoop sweeps the store when the daemon starts and then every
// SweepEvery, until ctx ends.
func (d *Daemon) sweepLoop(ctx context.Context) {
	defer d.wg.Done()
	for {
		d.sweepOnce(ctx)
		select {
		case <-ctx.Done():
			return
		case <-d.Clock.After(d.SweepEvery):
		}
	}
}

// sweepOnce sweeps unless another daemon has this period's lease.
func (d *Daemon) sweepOnce(ctx context.Context) *SweepReport {
	now := d.Clock.Now().UTC()
	at := now.Truncate(d.SweepEvery)
	lease, _ := json.Marshal(map[string]any{"holder": d.Holder, "taken": now})
	err := d.Store.Create(ctx, govlake.LeaseKey(sweepLease, at), strings.NewReader(string(lease)))
	if govlake.ErrorCode(err) == govlake.ECONFLICT {
		return nil
	}
	if err != nil {
		d.Logger.Warn("take the sweep's lease", "err", err)
		return nil
	}
	rep := d.Runner.Sweep(ctx, SweepOptions{Grace: d.SweepGrace, RunTimeout: d.longestTimeout()})
	d.Logger.Info("swept", "work_folders", rep.WorkFolders, "version_folders", rep.Folders, "files", rep.Files,
		"bytes", rep.Bytes, "uploads", rep.Uploads, "died_runs", rep.Runs, "leases", rep.Leases, "abort_rule", rep.Rule)
	for _, e := range rep.Errors {
		d.Logger.Warn("sweep", "err", e)
	}
	return rep
}

// longestTimeout is the longest run timeout of the scheduled pipelines.
func (d *Daemon) longestTimeout() time.Duration {
	d.mu.Lock()
	defer d.mu.Unlock()
	t := govlake.DefaultRunTimeout
	for _, e := range d.entries {
		t = max(t, e.p.Timeout)
	}
	return t
}
