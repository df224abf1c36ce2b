package catalog

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"

	"govlake/internal/govlake"
)

// TableNamespace is the one namespace of the lake's Iceberg tables, as a
// Hadoop catalog with the store's root as warehouse also sees it.
const TableNamespace = "datasets"

// OpenTable is a dataset's Iceberg table as a REST catalog loads it.
type OpenTable struct {
	// Location is the address of the table's newest metadata file.
	Location string
	// Metadata is that file, as stored.
	Metadata json.RawMessage
}

// TableNames lists, a page at a time, the datasets whose Iceberg tables
// the caller may load: those it may see with a published version.
func (c *Catalog) TableNames(ctx context.Context, p Page) (names []string, total int, err error) {
	all, err := c.listed(ctx, func(e *entry) bool { _, ok := e.latest(); return ok })
	if err != nil {
		return nil, 0, err
	}
	page, err := pageOf(all, p, "tables")
	if err != nil {
		return nil, 0, err
	}
	for _, d := range page {
		names = append(names, d.ID)
	}
	return names, len(all), nil
}

// loadedTable is a table as loaded under one state of its dataset's index
// entry.
type loadedTable struct {
	under *entry
	table *OpenTable
}

// OpenTable reads a dataset's Iceberg table, for engines that read the
// lake's files themselves: the store's newest metadata file of it. A table
// whose current snapshot is the dataset's latest version is kept until
// the dataset changes in the index (engines load a table before every
// query; reading it took three store requests); one that lags (written
// just after the version) is read again next time.
func (c *Catalog) OpenTable(ctx context.Context, id string) (*OpenTable, error) {
	e, err := c.entry(ctx, id)
	if err != nil {
		return nil, err
	}
	if t, ok := c.tables.get(id); ok && t.under == e {
		return t.table, nil
	}
	n, data, err := govlake.TableMetadata(ctx, c.store, id)
	if err != nil {
		return nil, fmt.Errorf("read the Iceberg table of %s: %w", id, err)
	}
	if data == nil {
		return nil, govlake.Errorf(govlake.ENOTFOUND, "dataset %q has no Iceberg table yet: ingest writes it with each published version, and ingest reindex for versions made before", id)
	}
	var head struct {
		Location string `json:"location"`
		Current  *int64 `json:"current-snapshot-id"`
	}
	if err := json.Unmarshal(data, &head); err != nil || head.Location == "" {
		return nil, govlake.Errorf(govlake.EUNAVAILABLE, "the Iceberg metadata of %s (file %d) cannot be read; ingest reindex rewrites it", id, n)
	}
	loc := strings.TrimSuffix(head.Location, "/") + "/" + strings.TrimPrefix(govlake.TableMetadataKey(id, n), govlake.DatasetPrefix(id))
	t := &OpenTable{Location: loc, Metadata: data}
	if v, ok := e.latest(); ok && head.Current != nil && *head.Current == int64(v.N) {
		c.tables.put(id, loadedTable{under: e, table: t})
	}
	return t, nil
}
