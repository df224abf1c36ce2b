package catalog

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"runtime/debug"
	"sort"
	"time"

	"govlake/internal/govlake"
)

// The catalogue follows the store through its index (govlake.Index): at
// start the newest snapshot and the changes after it, then at each refresh
// the changes since the last (one listing, one read per change). A refresh
// builds a new snapshot beside the one requests read and swaps the pointer;
// requests never wait for the store, except with TTL 0, where each reads
// what changed first (for tests and single-user tools).

// snapshot is what requests read: immutable once published.
type snapshot struct {
	ids      []string // listed datasets, sorted
	datasets map[string]*entry
	state    string    // digest of what it holds
	modified time.Time // when that last changed
	loadedAt time.Time
	seq      int64
	allRuns  *runsOf // every dataset's runs, sorted when first asked
}

// entry is one dataset as the index holds it.
type entry struct{ *govlake.IndexedDataset }

// Refresh makes sure the catalogue has read the store lately: now with
// TTL 0, before the first read, or when nothing has read it for many TTLs
// (no follower, or the store is down: then readiness checks fail with the
// store's error); otherwise the follower keeps it fresh.
func (c *Catalog) Refresh(ctx context.Context) error {
	v := c.view.Load()
	if v == nil || c.TTL <= 0 || c.now().Sub(v.loadedAt) > max(10*c.TTL, 30*time.Second) {
		return c.refresh(ctx)
	}
	if c.Listing {
		_, err := c.current(ctx)
		return err
	}
	return nil
}

// RefreshNow reads what changed in the store now and waits for it,
// whatever the TTL.
func (c *Catalog) RefreshNow(ctx context.Context) error { return c.refresh(ctx) }

func (c *Catalog) current(ctx context.Context) (*snapshot, error) {
	v := c.view.Load()
	stale := v != nil && c.now().Sub(v.loadedAt) >= c.TTL
	if v == nil || c.TTL <= 0 || (c.Listing && stale) {
		if err := c.refresh(ctx); err != nil {
			if v != nil {
				c.logger.Warn("catalogue refresh failed; serving the previous snapshot", "err", err)
				return v, nil
			}
			return nil, err
		}
		return c.view.Load(), nil
	}
	if stale && c.refreshing.CompareAndSwap(false, true) {
		// Stale: refresh behind the request, which is served what is held.
		go func() {
			defer c.refreshing.Store(false)
			ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), time.Minute)
			defer cancel()
			if err := c.refresh(ctx); err != nil {
				c.logger.Warn("catalogue refresh failed; serving the previous snapshot", "err", err)
			}
		}()
	}
	return v, nil
}

// Follow refreshes every TTL until ctx ends, so that a new version shows
// within TTL of its change even when no request comes.
func (c *Catalog) Follow(ctx context.Context) {
	if c.TTL <= 0 || c.Listing {
		return
	}
	t := time.NewTicker(c.TTL)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			if err := c.refresh(ctx); err != nil && ctx.Err() == nil {
				c.logger.Warn("catalogue refresh failed; serving the previous snapshot", "err", err)
			}
		}
	}
}

// refresh brings the index up to the store and publishes a new snapshot
// when anything changed.
func (c *Catalog) refresh(ctx context.Context) error {
	c.refreshMu.Lock()
	defer c.refreshMu.Unlock()
	var changes []*govlake.Change
	x, err := c.follow(ctx, &changes)
	if err != nil {
		return err
	}
	if v := c.view.Load(); v != nil && x == c.idx && len(changes) == 0 && !c.Listing {
		w := *v
		w.loadedAt = c.now()
		c.view.Store(&w)
		return nil
	}
	for _, ch := range changes {
		if ch.Kind == govlake.ChangeWithdrawn {
			c.forget(ch.Dataset, ch.Number)
		}
	}
	var snap *snapshot
	opened := x != c.idx
	if prev := c.view.Load(); prev != nil && !opened && !c.Listing {
		snap = c.update(prev, x, changes)
	} else {
		snap = c.build(x)
	}
	c.idx = x
	c.view.Store(snap)
	if c.search != nil && c.TTL <= 0 {
		c.search.sync(ctx, c, snap)
	} else if c.search != nil {
		c.searchDue()
	}
	if opened && !c.Listing {
		// Decoding a snapshot (or listing the store) leaves garbage about
		// the size of the index: hand it back to the system now, not over
		// minutes, so a catalogue's memory is what it keeps.
		debug.FreeOSMemory()
	}
	if !c.Listing && x.Seq-c.snapSeq >= govlake.SnapshotEvery {
		// Whoever holds the index writes the next snapshot, so that a
		// start reads at most about SnapshotEvery changes.
		if err := govlake.WriteSnapshot(ctx, c.store, x, c.now()); err != nil {
			c.logger.Warn("write an index snapshot; tried again after as many changes", "seq", x.Seq, "err", err)
		}
		c.snapSeq = x.Seq
	}
	return nil
}

// follow returns the index as the store holds it now, and the changes it
// read to get there.
func (c *Catalog) follow(ctx context.Context, seen *[]*govlake.Change) (*govlake.Index, error) {
	if c.Listing {
		return govlake.ScanIndex(ctx, c.store, c.readManifest)
	}
	if c.idx != nil {
		x, _, err := govlake.CatchUp(ctx, c.store, c.idx, c.readManifest, func(ch *govlake.Change) { *seen = append(*seen, ch) })
		if err == nil {
			return x, nil
		}
		if err != govlake.ErrIndexGap {
			return nil, err
		}
	}
	return c.open(ctx)
}

// open reads the index from its newest snapshot; a store never indexed
// (or whose snapshot is damaged) is listed whole once, and that listing
// stored as the first snapshot.
func (c *Catalog) open(ctx context.Context) (*govlake.Index, error) {
	snaps, err := govlake.Snapshots(ctx, c.store)
	if err != nil {
		return nil, govlake.Errorf(govlake.EUNAVAILABLE, "read the catalogue index: %w", err)
	}
	if len(snaps) > 0 {
		x, _, err := govlake.LoadIndexFrom(ctx, c.store, snaps, c.readManifest)
		if err == nil {
			c.snapSeq = snaps[len(snaps)-1]
			return x, nil
		}
		c.logger.Error("the catalogue index cannot be read; listing the store instead (run ingest reindex)", "err", err)
	}
	x, err := govlake.ScanLive(ctx, c.store, c.readManifest)
	if err != nil {
		return nil, err
	}
	c.snapSeq = x.Seq - govlake.SnapshotEvery // written at the first refresh
	return x, nil
}

// build makes the snapshot requests read from the index.
func (c *Catalog) build(x *govlake.Index) *snapshot {
	snap := &snapshot{datasets: make(map[string]*entry, len(x.Datasets)), loadedAt: c.now(), seq: x.Seq, allRuns: &runsOf{}}
	for id, d := range x.Datasets {
		if !d.Listed() {
			continue // neither metadata nor a version: stray files
		}
		snap.datasets[id] = &entry{d}
		snap.ids = append(snap.ids, id)
	}
	sort.Strings(snap.ids)
	snap.state, snap.modified = snap.digest()
	return snap
}

// update makes the next snapshot from prev and the changes read since:
// only the datasets they name are looked at, so a refresh costs the same
// at 10 datasets and at 10,000 (but for copying the map of entries).
func (c *Catalog) update(prev *snapshot, x *govlake.Index, changes []*govlake.Change) *snapshot {
	snap := &snapshot{datasets: make(map[string]*entry, len(prev.datasets)+1), ids: prev.ids, loadedAt: c.now(), seq: x.Seq, modified: prev.modified, allRuns: &runsOf{}}
	for id, e := range prev.datasets {
		snap.datasets[id] = e
	}
	added := false
	for _, ch := range changes {
		d := x.Datasets[ch.Dataset]
		if d == nil || !d.Listed() {
			continue
		}
		if _, known := snap.datasets[ch.Dataset]; !known {
			added = true
		}
		snap.datasets[ch.Dataset] = &entry{d}
		// What a reader can see changed: metadata, a version, a
		// withdrawal, a publication (not a run record alone).
		seen := []time.Time{d.Meta.UpdatedAt}
		if ch.Version != nil {
			seen = append(seen, ch.Version.Created())
		}
		if ch.Kind == govlake.ChangeWithdrawn || ch.Kind == govlake.ChangePublished {
			seen = append(seen, ch.At)
		}
		for _, t := range seen {
			if t := t.UTC().Truncate(time.Second); t.After(snap.modified) {
				snap.modified = t
			}
		}
	}
	if added {
		snap.ids = make([]string, 0, len(snap.datasets))
		for id := range snap.datasets {
			snap.ids = append(snap.ids, id)
		}
		sort.Strings(snap.ids)
	}
	// The sequence number changes with every change read, and only then.
	h := sha256.Sum256(fmt.Appendf(nil, "%s %d", prev.state, x.Seq))
	snap.state = hex.EncodeToString(h[:12])
	return snap
}

// digest sums up everything a read of the catalogue can show (metadata,
// versions, tombstones, publications), and says when it last changed.
func (snap *snapshot) digest() (string, time.Time) {
	h := sha256.New()
	var last time.Time
	later := func(t time.Time) {
		if t.After(last) {
			last = t
		}
	}
	for _, id := range snap.ids {
		e := snap.datasets[id]
		fmt.Fprintf(h, "%s %s %d\n", id, e.Meta.UpdatedAt.UTC().Format(time.RFC3339Nano), len(e.Versions))
		later(e.Meta.UpdatedAt)
		if n := len(e.Versions); n > 0 {
			v := e.Versions[n-1]
			fmt.Fprintf(h, " v%d %d %v\n", v.N, v.Created().UnixNano(), e.Published[v.N])
			later(v.Created())
		}
		sum := 0
		for n, w := range e.Withdrawn {
			sum += n
			later(w.At)
		}
		fmt.Fprintf(h, " w%d %d p%d\n", len(e.Withdrawn), sum, len(e.Published))
	}
	return hex.EncodeToString(h.Sum(nil)[:12]), last.UTC().Truncate(time.Second)
}
