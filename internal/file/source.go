package file

import (
	"context"
	"errors"
	"io"
	"io/fs"
	"os"
	"strings"

	"govlake/internal/govlake"
)

// Fetcher opens local sources for the runner.
type Fetcher struct{}

// Fetch opens a local source. A local file has no validators: whether it
// changed is told by its digest.
func (Fetcher) Fetch(ctx context.Context, src govlake.Source, prev *govlake.SourceInfo) (*govlake.Fetched, error) {
	rc, err := Open(ctx, src.URL)
	if err != nil {
		return nil, err
	}
	return &govlake.Fetched{Body: rc, URL: src.URL}, nil
}

// Open opens a local source: a path or a file:// URL.
func Open(ctx context.Context, url string) (io.ReadCloser, error) {
	path := url
	if rest, ok := strings.CutPrefix(url, "file://"); ok {
		path = rest
	} else if i := strings.Index(url, "://"); i > 0 {
		return nil, govlake.Errorf(govlake.EINVALID, "source %s: the %s:// scheme is not supported by this version of govlake (use a local path or file://)", url, url[:i])
	}
	f, err := os.Open(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, govlake.Errorf(govlake.EINVALID, "source file %s does not exist; check source.url (relative paths are resolved against the pipeline file's folder)", path)
	}
	if err != nil {
		return nil, govlake.Errorf(govlake.EUNAVAILABLE, "open source %s: %w", path, err)
	}
	if st, err := f.Stat(); err == nil && st.IsDir() {
		f.Close()
		return nil, govlake.Errorf(govlake.EINVALID, "source %s is a folder, not a file", path)
	}
	return f, nil
}
