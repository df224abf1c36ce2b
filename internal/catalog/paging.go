package catalog

import (
	"context"

	"govlake/internal/govlake"
)

// Lists that grow with the store are served a page at a time.
const (
	DefaultPageSize = 100
	MaxPageSize     = 1000
)

// DatasetPage is one page of the datasets the caller may see, in id order.
type DatasetPage struct {
	Datasets []govlake.Summary
	// Total counts the datasets the caller may see; Offset is the page's
	// first one.
	Total, Offset int
}

// ListPage checks a page of a list.
func ListPage(limit, offset int) (Page, error) {
	if limit < 1 || limit > MaxPageSize {
		return Page{}, govlake.Errorf(govlake.EINVALID, "limit %d must be from 1 to %d", limit, MaxPageSize)
	}
	if offset < 0 {
		return Page{}, govlake.Errorf(govlake.EINVALID, "offset %d must not be negative", offset)
	}
	return Page{Limit: limit, Offset: offset}, nil
}

// DatasetsPage returns one page of Datasets.
func (c *Catalog) DatasetsPage(ctx context.Context, p Page) (*DatasetPage, error) {
	all, err := c.Datasets(ctx)
	if err != nil {
		return nil, err
	}
	page, err := pageOf(all, p, "datasets")
	if err != nil {
		return nil, err
	}
	return &DatasetPage{Datasets: page, Total: len(all), Offset: p.Offset}, nil
}

// VersionPage is one page of a dataset's versions, newest first.
type VersionPage struct {
	Versions      []govlake.VersionSummary
	Total, Offset int
}

// VersionsPage returns one page of a dataset's versions.
func (c *Catalog) VersionsPage(ctx context.Context, id string, p Page) (*VersionPage, error) {
	e, err := c.entry(ctx, id)
	if err != nil {
		return nil, err
	}
	seen := e.visible(ctx)
	out, err := c.newestVersions(ctx, id, e, seen, p)
	if err != nil {
		return nil, err
	}
	return &VersionPage{Versions: out, Total: len(seen), Offset: p.Offset}, nil
}

// newestVersions describes page p of vs (oldest first) counted from the
// newest, newest first.
func (c *Catalog) newestVersions(ctx context.Context, id string, e *entry, vs []govlake.IndexedVersion, p Page) ([]govlake.VersionSummary, error) {
	start, end, err := bounds(len(vs), p, "versions of "+id)
	if err != nil {
		return nil, err
	}
	return c.summaries(ctx, id, e, vs[len(vs)-end:len(vs)-start])
}

// pageOf cuts page p out of all, a list of what.
func pageOf[T any](all []T, p Page, what string) ([]T, error) {
	start, end, err := bounds(len(all), p, what)
	if err != nil {
		return nil, err
	}
	return all[start:end], nil
}

// bounds is where page p of a list of n what starts and ends.
func bounds(n int, p Page, what string) (start, end int, err error) {
	if p.Offset > n {
		return 0, 0, govlake.Errorf(govlake.EINVALID, "offset %d is past the %d %s", p.Offset, n, what)
	}
	return p.Offset, min(p.Offset+p.Limit, n), nil
}
