package file

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"govlake/internal/govlake"
)

// Fetcher opens local sources for the runner.
type Fetcher struct{}

// Fetch opens a local source. A local file has no validators: whether it
// changed is told by its digest.
func (Fetcher) Fetch(ctx context.Context, src govlake.Source, prev *govlake.SourceInfo) (*govlake.Fetched, error) {
	shown := src.Shown
	if shown == "" {
		shown = filepath.Base(src.URL)
	}
	rc, err := Open(ctx, src.URL, shown)
	if err != nil {
		return nil, err
	}
	return &govlake.Fetched{Body: rc, URL: src.URL}, nil
}

// Open opens a local source: a path or a file:// URL. Messages name it as
// shown, never by its path on the server.
func Open(ctx context.Context, url, shown string) (io.ReadCloser, error) {
	path := url
	if rest, ok := strings.CutPrefix(url, "file://"); ok {
		path = rest
	} else if i := strings.Index(url, "://"); i > 0 {
		return nil, govlake.Errorf(govlake.EINVALID, "source %s: the %s:// scheme is not supported by this version of govlake (use a local path or file://)", shown, url[:i])
	}
	f, err := os.Open(path)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return nil, govlake.Errorf(govlake.EINVALID, "source file %s does not exist; check source.url (relative paths are resolved against the pipeline file's folder)", shown)
	case errors.Is(err, fs.ErrPermission):
		return nil, govlake.Errorf(govlake.EUNAVAILABLE, "source file %s may not be read by the ingest service (permission denied); give it read access", shown)
	case err != nil:
		return nil, &govlake.Error{Code: govlake.EUNAVAILABLE, Message: fmt.Sprintf("source file %s could not be opened (the log has the system's reason)", shown), Err: err}
	}
	if st, err := f.Stat(); err == nil && st.IsDir() {
		f.Close()
		return nil, govlake.Errorf(govlake.EINVALID, "source %s is a folder, not a file", shown)
	}
	return f, nil
}
