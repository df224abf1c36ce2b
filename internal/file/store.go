// Package file implements the object store on a local folder, the embedded
// default. Writes go to a temporary file first so that a reader or a crash
// never sees half an object.
package file

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net/url"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"govlake/internal/govlake"
)

// Store keeps objects as files below Root; a key's slashes are folders.
type Store struct {
	Root string
}

// URI is a key's address for other programs (Iceberg metadata): a file URI.
func (s *Store) URI(key string) string {
	return (&url.URL{Scheme: "file", Path: filepath.ToSlash(filepath.Join(s.Root, filepath.FromSlash(key)))}).String()
}

// NewStore returns a store on the folder root, creating it if needed.
func NewStore(root string) (*Store, error) {
	abs, err := filepath.Abs(root)
	if err != nil {
		return nil, fmt.Errorf("store folder %s: %w", root, err)
	}
	if err := os.MkdirAll(abs, 0o755); err != nil {
		return nil, govlake.Errorf(govlake.EUNAVAILABLE, "create store folder %s: %w", abs, err)
	}
	return &Store{Root: abs}, nil
}

// path maps a key to a file, refusing keys that would leave the root.
func (s *Store) path(key string) (string, error) {
	if key == "" || strings.HasPrefix(key, "/") || strings.Contains(key, "\\") {
		return "", govlake.Errorf(govlake.EINVALID, "invalid store key %q", key)
	}
	for _, part := range strings.Split(key, "/") {
		if part == "" || part == "." || part == ".." || strings.HasPrefix(part, ".tmp-") {
			return "", govlake.Errorf(govlake.EINVALID, "invalid store key %q", key)
		}
	}
	return filepath.Join(s.Root, filepath.FromSlash(key)), nil
}

// Get opens the object at key.
func (s *Store) Get(ctx context.Context, key string) (io.ReadCloser, error) {
	p, err := s.path(key)
	if err != nil {
		return nil, err
	}
	f, err := os.Open(p)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, govlake.Errorf(govlake.ENOTFOUND, "object %s not found", key)
	}
	if err != nil {
		return nil, fmt.Errorf("open %s: %w", key, err)
	}
	return f, nil
}

// LocalPath returns the object's own file: DuckDB can read it in place.
func (s *Store) LocalPath(ctx context.Context, key string) (string, error) {
	p, err := s.path(key)
	if err != nil {
		return "", err
	}
	if _, err := os.Stat(p); errors.Is(err, fs.ErrNotExist) {
		return "", govlake.Errorf(govlake.ENOTFOUND, "object %s not found", key)
	} else if err != nil {
		return "", fmt.Errorf("stat %s: %w", key, err)
	}
	return p, nil
}

// writeTemp copies r into a new temporary file beside p and syncs it.
func writeTemp(ctx context.Context, p string, r io.Reader) (string, error) {
	f, err := tempIn(filepath.Dir(p))
	if err != nil {
		return "", err
	}
	if src, ok := r.(*os.File); ok {
		// File to file: the kernel copies (copy_file_range), a step at a
		// time so that a stop is heard.
		for err == nil {
			var n int64
			if n, err = f.ReadFrom(&io.LimitedReader{R: src, N: 64 << 20}); n == 0 {
				break
			}
			if err == nil {
				err = ctx.Err()
			}
		}
	} else {
		_, err = io.Copy(f, contextReader{ctx, r})
	}
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		os.Remove(f.Name())
		return "", err
	}
	return f.Name(), nil
}

// tempIn makes a temporary file in dir, making dir first. A Delete may
// remove the folder, emptied, between the two steps: then it tries again.
func tempIn(dir string) (*os.File, error) {
	for try := 0; ; try++ {
		if err := os.MkdirAll(dir, 0o755); err != nil {
			return nil, err
		}
		f, err := os.CreateTemp(dir, ".tmp-*")
		if err == nil || !errors.Is(err, fs.ErrNotExist) || try == 3 {
			return f, err
		}
	}
}

// Put writes the object whole: a temporary file renamed over the old one.
func (s *Store) Put(ctx context.Context, key string, r io.Reader) error {
	p, err := s.path(key)
	if err != nil {
		return err
	}
	tmp, err := writeTemp(ctx, p, r)
	if err != nil {
		return fmt.Errorf("put %s: %w", key, err)
	}
	if err := os.Rename(tmp, p); err != nil {
		os.Remove(tmp)
		return fmt.Errorf("put %s: %w", key, err)
	}
	return nil
}

// PutFile stores a finished local file whole as the object at key: by a hard
// link when the file is on the store's file system, so nothing is copied,
// else by a copy. The file must not change afterwards, as the object may be
// the same file.
func (s *Store) PutFile(ctx context.Context, key, path string) error {
	p, err := s.path(key)
	if err != nil {
		return err
	}
	f, err := os.Open(path)
	if err != nil {
		return fmt.Errorf("put %s: %w", key, err)
	}
	defer f.Close()
	if err := f.Sync(); err != nil {
		return fmt.Errorf("put %s: %w", key, err)
	}
	// A fresh name beside the object, for the link to be renamed into place.
	t, err := tempIn(filepath.Dir(p))
	if err != nil {
		return fmt.Errorf("put %s: %w", key, err)
	}
	tmp := t.Name()
	t.Close()
	os.Remove(tmp)
	if err := os.Link(path, tmp); err == nil {
		if err := os.Rename(tmp, p); err != nil {
			os.Remove(tmp)
			return fmt.Errorf("put %s: %w", key, err)
		}
		return nil
	}
	return s.Put(ctx, key, f)
}

// Create writes the object only if none exists. The content goes to a
// temporary file that is then hard-linked into place: link fails if the name
// exists, so the check and the create are one atomic step and nobody ever
// sees a partly written object.
func (s *Store) Create(ctx context.Context, key string, r io.Reader) error {
	p, err := s.path(key)
	if err != nil {
		return err
	}
	if _, err := os.Lstat(p); err == nil {
		return govlake.Errorf(govlake.ECONFLICT, "object %s already exists", key)
	}
	tmp, err := writeTemp(ctx, p, r)
	if err != nil {
		return fmt.Errorf("create %s: %w", key, err)
	}
	defer os.Remove(tmp)
	if err := os.Link(tmp, p); err != nil {
		if errors.Is(err, fs.ErrExist) {
			return govlake.Errorf(govlake.ECONFLICT, "object %s already exists", key)
		}
		return fmt.Errorf("create %s: %w", key, err)
	}
	return nil
}

// List returns the objects under prefix in key order.
func (s *Store) List(ctx context.Context, prefix string) ([]govlake.ObjectInfo, error) {
	// Walk only the deepest folder the prefix names.
	dir := s.Root
	if i := strings.LastIndex(prefix, "/"); i >= 0 {
		dir = filepath.Join(s.Root, filepath.FromSlash(prefix[:i]))
	}
	var out []govlake.ObjectInfo
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			if errors.Is(err, fs.ErrNotExist) {
				return fs.SkipAll
			}
			return err
		}
		if err := ctx.Err(); err != nil {
			return err
		}
		if d.IsDir() || strings.HasPrefix(d.Name(), ".tmp-") {
			return nil
		}
		rel, err := filepath.Rel(s.Root, p)
		if err != nil {
			return err
		}
		key := filepath.ToSlash(rel)
		if !strings.HasPrefix(key, prefix) {
			return nil
		}
		info, err := d.Info()
		if err != nil {
			if errors.Is(err, fs.ErrNotExist) {
				return nil // deleted while walking
			}
			return err
		}
		out = append(out, govlake.ObjectInfo{Key: key, Size: info.Size(), ModTime: info.ModTime()})
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("list %s: %w", prefix, err)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Key < out[j].Key })
	return out, nil
}

// ListAfter lists the objects under prefix whose keys sort after the key
// given. A folder is read whole: it costs no request.
func (s *Store) ListAfter(ctx context.Context, prefix, after string) ([]govlake.ObjectInfo, error) {
	objs, err := s.List(ctx, prefix)
	if err != nil {
		return nil, err
	}
	i := sort.Search(len(objs), func(i int) bool { return objs[i].Key > after })
	return objs[i:], nil
}

// Delete removes the object at key.
func (s *Store) Delete(ctx context.Context, key string) error {
	p, err := s.path(key)
	if err != nil {
		return err
	}
	if err := os.Remove(p); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("delete %s: %w", key, err)
	}
	s.removeEmpty(filepath.Dir(p))
	return nil
}

// removeEmpty removes dir and its parents below the root while they are
// empty, so that a deleted version leaves no folder behind. Removing a
// folder that is not empty fails, which ends the climb.
func (s *Store) removeEmpty(dir string) {
	for dir != s.Root && strings.HasPrefix(dir, s.Root+string(filepath.Separator)) {
		if os.Remove(dir) != nil {
			return
		}
		dir = filepath.Dir(dir)
	}
}

// AbortUploads removes the temporary files of writes that never finished
// (their process was killed) last changed before the time given.
func (s *Store) AbortUploads(ctx context.Context, prefix string, before time.Time) (int, error) {
	dir := s.Root
	if i := strings.LastIndex(prefix, "/"); i >= 0 {
		dir = filepath.Join(s.Root, filepath.FromSlash(prefix[:i]))
	}
	n := 0
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			if errors.Is(err, fs.ErrNotExist) {
				return nil
			}
			return err
		}
		if err := ctx.Err(); err != nil {
			return err
		}
		if d.IsDir() || !strings.HasPrefix(d.Name(), ".tmp-") {
			return nil
		}
		if info, err := d.Info(); err == nil && info.ModTime().Before(before) && os.Remove(p) == nil {
			n++
			s.removeEmpty(filepath.Dir(p))
		}
		return nil
	})
	if err != nil {
		return n, fmt.Errorf("remove unfinished writes under %s: %w", prefix, err)
	}
	return n, nil
}

// contextReader stops a copy when the context ends.
type contextReader struct {
	ctx context.Context
	r   io.Reader
}

func (c contextReader) Read(p []byte) (int, error) {
	if err := c.ctx.Err(); err != nil {
		return 0, err
	}
	return c.r.Read(p)
}
