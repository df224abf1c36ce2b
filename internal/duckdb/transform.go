package duckdb

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"encoding/json"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	duckdb "github.com/duckdb/duckdb-go/v2"

	"govlake/internal/govlake"
	"govlake/internal/tabular"
)

// SourceRowColumn, when a transform selects it, carries each output row's
// source row number through to rejections.
const SourceRowColumn = "_source_row"

// Transform runs a pipeline's transform: one SELECT over the decoded
// source, seen as the table source (text columns named by the header, plus
// _source_row). It returns the result as records of text cells, so the same
// conversion and checks follow. DuckDB may spill to tmp; it may read no
// files.
func Transform(ctx context.Context, in tabular.RecordReader, query, name, tmp string) (tabular.RecordReader, error) {
	connector, err := duckdb.NewConnector("", nil)
	if err != nil {
		return nil, fmt.Errorf("start duckdb: %w", err)
	}
	db := sql.OpenDB(connector)
	fail := func(err error) (tabular.RecordReader, error) {
		db.Close()
		return nil, err
	}
	for _, s := range []string{
		"SET autoinstall_known_extensions = false", "SET autoload_known_extensions = false",
		"SET temp_directory = " + quote(tmp), "SET allowed_directories = [" + quote(strings.TrimSuffix(tmp, "/")+"/") + "]",
		"SET enable_external_access = false", "SET lock_configuration = true",
	} {
		if _, err := db.ExecContext(ctx, s); err != nil {
			return fail(fmt.Errorf("configure duckdb: %w", err))
		}
	}
	labels, _ := govlake.Labels(in.Header(), in.HeaderRow())
	cols := make([]string, 0, len(labels)+1)
	for _, l := range labels {
		cols = append(cols, ident(l)+" VARCHAR")
	}
	cols = append(cols, ident(SourceRowColumn)+" BIGINT")
	conn, err := db.Conn(ctx)
	if err != nil {
		return fail(err)
	}
	if _, err := conn.ExecContext(ctx, "CREATE TABLE source ("+strings.Join(cols, ", ")+")"); err != nil {
		conn.Close()
		return fail(govlake.Errorf(govlake.EINVALID, "%s: the header cannot be a table: %v", name, err))
	}
	if err := load(ctx, conn, in, len(labels)); err != nil {
		conn.Close()
		return fail(err)
	}
	conn.Close()
	e := &Engine{db: db, dirs: []string{tmp}, passed: map[string]bool{}}
	sconn, err := db.Conn(ctx)
	if err != nil {
		return fail(err)
	}
	if err := e.checkStatement(sconn, query); err != nil {
		sconn.Close()
		return fail(govlake.Errorf(govlake.EINVALID, "source.transform: %s", govlake.ErrorMessage(err)))
	}
	rows, err := sconn.QueryContext(ctx, query)
	if err != nil {
		sconn.Close()
		return fail(govlake.Errorf(govlake.EINVALID, "source.transform: %s", govlake.ErrorMessage(e.classify(ctx, err))))
	}
	types, err := rows.ColumnTypes()
	if err != nil {
		rows.Close()
		sconn.Close()
		return fail(err)
	}
	out := &transformed{db: db, conn: sconn, rows: rows, rowCol: -1, name: name}
	names := make([]string, len(types))
	for i, ct := range types {
		names[i] = ct.Name()
		out.types = append(out.types, ct.DatabaseTypeName())
	}
	for i, n := range names {
		if n == SourceRowColumn {
			out.rowCol = i
			continue
		}
		out.header = append(out.header, n)
	}
	out.vals = make([]any, len(names))
	out.ptrs = make([]any, len(names))
	for i := range out.vals {
		out.ptrs[i] = &out.vals[i]
	}
	return out, nil
}

func ident(s string) string { return `"` + strings.ReplaceAll(s, `"`, `""`) + `"` }

// load appends every record to the source table; empty cells are NULL.
func load(ctx context.Context, conn *sql.Conn, in tabular.RecordReader, width int) error {
	return conn.Raw(func(dc any) error {
		app, err := duckdb.NewAppenderFromConn(dc.(driver.Conn), "", "source")
		if err != nil {
			return err
		}
		row := make([]driver.Value, width+1)
		for n := 0; ; n++ {
			if n%8192 == 0 && ctx.Err() != nil {
				app.Close()
				return ctx.Err()
			}
			rec, err := in.Read()
			if err == io.EOF {
				break
			}
			if err != nil {
				app.Close()
				return err
			}
			for i := 0; i < width; i++ {
				row[i] = nil
				if i < len(rec.Cells) && rec.Cells[i] != "" {
					row[i] = rec.Cells[i]
				}
			}
			row[width] = rec.Row
			if err := app.AppendRow(row...); err != nil {
				app.Close()
				return fmt.Errorf("load row %d for the transform: %w", rec.Row, err)
			}
		}
		return app.Close()
	})
}

// transformed reads a transform's result as records.
type transformed struct {
	db     *sql.DB
	conn   *sql.Conn
	rows   *sql.Rows
	name   string
	header []string
	types  []string
	rowCol int
	vals   []any
	ptrs   []any
	n      int64
	done   bool
}

func (t *transformed) Header() []string { return t.header }
func (t *transformed) HeaderRow() int64 { return 0 }

func (t *transformed) Read() (tabular.Record, error) {
	if t.done {
		return tabular.Record{}, io.EOF
	}
	if !t.rows.Next() {
		err := t.rows.Err()
		t.Close()
		if err != nil {
			return tabular.Record{}, govlake.Errorf(govlake.EINVALID, "source.transform: %v", err)
		}
		return tabular.Record{}, io.EOF
	}
	if err := t.rows.Scan(t.ptrs...); err != nil {
		t.Close()
		return tabular.Record{}, err
	}
	t.n++
	rec := tabular.Record{Row: t.n, Cells: make([]string, 0, len(t.header))}
	for i, v := range t.vals {
		if i == t.rowCol {
			if n, ok := v.(int64); ok {
				rec.Row = n
			}
			continue
		}
		rec.Cells = append(rec.Cells, cell(v, t.types[i]))
	}
	return rec, nil
}

// Close releases the transform's database; a second call does nothing.
func (t *transformed) Close() error {
	if t.done {
		return nil
	}
	t.done = true
	t.rows.Close()
	t.conn.Close()
	err := t.db.Close()
	trim()
	return err
}

// cell writes a result value as a text cell, exactly: floats in the
// shortest form that reads back the same.
func cell(v any, typ string) string {
	switch t := v.(type) {
	case time.Time:
		// Cells are checked as JSON Schema dates and date-times, which
		// carry a zone: a transform's timestamps are read as UTC.
		if typ == "DATE" {
			return t.Format(time.DateOnly)
		}
		return t.UTC().Format(time.RFC3339Nano)
	case []byte:
		if typ != "UUID" {
			return string(t)
		}
	}
	switch x := jsonValue(v, typ).(type) {
	case nil:
		return ""
	case string:
		return x
	case json.Number:
		return string(x)
	case float64:
		return strconv.FormatFloat(x, 'g', -1, 64)
	case bool:
		return strconv.FormatBool(x)
	default:
		return fmt.Sprint(x)
	}
}
