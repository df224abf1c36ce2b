package catalog

import (
	"context"
	"strings"

	"govlake/internal/govlake"
)

// MetaEngine answers catalogue questions (pg_catalog, information_schema)
// over empty tables shaped as the datasets; the DuckDB adapter's Meta is
// one. key names a set of tables: the same key, the same set.
type MetaEngine interface {
	Stream(ctx context.Context, key string, tables []govlake.TableSchema, sql string, header func([]govlake.ResultColumn) error, row func([]any) error, args ...any) error
}

// SetMeta gives the query layer the engine for catalogue questions.
func (q *Queries) SetMeta(m MetaEngine) { q.meta = m }

// Schemas are the tables one may read, shaped as their latest versions,
// and a key that changes when they do (the catalogue's state and who asks).
func (q *Queries) Schemas(ctx context.Context) (string, []govlake.TableSchema, error) {
	state, _, err := q.cat.State(ctx)
	if err != nil {
		return "", nil, err
	}
	key := state
	if p := govlake.PrincipalFrom(ctx); p != nil {
		key += "/" + p.Org + "/" + p.Role
	}
	sums, err := q.cat.Datasets(ctx)
	if err != nil {
		return "", nil, err
	}
	var out []govlake.TableSchema
	for _, s := range sums {
		if s.Version == 0 {
			continue
		}
		d, err := q.cat.Dataset(ctx, s.ID)
		if err != nil {
			return "", nil, err
		}
		out = append(out, govlake.TableSchema{Name: d.ID, Columns: d.Columns, Comment: strings.TrimSpace(d.Title)})
	}
	return key, out, nil
}

// CatalogStream answers a catalogue question over the tables one may read,
// within the same limits as every query.
func (q *Queries) CatalogStream(ctx context.Context, sql string, header func([]govlake.ResultColumn) error, row func([]any) error, args ...any) error {
	if q.meta == nil {
		return govlake.Errorf(govlake.EUNAVAILABLE, "this server answers no catalogue queries")
	}
	key, tables, err := q.Schemas(ctx)
	if err != nil {
		return err
	}
	ctx, done, err := q.begin(ctx)
	if err != nil {
		return err
	}
	defer done()
	return q.meta.Stream(ctx, key, tables, sql, header, row, args...)
}
