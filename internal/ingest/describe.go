package ingest

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"govlake/internal/govlake"
)

// describe profiles the new version's columns and compares it with the
// latest version, when the runner has a Describe. A failure is logged and
// the version made without them: they explain the data, they are not it.
func (r *Runner) describe(ctx context.Context, p *govlake.Pipeline, m *govlake.Manifest, res *result, latest *govlake.Manifest, tmp string) {
	if r.Describe == nil || len(res.parts) == 0 {
		return
	}
	var files []string
	for _, part := range res.parts {
		files = append(files, part.path)
	}
	var previous []string
	if latest != nil {
		var err error
		if previous, err = r.fetchParts(ctx, latest, tmp); err != nil {
			r.Logger.Warn("the previous version cannot be read to compare with", "dataset", p.Dataset, "version", latest.Version, "err", err)
			previous = nil
		}
	}
	profile, diff, err := r.Describe(ctx, files, previous, m.Columns, p.PrimaryKey, res.summaries)
	if err != nil {
		r.Logger.Warn("the version's columns could not be profiled", "dataset", p.Dataset, "err", err)
		return
	}
	m.Profile = profile
	if diff != nil {
		diff.Previous = latest.Version
		m.Diff = diff
	}
}

// fetchParts copies a version's Parquet parts from the store to the work
// folder, for DuckDB to read.
func (r *Runner) fetchParts(ctx context.Context, m *govlake.Manifest, tmp string) ([]string, error) {
	dir, err := os.MkdirTemp(tmp, "previous-")
	if err != nil {
		return nil, err
	}
	var paths []string
	for i, f := range m.Files {
		path := filepath.Join(dir, fmt.Sprintf("part-%d.parquet", i))
		if err := r.getFile(ctx, f.Key, path); err != nil {
			return nil, err
		}
		paths = append(paths, path)
	}
	return paths, nil
}

func (r *Runner) getFile(ctx context.Context, key, path string) error {
	rc, err := r.Store.Get(ctx, key)
	if err != nil {
		return fmt.Errorf("read %s: %w", key, err)
	}
	defer rc.Close()
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	if _, err := io.Copy(f, rc); err != nil {
		f.Close()
		return fmt.Errorf("copy %s: %w", key, err)
	}
	return f.Close()
}
