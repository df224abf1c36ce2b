package govlake

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"time"
)

// runsSearched bounds how many old run records a rebuild reads, looking
// for a dataset's last success and last failure.
const runsSearched = 500

// ScanIndex builds the index from the store itself: every dataset.json,
// manifest, tombstone and publication under datasets/, and the newest run
// records under runs/. It is what the log saves a reader from doing, and
// how a missing or damaged index is rebuilt.
func ScanIndex(ctx context.Context, s Store, read ManifestReader) (*Index, error) {
	objs, err := s.List(ctx, "datasets/")
	if err != nil {
		return nil, Errorf(EUNAVAILABLE, "list datasets in the store: %w", err)
	}
	x := NewIndex()
	get := func(id string) *IndexedDataset {
		d := x.Datasets[id]
		if d == nil {
			d = &IndexedDataset{Withdrawn: map[int]*Withdrawal{}, Published: map[int]bool{}}
			x.Datasets[id] = d
		}
		return d
	}
	var newest = map[string]*Manifest{}
	for _, o := range objs {
		id, file, ok := strings.Cut(strings.TrimPrefix(o.Key, "datasets/"), "/")
		if !ok {
			continue
		}
		n, isManifest, ok := ParseVersionKey(id, o.Key)
		switch {
		case file == "dataset.json":
			if err := ReadJSON(ctx, s, o.Key, &get(id).Meta); err != nil {
				return nil, err
			}
		case ok && isManifest:
			m, err := read(ctx, id, n)
			if err != nil {
				return nil, err
			}
			get(id).add(VersionOf(m))
			if cur := newest[id]; cur == nil || cur.Version < n {
				newest[id] = m
			}
		case ok && strings.HasSuffix(o.Key, "/withdrawn.json"):
			var w Withdrawal
			if err := ReadJSON(ctx, s, o.Key, &w); err != nil {
				return nil, err
			}
			get(id).Withdrawn[n] = &w
		case ok && strings.HasSuffix(o.Key, "/published.json"):
			get(id).Published[n] = true
		}
	}
	for id, d := range x.Datasets {
		if d.Meta.ID == "" && newest[id] != nil {
			d.Meta = newest[id].Metadata // a dataset.json not written yet
		}
	}
	if err := scanRuns(ctx, s, x); err != nil {
		return nil, err
	}
	return x, nil
}

// scanRuns gives each dataset its newest runs, and its last success and
// failure among the runsSearched newest.
func scanRuns(ctx context.Context, s Store, x *Index) error {
	objs, err := s.List(ctx, "runs/")
	if err != nil {
		return Errorf(EUNAVAILABLE, "list run records in the store: %w", err)
	}
	byPipeline := map[string][]string{}
	for _, o := range objs {
		pl, rest, ok := strings.Cut(strings.TrimPrefix(o.Key, "runs/"), "/")
		if ok && !strings.Contains(rest, "/") && strings.HasSuffix(rest, ".json") {
			byPipeline[pl] = append(byPipeline[pl], o.Key)
		}
	}
	for pl, keys := range byPipeline {
		sort.Sort(sort.Reverse(sort.StringSlice(keys)))
		for i, key := range keys {
			var r Run
			if err := ReadJSON(ctx, s, key, &r); err != nil {
				return err
			}
			id := r.Dataset
			if id == "" {
				id = pl
			}
			d := x.Datasets[id]
			if d == nil {
				break // runs of a dataset with no file: nothing to list them under
			}
			ref := RunRef{Key: key, Status: r.Status}
			if i < RunsKept {
				d.Runs = append(d.Runs, ref)
			}
			if r.Status == RunSucceeded && d.LastSuccess == nil {
				d.LastSuccess = &ref
			}
			if ref.failed() && d.LastFailure == nil {
				d.LastFailure = &ref
			}
			if i+1 >= RunsKept && (d.LastSuccess != nil && d.LastFailure != nil || i+1 >= runsSearched) {
				break
			}
		}
	}
	return nil
}

// ScanLive lists the store whole, as ScanIndex, and applies the changes
// logged since the listing began: the index of a store with no snapshot.
func ScanLive(ctx context.Context, s Store, read ManifestReader) (*Index, error) {
	x, err := scanFrom(ctx, s, read)
	if err != nil {
		return nil, err
	}
	x, _, err = CatchUp(ctx, s, x, read, nil)
	return x, err
}

// scanFrom is ScanIndex at the log's last change before the listing.
func scanFrom(ctx context.Context, s Store, read ManifestReader) (*Index, error) {
	from, err := lastSeq(ctx, s)
	if err != nil {
		return nil, err
	}
	x, err := ScanIndex(ctx, s, read)
	if err != nil {
		return nil, err
	}
	x.Seq = from
	return x, nil
}

// Reindex rebuilds the index from the store and logs the rebuild, so that
// readers start again from it; it returns the rebuilt index.
func Reindex(ctx context.Context, s Store, read ManifestReader, now time.Time) (*Index, error) {
	x, err := scanFrom(ctx, s, read)
	if err != nil {
		return nil, err
	}
	key := fmt.Sprintf("index/rebuild/%s-%012d.json", now.UTC().Format("20060102T150405.000000000Z"), x.Seq)
	if err := writeSnapshotKey(ctx, s, key, x, now); err != nil {
		return nil, err
	}
	c := &Change{Kind: ChangeReindex, At: now.UTC(), Snapshot: key, From: x.Seq}
	if err := AppendChange(ctx, s, c); err != nil {
		return nil, err
	}
	x.rebuiltAt = c.Seq
	x, _, err = CatchUp(ctx, s, x, read, nil)
	if err != nil {
		return nil, err
	}
	// The next reader starts here rather than from the rebuild.
	if err := WriteSnapshot(ctx, s, x, now); err != nil {
		return nil, err
	}
	return x, nil
}
