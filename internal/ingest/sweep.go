package ingest

import (
	"context"
	"fmt"
	"strings"
	"time"

	"govlake/internal/govlake"
)

// A run killed with SIGKILL, or whose machine stopped, cannot clean up
// after itself. The sweep does it later, from what the store and the work
// folder say, and removes only what no live writer can still use: a
// version folder's files once every claim on it passed its deadline more
// than the grace period ago, an upload started before any live run could
// have, a work folder whose lock nobody holds.

// UploadSweeper is a store that can abort the uploads it never finished
// (S3 multipart uploads; a folder's temporary files) begun before a time.
type UploadSweeper interface {
	AbortUploads(ctx context.Context, prefix string, before time.Time) (int, error)
}

// AbortRuler is a store that can keep a rule by which the server itself
// aborts unfinished uploads after some days (an S3 lifecycle rule).
type AbortRuler interface {
	// EnsureAbortRule adds the rule unless one is there, keeping the
	// bucket's other rules, and says what it found or did.
	EnsureAbortRule(ctx context.Context, days int) (string, error)
}

// SweepOptions say how old a leftover must be to go.
type SweepOptions struct {
	// Grace is how long past its deadline a claim is left alone, and must
	// exceed the clock skew between machines.
	Grace time.Duration
	// RunTimeout is the longest timeout of any run (default
	// govlake.DefaultRunTimeout): an upload older than it plus Grace has
	// no live run.
	RunTimeout time.Duration
	// Datasets limits the sweep to these datasets (all when empty); runs,
	// leases and the bucket rule are swept only when it is empty.
	Datasets []string
}

// DefaultSweepGrace is the grace period of `ingest sweep` and of serve's
// daily sweep.
const DefaultSweepGrace = time.Hour

// leaseAge is how long leases are kept: the daemon never runs a time
// further back than its start, so older leases decide nothing.
const leaseAge = 7 * 24 * time.Hour

// SweepReport says what a sweep removed.
type SweepReport struct {
	WorkFolders int   `json:"work_folders"`
	Folders     int   `json:"version_folders"`
	Files       int   `json:"files"`
	Bytes       int64 `json:"bytes"`
	Uploads     int   `json:"uploads"`
	Runs        int   `json:"died_runs"`
	Leases      int   `json:"leases"`
	// IndexSnapshot is the change a snapshot of the index was written at
	// (0: none needed); IndexRemoved counts old snapshots and changes removed.
	IndexSnapshot int64    `json:"index_snapshot,omitempty"`
	IndexRemoved  int      `json:"index_removed,omitempty"`
	Rule          string   `json:"abort_rule,omitempty"`
	Errors        []string `json:"errors,omitempty"`
}

func (s *SweepReport) fail(what string, err error) {
	s.Errors = append(s.Errors, what+": "+govlake.ErrorMessage(err))
}

// Sweep removes what killed runs left behind.
func (r *Runner) Sweep(ctx context.Context, o SweepOptions) *SweepReport {
	if o.RunTimeout <= 0 {
		o.RunTimeout = govlake.DefaultRunTimeout
	}
	rep := &SweepReport{WorkFolders: sweepWorkDirs(r.TempDir, r.Now())}
	now := r.Now()
	ids := o.Datasets
	if len(ids) == 0 {
		var err error
		if ids, err = r.datasetIDs(ctx); err != nil {
			rep.fail("list datasets", err)
		}
	}
	for _, id := range ids {
		if err := r.sweepVersions(ctx, id, now.Add(-o.Grace), rep); err != nil {
			rep.fail("dataset "+id, err)
		}
	}
	if us, ok := r.Store.(UploadSweeper); ok {
		prefixes := []string{""}
		if len(o.Datasets) > 0 {
			prefixes = nil
			for _, id := range o.Datasets {
				prefixes = append(prefixes, govlake.DatasetPrefix(id))
			}
		}
		for _, p := range prefixes {
			n, err := us.AbortUploads(ctx, p, now.Add(-o.Grace-o.RunTimeout))
			rep.Uploads += n
			if err != nil {
				rep.fail("abort unfinished uploads", err)
			}
		}
	}
	if len(o.Datasets) > 0 {
		return rep
	}
	r.sweepRuns(ctx, now, rep)
	r.sweepLeases(ctx, now, rep)
	r.sweepIndex(ctx, now, rep)
	if ar, ok := r.Store.(AbortRuler); ok {
		rule, err := ar.EnsureAbortRule(ctx, 1)
		rep.Rule = rule
		if err != nil {
			rep.fail("abort-incomplete-upload rule", err)
		}
	}
	return rep
}

// Of the index, the sweep keeps the newest snapshotsKept snapshots, and
// the changes after the oldest of them or younger than changesKept.
const (
	snapshotsKept = 3
	changesKept   = 7 * 24 * time.Hour
)

// sweepIndex writes a snapshot of the index when more than a snapshot's
// worth of changes came since the last (a store no catalogue follows has
// no one else to write them), then removes old snapshots and changes.
func (r *Runner) sweepIndex(ctx context.Context, now time.Time, rep *SweepReport) {
	snaps, err := govlake.Snapshots(ctx, r.Store)
	if err != nil {
		rep.fail("read the index", err)
		return
	}
	x, found, err := govlake.LoadIndexFrom(ctx, r.Store, snaps, govlake.StoreManifests(r.Store))
	if err != nil {
		rep.fail("read the index (ingest reindex rebuilds it)", err)
		return
	}
	if found && (len(snaps) == 0 || x.Seq-snaps[len(snaps)-1] >= govlake.SnapshotEvery) {
		if err := govlake.WriteSnapshot(ctx, r.Store, x, now); err != nil {
			rep.fail("write an index snapshot", err)
			return
		}
		rep.IndexSnapshot = x.Seq
	}
	n, err := govlake.PruneIndex(ctx, r.Store, snapshotsKept, now.Add(-changesKept))
	rep.IndexRemoved = n
	if err != nil {
		rep.fail("remove old index changes", err)
	}
}

// sweepBefore is the sweep a run does first, for its own dataset: what
// its killed predecessors left goes without waiting for the daily sweep.
func (r *Runner) sweepBefore(ctx context.Context, p *govlake.Pipeline) {
	rep := r.Sweep(ctx, SweepOptions{Grace: DefaultSweepGrace, RunTimeout: max(p.Timeout, govlake.DefaultRunTimeout), Datasets: []string{p.Dataset}})
	if rep.WorkFolders+rep.Files+rep.Uploads > 0 {
		r.Logger.Info("removed what runs that did not finish left", "dataset", p.Dataset,
			"work_folders", rep.WorkFolders, "files", rep.Files, "bytes", rep.Bytes, "uploads", rep.Uploads)
	}
	for _, e := range rep.Errors {
		r.Logger.Warn("sweep before the run", "dataset", p.Dataset, "err", e)
	}
}

// datasetIDs lists the datasets that have a versions folder.
func (r *Runner) datasetIDs(ctx context.Context) ([]string, error) {
	objs, err := r.Store.List(ctx, "datasets/")
	if err != nil {
		return nil, err
	}
	var ids []string
	seen := map[string]bool{}
	for _, o := range objs {
		id, rest, ok := strings.Cut(strings.TrimPrefix(o.Key, "datasets/"), "/")
		if ok && strings.HasPrefix(rest, "versions/") && !seen[id] {
			seen[id] = true
			ids = append(ids, id)
		}
	}
	return ids, nil
}

// sweepVersions empties the version folders of runs that died: files go
// once every claim expired before cutoff. A number below the latest
// version is never used again, so its claims go too; numbers above it
// keep their claims, so that the run that reuses one takes the next
// generation and a dead writer's late upload cannot land on its files. In
// a committed version, the files of other generations (writers that lost
// the number) go.
func (r *Runner) sweepVersions(ctx context.Context, id string, cutoff time.Time, rep *SweepReport) error {
	objs, err := r.Store.List(ctx, govlake.VersionsPrefix(id))
	if err != nil {
		return err
	}
	folders := govlake.VersionFolders(id, objs)
	latest := 0
	for _, f := range folders {
		if f.Manifest != nil {
			latest = f.Version
		}
	}
	for _, f := range folders {
		var gone []govlake.ObjectInfo
		switch {
		case f.Manifest != nil:
			gone, err = r.losers(ctx, id, f, cutoff)
			if err != nil {
				return err
			}
		case f.Newest().Before(cutoff) && claimsExpired(ctx, r.Store, f.Claims, cutoff):
			for _, files := range f.Data {
				gone = append(gone, files...)
			}
			if f.Version < latest {
				for _, c := range f.Claims {
					gone = append(gone, c)
				}
			}
			if len(gone) > 0 {
				rep.Folders++
			}
		}
		// Data before claims: a claim is never gone while its files stay.
		for _, o := range gone {
			if err := r.Store.Delete(ctx, o.Key); err != nil {
				return fmt.Errorf("remove %s: %w", o.Key, err)
			}
			rep.Files++
			rep.Bytes += o.Size
		}
	}
	return nil
}

// losers returns the files and claims of a committed version's other
// generations whose claims expired before cutoff.
func (r *Runner) losers(ctx context.Context, id string, f *govlake.VersionFolder, cutoff time.Time) ([]govlake.ObjectInfo, error) {
	if f.MaxGen <= 1 {
		return nil, nil
	}
	m, err := govlake.ReadManifest(ctx, r.Store, id, f.Version)
	if err != nil {
		return nil, err
	}
	won := 1
	if len(m.Files) > 0 {
		won = govlake.GenOf(id, f.Version, m.Files[0].Key)
	}
	var data, claims []govlake.ObjectInfo
	for g := 1; g <= f.MaxGen; g++ {
		c, hasClaim := f.Claims[g]
		if g == won || (hasClaim && !claimsExpired(ctx, r.Store, map[int]govlake.ObjectInfo{g: c}, cutoff)) {
			continue
		}
		for _, o := range f.Data[g] {
			if o.ModTime.Before(cutoff) {
				data = append(data, o)
			}
		}
		if hasClaim {
			claims = append(claims, c)
		}
	}
	return append(data, claims...), nil
}

// recentRuns is how far back the sweep reads run records: serve sweeps
// daily, so a died run is finished within days of its death; older
// running records still read as died (Run.At).
const recentRuns = 8 * 24 * time.Hour

// sweepRuns rewrites the recent running records past their deadline as
// the died runs they are.
func (r *Runner) sweepRuns(ctx context.Context, now time.Time, rep *SweepReport) {
	objs, err := r.Store.List(ctx, "runs/")
	if err != nil {
		rep.fail("list run records", err)
		return
	}
	for _, o := range objs {
		base := o.Key[strings.LastIndex(o.Key, "/")+1:]
		if !strings.HasSuffix(base, ".json") || len(base) < 20 {
			continue
		}
		started, err := time.Parse("20060102T150405.000Z", base[:20])
		if err != nil || now.Sub(started) > recentRuns {
			continue
		}
		var run govlake.Run
		if err := govlake.ReadJSON(ctx, r.Store, o.Key, &run); err != nil {
			rep.fail("read run record", err)
			continue
		}
		if d := run.At(now); d.Status == govlake.RunDied && run.Status == govlake.RunRunning {
			out := &outcome{}
			if m := r.committedBy(ctx, &run); m != nil {
				// Killed after its manifest and before its record's end.
				d.Status, d.Version, d.Rows, d.FinishedAt, d.Error = govlake.RunSucceeded, m.Version, m.Rows, m.CreatedAt, ""
				d.Source, d.Validation, d.Draft = m.Source, m.Validation, m.DraftReasons
				made := govlake.VersionOf(m)
				out.made = &made
			}
			if err := r.putJSON(ctx, o.Key, d, false); err != nil {
				rep.fail("finish run record", err)
				continue
			}
			r.logChange(ctx, runChange(d, o.Key, out))
			rep.Runs++
		}
	}
}

// committedBy returns the manifest of the version a run committed, if it
// did: among the versions made since it started.
func (r *Runner) committedBy(ctx context.Context, run *govlake.Run) *govlake.Manifest {
	objs, err := r.Store.List(ctx, govlake.VersionsPrefix(run.Dataset))
	if err != nil {
		return nil
	}
	for _, f := range govlake.VersionFolders(run.Dataset, objs) {
		if f.Manifest == nil || f.Manifest.ModTime.Before(run.StartedAt.Add(-time.Minute)) {
			continue
		}
		if m, err := govlake.ReadManifest(ctx, r.Store, run.Dataset, f.Version); err == nil && m.RunID == run.ID {
			return m
		}
	}
	return nil
}

// sweepLeases removes the leases of scheduled times long past.
func (r *Runner) sweepLeases(ctx context.Context, now time.Time, rep *SweepReport) {
	objs, err := r.Store.List(ctx, "leases/")
	if err != nil {
		rep.fail("list leases", err)
		return
	}
	for _, o := range objs {
		base := strings.TrimSuffix(o.Key[strings.LastIndex(o.Key, "/")+1:], ".json")
		at, err := time.Parse("20060102T150405Z", base)
		if err != nil || now.Sub(at) <= leaseAge {
			continue
		}
		if err := r.Store.Delete(ctx, o.Key); err != nil {
			rep.fail("remove lease", err)
			return
		}
		rep.Leases++
	}
}
