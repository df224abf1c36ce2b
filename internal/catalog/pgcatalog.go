package catalog

import (
	"context"
	"strings"

	"govlake/internal/govlake"
)

// MetaEngine answers catalogue questions (pg_catalog, information_schema)
// over empty tables shaped as the datasets; the DuckDB adapter's Meta is
// one. key names a set of tables: the same key, the same set, so tables is
// called only for a key the engine has not seen.
type MetaEngine interface {
	Stream(ctx context.Context, key string, tables func() ([]govlake.TableSchema, error), sql string, header func([]govlake.ResultColumn) error, row func([]any) error, args ...any) error
}

// SetMeta gives the query layer the engine for catalogue questions.
func (q *Queries) SetMeta(m MetaEngine) { q.meta = m }

// schemaKey names the tables one may read now: it changes with the
// catalogue's state and with who asks.
func (q *Queries) schemaKey(ctx context.Context) (string, error) {
	state, _, err := q.cat.State(ctx)
	if err != nil {
		return "", err
	}
	if p := govlake.PrincipalFrom(ctx); p != nil {
		state += "/" + p.Org + "/" + p.Role
	}
	return state, nil
}

// Schemas are the tables one may read, shaped as their latest versions,
// from the catalogue's listing (no run record is read).
func (q *Queries) Schemas(ctx context.Context) ([]govlake.TableSchema, error) {
	snap, err := q.cat.current(ctx)
	if err != nil {
		return nil, err
	}
	var out []govlake.TableSchema
	for _, id := range snap.ids {
		e := snap.datasets[id]
		if e.hidden(ctx) {
			continue
		}
		if v, ok := e.latest(); ok {
			m, err := q.cat.readManifest(ctx, id, v.N)
			if err != nil {
				return nil, err
			}
			out = append(out, govlake.TableSchema{Name: id, Columns: m.Columns, Comment: strings.TrimSpace(e.Meta.Title)})
		}
	}
	return out, nil
}

// CatalogStream answers a catalogue question over the tables one may read,
// within the same limits as every query.
func (q *Queries) CatalogStream(ctx context.Context, sql string, header func([]govlake.ResultColumn) error, row func([]any) error, args ...any) error {
	if q.meta == nil {
		return govlake.Errorf(govlake.EUNAVAILABLE, "this server answers no catalogue queries")
	}
	key, err := q.schemaKey(ctx)
	if err != nil {
		return err
	}
	ctx, done, err := q.begin(ctx)
	if err != nil {
		return err
	}
	defer done()
	return q.meta.Stream(ctx, key, func() ([]govlake.TableSchema, error) { return q.Schemas(ctx) }, sql, header, row, args...)
}
