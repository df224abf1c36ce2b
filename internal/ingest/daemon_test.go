package ingest

import (
	"context"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"govlake/internal/cron"
	"govlake/internal/csv"
	"govlake/internal/file"
	"govlake/internal/govlake"
	"govlake/internal/jsonschema"
	"govlake/internal/parquet"
	"govlake/internal/tabular"
)

// fakeClock moves only when told.
type fakeClock struct {
	mu      sync.Mutex
	now     time.Time
	waiters []waiter
}

type waiter struct {
	at time.Time
	ch chan time.Time
}

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *fakeClock) After(d time.Duration) <-chan time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	ch := make(chan time.Time, 1)
	if d <= 0 {
		ch <- c.now
		return ch
	}
	c.waiters = append(c.waiters, waiter{c.now.Add(d), ch})
	return ch
}

func (c *fakeClock) Advance(d time.Duration) {
	c.mu.Lock()
	c.now = c.now.Add(d)
	kept := c.waiters[:0]
	for _, w := range c.waiters {
		if !w.at.After(c.now) {
			w.ch <- c.now
		} else {
			kept = append(kept, w)
		}
	}
	c.waiters = kept
	c.mu.Unlock()
}

const testSchema = `{"type":"object","required":["id"],"properties":{"id":{"type":"integer"},"name":{"type":"string"}}}`

type env struct {
	t     *testing.T
	store govlake.Store
	clock *fakeClock
	dir   string
}

func newEnv(t *testing.T, store govlake.Store) *env {
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "s.json"), []byte(testSchema), 0o644)
	os.WriteFile(filepath.Join(dir, "d.csv"), []byte("id,name\n1,Aung\n"), 0o644)
	if store == nil {
		fs, err := file.NewStore(t.TempDir())
		if err != nil {
			t.Fatal(err)
		}
		store = fs
	}
	return &env{t: t, store: store, dir: dir, clock: &fakeClock{now: time.Date(2026, 11, 24, 10, 30, 0, 0, time.UTC)}}
}

func (e *env) pipeline(schedule string) *govlake.Pipeline {
	p := govlake.NewPipeline()
	p.Dataset, p.Title, p.Schedule = "sched", "Scheduled", schedule
	p.Source.URL, p.Schema = filepath.Join(e.dir, "d.csv"), filepath.Join(e.dir, "s.json")
	p.File = filepath.Join(e.dir, "sched.yaml")
	return &p
}

func (e *env) runner(clock Clock, fetch func(ctx context.Context, url string) (io.ReadCloser, error)) *Runner {
	r := NewRunner(e.store, slog.New(slog.NewTextHandler(io.Discard, nil)), clock.Now)
	if fetch == nil {
		fetch = func(ctx context.Context, url string) (io.ReadCloser, error) {
			return file.Open(ctx, url, filepath.Base(url))
		}
	}
	r.Fetch = func(ctx context.Context, src govlake.Source, prev *govlake.SourceInfo) (*govlake.Fetched, error) {
		rc, err := fetch(ctx, src.URL)
		if err != nil {
			return nil, err
		}
		return &govlake.Fetched{Body: rc}, nil
	}
	r.LoadSchema = func(path string) (Schema, error) { return jsonschema.Load(path) }
	r.Decode = func(rd io.ReadSeeker, name string, src govlake.Source) (tabular.RecordReader, error) {
		return csv.NewReader(rd, name, csv.OptionsFrom(src))
	}
	r.NewWriter = func(w io.Writer, cols []govlake.Column) (RowWriter, error) { return parquet.NewWriter(w, cols) }
	return r
}

func parse(spec string) (Schedule, error) { return cron.Parse(spec) }

// runs waits until n run records exist and returns them, oldest first.
func (e *env) runs(n int) []*govlake.Run {
	e.t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		objs, err := e.store.List(context.Background(), govlake.RunsPrefix("sched"))
		if err != nil {
			e.t.Fatal(err)
		}
		var out []*govlake.Run
		for _, o := range objs {
			if strings.HasSuffix(o.Key, ".json") {
				var r govlake.Run
				if err := govlake.ReadJSON(context.Background(), e.store, o.Key, &r); err != nil {
					e.t.Fatal(err)
				}
				if r.Status != govlake.RunRunning { // finished runs only: a running record is replaced at the end
					out = append(out, &r)
				}
			}
		}
		if len(out) >= n || time.Now().After(deadline) {
			if len(out) != n {
				e.t.Fatalf("%d run records, want %d", len(out), n)
			}
			return out
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// settle lets the daemon's goroutine see a clock change.
func settle() { time.Sleep(30 * time.Millisecond) }

// waitIdle waits until none of the daemon's scheduled runs is going.
func waitIdle(t *testing.T, d *Daemon) {
	t.Helper()
	for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(5 * time.Millisecond) {
		d.mu.Lock()
		busy := false
		for _, e := range d.entries {
			busy = busy || e.running
		}
		d.mu.Unlock()
		if !busy {
			return
		}
	}
	t.Fatal("a daemon's run is still going after 10 s")
}

func serve(t *testing.T, d *Daemon) (stop func()) {
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { d.Serve(ctx); close(done) }()
	return func() { cancel(); <-done }
}

func TestScheduleFiresAtItsTimes(t *testing.T) {
	e := newEnv(t, nil)
	d := NewDaemon(e.runner(e.clock, nil), e.clock, parse, "a")
	if errs := d.Set([]*govlake.Pipeline{e.pipeline("0 * * * *")}); len(errs) != 0 {
		t.Fatal(errs)
	}
	if next := d.Next()["sched"]; !next.Equal(time.Date(2026, 11, 24, 11, 0, 0, 0, time.UTC)) {
		t.Fatalf("next %v", next)
	}
	stop := serve(t, d)
	defer stop()
	settle()
	e.clock.Advance(29 * time.Minute) // 10:59
	settle()
	e.runs(0)
	e.clock.Advance(time.Minute) // 11:00
	rs := e.runs(1)
	if rs[0].Status != govlake.RunSucceeded || !rs[0].Scheduled.Equal(time.Date(2026, 11, 24, 11, 0, 0, 0, time.UTC)) {
		t.Fatalf("run %+v", rs[0])
	}
	settle()
	e.clock.Advance(time.Hour) // 12:00: same source, nothing new
	rs = e.runs(2)
	if rs[1].Status != govlake.RunUnchanged || rs[1].Scheduled.Hour() != 12 {
		t.Fatalf("second run %+v", rs[1])
	}
	// Hours missed at once collapse into one run, at the latest time.
	settle()
	e.clock.Advance(5 * time.Hour) // 17:00
	rs = e.runs(3)
	if rs[2].Scheduled.Hour() != 17 {
		t.Errorf("catch-up run scheduled %v", rs[2].Scheduled)
	}
}

func TestOverlapIsSkippedAndTimeoutStopsARun(t *testing.T) {
	e := newEnv(t, nil)
	release := make(chan struct{})
	hanging := make(chan struct{})
	var calls int
	var mu sync.Mutex
	fetch := func(ctx context.Context, url string) (io.ReadCloser, error) {
		mu.Lock()
		calls++
		first := calls == 1
		mu.Unlock()
		if first {
			// A source that hangs: only the run's timeout ends it.
			close(hanging)
			select {
			case <-ctx.Done():
				<-release
				return nil, ctx.Err()
			}
		}
		return file.Open(ctx, url, filepath.Base(url))
	}
	d := NewDaemon(e.runner(e.clock, fetch), e.clock, parse, "a")
	p := e.pipeline("*/10 * * * *")
	p.Timeout = 300 * time.Millisecond
	d.Set([]*govlake.Pipeline{p})
	stop := serve(t, d)
	defer stop()
	settle()
	e.clock.Advance(10 * time.Minute) // 10:40: the run starts and hangs
	<-hanging
	settle()
	e.clock.Advance(10 * time.Minute) // 10:50: still going, so skipped
	rs := e.runs(1)
	if rs[0].Status != govlake.RunSkipped || rs[0].Scheduled.Minute() != 50 || !strings.Contains(rs[0].Error, "previous run was still going") {
		t.Fatalf("skip record %+v", rs[0])
	}
	close(release)
	rs = e.runs(2) // records sort by start: the hung run (10:40) comes first
	if rs[0].Status != govlake.RunFailed || !strings.Contains(rs[0].Error, "stopped at its timeout of 300ms") {
		t.Fatalf("hung run %+v", rs[0])
	}
	settle()
	e.clock.Advance(10 * time.Minute) // 11:00: the next run proceeds
	rs = e.runs(3)
	if rs[2].Status != govlake.RunSucceeded || rs[2].Version != 1 {
		t.Fatalf("next run %+v", rs[2])
	}
}

func TestTwoDaemonsRunEachTimeOnce(t *testing.T) {
	e := newEnv(t, nil)
	clocks := []*fakeClock{e.clock, {now: e.clock.Now()}}
	var daemons []*Daemon
	for i, c := range clocks {
		d := NewDaemon(e.runner(c, nil), c, parse, []string{"a", "b"}[i])
		d.Set([]*govlake.Pipeline{e.pipeline("0 * * * *")})
		stop := serve(t, d)
		defer stop()
		daemons = append(daemons, d)
	}
	settle()
	for hour := 0; hour < 3; hour++ {
		for _, c := range clocks {
			c.Advance(time.Hour)
		}
		e.runs(hour + 1)
		settle()
		// The daemon that lost the lease may still be finding that out on
		// a busy machine; the next hour must not find it still going
		// (it would record a skip for that hour).
		for _, d := range daemons {
			waitIdle(t, d)
		}
	}
	rs := e.runs(3)
	seen := map[int]bool{}
	for _, r := range rs {
		if seen[r.Scheduled.Hour()] {
			t.Errorf("hour %d ran twice", r.Scheduled.Hour())
		}
		seen[r.Scheduled.Hour()] = true
	}
	leases, _ := e.store.List(context.Background(), "leases/sched/")
	if len(leases) != 3 {
		t.Errorf("%d leases", len(leases))
	}
}

// blockingStore holds the upload of data files until the context ends, to
// stop a run between its data files and its manifest.
type blockingStore struct {
	govlake.Store
	started chan struct{}
	once    sync.Once
}

func (b *blockingStore) Put(ctx context.Context, key string, r io.Reader) error {
	if strings.HasSuffix(key, ".parquet") && strings.Contains(key, "/versions/") {
		b.once.Do(func() { close(b.started) })
		<-ctx.Done()
		return ctx.Err()
	}
	return b.Store.Put(ctx, key, r)
}

func TestStopDuringRunLeavesNoHalfVersion(t *testing.T) {
	fs, _ := file.NewStore(t.TempDir())
	e := newEnv(t, fs)
	// Version 1 first, without the block.
	if r := e.runner(e.clock, nil).Run(context.Background(), e.pipeline("")); r.Status != govlake.RunSucceeded {
		t.Fatal(r.Error)
	}
	os.WriteFile(filepath.Join(e.dir, "d.csv"), []byte("id,name\n1,Aung\n2,Mya\n"), 0o644)
	bs := &blockingStore{Store: fs, started: make(chan struct{})}
	e.store = bs
	d := NewDaemon(e.runner(e.clock, nil), e.clock, parse, "a")
	d.Set([]*govlake.Pipeline{e.pipeline("0 * * * *")})
	stop := serve(t, d)
	settle()
	e.clock.Advance(30 * time.Minute)
	<-bs.started
	stop() // as on SIGTERM: Serve returns once the run has recorded its end
	rs := e.runs(2)
	if rs[1].Status != govlake.RunFailed || !strings.Contains(rs[1].Error, "shutting down") {
		t.Fatalf("stopped run %+v", rs[1])
	}
	vs, _ := govlake.Versions(context.Background(), fs, "sched")
	if len(vs) != 1 {
		t.Fatalf("versions %v", vs)
	}
	left, _ := fs.List(context.Background(), govlake.VersionPrefix("sched", 2))
	if len(left) != 0 {
		t.Errorf("half version left: %v", left)
	}
}

func TestSetReportsBadSchedules(t *testing.T) {
	e := newEnv(t, nil)
	d := NewDaemon(e.runner(e.clock, nil), e.clock, parse, "a")
	good, bad := e.pipeline("@daily"), e.pipeline("every day")
	bad.Dataset, bad.File = "other", "other.yaml"
	errs := d.Set([]*govlake.Pipeline{good, bad})
	if len(errs) != 1 || !strings.Contains(errs[0].Error(), `other.yaml: schedule "every day"`) {
		t.Fatalf("errors %v", errs)
	}
	if _, ok := d.Next()["sched"]; !ok {
		t.Error("the good pipeline was dropped")
	}
	// Changing the schedule moves the next time.
	d.Set([]*govlake.Pipeline{e.pipeline("0 12 * * *")})
	if next := d.Next()["sched"]; next.Hour() != 12 {
		t.Errorf("next after reload %v", next)
	}
}
