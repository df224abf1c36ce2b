package govlake

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"sort"
	"time"
)

// snapFile is a snapshot as stored: gzipped JSON, with each dataset's
// versions in columns (numbers, creation times in Unix nanoseconds, rows,
// and the numbers of drafts), which keeps a million versions in tens of
// megabytes and quick to decode.
type snapFile struct {
	Seq      int64                   `json:"seq"`
	Written  time.Time               `json:"written"`
	Datasets map[string]*snapDataset `json:"datasets"`
}

type snapDataset struct {
	Meta        Metadata            `json:"metadata"`
	N           []int               `json:"n"`
	Created     []int64             `json:"created"`
	Rows        []int64             `json:"rows"`
	Drafts      []int               `json:"drafts,omitempty"`
	Withdrawn   map[int]*Withdrawal `json:"withdrawn,omitempty"`
	Published   []int               `json:"published,omitempty"`
	Runs        []RunRef            `json:"runs,omitempty"`
	LastSuccess *RunRef             `json:"last_success,omitempty"`
	LastFailure *RunRef             `json:"last_failure,omitempty"`
}

// MaxSnapshotBytes bounds a snapshot read back (decompressed).
const MaxSnapshotBytes = 2 << 30

// WriteSnapshot stores x as the snapshot of its sequence number. Two
// writers of the same number write the same index: the first stays.
func WriteSnapshot(ctx context.Context, s Store, x *Index, now time.Time) error {
	return writeSnapshotKey(ctx, s, SnapKey(x.Seq), x, now)
}

func writeSnapshotKey(ctx context.Context, s Store, key string, x *Index, now time.Time) error {
	f := snapFile{Seq: x.Seq, Written: now.UTC(), Datasets: make(map[string]*snapDataset, len(x.Datasets))}
	for id, d := range x.Datasets {
		sd := &snapDataset{Meta: d.Meta, Withdrawn: d.Withdrawn, Runs: d.Runs, LastSuccess: d.LastSuccess, LastFailure: d.LastFailure,
			N: make([]int, len(d.Versions)), Created: make([]int64, len(d.Versions)), Rows: make([]int64, len(d.Versions))}
		for i, v := range d.Versions {
			sd.N[i], sd.Created[i], sd.Rows[i] = v.N, v.created, v.Rows
			if v.Draft {
				sd.Drafts = append(sd.Drafts, v.N)
			}
		}
		for n := range d.Published {
			sd.Published = append(sd.Published, n)
		}
		sort.Ints(sd.Published)
		f.Datasets[id] = sd
	}
	var buf bytes.Buffer
	zw, _ := gzip.NewWriterLevel(&buf, gzip.BestSpeed)
	if err := json.NewEncoder(zw).Encode(&f); err != nil {
		return fmt.Errorf("encode the index snapshot %d: %w", x.Seq, err)
	}
	if err := zw.Close(); err != nil {
		return fmt.Errorf("compress the index snapshot %d: %w", x.Seq, err)
	}
	err := s.Create(ctx, key, &buf)
	if ErrorCode(err) == ECONFLICT {
		return nil
	}
	if err != nil {
		return fmt.Errorf("write the index snapshot %s: %w", key, err)
	}
	return nil
}

// ReadSnapshot reads the snapshot of seq.
func ReadSnapshot(ctx context.Context, s Store, seq int64) (*Index, error) {
	return readSnapshotKey(ctx, s, SnapKey(seq))
}

func readSnapshotKey(ctx context.Context, s Store, key string) (*Index, error) {
	rc, err := s.Get(ctx, key)
	if err != nil {
		return nil, fmt.Errorf("read the index snapshot %s: %w", key, err)
	}
	defer rc.Close()
	zr, err := gzip.NewReader(rc)
	if err != nil {
		return nil, Errorf(EINVALID, "index snapshot %s is damaged (%v): run ingest reindex", key, err)
	}
	lr := &io.LimitedReader{R: zr, N: MaxSnapshotBytes + 1}
	var f snapFile
	if err := json.NewDecoder(lr).Decode(&f); err != nil {
		if lr.N <= 0 {
			return nil, Errorf(EINVALID, "index snapshot %s is over %d bytes decompressed", key, int64(MaxSnapshotBytes))
		}
		return nil, Errorf(EINVALID, "index snapshot %s is damaged (%v): run ingest reindex", key, err)
	}
	x := &Index{Seq: f.Seq, Datasets: make(map[string]*IndexedDataset, len(f.Datasets))}
	for id, sd := range f.Datasets {
		if len(sd.Created) != len(sd.N) || len(sd.Rows) != len(sd.N) {
			return nil, Errorf(EINVALID, "index snapshot %s: dataset %s has columns of different lengths: run ingest reindex", key, id)
		}
		d := &IndexedDataset{Meta: sd.Meta, Withdrawn: sd.Withdrawn, Runs: sd.Runs, LastSuccess: sd.LastSuccess, LastFailure: sd.LastFailure,
			Versions: make([]IndexedVersion, len(sd.N)), Published: make(map[int]bool, len(sd.Published))}
		if d.Withdrawn == nil {
			d.Withdrawn = map[int]*Withdrawal{}
		}
		drafts := make(map[int]bool, len(sd.Drafts))
		for _, n := range sd.Drafts {
			drafts[n] = true
		}
		for i, n := range sd.N {
			d.Versions[i] = IndexedVersion{N: n, created: sd.Created[i], Rows: sd.Rows[i], Draft: drafts[n]}
		}
		for _, n := range sd.Published {
			d.Published[n] = true
		}
		x.Datasets[id] = d
	}
	return x, nil
}
