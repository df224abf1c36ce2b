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

// ListPage checks a page of a list: a limit of 0 is the default size.
func ListPage(limit, offset int) (Page, error) {
	if limit == 0 {
		limit = DefaultPageSize
	}
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
	if p.Offset > len(all) {
		return nil, govlake.Errorf(govlake.EINVALID, "offset %d is past the %d datasets", p.Offset, len(all))
	}
	end := min(p.Offset+p.Limit, len(all))
	return &DatasetPage{Datasets: all[p.Offset:end], Total: len(all), Offset: p.Offset}, nil
}

// VersionPage is one page of a dataset's versions, newest first.
type VersionPage struct {
	Versions      []govlake.VersionSummary
	Total, Offset int
}

// VersionsPage returns one page of a dataset's versions.
func (c *Catalog) VersionsPage(ctx context.Context, id string, p Page) (*VersionPage, error) {
	d, err := c.Dataset(ctx, id)
	if err != nil {
		return nil, err
	}
	if p.Offset > len(d.Versions) {
		return nil, govlake.Errorf(govlake.EINVALID, "offset %d is past the %d versions of %s", p.Offset, len(d.Versions), id)
	}
	end := min(p.Offset+p.Limit, len(d.Versions))
	return &VersionPage{Versions: d.Versions[p.Offset:end], Total: len(d.Versions), Offset: p.Offset}, nil
}
