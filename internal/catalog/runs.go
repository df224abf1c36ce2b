package catalog

import (
	"context"
	"sort"
	"strings"

	"govlake/internal/govlake"
)

// RunsSearched bounds how far back a dataset's detail looks for its last
// success and last failure.
const RunsSearched = 500

// Runs returns the most recent runs, newest first: of one pipeline, or of
// all when pipeline is "".
func (c *Catalog) Runs(ctx context.Context, pipeline string, limit int) ([]*govlake.Run, error) {
	runs, _, err := c.RunsPage(ctx, pipeline, Page{Limit: limit})
	return runs, err
}

// RunsPage returns one page of Runs, and whether more follow.
func (c *Catalog) RunsPage(ctx context.Context, pipeline string, p Page) ([]*govlake.Run, bool, error) {
	prefix := "runs/"
	if pipeline != "" {
		prefix = govlake.RunsPrefix(pipeline)
	}
	keys, err := c.runKeys(ctx, prefix)
	if err != nil {
		return nil, false, err
	}
	snap, err := c.current(ctx)
	if err != nil {
		return nil, false, err
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

// runKeys lists run records under prefix, newest first. Their names start
// with the start time, so across pipelines they sort by the name alone.
func (c *Catalog) runKeys(ctx context.Context, prefix string) ([]string, error) {
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
	base := func(k string) string { return k[strings.LastIndexByte(k, '/')+1:] }
	sort.Slice(keys, func(i, j int) bool { return base(keys[i]) > base(keys[j]) })
	return keys, nil
}

func (c *Catalog) run(ctx context.Context, key string) (*govlake.Run, error) {
	c.runMu.Lock()
	r, ok := c.runs[key]
	c.runMu.Unlock()
	if ok {
		return r, nil
	}
	r = &govlake.Run{}
	if err := govlake.ReadJSON(ctx, c.store, key, r); err != nil {
		return nil, err
	}
	if r.Status == govlake.RunRunning {
		// Not final: read again next time, and shown as died once past
		// its deadline.
		return r.At(c.now()), nil
	}
	c.runMu.Lock()
	if len(c.runs) > 100000 {
		clear(c.runs) // a crude bound; records are cheap to read again
	}
	c.runs[key] = r
	c.runMu.Unlock()
	return r, nil
}
