package ingest

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"govlake/internal/govlake"
	"io"
	"os"
	"path/filepath"
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
	path     string
	info     govlake.SourceInfo
	metadata *govlake.Metadata // from a portal
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
// when a conditional request says nothing changed.
func (r *Runner) fetch(ctx context.Context, p *govlake.Pipeline, prev *govlake.SourceInfo, tmp string) (*fetched, error) {
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
	defer got.Body.Close()
	path := filepath.Join(tmp, "source")
	f, err := os.Create(path)
	if err != nil {
		return nil, fmt.Errorf("make work file: %w", err)
	}
	defer f.Close()
	limit := p.Source.MaxBytes
	if limit <= 0 {
		limit = govlake.DefaultMaxBytes
	}
	h := sha256.New()
	var n int64
	if src, ok := got.Body.(*os.File); ok {
		// A local file: the kernel copies it, then the copy is hashed, so
		// the digest is of the bytes kept.
		if n, err = f.ReadFrom(io.LimitReader(src, limit+1)); err == nil {
			_, err = io.CopyBuffer(h, io.NewSectionReader(f, 0, n), make([]byte, 1<<20))
		}
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
	sum := hex.EncodeToString(h.Sum(nil))
	return &fetched{path: path, metadata: got.Metadata, info: govlake.SourceInfo{
		URL: url, Format: p.Source.Format, SHA256: sum, Size: n, RawKey: govlake.RawKey(p.Dataset, sum),
		ETag: got.ETag, LastModified: got.LastModified, Origin: got.Origin,
	}}, nil
}

// keepRaw stores the source bytes by digest, once. The key names the
// content, so a concurrent writer of the same key writes the same bytes; a
// plain upload (streamed, any size) is safe.
func (r *Runner) keepRaw(ctx context.Context, id string, src *fetched) error {
	objs, err := r.Store.List(ctx, src.info.RawKey)
	if err != nil {
		return fmt.Errorf("check raw source %s: %w", src.info.RawKey, err)
	}
	for _, o := range objs {
		if o.Key == src.info.RawKey && o.Size == src.info.Size {
			return nil
		}
	}
	if err := r.putFile(ctx, src.info.RawKey, src.path); err != nil {
		return fmt.Errorf("keep raw source: %w", err)
	}
	return nil
}
