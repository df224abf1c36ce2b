package ingest

import (
	"context"
	"errors"
	"io"
	"os"
	"path/filepath"
	"testing"

	"govlake/internal/govlake"
	"govlake/internal/tabular"
)

// tracked is a reader that counts its Close calls and may fail.
type tracked struct {
	tabular.RecordReader
	closed  *int
	failAt  int // fail the Read after this many records; 0 never
	records int
	header  []string
}

func (t *tracked) Header() []string {
	if t.header != nil {
		return t.header
	}
	return t.RecordReader.Header()
}

func (t *tracked) Read() (tabular.Record, error) {
	if t.failAt > 0 && t.records == t.failAt {
		return tabular.Record{}, errors.New("the disk went away")
	}
	t.records++
	return t.RecordReader.Read()
}

func (t *tracked) Close() error { *t.closed++; return t.RecordReader.Close() }

type keepOpen struct{ tabular.RecordReader }

func (keepOpen) Close() error { return nil }

// Every reader a run opens (the decoder, a transform's result) is closed
// once the run is over, whichever way it ends.
func TestReadersClosedOnEveryReturn(t *testing.T) {
	for _, tc := range []struct {
		name          string
		csv           string
		transform     bool
		transformErr  bool
		badTransform  bool // the transform's result lacks a required column
		failAt        int
		reference     bool
		wantStatus    string
		wantDecoded   int // Close calls on the decoder
		wantTransform int // Close calls on the transform's reader
	}{
		{name: "ok, column batches", csv: "id,name\n1,Aung\n", wantStatus: govlake.RunSucceeded, wantDecoded: 1},
		{name: "ok, reference path", csv: "id,name\n1,Aung\n", reference: true, wantStatus: govlake.RunSucceeded, wantDecoded: 1},
		{name: "required column missing", csv: "name\nAung\n", wantStatus: govlake.RunFailed, wantDecoded: 1},
		{name: "read fails, column batches", csv: "id,name\n1,Aung\n2,Mya\n", failAt: 1, wantStatus: govlake.RunFailed, wantDecoded: 1},
		{name: "read fails, reference path", csv: "id,name\n1,Aung\n2,Mya\n", failAt: 1, reference: true, wantStatus: govlake.RunFailed, wantDecoded: 1},
		{name: "transform fails", csv: "id,name\n1,Aung\n", transform: true, transformErr: true, wantStatus: govlake.RunFailed, wantDecoded: 1},
		{name: "transform ok", csv: "id,name\n1,Aung\n", transform: true, wantStatus: govlake.RunSucceeded, wantDecoded: 1, wantTransform: 1},
		{name: "transform result lacks a column", csv: "id,name\n1,Aung\n", transform: true, badTransform: true, wantStatus: govlake.RunFailed, wantDecoded: 1, wantTransform: 1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := newEnv(t, nil)
			os.WriteFile(filepath.Join(e.dir, "d.csv"), []byte(tc.csv), 0o644)
			r := e.runner(e.clock, nil)
			r.Reference = tc.reference
			var decoded, transformed int
			decode := r.Decode
			r.Decode = func(rd io.ReadSeeker, name string, src govlake.Source) (tabular.RecordReader, error) {
				in, err := decode(rd, name, src)
				if err != nil {
					return nil, err
				}
				return &tracked{RecordReader: in, closed: &decoded, failAt: tc.failAt}, nil
			}
			p := e.pipeline("")
			if tc.transform {
				p.Source.Transform = "SELECT * FROM source"
				r.Transform = func(ctx context.Context, in tabular.RecordReader, sql, name, tmp string) (tabular.RecordReader, error) {
					if tc.transformErr {
						return nil, govlake.Errorf(govlake.EINVALID, "source.transform: no such column")
					}
					// The transform's own reader: it reads in, which stays the
					// runner's to close.
					out := &tracked{RecordReader: keepOpen{in}, closed: &transformed}
					if tc.badTransform {
						out.header = []string{"name", "other"}
					}
					return out, nil
				}
			}
			run := r.Run(context.Background(), p)
			if run.Status != tc.wantStatus {
				t.Fatalf("status %s (%s), want %s", run.Status, run.Error, tc.wantStatus)
			}
			if decoded != tc.wantDecoded || transformed != tc.wantTransform {
				t.Errorf("decoder closed %d times, transform %d times; want %d and %d", decoded, transformed, tc.wantDecoded, tc.wantTransform)
			}
		})
	}
}
