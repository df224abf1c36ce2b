package ingest

import (
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"sync"
	"testing"

	"govlake/internal/govlake"
	"govlake/internal/tabular"
)

// lineWriter writes each prepared batch (a string) as a line; it can be
// told to fail at a batch.
type lineWriter struct {
	w      io.Writer
	rows   int64
	failAt string
}

func (l *lineWriter) Write(row []any) error {
	l.rows++
	_, err := fmt.Fprintln(l.w, row...)
	return err
}
func (l *lineWriter) Rows() int64  { return l.rows }
func (l *lineWriter) Close() error { _, err := fmt.Fprintln(l.w, "end"); return err }
func (l *lineWriter) PrepareColumns(*tabular.Batch, []int, []bool) (any, error) {
	return nil, errors.New("not used")
}
func (l *lineWriter) WritePrepared(p any) error {
	if p.(string) == l.failAt {
		return fmt.Errorf("disk full at %s", p)
	}
	_, err := fmt.Fprintln(l.w, p)
	return err
}

func TestPartsSplitInOrder(t *testing.T) {
	tests := []struct {
		name    string
		batches int
		rows    int // per batch
		max     int64
		want    []int // batches per part
	}{
		{"one part", 5, 10, 1000, []int{5}},
		{"by rows", 10, 10, 30, []int{3, 3, 3, 1}},
		{"by batches", partBatches + 3, 1, 1 << 40, []int{partBatches, 3}},
		{"unbounded", partBatches + 3, 1, 0, []int{partBatches + 3}},
		{"none", 0, 0, 30, []int{0}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			ps := newParts(dir, nil, func(w io.Writer, _ []govlake.Column) (RowWriter, error) { return &lineWriter{w: w}, nil }, 2, tt.max)
			defer ps.abort()
			for i := 0; i < tt.batches; i++ {
				if err := ps.writePrepared(fmt.Sprintf("batch %d", i), tt.rows); err != nil {
					t.Fatal(err)
				}
			}
			if err := ps.close(); err != nil {
				t.Fatal(err)
			}
			if len(ps.all) != len(tt.want) {
				t.Fatalf("%d parts, want %d", len(ps.all), len(tt.want))
			}
			next := 0
			for k, p := range ps.all {
				b, err := os.ReadFile(p.path)
				if err != nil {
					t.Fatal(err)
				}
				var want strings.Builder
				for i := 0; i < tt.want[k]; i++ {
					fmt.Fprintf(&want, "batch %d\n", next)
					next++
				}
				want.WriteString("end\n")
				if string(b) != want.String() {
					t.Errorf("part %d holds %q, want %q", k, b, want.String())
				}
				if p.rows != int64(tt.want[k]*tt.rows) {
					t.Errorf("part %d: %d rows, want %d", k, p.rows, tt.want[k]*tt.rows)
				}
			}
		})
	}
}

// A part that fails to encode fails the whole write, and the parts after it
// do not wait for it.
func TestPartsError(t *testing.T) {
	dir := t.TempDir()
	ps := newParts(dir, nil, func(w io.Writer, _ []govlake.Column) (RowWriter, error) {
		return &lineWriter{w: w, failAt: "batch 4"}, nil
	}, 2, 3)
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		for i := 0; i < 20; i++ {
			if err := ps.writePrepared(fmt.Sprintf("batch %d", i), 1); err != nil {
				t.Error(err)
			}
		}
	}()
	wg.Wait()
	err := ps.close()
	if err == nil || !strings.Contains(err.Error(), "disk full at batch 4") {
		t.Fatalf("close: %v, want the part's error", err)
	}
}

// abort stops every part, encoding nothing more.
func TestPartsAbort(t *testing.T) {
	dir := t.TempDir()
	ps := newParts(dir, nil, func(w io.Writer, _ []govlake.Column) (RowWriter, error) { return &lineWriter{w: w}, nil }, 2, 2)
	for i := 0; i < 7; i++ {
		if err := ps.writePrepared(fmt.Sprintf("batch %d", i), 1); err != nil {
			t.Fatal(err)
		}
	}
	last := ps.cur
	ps.abort() // returns once every part's goroutine has ended
	for _, p := range ps.all {
		select {
		case <-p.done:
		default:
			t.Errorf("%s: still encoding after abort", p.path)
		}
	}
	if b, _ := os.ReadFile(last.path); strings.Contains(string(b), "end") {
		t.Errorf("the open part %s was finished after abort: %q", last.path, b)
	}
}
