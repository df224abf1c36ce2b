package catalog

import (
	"context"
	"strings"
	"sync"

	"govlake/internal/govlake"
)

// Materializer holds a table of figures the catalogue computed in the query
// engine, replacing it whole; the DuckDB adapter is one.
type Materializer interface {
	Materialize(ctx context.Context, name string, cols []govlake.ResultColumn, rows [][]any) error
}

// DerivedRows computes a derived table: its columns, its rows, and a key
// that changes whenever the rows may have.
type DerivedRows func(ctx context.Context) (key string, cols []govlake.ResultColumn, rows [][]any, err error)

// derived is a table computed by the catalogue rather than read from a
// dataset's files (kpi_values). It is put into the engine before a query
// that names it runs, and again only when its key changed.
type derived struct {
	name  string
	rows  DerivedRows
	into  Materializer
	allow func(ctx context.Context) error // nil: anyone may read it

	mu  sync.Mutex
	key string
	ok  bool
}

// Derive offers a computed table under name to every query.
func (q *Queries) Derive(name string, rows DerivedRows, into Materializer) {
	q.derived = append(q.derived, &derived{name: name, rows: rows, into: into})
}

// DeriveRestricted offers a computed table to the queries allow lets
// through (by the principal in their context); others are refused before
// they run.
func (q *Queries) DeriveRestricted(name string, rows DerivedRows, into Materializer, allow func(ctx context.Context) error) {
	q.derived = append(q.derived, &derived{name: name, rows: rows, into: into, allow: allow})
}

// prepare brings the derived tables that sql may name up to date. The
// test is on the text: a name that appears only in a comment costs one
// refresh, which is harmless.
func (q *Queries) prepare(ctx context.Context, sql string) error {
	if err := q.cat.CheckDrafts(ctx, sql); err != nil {
		return err
	}
	lower := strings.ToLower(sql)
	for _, d := range q.derived {
		if strings.Contains(lower, d.name) {
			if d.allow != nil {
				if err := d.allow(ctx); err != nil {
					return err
				}
			}
			if err := d.refresh(ctx); err != nil {
				return err
			}
		}
	}
	return nil
}

func (d *derived) refresh(ctx context.Context) error {
	d.mu.Lock()
	defer d.mu.Unlock()
	key, cols, rows, err := d.rows(ctx)
	if err != nil {
		return err
	}
	if d.ok && key == d.key {
		return nil
	}
	if err := d.into.Materialize(ctx, d.name, cols, rows); err != nil {
		return govlake.Errorf(govlake.EINTERNAL, "prepare table %s: %w", d.name, err)
	}
	d.key, d.ok = key, true
	return nil
}
