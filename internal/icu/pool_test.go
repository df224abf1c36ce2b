package icu

import (
	"os"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"testing"
)

// Many goroutines segment text while the collector runs: the iterators
// open afterwards are the idle ones the pool keeps, and the process's
// memory does not grow with the calls. (With a sync.Pool, which dropped
// idle iterators at each collection without closing them, it grew 5.1 and
// 5.5 MB in two runs of this test; with this pool, under 130 KB.)
func TestWordsPoolIsBounded(t *testing.T) {
	w, err := NewWords()
	if err != nil {
		t.Skip(err)
	}
	defer w.Close()
	work := func(rounds int) {
		var wg sync.WaitGroup
		for g := 0; g < 16; g++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for i := 0; i < rounds; i++ {
					if _, err := w.Pieces("ဝန်ကြီးဌာန population ສະຖິຕິ ประชากร"); err != nil {
						t.Error(err)
						return
					}
					if i%4 == 0 {
						runtime.GC()
					}
				}
			}()
		}
		wg.Wait()
	}
	work(100) // warm up
	before := residentKB()
	work(1000)
	grown := residentKB() - before
	t.Logf("resident memory grew %d KB; %d iterators open", grown, w.pool.live.Load())
	if live := w.pool.live.Load(); live > poolIdle {
		t.Errorf("%d iterators open after the calls, more than the %d kept idle", live, poolIdle)
	}
	if grown > 2<<10 {
		t.Errorf("resident memory grew %d KB over 16,000 calls", grown)
	}
	w.Close()
	if live := w.pool.live.Load(); live != 0 {
		t.Errorf("%d iterators open after Close", live)
	}
}

func residentKB() int64 {
	b, _ := os.ReadFile("/proc/self/status")
	for _, line := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(line, "VmRSS:"); ok {
			kb, _ := strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(v), "kB")), 10, 64)
			return kb
		}
	}
	return 0
}
