package duckdb

import (
	"context"
	"fmt"
	"strings"

	"govlake/internal/govlake"
)

// columnTypes are the DuckDB types a materialized table's columns may have.
var columnTypes = map[string]string{
	"string": "VARCHAR", "number": "DOUBLE", "integer": "BIGINT", "strings": "VARCHAR[]",
}

// Materialize replaces the in-memory table name with rows, in one
// transaction: a query running meanwhile reads the old rows or the new,
// never half of them. It holds figures the catalogue computes (the KPI
// values), which users' SELECTs read like any table; their statements
// cannot change it, since only SELECT passes the sandbox.
func (e *Engine) Materialize(ctx context.Context, name string, cols []govlake.ResultColumn, rows [][]any) error {
	if !tableName.MatchString(name) {
		return fmt.Errorf("materialize %q: not a table name", name)
	}
	defs := make([]string, len(cols))
	marks := make([]string, len(cols))
	for i, c := range cols {
		t, ok := columnTypes[c.Type]
		if !ok {
			return fmt.Errorf("materialize %s: column %s has type %q", name, c.Name, c.Type)
		}
		defs[i], marks[i] = `"`+strings.ReplaceAll(c.Name, `"`, `""`)+`" `+t, "?"
	}
	tx, err := e.db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("materialize %s: %w", name, err)
	}
	defer tx.Rollback()
	if _, err := tx.ExecContext(ctx, "CREATE OR REPLACE TABLE "+name+" ("+strings.Join(defs, ", ")+")"); err != nil {
		return fmt.Errorf("materialize %s: %w", name, err)
	}
	insert := "INSERT INTO " + name + " VALUES (" + strings.Join(marks, ", ") + ")"
	for i, r := range rows {
		if _, err := tx.ExecContext(ctx, insert, r...); err != nil {
			return fmt.Errorf("materialize %s row %d: %w", name, i+1, err)
		}
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("materialize %s: %w", name, err)
	}
	return nil
}
