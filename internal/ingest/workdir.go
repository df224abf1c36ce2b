package ingest

import (
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"time"
)

// A run's work folder has a lock file beside it, locked for as long as its
// process lives: the kernel drops the lock when the process dies, however
// it dies. Each run starts by removing the work folders whose lock nobody
// holds, which killed runs left behind (tens of megabytes each). The lock
// file is made and locked before its folder, so no folder is ever without
// one; a folder without one (made by an older govlake) goes after a day.

const (
	workPrefix = "govlake-run-"
	lockSuffix = ".lock"
)

// makeWorkDir makes and locks a run's work folder; release removes it and
// its lock.
func makeWorkDir(parent string) (dir string, release func(), err error) {
	if parent == "" {
		parent = os.TempDir()
	}
	lock, err := os.CreateTemp(parent, workPrefix+"*"+lockSuffix)
	if err != nil {
		return "", nil, err
	}
	dir = strings.TrimSuffix(lock.Name(), lockSuffix)
	if err = syscall.Flock(int(lock.Fd()), syscall.LOCK_EX|syscall.LOCK_NB); err == nil {
		err = os.Mkdir(dir, 0o700)
	}
	if err != nil {
		lock.Close()
		os.Remove(lock.Name())
		return "", nil, err
	}
	return dir, func() {
		os.RemoveAll(dir)
		os.Remove(lock.Name())
		lock.Close()
	}, nil
}

// sweepWorkDirs removes the work folders under parent that no live run
// holds, and says how many it removed.
func sweepWorkDirs(parent string, now time.Time) int {
	if parent == "" {
		parent = os.TempDir()
	}
	entries, err := os.ReadDir(parent)
	if err != nil {
		return 0
	}
	n := 0
	for _, e := range entries {
		name := e.Name()
		if !strings.HasPrefix(name, workPrefix) {
			continue
		}
		path := filepath.Join(parent, name)
		switch {
		case strings.HasSuffix(name, lockSuffix):
			f, err := os.Open(path)
			if err != nil {
				continue
			}
			if syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB) == nil { // its run is gone
				os.RemoveAll(strings.TrimSuffix(path, lockSuffix))
				os.Remove(path)
				n++
			}
			f.Close()
		case e.IsDir():
			if _, err := os.Stat(path + lockSuffix); os.IsNotExist(err) {
				if info, err := e.Info(); err == nil && now.Sub(info.ModTime()) > 24*time.Hour {
					os.RemoveAll(path)
					n++
				}
			}
		}
	}
	return n
}
