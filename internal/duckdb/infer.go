package duckdb

import (
	"bytes"
	"context"
	"database/sql"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	duckdb "github.com/duckdb/duckdb-go/v2"

	"govlake/internal/govlake"
)

// InferSchema proposes a JSON Schema for a CSV, JSON or NDJSON file from
// the column types DuckDB detects in it: integer, number, boolean, date and
// date-time strings, text. No column is required: an empty cell passes.
// The publisher reviews it on the dataset's page.
func InferSchema(ctx context.Context, path, format string) (map[string]any, error) {
	reader := map[string]string{"csv": "read_csv", "json": "read_json", "ndjson": "read_json"}[format]
	if reader == "" {
		return nil, govlake.Errorf(govlake.EINVALID, "a schema can be inferred from CSV, JSON or NDJSON only; define the dataset with a JSON Schema for %s", format)
	}
	opts := ""
	head := make([]byte, 4)
	if f, err := os.Open(path); err == nil {
		f.Read(head)
		f.Close()
	}
	switch {
	case bytes.HasPrefix(head, []byte{0x1f, 0x8b}):
		opts = ", compression = 'gzip'"
	case bytes.HasPrefix(head, []byte("PK\x03\x04")):
		return nil, govlake.Errorf(govlake.EINVALID, "a schema cannot be inferred from a zip; define the dataset with a JSON Schema, or upload the file itself")
	}
	if format == "ndjson" {
		opts += ", format = 'newline_delimited'"
	}
	connector, err := duckdb.NewConnector("", nil)
	if err != nil {
		return nil, fmt.Errorf("start duckdb: %w", err)
	}
	db := sql.OpenDB(connector)
	defer db.Close()
	dir := strings.TrimSuffix(filepath.Dir(path), "/") + "/"
	for _, s := range []string{
		"SET autoinstall_known_extensions = false", "SET autoload_known_extensions = false",
		"SET allowed_directories = [" + quote(dir) + "]", "SET enable_external_access = false", "SET lock_configuration = true",
	} {
		if _, err := db.ExecContext(ctx, s); err != nil {
			return nil, fmt.Errorf("configure duckdb: %w", err)
		}
	}
	rows, err := db.QueryContext(ctx, "DESCRIBE SELECT * FROM "+reader+"("+quote(path)+opts+")")
	if err != nil {
		return nil, govlake.Errorf(govlake.EINVALID, "the upload's columns cannot be read to infer a schema (is it %s?): %s", format, firstLine(err.Error()))
	}
	defer rows.Close()
	props := map[string]any{}
	cols, _ := rows.Columns()
	for rows.Next() {
		vals := make([]any, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		if err := rows.Scan(ptrs...); err != nil {
			return nil, err
		}
		name, typ := fmt.Sprint(vals[0]), strings.ToUpper(fmt.Sprint(vals[1]))
		props[name] = jsonType(typ)
	}
	if len(props) == 0 {
		return nil, govlake.Errorf(govlake.EINVALID, "the upload has no columns to infer a schema from")
	}
	return map[string]any{"type": "object", "properties": props,
		"description": "Inferred by DuckDB from the first upload; review it and PUT the dataset with a corrected schema."}, rows.Err()
}

// jsonType is the JSON Schema of a column of a DuckDB type.
func jsonType(t string) map[string]any {
	switch {
	case strings.Contains(t, "INT"):
		return map[string]any{"type": "integer"}
	case t == "DOUBLE" || t == "FLOAT" || t == "REAL" || strings.HasPrefix(t, "DECIMAL"):
		return map[string]any{"type": "number"}
	case t == "BOOLEAN":
		return map[string]any{"type": "boolean"}
	case t == "DATE":
		return map[string]any{"type": "string", "format": "date"}
	case strings.HasPrefix(t, "TIMESTAMP"):
		return map[string]any{"type": "string", "format": "date-time"}
	}
	return map[string]any{"type": "string"}
}

func firstLine(s string) string {
	s, _, _ = strings.Cut(s, "\n")
	return s
}
