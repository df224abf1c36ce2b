package wire

import (
	"os"
	"runtime/debug"
	"sync"
)

// CatalogGC sets the catalogue process's garbage collection, unless GOGC
// says otherwise: a catalogue keeps a large heap that changes little (the
// index: 10,000 datasets and a million versions are some 60 MB live), so
// collecting when it grows by 30% rather than doubles keeps less of it
// resident for a few percent of CPU. bench/catalog, 10,000 x 100: GOGC 100
// with a manifest cache of 1,024, 359 MB peak; GOGC 50 and a cache of 256,
// 290 MB (p99 44 -> 45 ms) on one VM and 310-316 MB on another; GOGC 30,
// 292 MB there (p99 53 -> 54 ms). 10,000 datasets: 275 -> 248 MB, p99 46
// -> 55 ms, package_search p50 12.5 -> 17.5 ms.
func CatalogGC() {
	if os.Getenv("GOGC") == "" {
		debug.SetGCPercent(30)
	}
}

// largeSource is the size from which a source is processed with fewer
// garbage collections (largeGC).
const largeSource = 256 << 20

// largeGC collects garbage when the heap has tripled, not doubled, while
// any source of largeSource bytes or more is processed, unless GOGC says
// otherwise: its heap is mostly the batches streaming through, which the
// collector marks again and again for nothing (10 million rows, 786 MB:
// 7.47-8.80 s against 7.90-9.49 in four runs each, peak RSS 630-670 MB
// against 460-490). The setting is the process's, so this count is too:
// whichever run ends last puts it back.
var largeGC struct {
	sync.Mutex
	n    int
	prev int
}

func holdLargeGC(size int64) (done func()) {
	if size < largeSource || os.Getenv("GOGC") != "" {
		return func() {}
	}
	largeGC.Lock()
	if largeGC.n == 0 {
		largeGC.prev = debug.SetGCPercent(200)
	}
	largeGC.n++
	largeGC.Unlock()
	return func() {
		largeGC.Lock()
		if largeGC.n--; largeGC.n == 0 {
			debug.SetGCPercent(largeGC.prev)
		}
		largeGC.Unlock()
	}
}
