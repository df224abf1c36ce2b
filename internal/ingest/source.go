package ingest

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"hash"
	"io"
	"os"
	"path/filepath"

	"govlake/internal/govlake"
)

// processDigest digests what, besides the source bytes, shapes a version.
func processDigest(p *govlake.Pipeline, schema Schema) string {
	h := sha256.New()
	opts := p.Source
	// Moving a file, rotating a token or raising a limit does not change the data.
	opts.URL, opts.Headers, opts.MaxBytes = "", nil, 0
	b, _ := json.Marshal(opts)
	fmt.Fprintf(h, "schema %s\nsource %s\n", schema.SHA256(), b)
	return hex.EncodeToString(h.Sum(nil))
}

// shownURL names a source for records and messages: never by an absolute
// path on the server (see govlake.Source.Shown).
func shownURL(src govlake.Source) string {
	if src.Shown != "" {
		return src.Shown
	}
	return src.URL
}

type fetched struct {
	path     string // the work copy, kept
	readPath string // when not empty, the source file processed in place (see overlapped)
	read     os.FileInfo
	info     govlake.SourceInfo
	metadata *govlake.Metadata // from a portal
	// hashed, when not nil, closes once sum holds the digest of a local
	// copy, made and taken while the source is processed (overlapped);
	// info then lacks it until digested. hashErr is the copy's or the
	// digest's error.
	hashed  chan struct{}
	sum     string
	hashErr error
}

// processedPath is the file to process: the source itself when it is read
// while copied, else the work copy.
func (f *fetched) processedPath() string {
	if f.readPath != "" {
		return f.readPath
	}
	return f.path
}

// wait waits for the source's digest.
func (f *fetched) wait() error {
	if f.hashed != nil {
		<-f.hashed
	}
	return f.hashErr
}

// digested is info with the digest and raw key, after wait.
func (f *fetched) digested(dataset string) govlake.SourceInfo {
	info := f.info
	if f.hashed != nil && f.hashErr == nil {
		info.SHA256, info.RawKey = f.sum, govlake.RawKey(dataset, f.sum)
	}
	return info
}

// portal returns what a portal said of the dataset, if anything.
func (f *fetched) portal() *govlake.Metadata {
	if f == nil {
		return nil
	}
	return f.metadata
}

// fetch copies the source to a work file, hashing it on the way, so that it
// is read from the network once and can be decoded and kept. It returns nil
// when a conditional request says nothing changed. When differs says that
// bytes of a local file's size cannot be the latest version's (there is
// none, its processing changed, or its size differs), the file is processed
// in place while its copy is made and hashed (see overlapped, fetched.wait):
// nothing waits on the digest to decide whether to go on.
func (r *Runner) fetch(ctx context.Context, p *govlake.Pipeline, prev *govlake.SourceInfo, tmp string, differs func(size int64) bool) (*fetched, error) {
	got, err := r.Fetch(ctx, p.Source, prev)
	if err != nil {
		return nil, err
	}
	if got.NotModified {
		return nil, nil
	}
	url := shownURL(p.Source)
	if url == "" {
		url = got.URL
	}
	path := filepath.Join(tmp, "source")
	limit := p.Source.MaxBytes
	if limit <= 0 {
		limit = govlake.DefaultMaxBytes
	}
	h := sha256.New()
	fetchedOf := func(size int64) *fetched {
		return &fetched{path: path, metadata: got.Metadata, info: govlake.SourceInfo{
			URL: url, Format: p.Source.Format, Size: size,
			ETag: got.ETag, LastModified: got.LastModified, Origin: got.Origin,
		}}
	}
	if src, ok := got.Body.(*os.File); ok {
		if st, err := src.Stat(); err == nil && st.Mode().IsRegular() && st.Size() <= limit && differs(st.Size()) {
			out := fetchedOf(st.Size())
			overlapped(ctx, src, st, path, url, h, out, r.syncWork()) // closes src
			return out, nil
		}
	}
	defer got.Body.Close()
	f, err := os.Create(path)
	if err != nil {
		return nil, fmt.Errorf("make work file: %w", err)
	}
	defer f.Close()
	var n int64
	local := false
	if src, ok := got.Body.(*os.File); ok {
		// A local file: the kernel copies it, then the copy is hashed, so
		// the digest is of the bytes kept.
		local = true
		n, err = f.ReadFrom(io.LimitReader(src, limit+1))
	} else {
		n, err = io.Copy(io.MultiWriter(f, h), io.LimitReader(got.Body, limit+1))
	}
	if err != nil {
		if ctx.Err() != nil {
			return nil, govlake.Errorf(govlake.ETIMEOUT, "reading source %s stopped after %d bytes: the run's time ran out", url, n)
		}
		return nil, &govlake.Error{Code: govlake.EUNAVAILABLE, Message: fmt.Sprintf("reading source %s stopped after %d bytes: the connection broke; the run can be tried again", url, n), Err: err}
	}
	if n > limit {
		return nil, govlake.Errorf(govlake.ETOOLARGE, "source %s is larger than %d bytes; raise source.max_bytes if that is expected", url, limit)
	}
	if err := f.Close(); err != nil {
		return nil, fmt.Errorf("write work file: %w", err)
	}
	if local {
		if err := hashFile(ctx, path, h); err != nil {
			return nil, err
		}
	}
	out := fetchedOf(n)
	sum := hex.EncodeToString(h.Sum(nil))
	out.info.SHA256, out.info.RawKey = sum, govlake.RawKey(p.Dataset, sum)
	return out, nil
}

// hashFile adds a work file's bytes to h, stopping when ctx ends.
func hashFile(ctx context.Context, path string, h hash.Hash) error {
	f, err := os.Open(path)
	if err != nil {
		return fmt.Errorf("read work file: %w", err)
	}
	defer f.Close()
	buf := make([]byte, 1<<20)
	for {
		if err := ctx.Err(); err != nil {
			return govlake.Errorf(govlake.ETIMEOUT, "hashing the source stopped: the run's time ran out")
		}
		k, err := f.Read(buf)
		h.Write(buf[:k])
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return fmt.Errorf("read work file: %w", err)
		}
	}
}

// keepRaw stores the source bytes by digest, once. The key names the
// content, so a concurrent writer of the same key writes the same bytes; a
// plain upload (streamed, any size) is safe.
func (r *Runner) keepRaw(ctx context.Context, src *fetched, info govlake.SourceInfo) error {
	objs, err := r.Store.List(ctx, info.RawKey)
	if err != nil {
		return fmt.Errorf("check raw source %s: %w", info.RawKey, err)
	}
	for _, o := range objs {
		if o.Key == info.RawKey && o.Size == info.Size {
			return nil
		}
	}
	if err := r.putFile(ctx, info.RawKey, src.path); err != nil {
		return fmt.Errorf("keep raw source: %w", err)
	}
	return nil
}
