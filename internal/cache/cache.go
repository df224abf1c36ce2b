// Package cache keeps local copies of stored objects for the query engine,
// which reads files. Objects under version keys never change, so a copy is
// never stale. The cache is bounded in bytes (least recently used out first),
// survives restarts (the folder is the index), and fetches each object once
// however many requests want it at the same time.
package cache

import (
	"container/list"
	"context"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"time"

	"govlake/internal/govlake"
)

// Cache is a bounded folder of object copies. It implements govlake.Localizer.
type Cache struct {
	store  govlake.Store
	dir    string
	max    int64
	logger *slog.Logger
	now    func() time.Time
	// Pin keeps an object recently handed out from eviction, since the query
	// engine opens it just after: the folder may run over its bound meanwhile.
	Pin time.Duration

	mu      sync.Mutex
	size    int64
	lru     *list.List // of *entry, most recent first
	entries map[string]*list.Element
	loading map[string]*call
	stats   Stats
}

type entry struct {
	key  string
	size int64
	used time.Time
}

type call struct {
	done chan struct{}
	path string
	err  error
}

// Stats counts what the cache did.
type Stats struct {
	Hits, Misses, Evictions int64
	Bytes                   int64
	Objects                 int
}

// New opens the cache folder dir, taking in the copies already there (oldest
// first out), and bounds it to maxBytes.
func New(store govlake.Store, dir string, maxBytes int64, logger *slog.Logger, now func() time.Time) (*Cache, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("create cache folder %s: %w", dir, err)
	}
	abs, err := filepath.Abs(dir)
	if err != nil {
		return nil, err
	}
	c := &Cache{store: store, dir: abs, max: maxBytes, logger: logger, now: now, Pin: time.Minute,
		lru: list.New(), entries: map[string]*list.Element{}, loading: map[string]*call{}}
	var found []*entry
	err = filepath.WalkDir(abs, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		if strings.HasPrefix(d.Name(), ".tmp-") {
			os.Remove(p) // a download cut short by a stop
			return nil
		}
		info, err := d.Info()
		if err != nil {
			return nil
		}
		rel, _ := filepath.Rel(abs, p)
		found = append(found, &entry{key: filepath.ToSlash(rel), size: info.Size(), used: info.ModTime()})
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("read cache folder %s: %w", abs, err)
	}
	sort.Slice(found, func(i, j int) bool { return found[i].used.Before(found[j].used) })
	for _, e := range found {
		c.entries[e.key] = c.lru.PushFront(e)
		c.size += e.size
	}
	c.mu.Lock()
	c.evict(time.Time{})
	c.mu.Unlock()
	return c, nil
}

// Dir returns the cache folder, for the query engine's allowed paths.
func (c *Cache) Dir() string { return c.dir }

// Stats returns the counters.
func (c *Cache) Stats() Stats {
	c.mu.Lock()
	defer c.mu.Unlock()
	s := c.stats
	s.Bytes, s.Objects = c.size, len(c.entries)
	return s
}

func (c *Cache) path(key string) (string, error) {
	for _, part := range strings.Split(key, "/") {
		if part == "" || part == "." || part == ".." || strings.HasPrefix(part, ".tmp-") {
			return "", govlake.Errorf(govlake.EINVALID, "invalid store key %q", key)
		}
	}
	return filepath.Join(c.dir, filepath.FromSlash(key)), nil
}

// LocalPath returns a local copy of the object at key, fetching it if needed.
// Concurrent callers for one key share one fetch.
func (c *Cache) LocalPath(ctx context.Context, key string) (string, error) {
	p, err := c.path(key)
	if err != nil {
		return "", err
	}
	c.mu.Lock()
	if el, ok := c.entries[key]; ok {
		e := el.Value.(*entry)
		e.used = c.now()
		c.lru.MoveToFront(el)
		c.stats.Hits++
		c.mu.Unlock()
		// Record the use on disk too, so order survives a restart.
		os.Chtimes(p, e.used, e.used)
		return p, nil
	}
	if cl, ok := c.loading[key]; ok {
		c.mu.Unlock()
		select {
		case <-cl.done:
			return cl.path, cl.err
		case <-ctx.Done():
			return "", ctx.Err()
		}
	}
	cl := &call{done: make(chan struct{})}
	c.loading[key] = cl
	c.stats.Misses++
	c.mu.Unlock()

	// The fetch is not tied to the first caller's context: others may wait on it.
	size, err := c.fetch(context.WithoutCancel(ctx), key, p)
	c.mu.Lock()
	delete(c.loading, key)
	if err == nil {
		now := c.now()
		c.entries[key] = c.lru.PushFront(&entry{key: key, size: size, used: now})
		c.size += size
		c.evict(now)
	}
	c.mu.Unlock()
	cl.path, cl.err = p, err
	if err != nil {
		cl.path = ""
	}
	close(cl.done)
	return cl.path, cl.err
}

func (c *Cache) fetch(ctx context.Context, key, p string) (int64, error) {
	rc, err := c.store.Get(ctx, key)
	if err != nil {
		return 0, err
	}
	defer rc.Close()
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		return 0, err
	}
	f, err := os.CreateTemp(filepath.Dir(p), ".tmp-*")
	if err != nil {
		return 0, err
	}
	n, err := io.Copy(f, rc)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(f.Name(), p)
	}
	if err != nil {
		os.Remove(f.Name())
		return 0, fmt.Errorf("fetch %s into the cache: %w", key, err)
	}
	return n, nil
}

// evict removes least recently used copies until the folder fits, sparing
// those handed out within Pin of now. Callers hold c.mu.
func (c *Cache) evict(now time.Time) {
	for el := c.lru.Back(); el != nil && c.size > c.max; {
		e := el.Value.(*entry)
		prev := el.Prev()
		if !now.IsZero() && now.Sub(e.used) < c.Pin {
			el = prev
			continue
		}
		p, _ := c.path(e.key)
		if err := os.Remove(p); err != nil && !os.IsNotExist(err) {
			c.logger.Warn("evict from cache", "key", e.key, "err", err)
		}
		c.lru.Remove(el)
		delete(c.entries, e.key)
		c.size -= e.size
		c.stats.Evictions++
		el = prev
	}
}

// Forget removes the copies of every object under prefix: a withdrawn
// version's files must not outlive it here.
func (c *Cache) Forget(prefix string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	for key, el := range c.entries {
		if !strings.HasPrefix(key, prefix) {
			continue
		}
		e := el.Value.(*entry)
		p, _ := c.path(key)
		if err := os.Remove(p); err != nil && !os.IsNotExist(err) {
			c.logger.Warn("forget a cached copy", "key", key, "err", err)
		}
		c.lru.Remove(el)
		delete(c.entries, key)
		c.size -= e.size
	}
}
