package duckdb

import (
	"context"
	"database/sql"
	"fmt"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"

	duckdb "github.com/duckdb/duckdb-go/v2"

	"govlake/internal/govlake"
)

// Describe profiles a new version's columns over all its rows (files are
// its Parquet parts) and, when previous holds the parts of the version
// before it, counts the rows added, removed and changed: matched by key
// when the pipeline declares a primary key, else by whole rows. seen, when
// not nil, is what the files' writers saw of each column (see
// profileColumns). DuckDB reads only the given files.
func Describe(ctx context.Context, files, previous []string, cols []govlake.Column, key []string, seen []govlake.ColumnSummary) ([]govlake.ColumnProfile, *govlake.DiffSummary, error) {
	if len(files) == 0 {
		return nil, nil, nil
	}
	db, err := describeDB(ctx, append(slices.Clone(files), previous...))
	if err != nil {
		return nil, nil, err
	}
	defer func() { db.Close(); trim() }()
	if _, err := db.ExecContext(ctx, "CREATE VIEW cur AS SELECT * FROM read_parquet("+fileList(files)+")"); err != nil {
		return nil, nil, fmt.Errorf("read the version's files: %w", err)
	}
	profile, err := profileColumns(ctx, db, cols, seen)
	if err != nil {
		return nil, nil, err
	}
	if len(previous) == 0 {
		return profile, nil, nil
	}
	diff, err := diffVersions(ctx, db, previous, cols, key)
	if err != nil {
		return nil, nil, fmt.Errorf("compare with the previous version: %w", err)
	}
	return profile, diff, nil
}

// describeDB is an in-memory DuckDB that may read the given files only.
func describeDB(ctx context.Context, files []string) (*sql.DB, error) {
	connector, err := duckdb.NewConnector("", nil)
	if err != nil {
		return nil, fmt.Errorf("start duckdb: %w", err)
	}
	db := sql.OpenDB(connector)
	db.SetMaxOpenConns(1)
	dirs := map[string]bool{}
	var allowed []string
	for _, f := range files {
		d := strings.TrimSuffix(filepath.Dir(f), "/") + "/"
		if !dirs[d] {
			dirs[d] = true
			allowed = append(allowed, quote(d))
		}
	}
	for _, s := range []string{
		"SET autoinstall_known_extensions = false", "SET autoload_known_extensions = false",
		"SET allowed_directories = [" + strings.Join(allowed, ", ") + "]", "SET enable_external_access = false", "SET lock_configuration = true",
	} {
		if _, err := db.ExecContext(ctx, s); err != nil {
			db.Close()
			return nil, fmt.Errorf("configure duckdb: %w", err)
		}
	}
	return db, nil
}

func fileList(files []string) string {
	q := make([]string, len(files))
	for i, f := range files {
		q[i] = quote(f)
	}
	return "[" + strings.Join(q, ", ") + "]"
}

func binLabel(v float64, typ string) string {
	switch typ {
	case govlake.TypeDate:
		return time.Unix(int64(v), 0).UTC().Format(time.DateOnly)
	case govlake.TypeTimestamp:
		return time.Unix(int64(v), 0).UTC().Format("2006-01-02 15:04")
	case govlake.TypeInt64:
		return strconv.FormatFloat(v, 'f', -1, 64)
	}
	return strconv.FormatFloat(v, 'g', 6, 64)
}

// diffVersions compares the version (cur) with the previous one's files.
func diffVersions(ctx context.Context, db *sql.DB, previous []string, cols []govlake.Column, key []string) (*govlake.DiffSummary, error) {
	if _, err := db.ExecContext(ctx, "CREATE VIEW prev AS SELECT * FROM read_parquet("+fileList(previous)+")"); err != nil {
		return nil, err
	}
	had := map[string]bool{}
	rows, err := db.QueryContext(ctx, "SELECT column_name FROM (DESCRIBE prev)")
	if err != nil {
		return nil, err
	}
	for rows.Next() {
		var name string
		if err := rows.Scan(&name); err != nil {
			rows.Close()
			return nil, err
		}
		had[name] = true
	}
	rows.Close()
	d := &govlake.DiffSummary{}
	var common []string
	for _, c := range cols {
		if had[c.Name] {
			common = append(common, ident(c.Name))
			delete(had, c.Name)
		} else {
			d.NewColumns = append(d.NewColumns, c.Name)
		}
	}
	for name := range had {
		d.DroppedColumns = append(d.DroppedColumns, name)
	}
	slices.Sort(d.DroppedColumns)
	if len(common) == 0 {
		return d, nil
	}
	list := strings.Join(common, ", ")
	usable := len(key) > 0
	for _, k := range key {
		usable = usable && slices.Contains(common, ident(k))
	}
	if !usable {
		q := "SELECT (SELECT count(*) FROM (SELECT " + list + " FROM cur EXCEPT ALL SELECT " + list + " FROM prev)), " +
			"(SELECT count(*) FROM (SELECT " + list + " FROM prev EXCEPT ALL SELECT " + list + " FROM cur))"
		return d, db.QueryRowContext(ctx, q).Scan(&d.Added, &d.Removed)
	}
	d.Key = key
	var on, curRow, prevRow []string
	for _, k := range key {
		on = append(on, "c."+ident(k)+" IS NOT DISTINCT FROM p."+ident(k))
	}
	for _, c := range common {
		curRow, prevRow = append(curRow, "c."+c), append(prevRow, "p."+c)
	}
	// A key found only on one side has NULLs for the other side's columns:
	// the marker column says which side a joined row came from.
	q := "SELECT count(*) FILTER (WHERE p.__in IS NULL), count(*) FILTER (WHERE c.__in IS NULL), " +
		"count(*) FILTER (WHERE c.__in AND p.__in AND row(" + strings.Join(curRow, ", ") + ") IS DISTINCT FROM row(" + strings.Join(prevRow, ", ") + ")) " +
		"FROM (SELECT *, true AS __in FROM cur) c FULL OUTER JOIN (SELECT *, true AS __in FROM prev) p ON " + strings.Join(on, " AND ")
	return d, db.QueryRowContext(ctx, q).Scan(&d.Added, &d.Removed, &d.Changed)
}
