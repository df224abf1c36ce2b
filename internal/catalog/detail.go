package catalog

import (
	"context"
	"sync"

	"govlake/internal/govlake"
)

// RunsShown is how many recent runs a dataset's detail lists.
const RunsShown = govlake.RunsKept

// VersionsShown is how many of the newest versions a dataset's detail
// lists, each read from its manifest; VersionsPage pages through all.
const VersionsShown = 20

// Dataset returns one dataset's metadata, schema, newest versions and
// recent runs (newest first).
func (c *Catalog) Dataset(ctx context.Context, id string) (*govlake.Detail, error) {
	return c.detail(ctx, id, true)
}

// detail is Dataset; without history it leaves out the versions' and runs'
// records (a search's hits need none of them).
func (c *Catalog) detail(ctx context.Context, id string, history bool) (*govlake.Detail, error) {
	e, err := c.entry(ctx, id)
	if err != nil {
		return nil, err
	}
	d := &govlake.Detail{Metadata: e.Meta, Updated: e.Meta.UpdatedAt, Columns: []govlake.Column{}, Versions: []govlake.VersionSummary{},
		Tables: govlake.Tables{LastRunRejected: govlake.LastRunRejectedTable(id)}}
	if v, ok := e.latest(); ok {
		m, err := c.readManifest(ctx, id, v.N)
		if err != nil {
			return nil, err
		}
		d.Version, d.Rows, d.Updated, d.Schema, d.Columns = m.Version, m.Rows.Valid, m.CreatedAt, m.Schema, m.Columns
		d.Profile, d.Files = m.Profile, m.Files
		src := m.Source
		src.RawKey = "" // where the raw bytes are kept is the store's business
		d.Source = &src
		d.Tables = govlake.Tables{Latest: id, Version: id + "__vN", Rejected: govlake.RejectedTable(id), LastRunRejected: d.Tables.LastRunRejected,
			SelectAll: SelectAll(id), Sample: SampleSQL(id)}
	}
	seen := e.visible(ctx)
	d.VersionCount = len(seen)
	if len(seen) > 0 {
		d.FirstVersion = seen[0].Created()
	}
	d.Runs = []*govlake.Run{}
	d.Freshness = govlake.FreshnessAt(d.Frequency, d.Updated, c.now())
	if !history {
		return d, nil
	}
	if d.Versions, err = c.newestVersions(ctx, id, e, seen, Page{Limit: VersionsShown}); err != nil {
		return nil, err
	}
	if err := c.recentRuns(ctx, e, d); err != nil {
		return nil, err
	}
	return d, nil
}

// visible lists the versions the request's principal may see, oldest first.
func (e *entry) visible(ctx context.Context) []govlake.IndexedVersion {
	if govlake.PrincipalFrom(ctx).Can(govlake.RoleEditor, e.Meta.Organization) {
		return e.Versions
	}
	out := make([]govlake.IndexedVersion, 0, len(e.Versions))
	for _, v := range e.Versions {
		if !e.draft(v) {
			out = append(out, v)
		}
	}
	return out
}

// summaries describes versions (oldest first) newest first, from their
// manifests, read a few at a time.
func (c *Catalog) summaries(ctx context.Context, id string, e *entry, vs []govlake.IndexedVersion) ([]govlake.VersionSummary, error) {
	out := make([]govlake.VersionSummary, len(vs))
	errs := make([]error, len(vs))
	var wg sync.WaitGroup
	sem := make(chan struct{}, 8)
	for i, v := range vs {
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer func() { <-sem; wg.Done() }()
			m, err := c.readManifest(ctx, id, v.N)
			if err != nil {
				errs[i] = err
				return
			}
			s := govlake.VersionSummary{Version: v.N, Created: m.CreatedAt, Rows: m.Rows, SHA256: m.Source.SHA256,
				Table: govlake.VersionTable(id, v.N), RunID: m.RunID, Withdrawn: e.Withdrawn[v.N], Diff: m.Diff}
			if e.draft(v) {
				s.Draft, s.DraftReasons = true, m.DraftReasons
			}
			out[len(vs)-1-i] = s
		}()
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			return nil, err
		}
	}
	return out, nil
}

// recentRuns reads the runs the index keeps of the dataset, and its last
// success and failure.
func (c *Catalog) recentRuns(ctx context.Context, e *entry, d *govlake.Detail) error {
	for _, ref := range e.Runs {
		r, err := c.run(ctx, ref.Key)
		if err != nil {
			return err
		}
		d.Runs = append(d.Runs, r)
	}
	for _, ref := range []*govlake.RunRef{e.LastSuccess, e.LastFailure} {
		if ref == nil {
			continue
		}
		r, err := c.run(ctx, ref.Key)
		if err != nil {
			return err
		}
		if r.Status == govlake.RunSucceeded {
			d.LastSuccess = r
		} else {
			d.LastFailure = r
		}
	}
	// A running record past its deadline is a run that died: a failure.
	for _, r := range d.Runs {
		if r.Failed() && (d.LastFailure == nil || r.StartedAt.After(d.LastFailure.StartedAt)) {
			d.LastFailure = r
		}
	}
	return nil
}
