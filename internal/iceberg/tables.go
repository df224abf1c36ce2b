// Package iceberg keeps each dataset's versions as an Apache Iceberg table
// in the same store (manifests written with apache/iceberg-go, the metadata
// file by metadata.go): one snapshot per
// published version, whose snapshot id and sequence number are the version's
// number and whose timestamp is the version's time, over the version's own
// Parquet files (nothing is copied). Trino, Spark and other engines then
// read the lake, and time travel by snapshot id is time travel by version.
//
// The table is derived: Commit adds a version after its manifest exists,
// and Sync rebuilds the table from the versions in the store, so a crash
// between the two, a withdrawal or a publication is mended by the next Sync.
package iceberg

import (
	"bytes"
	"context"
	"fmt"
	"slices"
	"sort"
	"strconv"
	"strings"

	iceberg "github.com/apache/iceberg-go"

	"govlake/internal/govlake"
)

// keepMetadata is how many metadata files a table keeps: engines that
// loaded an older one a moment ago can still read it.
const keepMetadata = 10

// Properties the table's metadata carries besides Iceberg's own.
const (
	propDataset = "govlake.dataset"
	propHistory = "govlake.history"         // why older versions are not in the table
	propOmitted = "govlake.omitted-columns" // a snapshot's columns Iceberg v2 cannot type
	propVersion = "govlake.version"
	propRunID   = "govlake.run-id"
)

// Tables writes the datasets' Iceberg tables into a store.
type Tables struct {
	store govlake.Store
	uri   func(key string) string
}

// New returns the tables of store; uri gives a key's absolute address
// (file:///... or s3://bucket/...), which the metadata records.
func New(store govlake.Store, uri func(key string) string) *Tables {
	return &Tables{store: store, uri: uri}
}

// location is the address of a dataset's table.
func (t *Tables) location(id string) string {
	return strings.TrimSuffix(t.uri(govlake.DatasetPrefix(id)), "/")
}

// snap is one snapshot of a table: a version.
type snap struct {
	n       int
	ms      int64
	list    string // the manifest list's address
	schema  *iceberg.Schema
	summary map[string]string
}

// state is a table as stored: its newest metadata file's number (0: none),
// its snapshots in version order, and its history note. A damaged table
// is loaded with none of them (load clears them), to be rebuilt whole.
type state struct {
	file    int
	snaps   []snap
	history string
	extra   map[string]int // ids of columns left out of every schema
	damaged bool           // the metadata file could not be read: rebuild
}

// Commit adds a version just committed to its dataset's table. A draft
// waits for its publication (then Sync adds it). A table that is missing
// or damaged is rebuilt whole. It returns notes on what the table cannot
// hold (columns without an Iceberg type, history cut by a type change).
func (t *Tables) Commit(ctx context.Context, m *govlake.Manifest) ([]string, error) {
	if m.Draft {
		return nil, nil
	}
	return t.retry(ctx, m.Dataset, func(st *state) (bool, error) {
		// A table missing the version before this one (a writer killed
		// between its manifest and its table, a draft, a withdrawal) is
		// brought to the store's versions whole.
		if st.file == 0 || st.damaged || len(st.snaps) == 0 || st.snaps[len(st.snaps)-1].n < m.Version-1 {
			return true, t.sync(ctx, m.Dataset, st)
		}
		if slices.ContainsFunc(st.snaps, func(s snap) bool { return s.n == m.Version }) {
			return false, nil
		}
		return true, t.add(ctx, st, m)
	})
}

// Sync makes a dataset's table hold exactly its published versions that
// are not withdrawn: versions the table lacks are added, withdrawn ones
// dropped. Snapshots already in the table are kept as they are.
func (t *Tables) Sync(ctx context.Context, id string) ([]string, error) {
	return t.retry(ctx, id, func(st *state) (bool, error) {
		before := versionsOf(st.snaps)
		fresh := st.file == 0 || st.damaged
		if err := t.sync(ctx, id, st); err != nil {
			return false, err
		}
		if fresh && len(st.snaps) == 0 {
			return false, nil // no published version, no table
		}
		return fresh || !slices.Equal(before, versionsOf(st.snaps)), nil
	})
}

func versionsOf(snaps []snap) []int {
	out := make([]int, len(snaps))
	for i, s := range snaps {
		out[i] = s.n
	}
	return out
}

// retry runs change on the table as stored and writes the result as the
// next metadata file; if another writer made that file first, it starts
// again from theirs.
func (t *Tables) retry(ctx context.Context, id string, change func(*state) (bool, error)) ([]string, error) {
	for attempt := 0; attempt < 10; attempt++ {
		st, err := t.load(ctx, id)
		if err != nil {
			return nil, err
		}
		changed, err := change(st)
		if err != nil || !changed {
			return nil, err
		}
		notes, err := t.write(ctx, id, st)
		if govlake.ErrorCode(err) == govlake.ECONFLICT {
			continue
		}
		return notes, err
	}
	return nil, govlake.Errorf(govlake.ECONFLICT, "Iceberg table of %s: another writer changed it 10 times in a row", id)
}

// load reads a dataset's table as stored.
func (t *Tables) load(ctx context.Context, id string) (*state, error) {
	n, data, err := govlake.TableMetadata(ctx, t.store, id)
	if err != nil {
		return nil, fmt.Errorf("read Iceberg metadata of %s: %w", id, err)
	}
	st := &state{file: n}
	if data == nil {
		st.damaged = n > 0
		return st, nil
	}
	// A table whose location is not the store's (the store was moved or
	// copied) names files that are elsewhere: it is written anew.
	loc, err := parse(data, st)
	if err != nil || loc != t.location(id) {
		st.snaps, st.history, st.extra, st.damaged = nil, "", nil, true
	}
	return st, nil
}

// sync brings st to the store's published versions, reading the manifests
// of versions st lacks.
func (t *Tables) sync(ctx context.Context, id string, st *state) error {
	objs, err := t.store.List(ctx, govlake.VersionsPrefix(id))
	if err != nil {
		return fmt.Errorf("list versions of %s: %w", id, err)
	}
	manifests, withdrawn, published := map[int]bool{}, map[int]bool{}, map[int]bool{}
	for _, o := range objs {
		n, isManifest, ok := govlake.ParseVersionKey(id, o.Key)
		switch {
		case !ok:
		case isManifest:
			manifests[n] = true
		case strings.HasSuffix(o.Key, "/withdrawn.json"):
			withdrawn[n] = true
		case strings.HasSuffix(o.Key, "/published.json"):
			published[n] = true
		}
	}
	have := map[int]bool{}
	st.snaps = slices.DeleteFunc(st.snaps, func(s snap) bool {
		have[s.n] = true
		return !manifests[s.n] || withdrawn[s.n]
	})
	var missing []int
	for n := range manifests {
		if !have[n] && !withdrawn[n] {
			missing = append(missing, n)
		}
	}
	sort.Ints(missing)
	for _, n := range missing {
		m, err := govlake.ReadManifest(ctx, t.store, id, n)
		if err != nil {
			return fmt.Errorf("read manifest %s: %w", govlake.ManifestKey(id, n), err)
		}
		if m.Draft && !published[n] {
			continue
		}
		if err := t.add(ctx, st, m); err != nil {
			return err
		}
	}
	return nil
}

// add writes a version's manifest and manifest list, and puts its snapshot
// in st.
func (t *Tables) add(ctx context.Context, st *state, m *govlake.Manifest) error {
	schemas := make([]*iceberg.Schema, len(st.snaps))
	var parent *int64
	for i, s := range st.snaps {
		schemas[i] = s.schema
		if s.n < m.Version {
			p := int64(s.n)
			parent = &p
		}
	}
	ids := newFieldIDs(schemas, st.extra)
	sc, omitted := ids.schema(m.Columns)
	st.extra = ids.extra
	s, err := t.files(ctx, m, sc, parent)
	if err != nil {
		return err
	}
	if len(omitted) > 0 {
		s.summary[propOmitted] = strings.Join(omitted, "; ")
	}
	st.snaps = append(st.snaps, s)
	sort.Slice(st.snaps, func(i, j int) bool { return st.snaps[i].n < st.snaps[j].n })
	return nil
}

// write builds the table's metadata from st and creates it as the next
// metadata file, then points the hint at it and drops the oldest file.
func (t *Tables) write(ctx context.Context, id string, st *state) ([]string, error) {
	notes := cutHistory(st)
	data, err := t.build(id, st)
	if err != nil {
		return nil, fmt.Errorf("build Iceberg metadata of %s: %w", id, err)
	}
	next := st.file + 1
	if err := t.store.Create(ctx, govlake.TableMetadataKey(id, next), bytes.NewReader(data)); err != nil {
		return nil, err
	}
	if err := t.store.Put(ctx, govlake.TableHintKey(id), strings.NewReader(strconv.Itoa(next)+"\n")); err != nil {
		return nil, fmt.Errorf("write Iceberg version hint of %s: %w", id, err)
	}
	if old := next - keepMetadata; old > 0 {
		if err := t.store.Delete(ctx, govlake.TableMetadataKey(id, old)); err != nil {
			notes = append(notes, fmt.Sprintf("old Iceberg metadata file %d of %s is left: %v", old, id, govlake.ErrorMessage(err)))
		}
	}
	if len(st.snaps) > 0 {
		if o := st.snaps[len(st.snaps)-1].summary[propOmitted]; o != "" {
			notes = append(notes, "columns not in the Iceberg table: "+o)
		}
	}
	return notes, nil
}

// cutHistory keeps one id per column name: when a column's type changed,
// the table's history starts at the version that changed it (an Iceberg
// name mapping cannot send one name to two ids), and the table says so.
func cutHistory(st *state) []string {
	ids := map[string]iceberg.NestedField{}
	start := 0
	var why string
	for i, s := range st.snaps {
		for _, fl := range s.schema.Fields() {
			if old, ok := ids[fl.Name]; ok && old.ID != fl.ID {
				start, why = i, fmt.Sprintf("versions before %d are not in the Iceberg table: column %q changed type from %s to %s there", s.n, fl.Name, old.Type, fl.Type)
				clear(ids)
				for _, f := range s.schema.Fields() {
					ids[f.Name] = f
				}
				break
			}
			ids[fl.Name] = fl
		}
	}
	if start == 0 {
		return nil
	}
	st.snaps = st.snaps[start:]
	st.history = why
	return []string{why}
}
