package cache

import (
	"context"
	"io"
	"log/slog"
	"os"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"govlake/internal/file"
	"govlake/internal/govlake"
)

// counting counts fetches and can slow them, to show that concurrent
// requests share one.
type counting struct {
	govlake.Store
	gets  atomic.Int32
	delay time.Duration
}

func (c *counting) Get(ctx context.Context, key string) (io.ReadCloser, error) {
	c.gets.Add(1)
	time.Sleep(c.delay)
	return c.Store.Get(ctx, key)
}

type clock struct{ t time.Time }

func (c *clock) now() time.Time { c.t = c.t.Add(time.Hour); return c.t }

func setup(t *testing.T, objects map[string]string) *counting {
	t.Helper()
	fs, err := file.NewStore(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	for k, v := range objects {
		if err := fs.Put(context.Background(), k, strings.NewReader(v)); err != nil {
			t.Fatal(err)
		}
	}
	return &counting{Store: fs}
}

var discard = slog.New(slog.NewTextHandler(io.Discard, nil))

func TestHitMissAndLRU(t *testing.T) {
	store := setup(t, map[string]string{"v/1/a": "aaaa", "v/1/b": "bbbb", "v/1/c": "cccc"})
	clk := &clock{t: time.Unix(0, 0)}
	dir := t.TempDir()
	c, err := New(store, dir, 8, discard, clk.now) // room for two objects
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	read := func(key string) string {
		p, err := c.LocalPath(ctx, key)
		if err != nil {
			t.Fatal(err)
		}
		b, err := os.ReadFile(p)
		if err != nil {
			t.Fatalf("%s: %v", key, err)
		}
		return string(b)
	}
	if read("v/1/a") != "aaaa" || read("v/1/b") != "bbbb" || read("v/1/a") != "aaaa" {
		t.Fatal("content")
	}
	read("v/1/c") // evicts b, the least recently used
	st := c.Stats()
	if st.Hits != 1 || st.Misses != 3 || st.Evictions != 1 || st.Bytes != 8 || st.Objects != 2 {
		t.Fatalf("stats %+v", st)
	}
	if _, err := os.Stat(dir + "/v/1/b"); !os.IsNotExist(err) {
		t.Errorf("b still on disk: %v", err)
	}
	if store.gets.Load() != 3 {
		t.Errorf("%d fetches", store.gets.Load())
	}
	// A new cache on the same folder keeps the copies: no fetch.
	c2, err := New(store, dir, 8, discard, clk.now)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c2.LocalPath(ctx, "v/1/a"); err != nil {
		t.Fatal(err)
	}
	if _, err := c2.LocalPath(ctx, "v/1/c"); err != nil {
		t.Fatal(err)
	}
	if store.gets.Load() != 3 || c2.Stats().Hits != 2 {
		t.Errorf("after restart: %d fetches, stats %+v", store.gets.Load(), c2.Stats())
	}
	// A smaller bound on restart evicts the oldest.
	c3, _ := New(store, dir, 4, discard, clk.now)
	if st := c3.Stats(); st.Objects != 1 || st.Bytes != 4 {
		t.Errorf("restart with a smaller bound: %+v", st)
	}
}

func TestOneFetchForConcurrentRequests(t *testing.T) {
	store := setup(t, map[string]string{"v/1/part": strings.Repeat("x", 1<<20)})
	store.delay = 100 * time.Millisecond
	c, err := New(store, t.TempDir(), 1<<30, discard, time.Now)
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	paths := make([]string, 16)
	for i := range paths {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			p, err := c.LocalPath(context.Background(), "v/1/part")
			if err != nil {
				t.Error(err)
			}
			paths[i] = p
		}(i)
	}
	wg.Wait()
	if n := store.gets.Load(); n != 1 {
		t.Fatalf("%d fetches for 16 concurrent requests, want 1", n)
	}
	for _, p := range paths {
		if st, err := os.Stat(p); err != nil || st.Size() != 1<<20 {
			t.Fatalf("%s: %v", p, err)
		}
	}
}

func TestMissingObjectAndBadKeys(t *testing.T) {
	c, _ := New(setup(t, nil), t.TempDir(), 100, discard, time.Now)
	if _, err := c.LocalPath(context.Background(), "v/9/none"); govlake.ErrorCode(err) != govlake.ENOTFOUND {
		t.Errorf("missing: %v", err)
	}
	if _, err := c.LocalPath(context.Background(), "../etc/passwd"); govlake.ErrorCode(err) != govlake.EINVALID {
		t.Errorf("escape: %v", err)
	}
}

func TestPinnedObjectsAreNotEvicted(t *testing.T) {
	store := setup(t, map[string]string{"a": "1234", "b": "5678"})
	c, _ := New(store, t.TempDir(), 4, discard, time.Now)
	pa, _ := c.LocalPath(context.Background(), "a")
	c.LocalPath(context.Background(), "b")
	// a was handed out just now: the engine may be about to open it.
	if _, err := os.Stat(pa); err != nil {
		t.Fatalf("a evicted while pinned: %v", err)
	}
	if c.Stats().Bytes != 8 {
		t.Errorf("bytes %d", c.Stats().Bytes)
	}
}
