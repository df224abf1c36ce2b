package ingest

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"govlake/internal/file"
	"govlake/internal/govlake"
)

// pauseStore holds the first operation that matches until released, as a
// writer paused by its machine (or a long garbage collection) would be.
type pauseStore struct {
	govlake.Store
	match   func(op, key string) bool
	reached chan struct{}
	release chan struct{}
	once    sync.Once
}

func pauseAt(s govlake.Store, match func(op, key string) bool) *pauseStore {
	return &pauseStore{Store: s, match: match, reached: make(chan struct{}), release: make(chan struct{})}
}

func (p *pauseStore) wait(op, key string) {
	if !p.match(op, key) {
		return
	}
	first := false
	p.once.Do(func() { close(p.reached); first = true })
	if first {
		<-p.release
	}
}

func (p *pauseStore) Put(ctx context.Context, key string, r io.Reader) error {
	p.wait("put", key)
	return p.Store.Put(ctx, key, r)
}

func (p *pauseStore) Create(ctx context.Context, key string, r io.Reader) error {
	p.wait("create", key)
	return p.Store.Create(ctx, key, r)
}

// barrierStore makes its writers' first claims wait for each other, so
// that both have listed the folder, and chosen the same number, before
// either creates its claim.
type barrierStore struct {
	govlake.Store
	wg   *sync.WaitGroup
	once sync.Once
}

func (b *barrierStore) Create(ctx context.Context, key string, r io.Reader) error {
	if strings.HasSuffix(key, "claim.json") {
		b.once.Do(func() { b.wg.Done(); b.wg.Wait() })
	}
	return b.Store.Create(ctx, key, r)
}

func isPart(op, key string) bool {
	return op == "put" && strings.Contains(key, "/versions/") && strings.HasSuffix(key, ".parquet")
}

func isManifest(op, key string) bool {
	return op == "create" && strings.HasSuffix(key, "manifest.json")
}

// writer is one ingest process of the race: its own store view, clock and
// source with a row count of its own.
func (e *env) writer(store govlake.Store, at time.Time, rows int) (*Runner, *govlake.Pipeline) {
	var b strings.Builder
	b.WriteString("id,name\n")
	for i := range rows {
		fmt.Fprintf(&b, "%d,row %d\n", i, i)
	}
	src := filepath.Join(e.dir, fmt.Sprintf("rows%d.csv", rows))
	os.WriteFile(src, []byte(b.String()), 0o644)
	e.store = store
	r := e.runner(&fakeClock{now: at}, nil)
	p := e.pipeline("")
	p.Source.URL = src
	return r, p
}

func start(r *Runner, p *govlake.Pipeline) chan *govlake.Run {
	done := make(chan *govlake.Run, 1)
	go func() { done <- r.Run(context.Background(), p) }()
	return done
}

// A writer that dies (here: pauses) after claiming a number leaves a claim
// that expires at its deadline; the number is then taken over, not skipped.
// Two writers race for the takeover and the paused one wakes up late: each
// version holds exactly its own writer's bytes, whoever wins.
func TestTakeoverOfAStaleClaim(t *testing.T) {
	t0 := time.Date(2026, 12, 1, 8, 0, 0, 0, time.UTC)
	cases := []struct {
		name string
		run  func(t *testing.T, e *env, fs govlake.Store) (want map[int]*govlake.Run, late *govlake.Run)
	}{
		{"two writers race for the takeover; the dead writer wakes past its deadline", func(t *testing.T, e *env, fs govlake.Store) (map[int]*govlake.Run, *govlake.Run) {
			a := pauseAt(fs, isPart)
			ra, pa := e.writer(a, t0, 1)
			aDone := start(ra, pa)
			<-a.reached
			var wg sync.WaitGroup
			wg.Add(2)
			rb, pb := e.writer(&barrierStore{Store: fs, wg: &wg}, t0.Add(2*time.Hour), 2)
			rc, pc := e.writer(&barrierStore{Store: fs, wg: &wg}, t0.Add(2*time.Hour), 3)
			bDone, cDone := start(rb, pb), start(rc, pc)
			b, c := <-bDone, <-cDone
			if b.Status != govlake.RunSucceeded || c.Status != govlake.RunSucceeded {
				t.Fatalf("racing writers: %s %s / %s %s", b.Status, b.Error, c.Status, c.Error)
			}
			if b.Version+c.Version != 3 {
				t.Fatalf("racing writers made versions %d and %d, want 1 (taken over) and 2", b.Version, c.Version)
			}
			ra.Now = func() time.Time { return t0.Add(2 * time.Hour) } // it wakes up late
			close(a.release)
			late := <-aDone
			if late.Status != govlake.RunFailed || !strings.Contains(late.Error, "reached its deadline") {
				t.Errorf("the late writer: %s: %s", late.Status, late.Error)
			}
			return map[int]*govlake.Run{b.Version: b, c.Version: c}, late
		}},
		{"the taker loses the manifest to a writer whose clock says it is alive", func(t *testing.T, e *env, fs govlake.Store) (map[int]*govlake.Run, *govlake.Run) {
			a := pauseAt(fs, isPart)
			ra, pa := e.writer(a, t0, 1)
			aDone := start(ra, pa)
			<-a.reached
			b := pauseAt(fs, isManifest)
			rb, pb := e.writer(b, t0.Add(2*time.Hour), 2)
			bDone := start(rb, pb)
			<-b.reached
			close(a.release)
			first := <-aDone
			close(b.release)
			second := <-bDone
			if first.Status != govlake.RunSucceeded || first.Version != 1 || second.Status != govlake.RunSucceeded || second.Version != 2 {
				t.Fatalf("writer on its own clock: %s v%d %s; taker: %s v%d %s", first.Status, first.Version, first.Error, second.Status, second.Version, second.Error)
			}
			return map[int]*govlake.Run{1: first, 2: second}, nil
		}},
		{"a live claim is not taken over", func(t *testing.T, e *env, fs govlake.Store) (map[int]*govlake.Run, *govlake.Run) {
			a := pauseAt(fs, isPart)
			ra, pa := e.writer(a, t0, 1)
			aDone := start(ra, pa)
			<-a.reached
			rb, pb := e.writer(fs, t0.Add(50*time.Minute), 2)
			b := rb.Run(context.Background(), pb)
			close(a.release)
			first := <-aDone
			if first.Version != 1 || b.Version != 2 {
				t.Fatalf("the paused writer made version %d (%s), the second %d (%s)", first.Version, first.Error, b.Version, b.Error)
			}
			return map[int]*govlake.Run{1: first, 2: b}, nil
		}},
	}
	for _, tt := range cases {
		t.Run(tt.name, func(t *testing.T) {
			fs, _ := file.NewStore(t.TempDir())
			e := newEnv(t, fs)
			want, late := tt.run(t, e, fs)
			checkVersionsAreTheirWriters(t, fs, want)
			if late != nil {
				objs, _ := fs.List(context.Background(), govlake.VersionsPrefix("sched"))
				for _, o := range objs {
					if strings.HasPrefix(o.Key, govlake.VersionPrefix("sched", 1)) && !strings.Contains(o.Key, "/g2/") && !strings.HasSuffix(o.Key, "manifest.json") {
						t.Errorf("the late writer left %s", o.Key)
					}
				}
			}
		})
	}
}

// checkVersionsAreTheirWriters checks that the store holds exactly the
// versions wanted, each made by its run, with its row count, and that
// every file a manifest lists has the bytes the manifest's digest names.
func checkVersionsAreTheirWriters(t *testing.T, s govlake.Store, want map[int]*govlake.Run) {
	t.Helper()
	ctx := context.Background()
	vs, err := govlake.Versions(ctx, s, "sched")
	if err != nil || len(vs) != len(want) {
		t.Fatalf("versions %v (%v), want %d", vs, err, len(want))
	}
	for _, n := range vs {
		m, err := govlake.ReadManifest(ctx, s, "sched", n)
		if err != nil {
			t.Fatal(err)
		}
		run := want[n]
		if run == nil || m.RunID != run.ID || m.Rows.Valid != run.Rows.Valid {
			t.Errorf("version %d was made by run %s with %d rows; want %+v", n, m.RunID, m.Rows.Valid, run)
			continue
		}
		for _, f := range append(m.Files, *m.Rejected) {
			rc, err := s.Get(ctx, f.Key)
			if err != nil {
				t.Errorf("version %d: %s: %v", n, f.Key, err)
				continue
			}
			h := sha256.New()
			size, _ := io.Copy(h, rc)
			rc.Close()
			if got := hex.EncodeToString(h.Sum(nil)); got != f.SHA256 || size != f.Size {
				t.Errorf("version %d: %s holds %d bytes with sha256 %s; its manifest says %d, %s", n, f.Key, size, got, f.Size, f.SHA256)
			}
		}
	}
}
