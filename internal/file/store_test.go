package file

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"govlake/internal/govlake"
	"govlake/internal/storetest"
)

func TestContract(t *testing.T) {
	storetest.Run(t, func(t *testing.T) govlake.Store {
		s, err := NewStore(t.TempDir())
		if err != nil {
			t.Fatal(err)
		}
		return s
	})
}

func TestKeysStayInside(t *testing.T) {
	s, err := NewStore(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	for _, key := range []string{"../escape", "a/../../b", "/etc/passwd", "a//b", "", "a/.tmp-x"} {
		if err := s.Put(context.Background(), key, strings.NewReader("x")); govlake.ErrorCode(err) != govlake.EINVALID {
			t.Errorf("Put(%q): %v, want invalid", key, err)
		}
	}
}

// A failed write leaves no object and no temporary file behind.
func TestFailedPutLeavesNothing(t *testing.T) {
	dir := t.TempDir()
	s, _ := NewStore(dir)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := s.Put(ctx, "d/x.json", strings.NewReader("data")); err == nil {
		t.Fatal("put with a cancelled context succeeded")
	}
	if err := s.Create(ctx, "d/m.json", strings.NewReader("data")); err == nil {
		t.Fatal("create with a cancelled context succeeded")
	}
	entries, _ := os.ReadDir(filepath.Join(dir, "d"))
	if len(entries) != 0 {
		t.Fatalf("left behind: %v", entries)
	}
}

func TestOpenSource(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "s.csv")
	os.WriteFile(p, []byte("a\n"), 0o644)
	for _, url := range []string{p, "file://" + p} {
		rc, err := Open(context.Background(), url, "s.csv")
		if err != nil {
			t.Fatalf("%s: %v", url, err)
		}
		rc.Close()
	}
	locked := filepath.Join(dir, "locked.csv")
	os.WriteFile(locked, []byte("a\n"), 0o000)
	tests := []struct{ url, want string }{
		{filepath.Join(dir, "missing.csv"), "source file ../data/x.csv does not exist; check source.url (relative paths are resolved against the pipeline file's folder)"},
		{dir, "source ../data/x.csv is a folder, not a file"},
		{"ftp://host/x.csv", "source ../data/x.csv: the ftp:// scheme is not supported by this version of govlake (use a local path or file://)"},
	}
	if os.Getuid() != 0 { // root reads any file
		tests = append(tests, struct{ url, want string }{locked, "source file ../data/x.csv may not be read by the ingest service (permission denied); give it read access"})
	}
	for _, tt := range tests {
		_, err := Open(context.Background(), tt.url, "../data/x.csv")
		if govlake.ErrorMessage(err) != tt.want || strings.Contains(err.Error(), dir) {
			t.Errorf("Open(%s): %v, want %q and no server path", tt.url, err, tt.want)
		}
	}
}

// PutFile takes a finished work file by a hard link where it can (the same
// file, nothing copied) and by a copy where it cannot; either way the
// object replaces the old one whole and no temporary name is left.
func TestPutFile(t *testing.T) {
	ctx := context.Background()
	root := t.TempDir()
	s, err := NewStore(root)
	if err != nil {
		t.Fatal(err)
	}
	dirs := map[string]string{"same file system": t.TempDir()}
	if shm, err := os.MkdirTemp("/dev/shm", "govlake-"); err == nil {
		defer os.RemoveAll(shm)
		dirs["another file system"] = shm
	}
	for name, dir := range dirs {
		work := filepath.Join(dir, "part-00000.parquet")
		if err := os.WriteFile(work, []byte(name+" bytes"), 0o644); err != nil {
			t.Fatal(err)
		}
		key := "datasets/d/versions/00000001/part-00000.parquet"
		if err := s.Put(ctx, key, strings.NewReader("old")); err != nil {
			t.Fatal(err)
		}
		if err := s.PutFile(ctx, key, work); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		obj := filepath.Join(root, filepath.FromSlash(key))
		if b, _ := os.ReadFile(obj); string(b) != name+" bytes" {
			t.Errorf("%s: object holds %q", name, b)
		}
		a, _ := os.Stat(work)
		b, _ := os.Stat(obj)
		if linked := os.SameFile(a, b); linked != (name == "same file system") {
			t.Errorf("%s: linked=%v", name, linked)
		}
		entries, _ := os.ReadDir(filepath.Dir(obj))
		for _, e := range entries {
			if strings.HasPrefix(e.Name(), ".tmp-") {
				t.Errorf("%s: %s left behind", name, e.Name())
			}
		}
	}
	if len(dirs) < 2 && os.Getenv("CI") == "true" {
		t.Error("no second file system (/dev/shm) to test the copy")
	}
}

// A killed process leaves its temporary file; AbortUploads removes those
// older than the time given, and deleting a folder's last object removes
// the folder, so a swept version leaves nothing behind.
func TestAbortUploadsAndEmptyFolders(t *testing.T) {
	ctx := context.Background()
	root := t.TempDir()
	s, _ := NewStore(root)
	dir := filepath.Join(root, "datasets", "x", "versions", "00000002")
	os.MkdirAll(dir, 0o755)
	old, fresh := filepath.Join(dir, ".tmp-111"), filepath.Join(dir, ".tmp-222")
	os.WriteFile(old, []byte("killed"), 0o644)
	os.WriteFile(fresh, []byte("writing"), 0o644)
	os.Chtimes(old, time.Now().Add(-2*time.Hour), time.Now().Add(-2*time.Hour))
	s.Put(ctx, "datasets/x/dataset.json", strings.NewReader("{}"))
	n, err := s.AbortUploads(ctx, "datasets/", time.Now().Add(-time.Hour))
	if n != 1 || err != nil {
		t.Fatalf("aborted %d (%v), want the one old temporary file", n, err)
	}
	if _, err := os.Stat(old); !os.IsNotExist(err) {
		t.Error("the old temporary file is still there")
	}
	if _, err := os.Stat(fresh); err != nil {
		t.Error("the fresh temporary file was removed")
	}
	os.Remove(fresh)
	s.Put(ctx, "datasets/x/versions/00000002/claim.json", strings.NewReader("{}"))
	if err := s.Delete(ctx, "datasets/x/versions/00000002/claim.json"); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(root, "datasets", "x", "versions")); !os.IsNotExist(err) {
		t.Error("the emptied version folder's parents are still there")
	}
	if _, err := os.Stat(filepath.Join(root, "datasets", "x", "dataset.json")); err != nil {
		t.Error("a folder that is not empty was removed")
	}
	if _, err := os.Stat(root); err != nil {
		t.Error("the root was removed")
	}
}
