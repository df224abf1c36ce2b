package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"govlake/internal/govlake"
	"govlake/internal/wire"
)

// template ingests the repository's real pipelines into a folder store:
// the datasets every benchmark store is copied from.
func template(ctx context.Context, dir string) (govlake.Store, []string, error) {
	store, err := wire.OpenStore(ctx, dir, quiet)
	if err != nil {
		return nil, nil, err
	}
	ps, err := wire.LoadPipelines("pipelines")
	if err != nil {
		return nil, nil, fmt.Errorf("load pipelines: %w", err)
	}
	r := wire.NewRunner(store, quiet)
	var ids []string
	for _, p := range ps {
		if run := r.Run(ctx, p); run.Failed() {
			return nil, nil, fmt.Errorf("ingest %s: %s", p.Dataset, run.Error)
		}
		ids = append(ids, p.Dataset)
	}
	return store, ids, nil
}

var quiet = slog.New(slog.NewTextHandler(io.Discard, nil))

// copier copies the template's datasets into a store under new ids, each
// version's files and records with the ids inside rewritten: real
// datasets, as many as wanted, without ingesting each.
type copier struct {
	from  govlake.Store
	to    govlake.Store
	files map[string][]string // template id: its keys (raw sources left out)
	runs  map[string]string   // template id: its run record
	puts  atomic.Int64
}

func newCopier(ctx context.Context, from, to govlake.Store, ids []string) (*copier, error) {
	c := &copier{from: from, to: to, files: map[string][]string{}, runs: map[string]string{}}
	for _, id := range ids {
		objs, err := from.List(ctx, govlake.DatasetPrefix(id))
		if err != nil {
			return nil, err
		}
		for _, o := range objs {
			if !strings.Contains(o.Key, "/raw/") && !strings.HasSuffix(o.Key, "claim.json") {
				c.files[id] = append(c.files[id], o.Key)
			}
		}
		runs, err := from.List(ctx, govlake.RunsPrefix(id))
		if err != nil || len(runs) == 0 {
			return nil, fmt.Errorf("run record of %s: %v", id, err)
		}
		c.runs[id] = runs[len(runs)-1].Key
	}
	return c, nil
}

// dataset copies template dataset id as newID, its version 1 as version n.
func (c *copier) dataset(ctx context.Context, id, newID string, n int) error {
	for _, key := range c.files[id] {
		b, err := read(ctx, c.from, key)
		if err != nil {
			return err
		}
		newKey := rename(key, id, newID, n)
		if strings.HasSuffix(key, ".json") {
			b = rewrite(b, id, newID, n)
		}
		if err := c.to.Put(ctx, newKey, bytes.NewReader(b)); err != nil {
			return fmt.Errorf("copy %s: %w", newKey, err)
		}
		c.puts.Add(1)
	}
	b, err := read(ctx, c.from, c.runs[id])
	if err != nil {
		return err
	}
	c.puts.Add(1)
	return c.to.Put(ctx, strings.Replace(c.runs[id], "runs/"+id+"/", "runs/"+newID+"/", 1), bytes.NewReader(rewrite(b, id, newID, n)))
}

func read(ctx context.Context, s govlake.Store, key string) ([]byte, error) {
	rc, err := s.Get(ctx, key)
	if err != nil {
		return nil, err
	}
	defer rc.Close()
	return io.ReadAll(rc)
}

// rename moves a key of dataset id, version 1, to newID, version n.
func rename(key, id, newID string, n int) string {
	key = strings.Replace(key, govlake.DatasetPrefix(id), govlake.DatasetPrefix(newID), 1)
	return strings.Replace(key, govlake.VersionPrefix(newID, 1), govlake.VersionPrefix(newID, n), 1)
}

// rewrite changes the ids and keys inside a JSON record.
func rewrite(b []byte, id, newID string, n int) []byte {
	s := strings.ReplaceAll(string(b), govlake.VersionPrefix(id, 1), govlake.VersionPrefix(newID, n))
	s = strings.ReplaceAll(s, govlake.DatasetPrefix(id), govlake.DatasetPrefix(newID))
	s = strings.ReplaceAll(s, `"`+id+`"`, `"`+newID+`"`)
	s = strings.Replace(s, `"version": 1,`, fmt.Sprintf(`"version": %d,`, n), 1)
	s = strings.Replace(s, `"version":1,`, fmt.Sprintf(`"version":%d,`, n), 1)
	return []byte(s)
}

// many copies the template round-robin until the store holds n datasets.
func (c *copier) many(ctx context.Context, ids []string, n int) error {
	return parallel(n, 16, func(i int) error {
		id := ids[i%len(ids)]
		return c.dataset(ctx, id, fmt.Sprintf("%s_%05d", id, i/len(ids)), 1)
	})
}

// versions gives one dataset n versions, each a copy of the template's
// first with its own number and creation time.
func (c *copier) versions(ctx context.Context, id, newID string, n int) error {
	t0 := time.Now().Add(-time.Duration(n) * time.Hour).UTC()
	return parallel(n, 16, func(i int) error {
		if err := c.dataset(ctx, id, newID, i+1); err != nil {
			return err
		}
		m, err := govlake.ReadManifest(ctx, c.to, newID, i+1)
		if err != nil {
			return err
		}
		m.CreatedAt = t0.Add(time.Duration(i) * time.Hour)
		b, _ := json.Marshal(m)
		return c.to.Put(ctx, govlake.ManifestKey(newID, i+1), bytes.NewReader(b))
	})
}

// parallel calls f(0..n-1) on workers goroutines and returns the first error.
func parallel(n, workers int, f func(int) error) error {
	var next atomic.Int64
	var first error
	var once sync.Once
	var wg sync.WaitGroup
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				i := int(next.Add(1) - 1)
				if i >= n {
					return
				}
				if err := f(i); err != nil {
					once.Do(func() { first = err })
					return
				}
			}
		}()
	}
	wg.Wait()
	return first
}

// commit lands version n+1 of dataset id as a run does in the store: the
// manifest (a copy of version n's), the run record, then the change to
// the index.
func commit(ctx context.Context, s govlake.Store, id string, n int) error {
	m, err := govlake.ReadManifest(ctx, s, id, n)
	if err != nil {
		return err
	}
	m.Version, m.CreatedAt = n+1, time.Now().UTC()
	b, _ := json.Marshal(m)
	if err := s.Create(ctx, govlake.ManifestKey(id, m.Version), bytes.NewReader(b)); err != nil {
		return err
	}
	v := govlake.VersionOf(m)
	key := govlake.RunKey(id, m.CreatedAt, fmt.Sprintf("bench%d", m.Version))
	run, _ := json.Marshal(govlake.Run{ID: "bench", Pipeline: id, Dataset: id, Status: govlake.RunSucceeded, Version: m.Version, StartedAt: m.CreatedAt, FinishedAt: m.CreatedAt})
	if err := s.Put(ctx, key, bytes.NewReader(run)); err != nil {
		return err
	}
	meta := m.Metadata
	return govlake.AppendChange(ctx, s, &govlake.Change{Kind: govlake.ChangeRun, Dataset: id, Meta: &meta, Version: &v,
		Run: &govlake.RunRef{Key: key, Status: govlake.RunSucceeded}})
}

// history gives n datasets v versions each in the index, to measure the
// catalogue's memory with an index of n×v versions: each dataset's newest
// version is a whole copy, the 19 before it manifests only (the newest 20
// are what a dataset's page reads), and the index snapshot lists all v.
// The older manifests are not written: n×v of them would not fit here.
func (c *copier) history(ctx context.Context, ids []string, n, v int) error {
	x := govlake.NewIndex()
	var mu sync.Mutex
	t0 := time.Now().Add(-time.Duration(v) * 24 * time.Hour).UTC()
	err := parallel(n, 16, func(i int) error {
		id := ids[i%len(ids)]
		newID := fmt.Sprintf("%s_%05d", id, i/len(ids))
		if err := c.dataset(ctx, id, newID, v); err != nil {
			return err
		}
		m, err := govlake.ReadManifest(ctx, c.to, newID, v)
		if err != nil {
			return err
		}
		d := &govlake.IndexedDataset{Meta: m.Metadata, Withdrawn: map[int]*govlake.Withdrawal{}, Published: map[int]bool{}}
		for k := 1; k <= v; k++ {
			m.Version, m.CreatedAt = k, t0.Add(time.Duration(k)*24*time.Hour)
			if k > v-20 {
				b, _ := json.Marshal(m)
				if err := c.to.Put(ctx, govlake.ManifestKey(newID, k), bytes.NewReader(b)); err != nil {
					return err
				}
			}
			d.Versions = append(d.Versions, govlake.VersionOf(m))
		}
		mu.Lock()
		x.Datasets[newID] = d
		mu.Unlock()
		return nil
	})
	if err != nil {
		return err
	}
	return govlake.WriteSnapshot(ctx, c.to, x, time.Now())
}
