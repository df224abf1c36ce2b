package catalog

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"

	"govlake/internal/govlake"
)

// Table resolves an SQL table name: a dataset's id is its latest version,
// id__vN version N, id__rejected and id__vN__rejected their rejected rows.
// The files are fetched into local paths only now, when a query needs them.
func (c *Catalog) Table(ctx context.Context, name string) (govlake.Table, error) {
	snap, err := c.current(ctx)
	if err != nil {
		return govlake.Table{}, err
	}
	notFound := govlake.Errorf(govlake.ENOTFOUND, "no dataset or table named %s; GET /api/v1/datasets lists them", name)
	if id, ok := govlake.CutLastRunRejected(name); ok {
		if _, known := snap.datasets[id]; !known {
			return govlake.Table{}, notFound
		}
		return c.lastRunRejected(ctx, name, id)
	}
	base, rejected := strings.CutSuffix(name, "__rejected")
	id, asof, dated := strings.Cut(base, "__asof_")
	ver, versioned := "", false
	if !dated {
		id, ver, versioned = strings.Cut(base, "__v")
	}
	e, ok := snap.datasets[id]
	if !ok {
		return govlake.Table{}, notFound
	}
	v, ok := e.latest()
	if !ok && len(e.Versions) > 0 {
		if len(e.Withdrawn) == len(e.Versions) {
			return govlake.Table{}, govlake.Errorf(govlake.EGONE, "every version of dataset %s was withdrawn", id)
		}
		if !versioned {
			return govlake.Table{}, govlake.Errorf(govlake.ENOTFOUND, "dataset %s has no published version yet", id)
		}
	}
	if !ok && !versioned {
		return govlake.Table{}, govlake.Errorf(govlake.ENOTFOUND, "dataset %s has no version yet: its runs have made none (its page, /datasets/%s, says why; the last run's rejected rows are in %s)", id, id, govlake.LastRunRejectedTable(id))
	}
	if dated {
		day, err := time.Parse("20060102", asof)
		if err != nil {
			return govlake.Table{}, govlake.Errorf(govlake.EINVALID, "%s: write the date as YYYYMMDD, as in %s__asof_20240131", name, id)
		}
		// The version current at the end of that day (UTC).
		end := day.Add(24 * time.Hour)
		ok = false
		for _, w := range e.Versions {
			if w.Created().Before(end) && !e.draft(w) {
				v, ok = w, true
			}
		}
		if !ok {
			return govlake.Table{}, govlake.Errorf(govlake.ENOTFOUND, "dataset %s had no version yet on %s (its first is of %s)", id, day.Format(time.DateOnly), e.Versions[0].Created().Format(time.DateOnly))
		}
	}
	if versioned {
		n, err := strconv.Atoi(ver)
		if err != nil || strconv.Itoa(n) != ver {
			return govlake.Table{}, notFound
		}
		if v, ok = e.Find(n); !ok {
			return govlake.Table{}, govlake.Errorf(govlake.ENOTFOUND, "dataset %s has no version %d", id, n)
		}
	}
	if w := e.Withdrawn[v.N]; w != nil {
		return govlake.Table{}, govlake.Errorf(govlake.EGONE, "version %d of %s was %s", v.N, id, w.Text())
	}
	m, err := c.readManifest(ctx, id, v.N)
	if err != nil {
		return govlake.Table{}, err
	}
	keys := make([]string, 0, len(m.Files))
	for _, f := range m.Files {
		keys = append(keys, f.Key)
	}
	cols := m.Columns
	if rejected {
		if m.Rejected == nil {
			return govlake.Table{}, govlake.Errorf(govlake.ENOTFOUND, "version %d of %s keeps no rejected rows file", m.Version, id)
		}
		keys, cols = []string{m.Rejected.Key}, govlake.RejectedColumns
	}
	return c.localTable(ctx, name, keys, cols)
}

// localTable is a table over stored files, fetched to local paths.
func (c *Catalog) localTable(ctx context.Context, name string, keys []string, cols []govlake.Column) (govlake.Table, error) {
	t := govlake.Table{Name: name, Columns: cols}
	for _, k := range keys {
		p, err := c.local.LocalPath(ctx, k)
		if err != nil {
			return govlake.Table{}, fmt.Errorf("fetch %s for table %s: %w", k, name, err)
		}
		t.Files = append(t.Files, p)
	}
	return t, nil
}

// lastRunRejected is the table of the newest run's rejections: the file a
// run that made no version kept, or the rejected file of the version the
// run made (or found unchanged).
func (c *Catalog) lastRunRejected(ctx context.Context, name, id string) (govlake.Table, error) {
	e, err := c.entry(ctx, id)
	if err != nil {
		return govlake.Table{}, err
	}
	if len(e.Runs) == 0 {
		return govlake.Table{}, govlake.Errorf(govlake.ENOTFOUND, "dataset %s has no run recorded", id)
	}
	var r *govlake.Run
	for _, ref := range e.Runs { // the newest finished run: one still running has no rejections yet
		if r, err = c.run(ctx, ref.Key); err != nil {
			return govlake.Table{}, err
		}
		if r.Status != govlake.RunRunning {
			break
		}
	}
	if w := e.Withdrawn[r.Version]; w != nil {
		return govlake.Table{}, govlake.Errorf(govlake.EGONE, "the last run of %s made version %d, which was %s", id, r.Version, w.Text())
	}
	key := r.RejectedKey
	if key == "" && r.Version > 0 {
		if m, err := c.Version(ctx, id, r.Version); err == nil && m.Rejected != nil {
			key = m.Rejected.Key
		}
	}
	if key == "" {
		return govlake.Table{}, govlake.Errorf(govlake.ENOTFOUND, "the last run of %s (%s, %s) kept no rejected rows", id, r.Status, r.StartedAt.Format(time.RFC3339))
	}
	return c.localTable(ctx, name, []string{key}, govlake.RejectedColumns)
}

// VersionAsOf returns the version of dataset id that was current at the end
// of day (UTC): the newest created before the next day began.
func (c *Catalog) VersionAsOf(ctx context.Context, id string, day time.Time) (int, error) {
	e, err := c.entry(ctx, id)
	if err != nil {
		return 0, err
	}
	end := day.Truncate(24 * time.Hour).Add(24 * time.Hour)
	n := 0
	for _, v := range e.Versions {
		if v.Created().Before(end) {
			n = v.N
		}
	}
	if n == 0 {
		return 0, govlake.Errorf(govlake.ENOTFOUND, "dataset %s had no version yet on %s", id, day.Format(time.DateOnly))
	}
	return n, nil
}
