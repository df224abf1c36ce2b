package csv

import (
	"errors"
	"io"
	"runtime"
	"strings"
	"testing"
	"time"
)

// A Reader read to its end is garbage at the next collection. (Its chunk
// buffers once lived in a sync.Pool, which the runtime keeps listed for
// two collections: each Reader, with its 1 MB read buffer, outlived its
// run, and `ingest run` over 2,000 small pipelines grew to 2.6 GB; 163 MB
// since.)
func TestReaderIsFreedAtTheNextCollection(t *testing.T) {
	freed := make(chan struct{}, 10)
	for i := 0; i < 10; i++ {
		r, err := NewReader(strings.NewReader("id,name\n"+strings.Repeat("1,Aung\n", 5000)), "t.csv", Options{})
		if err != nil {
			t.Fatal(err)
		}
		r.chunkBytes = 4096
		for {
			ch, err := r.ReadChunk()
			if errors.Is(err, io.EOF) {
				break
			}
			if err != nil {
				t.Fatal(err)
			}
			if _, _, err := ch.Records(); err != nil {
				t.Fatal(err)
			}
		}
		runtime.AddCleanup(r, func(ch chan struct{}) { ch <- struct{}{} }, freed)
	}
	runtime.GC()
	for i := 0; i < 10; i++ {
		select {
		case <-freed:
		case <-time.After(2 * time.Second):
			t.Fatalf("%d of 10 readers freed by one collection", i)
		}
	}
}
