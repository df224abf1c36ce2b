package ingest

import (
	"context"
	"io"
	"reflect"
	"strings"
	"testing"
	"time"

	"govlake/internal/file"
	"govlake/internal/govlake"
)

// unlogged is a store on which appending to the index log fails: a
// writer that dies between its manifest and its change.
type unlogged struct{ govlake.Store }

func (u unlogged) Create(ctx context.Context, key string, r io.Reader) error {
	if strings.HasPrefix(key, govlake.IndexLogPrefix) {
		return govlake.Errorf(govlake.EUNAVAILABLE, "the writer died")
	}
	return u.Store.Create(ctx, key, r)
}

// Every run logs what it did; a version whose change was lost is found
// by the dataset's next commit, and the index then equals the listing.
func TestRunsKeepTheIndex(t *testing.T) {
	ctx := context.Background()
	fs, _ := file.NewStore(t.TempDir())
	e := newEnv(t, fs)
	t0 := time.Date(2026, 12, 1, 8, 0, 0, 0, time.UTC)
	read := govlake.StoreManifests(fs)
	for i, store := range []govlake.Store{fs, unlogged{fs}, fs} {
		r, p := e.writer(store, t0.Add(time.Duration(i)*time.Hour), 10+i)
		if run := r.Run(ctx, p); run.Version != i+1 {
			t.Fatalf("run %d: %s %s", i, run.Status, run.Error)
		}
		x, found, err := govlake.LoadIndex(ctx, fs, read)
		if err != nil || !found {
			t.Fatalf("run %d: index %v %v", i, found, err)
		}
		d := x.Datasets["sched"]
		want := []int{1, 1, 3}[i] // the second's version is missing until the third
		if len(d.Versions) != want {
			t.Fatalf("after run %d the index holds %d versions, want %d", i, len(d.Versions), want)
		}
		if i == 2 {
			scan, err := govlake.ScanIndex(ctx, fs, read)
			if err != nil {
				t.Fatal(err)
			}
			s := scan.Datasets["sched"]
			if !reflect.DeepEqual(d.Versions, s.Versions) || !reflect.DeepEqual(d.Meta, s.Meta) {
				t.Fatalf("index %+v %+v\nlisting %+v %+v", d.Versions, d.Meta, s.Versions, s.Meta)
			}
			if d.Versions[1].Rows != 11 || d.LastSuccess == nil || d.LastSuccess.Key != d.Runs[0].Key {
				t.Fatalf("version 2 %+v; last success %+v, runs %+v", d.Versions[1], d.LastSuccess, d.Runs)
			}
		}
	}
}
