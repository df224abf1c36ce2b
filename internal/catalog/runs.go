package catalog

import (
	"context"
	"sort"
	"strings"
	"sync"

	"govlake/internal/govlake"
)

// Runs returns the most recent runs, newest first: of one pipeline, or of
// all when pipeline is "".
func (c *Catalog) Runs(ctx context.Context, pipeline string, limit int) ([]*govlake.Run, error) {
	runs, _, err := c.RunsPage(ctx, pipeline, Page{Limit: limit})
	return runs, err
}

// RunsPage returns one page of Runs, and whether more follow. The index
// keeps each dataset's newest runs: pages within them read no listing;
// pages further back list the run records.
func (c *Catalog) RunsPage(ctx context.Context, pipeline string, p Page) ([]*govlake.Run, bool, error) {
	snap, err := c.current(ctx)
	if err != nil {
		return nil, false, err
	}
	keys, whole := snap.runKeys(pipeline, p.Offset+p.Limit+1)
	if !whole {
		prefix := "runs/"
		if pipeline != "" {
			prefix = govlake.RunsPrefix(pipeline)
		}
		if keys, err = c.listRunKeys(ctx, prefix); err != nil {
			return nil, false, err
		}
	}
	runs, skipped := []*govlake.Run{}, 0
	for _, k := range keys {
		r, err := c.run(ctx, k)
		if err != nil {
			return nil, false, err
		}
		if e := snap.datasets[r.Dataset]; e != nil && e.hidden(ctx) {
			continue // a restricted dataset's runs do not exist for outsiders
		}
		if skipped < p.Offset {
			skipped++
			continue
		}
		if len(runs) == p.Limit {
			return runs, true, nil
		}
		runs = append(runs, r)
	}
	return runs, false, nil
}

// runKeys returns the newest run keys the index holds, of one pipeline or
// of all, newest first, and whether they are all there are or at least
// want of them.
func (snap *snapshot) runKeys(pipeline string, want int) ([]string, bool) {
	if pipeline == "" {
		// Every dataset's runs, sorted once a snapshot: 10,000 datasets
		// keep 200,000.
		all := snap.allRuns
		all.once.Do(func() { all.keys, all.cut, all.full = snap.collectRuns("") })
		return all.keys, enough(all.keys, all.cut, all.full, want)
	}
	keys, cut, full := snap.collectRuns(pipeline)
	return keys, enough(keys, cut, full, want)
}

// runsOf is a snapshot's runs of every dataset, sorted when first asked.
type runsOf struct {
	once sync.Once
	keys []string
	cut  string
	full bool
}

// collectRuns returns the run keys the index holds of one pipeline (or
// all), newest first; full says some dataset holds as many as the index
// keeps (older runs may exist), and cut is then the newest of such a
// dataset's oldest kept run: runs older than it may be missing.
func (snap *snapshot) collectRuns(pipeline string) (keys []string, cut string, full bool) {
	var refs []govlake.RunRef
	for _, id := range snap.ids {
		if pipeline != "" && id != pipeline {
			continue
		}
		e := snap.datasets[id]
		refs = append(refs, e.Runs...)
		if len(e.Runs) == govlake.RunsKept {
			full = true
			if k := govlake.RunName(e.Runs[len(e.Runs)-1].Key); k > cut {
				cut = k
			}
		}
	}
	sort.Slice(refs, func(i, j int) bool { return govlake.RunName(refs[i].Key) > govlake.RunName(refs[j].Key) })
	keys = make([]string, len(refs))
	for i, r := range refs {
		keys[i] = r.Key
	}
	return keys, cut, full
}

// enough says whether the newest want keys are surely all the newest runs:
// nothing is missing, or none is older than the cut.
func enough(keys []string, cut string, full bool, want int) bool {
	return !full || (len(keys) >= want && govlake.RunName(keys[want-1]) >= cut)
}

// listRunKeys lists run records under prefix, newest first. Their names
// start with the start time, so across pipelines they sort by the name.
func (c *Catalog) listRunKeys(ctx context.Context, prefix string) ([]string, error) {
	objs, err := c.store.List(ctx, prefix)
	if err != nil {
		return nil, err
	}
	var keys []string
	for _, o := range objs {
		if strings.HasSuffix(o.Key, ".json") {
			keys = append(keys, o.Key)
		}
	}
	sort.Slice(keys, func(i, j int) bool { return govlake.RunName(keys[i]) > govlake.RunName(keys[j]) })
	return keys, nil
}

func (c *Catalog) run(ctx context.Context, key string) (*govlake.Run, error) {
	if r, ok := c.runs.get(key); ok {
		return r, nil
	}
	r := &govlake.Run{}
	if err := govlake.ReadJSON(ctx, c.store, key, r); err != nil {
		return nil, err
	}
	if r.Status == govlake.RunRunning {
		// Not final: read again next time, and shown as died once past
		// its deadline.
		return r.At(c.now()), nil
	}
	c.runs.put(key, r)
	return r, nil
}
