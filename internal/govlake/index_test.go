package govlake

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"reflect"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"
)

// memStore is a store in memory with a true conditional create.
type memStore struct {
	mu   sync.Mutex
	objs map[string][]byte
}

var _ Store = (*memStore)(nil)

func newMem() *memStore { return &memStore{objs: map[string][]byte{}} }

func (m *memStore) Get(ctx context.Context, key string) (io.ReadCloser, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	b, ok := m.objs[key]
	if !ok {
		return nil, Errorf(ENOTFOUND, "no object %s", key)
	}
	return io.NopCloser(bytes.NewReader(b)), nil
}

func (m *memStore) Put(ctx context.Context, key string, r io.Reader) error {
	b, _ := io.ReadAll(r)
	m.mu.Lock()
	defer m.mu.Unlock()
	m.objs[key] = b
	return nil
}

func (m *memStore) Create(ctx context.Context, key string, r io.Reader) error {
	b, _ := io.ReadAll(r)
	m.mu.Lock()
	defer m.mu.Unlock()
	if _, ok := m.objs[key]; ok {
		return Errorf(ECONFLICT, "%s exists", key)
	}
	m.objs[key] = b
	return nil
}

func (m *memStore) Delete(ctx context.Context, key string) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	delete(m.objs, key)
	return nil
}

func (m *memStore) List(ctx context.Context, prefix string) ([]ObjectInfo, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	var out []ObjectInfo
	for k, b := range m.objs {
		if strings.HasPrefix(k, prefix) {
			out = append(out, ObjectInfo{Key: k, Size: int64(len(b)), ModTime: time.Now()}) // as if just written
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Key < out[j].Key })
	return out, nil
}

// commit writes a version's manifest and dataset.json as a run would, and
// logs it unless unlogged.
func commit(t *testing.T, s Store, id string, n int, at time.Time, logged bool) {
	t.Helper()
	ctx := context.Background()
	meta := Metadata{ID: id, Title: "Title of " + id, UpdatedAt: at}
	m := &Manifest{Dataset: id, Version: n, Metadata: meta, CreatedAt: at, Rows: RowCounts{Valid: int64(10 * n)}}
	b, _ := json.Marshal(m)
	if err := s.Create(ctx, ManifestKey(id, n), bytes.NewReader(b)); err != nil {
		t.Fatal(err)
	}
	mb, _ := json.Marshal(meta)
	s.Put(ctx, DatasetKey(id), bytes.NewReader(mb))
	if logged {
		v := VersionOf(m)
		key := RunKey(id, at, "r"+id)
		if err := AppendChange(ctx, s, &Change{Kind: ChangeRun, Dataset: id, Meta: &meta, Version: &v, Run: &RunRef{Key: key, Status: RunSucceeded}}); err != nil {
			t.Fatal(err)
		}
	}
}

func TestAppendChangeTakesEveryNumberOnce(t *testing.T) {
	s := newMem()
	ctx := context.Background()
	var wg sync.WaitGroup
	for w := 0; w < 8; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < 40; i++ {
				if err := AppendChange(ctx, s, &Change{Kind: ChangeMetadata, Dataset: "d", Number: w*1000 + i}); err != nil {
					t.Error(err)
				}
			}
		}()
	}
	wg.Wait()
	changes, err := ReadChanges(ctx, s, 0, 0)
	if err != nil {
		t.Fatal(err)
	}
	if len(changes) != 320 {
		t.Fatalf("%d changes, want 320", len(changes))
	}
	seen := map[int]bool{}
	for i, c := range changes {
		if c.Seq != int64(i+1) {
			t.Fatalf("change %d has seq %d", i, c.Seq)
		}
		if seen[c.Number] {
			t.Fatalf("change %d logged twice", c.Number)
		}
		seen[c.Number] = true
	}
	// The head hint moved with the log (every 100 numbers).
	var h head
	if err := ReadJSON(ctx, s, IndexHeadKey, &h); err != nil || h.Seq != 300 {
		t.Fatalf("head %+v, %v; want seq 300", h, err)
	}
	// A reader after 317 reads 318 to 320.
	if tail, _ := ReadChanges(ctx, s, 317, 0); len(tail) != 3 || tail[0].Seq != 318 {
		t.Fatalf("tail after 317: %d changes", len(tail))
	}
}

func TestIndexFromLogEqualsTheListing(t *testing.T) {
	s := newMem()
	ctx := context.Background()
	t0 := time.Date(2026, 1, 1, 0, 0, 0, 123456789, time.UTC)
	commit(t, s, "a", 1, t0, true)
	commit(t, s, "a", 2, t0.Add(time.Hour), false) // killed between manifest and change
	commit(t, s, "b", 1, t0.Add(2*time.Hour), true)
	x, found, err := LoadIndex(ctx, s, StoreManifests(s))
	if err != nil || !found {
		t.Fatal(found, err)
	}
	if got := len(x.Datasets["a"].Versions); got != 1 {
		t.Fatalf("before the next commit the index holds %d versions of a, want 1", got)
	}
	commit(t, s, "a", 3, t0.Add(3*time.Hour), true) // the next commit finds 2
	x, _, err = LoadIndex(ctx, s, StoreManifests(s))
	if err != nil {
		t.Fatal(err)
	}
	scan, err := ScanIndex(ctx, s, StoreManifests(s))
	if err != nil {
		t.Fatal(err)
	}
	for _, id := range []string{"a", "b"} {
		if !reflect.DeepEqual(x.Datasets[id].Versions, scan.Datasets[id].Versions) {
			t.Errorf("%s: log %+v, listing %+v", id, x.Datasets[id].Versions, scan.Datasets[id].Versions)
		}
		if x.Datasets[id].Meta.Title != "Title of "+id {
			t.Errorf("%s: metadata %+v", id, x.Datasets[id].Meta)
		}
	}
	if v := x.Datasets["a"].Versions; len(v) != 3 || v[1].N != 2 || v[1].Rows != 20 || !v[1].Created().Equal(t0.Add(time.Hour)) {
		t.Fatalf("versions of a: %+v", v)
	}
	// A snapshot holds the index exactly; a reader starts from it.
	if err := WriteSnapshot(ctx, s, x, t0); err != nil {
		t.Fatal(err)
	}
	y, err := ReadSnapshot(ctx, s, x.Seq)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(y.Datasets, x.Datasets) {
		t.Fatalf("snapshot read back differs:\n%+v\n%+v", y.Datasets["a"], x.Datasets["a"])
	}
}

func TestReindexReplacesAReadersIndex(t *testing.T) {
	s := newMem()
	ctx := context.Background()
	t0 := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	commit(t, s, "a", 1, t0, true)
	old, _, err := LoadIndex(ctx, s, StoreManifests(s))
	if err != nil {
		t.Fatal(err)
	}
	// Versions written with no change at all (an index lost), then rebuilt.
	commit(t, s, "c", 1, t0.Add(time.Hour), false)
	commit(t, s, "c", 2, t0.Add(2*time.Hour), false)
	if _, err := Reindex(ctx, s, StoreManifests(s), t0.Add(3*time.Hour)); err != nil {
		t.Fatal(err)
	}
	commit(t, s, "a", 2, t0.Add(4*time.Hour), true)
	// A reader that was following, a fresh reader and the listing agree.
	followed, _, err := CatchUp(ctx, s, old, StoreManifests(s), nil)
	if err != nil {
		t.Fatal(err)
	}
	fresh, _, err := LoadIndex(ctx, s, StoreManifests(s))
	if err != nil {
		t.Fatal(err)
	}
	scan, _ := ScanIndex(ctx, s, StoreManifests(s))
	for _, x := range []*Index{followed, fresh} {
		for _, id := range []string{"a", "c"} {
			if !reflect.DeepEqual(x.Datasets[id].Versions, scan.Datasets[id].Versions) {
				t.Errorf("%s: %+v, listing %+v", id, x.Datasets[id].Versions, scan.Datasets[id].Versions)
			}
		}
	}
	// Changes pruned below a reader: it is told to reload.
	s.Delete(ctx, LogKey(2))
	if _, err := ReadChanges(ctx, s, 1, 0); err != ErrIndexGap {
		t.Fatalf("read past a pruned change: %v, want ErrIndexGap", err)
	}
}

// The sweep's pruning keeps the newest snapshots and the changes after
// the oldest kept; a reader left behind is told to reload, and a fresh
// reader gets the same index as before the pruning.
func TestPruneIndex(t *testing.T) {
	s := newMem()
	ctx := context.Background()
	t0 := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	for i := 1; i <= 50; i++ {
		commit(t, s, "a", i, t0.Add(time.Duration(i)*time.Hour), true)
		if i%10 == 0 {
			x, _, err := LoadIndex(ctx, s, StoreManifests(s))
			if err != nil {
				t.Fatal(err)
			}
			if err := WriteSnapshot(ctx, s, x, t0); err != nil {
				t.Fatal(err)
			}
		}
	}
	before, _, _ := LoadIndex(ctx, s, StoreManifests(s))
	n, err := PruneIndex(ctx, s, 3, time.Now().Add(time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	if n != 2+30 {
		t.Errorf("removed %d objects, want 2 snapshots and 30 changes", n)
	}
	if snaps, _ := Snapshots(ctx, s); !reflect.DeepEqual(snaps, []int64{30, 40, 50}) {
		t.Errorf("snapshots left: %v", snaps)
	}
	if _, err := ReadChanges(ctx, s, 5, 0); err != ErrIndexGap {
		t.Errorf("a reader at 5: %v, want ErrIndexGap", err)
	}
	after, _, err := LoadIndex(ctx, s, StoreManifests(s))
	if err != nil || !reflect.DeepEqual(after.Datasets, before.Datasets) || after.Seq != 50 {
		t.Fatalf("after pruning: %v, seq %d", err, after.Seq)
	}
	// Nothing younger than before is removed.
	if n, _ := PruneIndex(ctx, s, 1, time.Now().Add(-time.Hour)); n != 2 {
		t.Errorf("with every change young, removed %d (the two old snapshots only)", n)
	}
}
