package govlake

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"
)

// The catalogue index lets a reader follow the store without listing it.
// Every writer appends a Change to a log of sequence-numbered objects
// (index/log/<seq>.json) after the objects it describes are written; the
// sequence is taken by conditional create, so concurrent writers never
// share a number and the log has no holes. A snapshot of the whole index
// (index/snap/<seq>.json) is written from time to time, so a reader starts
// from the newest snapshot and reads only the changes after it: one
// listing and one read per change, whatever the number of datasets. The
// index is derived: manifests stay the truth, and ScanIndex rebuilds it
// from them ("ingest reindex").
const (
	IndexLogPrefix  = "index/log/"
	IndexSnapPrefix = "index/snap/"
	IndexHeadKey    = "index/head.json"
	// SnapshotEvery is how many changes may pile up after the newest
	// snapshot before a reader that holds the index writes the next.
	SnapshotEvery = 1000
	// RunsKept is how many recent runs the index keeps of each dataset.
	RunsKept = 20
)

// LogKey and SnapKey name a change and a snapshot by sequence number,
// zero-padded so that keys sort in sequence order.
func LogKey(seq int64) string  { return fmt.Sprintf("%s%012d.json", IndexLogPrefix, seq) }
func SnapKey(seq int64) string { return fmt.Sprintf("%s%012d.json", IndexSnapPrefix, seq) }

// seqOf reads the sequence number of a log or snapshot key.
func seqOf(prefix, key string) (int64, bool) {
	num, ok := strings.CutSuffix(strings.TrimPrefix(key, prefix), ".json")
	if !ok || len(num) != 12 {
		return 0, false
	}
	n, err := strconv.ParseInt(num, 10, 64)
	return n, err == nil && n >= 0 // a snapshot of a store never logged is at 0
}

// Kinds of change.
const (
	ChangeRun       = "run"       // a run record was written (Run), with what the run left (Meta, Version)
	ChangeMetadata  = "metadata"  // dataset.json was written (Meta)
	ChangeWithdrawn = "withdrawn" // a version was withdrawn (Number, Withdrawal)
	ChangePublished = "published" // a draft version was published (Number)
	ChangeReindex   = "reindex"   // the index was rebuilt: the snapshot of this sequence replaces everything
)

// Change is one entry of the index's log.
type Change struct {
	Seq     int64     `json:"seq"`
	Kind    string    `json:"kind"`
	Dataset string    `json:"dataset,omitempty"`
	At      time.Time `json:"at"`
	// Meta is the dataset's metadata as dataset.json holds it now.
	Meta *Metadata `json:"metadata,omitempty"`
	// Version is a version the change made (a run's commit).
	Version *IndexedVersion `json:"version,omitempty"`
	// Number is the version withdrawn or published.
	Number     int         `json:"number,omitempty"`
	Withdrawal *Withdrawal `json:"withdrawal,omitempty"`
	Run        *RunRef     `json:"run,omitempty"`
	// Snapshot and From, of a reindex: the rebuilt index, listed from
	// the store after change From.
	Snapshot string `json:"snapshot,omitempty"`
	From     int64  `json:"from,omitempty"`
}

// IndexedVersion is what the index keeps of a version: enough to list it
// and to pick a table by date; the manifest holds the rest. It is small
// (32 bytes): an index holds millions.
type IndexedVersion struct {
	N       int
	Rows    int64 // valid rows
	created int64 // Unix nanoseconds, UTC
	Draft   bool
}

// NewIndexedVersion describes version n.
func NewIndexedVersion(n int, created time.Time, rows int64, draft bool) IndexedVersion {
	return IndexedVersion{N: n, Rows: rows, created: created.UnixNano(), Draft: draft}
}

// Created is when the version was made.
func (v IndexedVersion) Created() time.Time { return time.Unix(0, v.created).UTC() }

type indexedVersionJSON struct {
	N       int       `json:"n"`
	Created time.Time `json:"created"`
	Rows    int64     `json:"rows"`
	Draft   bool      `json:"draft,omitempty"`
}

// MarshalJSON writes the version as a change carries it.
func (v IndexedVersion) MarshalJSON() ([]byte, error) {
	return json.Marshal(indexedVersionJSON{v.N, v.Created(), v.Rows, v.Draft})
}

// UnmarshalJSON reads the version from a change.
func (v *IndexedVersion) UnmarshalJSON(b []byte) error {
	var j indexedVersionJSON
	if err := json.Unmarshal(b, &j); err != nil {
		return err
	}
	*v = NewIndexedVersion(j.N, j.Created, j.Rows, j.Draft)
	return nil
}

// VersionOf is what the index keeps of a manifest.
func VersionOf(m *Manifest) IndexedVersion {
	return NewIndexedVersion(m.Version, m.CreatedAt, m.Rows.Valid, m.Draft)
}

// RunRef points at a run record and says how it ended.
type RunRef struct {
	Key    string `json:"key"`
	Status string `json:"status"`
}

// failed is Run.Failed for a reference.
func (r RunRef) failed() bool { return (&Run{Status: r.Status}).Failed() }

// IndexedDataset is the index's view of one dataset. Values are never
// changed once in an Index: Apply replaces a dataset with a changed copy,
// so a reader may keep an Index's datasets while the next is built.
type IndexedDataset struct {
	Meta      Metadata
	Versions  []IndexedVersion // oldest first
	Withdrawn map[int]*Withdrawal
	Published map[int]bool
	Runs      []RunRef // newest first, at most RunsKept
	// LastSuccess and LastFailure are the newest of each, however old.
	LastSuccess, LastFailure *RunRef
}

// Find returns version n, or false.
func (d *IndexedDataset) Find(n int) (IndexedVersion, bool) {
	i, ok := slices.BinarySearchFunc(d.Versions, n, func(v IndexedVersion, n int) int { return v.N - n })
	if !ok {
		return IndexedVersion{}, false
	}
	return d.Versions[i], true
}

func (d *IndexedDataset) clone() *IndexedDataset {
	c := *d
	c.Versions = slices.Clone(d.Versions)
	c.Withdrawn = make(map[int]*Withdrawal, len(d.Withdrawn))
	for n, w := range d.Withdrawn {
		c.Withdrawn[n] = w
	}
	c.Published = make(map[int]bool, len(d.Published))
	for n := range d.Published {
		c.Published[n] = true
	}
	c.Runs = slices.Clone(d.Runs)
	return &c
}

// add puts v in order, replacing a version of the same number.
func (d *IndexedDataset) add(v IndexedVersion) {
	i, found := slices.BinarySearchFunc(d.Versions, v.N, func(v IndexedVersion, n int) int { return v.N - n })
	if found {
		d.Versions[i] = v
		return
	}
	d.Versions = slices.Insert(d.Versions, i, v)
}

// addRun puts a run first (its start and its end share a key) and keeps
// the newest RunsKept, newest first by key (keys start with the time).
func (d *IndexedDataset) addRun(r RunRef) {
	d.Runs = slices.DeleteFunc(d.Runs, func(o RunRef) bool { return o.Key == r.Key })
	d.Runs = append(d.Runs, r)
	sort.Slice(d.Runs, func(i, j int) bool { return RunName(d.Runs[i].Key) > RunName(d.Runs[j].Key) })
	if len(d.Runs) > RunsKept {
		d.Runs = d.Runs[:RunsKept]
	}
	newer := func(cur *RunRef) bool { return cur == nil || RunName(r.Key) >= RunName(cur.Key) }
	if r.Status == RunSucceeded && newer(d.LastSuccess) {
		d.LastSuccess = &r
	}
	if r.failed() && newer(d.LastFailure) {
		d.LastFailure = &r
	}
}

// runName is a run record's file name, which starts with its start time.
func RunName(key string) string { return key[strings.LastIndexByte(key, '/')+1:] }

// Index is the catalogue index at one sequence number.
type Index struct {
	Seq      int64
	Datasets map[string]*IndexedDataset
	// rebuiltAt is the reindex change this index was rebuilt by, which
	// it must not load again when it reads past it.
	rebuiltAt int64
}

// NewIndex returns an empty index.
func NewIndex() *Index { return &Index{Datasets: map[string]*IndexedDataset{}} }

// ManifestReader reads one version's manifest; a reader with a cache
// passes its own.
type ManifestReader func(ctx context.Context, id string, n int) (*Manifest, error)

// StoreManifests reads manifests straight from s, with no cache.
func StoreManifests(s Store) ManifestReader {
	return func(ctx context.Context, id string, n int) (*Manifest, error) { return ReadManifest(ctx, s, id, n) }
}

// Apply changes the index by c. Changes name what they did, so most need
// no read; a run that made version n also checks the numbers between the
// index's newest and n, which a writer killed between its manifest and
// its change would have left out.
func (x *Index) Apply(ctx context.Context, c *Change, read ManifestReader) error {
	x.Seq = c.Seq
	if c.Dataset == "" {
		return nil
	}
	d := x.Datasets[c.Dataset]
	if d == nil {
		d = &IndexedDataset{}
	}
	d = d.clone()
	if c.Meta != nil {
		d.Meta = *c.Meta
	}
	if v := c.Version; v != nil {
		top := 0
		if len(d.Versions) > 0 {
			top = d.Versions[len(d.Versions)-1].N
		}
		for n := top + 1; n < v.N; n++ {
			m, err := read(ctx, c.Dataset, n)
			if ErrorCode(err) == ENOTFOUND {
				continue // a number claimed and not (yet) committed
			}
			if err != nil {
				return fmt.Errorf("apply change %d: %w", c.Seq, err)
			}
			d.add(VersionOf(m))
		}
		d.add(*v)
	}
	switch c.Kind {
	case ChangeWithdrawn:
		if c.Withdrawal != nil {
			d.Withdrawn[c.Number] = c.Withdrawal
		}
	case ChangePublished:
		d.Published[c.Number] = true
	}
	if c.Run != nil {
		d.addRun(*c.Run)
	}
	x.Datasets[c.Dataset] = d
	return nil
}

// Listed says whether the catalogue lists the dataset: it has metadata,
// from dataset.json or from a version.
func (d *IndexedDataset) Listed() bool { return d.Meta.ID != "" }
