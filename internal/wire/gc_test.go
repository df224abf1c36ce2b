package wire

import (
	"os"
	"runtime/debug"
	"testing"
)

func gcPercent() int {
	p := debug.SetGCPercent(100)
	debug.SetGCPercent(p)
	return p
}

// A large source raises the GC target while it is processed, however many
// overlap; a small one leaves it; the last to end puts it back.
func TestLargeSourceGC(t *testing.T) {
	if os.Getenv("GOGC") != "" {
		t.Skip("GOGC is set: the runtime's setting is left alone")
	}
	before := debug.SetGCPercent(100)
	defer debug.SetGCPercent(before)
	small := holdLargeGC(largeSource - 1)
	if p := gcPercent(); p != 100 {
		t.Errorf("a small source set GC to %d", p)
	}
	a, b := holdLargeGC(largeSource), holdLargeGC(1<<40)
	if p := gcPercent(); p != 200 {
		t.Errorf("two large sources: GC %d", p)
	}
	a()
	small()
	if p := gcPercent(); p != 200 {
		t.Errorf("one large source still processed: GC %d", p)
	}
	b()
	if p := gcPercent(); p != 100 {
		t.Errorf("after the last: GC %d", p)
	}
}
