package catalog

import (
	"context"
	"sort"
	"strings"

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
	var refs []govlake.RunRef
	whole := true
	for _, id := range snap.ids {
		if pipeline != "" && id != pipeline {
			continue
		}
		e := snap.datasets[id]
		refs = append(refs, e.Runs...)
		if len(e.Runs) == govlake.RunsKept {
			whole = false // older runs may exist that the index does not hold
		}
	}
	base := func(k string) string { return k[strings.LastIndexByte(k, '/')+1:] }
	sort.Slice(refs, func(i, j int) bool { return base(refs[i].Key) > base(refs[j].Key) })
	if !whole {
		// Enough when the newest want come before any dataset's oldest
		// kept run: nothing older than that one can be among them.
		cut := ""
		for _, id := range snap.ids {
			if e := snap.datasets[id]; (pipeline == "" || id == pipeline) && len(e.Runs) == govlake.RunsKept {
				if k := base(e.Runs[len(e.Runs)-1].Key); cut == "" || k > cut {
					cut = k
				}
			}
		}
		whole = len(refs) >= want && base(refs[want-1].Key) > cut
	}
	keys := make([]string, len(refs))
	for i, r := range refs {
		keys[i] = r.Key
	}
	return keys, whole
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
	base := func(k string) string { return k[strings.LastIndexByte(k, '/')+1:] }
	sort.Slice(keys, func(i, j int) bool { return base(keys[i]) > base(keys[j]) })
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
