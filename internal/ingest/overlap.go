package ingest

import (
	"context"
	"encoding/hex"
	"fmt"
	"hash"
	"io"
	"os"

	"govlake/internal/govlake"
)

// overlapped starts copying a local source to the work file at path while
// the source itself is processed (readPath), when its bytes are known to
// differ from the latest version's: the copy, kept and digested in the
// background, no longer holds the processing back (a quarter of a second
// for 786 MB). The processing ends with unchanged, which turns the run
// down if the source is not the same file with the same size and
// modification time, so that the bytes read are the bytes kept.
func overlapped(ctx context.Context, src *os.File, st os.FileInfo, path, url string, h hash.Hash, out *fetched, sync bool) {
	out.readPath, out.read = src.Name(), st
	out.hashed = make(chan struct{})
	go func() {
		defer close(out.hashed)
		defer src.Close()
		if out.hashErr = copyFile(path, src, st.Size(), url, sync); out.hashErr != nil {
			return
		}
		if out.hashErr = hashFile(ctx, path, h); out.hashErr == nil {
			out.sum = hex.EncodeToString(h.Sum(nil))
		}
	}()
}

// copyFile copies size bytes of src to a new file at path, flushed to
// disk when sync (syncWork); more or fewer bytes mean the source changed.
func copyFile(path string, src *os.File, size int64, url string, sync bool) error {
	f, err := os.Create(path)
	if err != nil {
		return fmt.Errorf("make work file: %w", err)
	}
	n, err := f.ReadFrom(io.LimitReader(src, size+1))
	if err == nil && n == size && sync {
		if serr := f.Sync(); serr != nil {
			f.Close()
			return fmt.Errorf("write work file: %w", serr)
		}
	}
	if cerr := f.Close(); err == nil && cerr != nil {
		return fmt.Errorf("write work file: %w", cerr)
	}
	if err != nil {
		return &govlake.Error{Code: govlake.EUNAVAILABLE, Message: fmt.Sprintf("reading source %s stopped after %d bytes; the run can be tried again", url, n), Err: err}
	}
	if n != size {
		return changed(url)
	}
	return nil
}

// unchanged checks, after processing, that the source read is the file it
// was, at the size and modification time it had.
func (f *fetched) unchanged(url string) error {
	if f.read == nil {
		return nil
	}
	st, err := os.Stat(f.readPath)
	if err != nil || !os.SameFile(st, f.read) || st.Size() != f.read.Size() || !st.ModTime().Equal(f.read.ModTime()) {
		return changed(url)
	}
	return nil
}

func changed(url string) error {
	return govlake.Errorf(govlake.ECONFLICT, "source %s changed while it was read; no version was made: run the pipeline again once the file is written", url)
}
