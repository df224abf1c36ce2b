package duckdb

import (
	"context"
	"fmt"
	"strings"
	"sync"

	"govlake/internal/govlake"
)

// Meta answers the catalogue questions that BI tools and psql ask when they
// connect (pg_catalog, information_schema, version()) from an in-memory
// DuckDB whose tables are empty copies of the datasets one may see: DuckDB's
// own PostgreSQL-compatible catalogue views then describe exactly those
// tables, with their types, and nothing else. The same sandbox as the
// data's applies (one SELECT, no files, settings locked).
type Meta struct {
	mu    sync.Mutex
	cache []metaEngine // the most recent first
}

type metaEngine struct {
	key string
	e   *Engine
}

// metaKept is how many table sets Meta keeps open (one per catalogue state
// and organisation that asked lately).
const metaKept = 4

// NewMeta returns an empty Meta.
func NewMeta() *Meta { return &Meta{} }

// Close releases every database Meta holds.
func (m *Meta) Close() error {
	m.mu.Lock()
	defer m.mu.Unlock()
	for _, c := range m.cache {
		c.e.Close()
	}
	m.cache = nil
	return nil
}

// Stream runs a catalogue query over the tables key names (tables gives
// them, asked only for a key not seen lately) and hands each row to row.
func (m *Meta) Stream(ctx context.Context, key string, tables func() ([]govlake.TableSchema, error), sql string, header func([]govlake.ResultColumn) error, row func([]any) error, args ...any) error {
	e, err := m.engine(ctx, key, tables)
	if err != nil {
		return err
	}
	return e.Stream(ctx, sql, header, row, args...)
}

func (m *Meta) engine(ctx context.Context, key string, schemas func() ([]govlake.TableSchema, error)) (*Engine, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	for i, c := range m.cache {
		if c.key == key {
			copy(m.cache[1:i+1], m.cache[:i])
			m.cache[0] = c
			return c.e, nil
		}
	}
	tables, err := schemas()
	if err != nil {
		return nil, err
	}
	e, err := Open(ctx, Options{MemoryLimit: "256MB", Threads: 1}, noTables{})
	if err != nil {
		return nil, err
	}
	for _, m := range append(pgMacros, pgShadow...) {
		if _, err := e.db.ExecContext(ctx, m); err != nil {
			e.Close()
			return nil, fmt.Errorf("define %s: %w", m, err)
		}
	}
	for _, t := range tables {
		cols := make([]string, len(t.Columns))
		for i, c := range t.Columns {
			cols[i] = quoteIdent(c.Name) + " " + sqlType(c)
		}
		stmt := "CREATE TABLE " + quoteIdent(t.Name) + " (" + strings.Join(cols, ", ") + ")"
		if _, err := e.db.ExecContext(ctx, stmt); err != nil {
			e.Close()
			return nil, fmt.Errorf("describe table %s: %w", t.Name, err)
		}
		if t.Comment != "" {
			if _, err := e.db.ExecContext(ctx, "COMMENT ON TABLE "+quoteIdent(t.Name)+" IS "+quote(t.Comment)); err != nil {
				e.Close()
				return nil, fmt.Errorf("describe table %s: %w", t.Name, err)
			}
		}
	}
	m.cache = append([]metaEngine{{key, e}}, m.cache...)
	if len(m.cache) > metaKept {
		m.cache[metaKept].e.Close()
		m.cache = m.cache[:metaKept]
	}
	return e, nil
}

// pgMacros are PostgreSQL functions that psql and BI tools call and
// DuckDB lacks, answered as a read-only server owned by govlake would.
var pgMacros = []string{
	"CREATE MACRO pg_get_userbyid(id) AS 'govlake'",
	"CREATE MACRO pg_encoding_to_char(id) AS 'UTF8'",
	"CREATE MACRO pg_get_function_identity_arguments(id) AS ''",
	"CREATE MACRO pg_get_partkeydef(id) AS NULL",
	"CREATE MACRO pg_tablespace_location(id) AS ''",
	"CREATE MACRO pg_postmaster_start_time() AS TIMESTAMPTZ '2000-01-01 00:00:00+00'",
	"CREATE MACRO pg_backend_pid() AS 1",
	"CREATE MACRO pg_get_statisticsobjdef_columns(id) AS ''",
	"CREATE MACRO pg_relation_is_publishable(id) AS false",
	"CREATE MACRO pg_table_size(id) AS NULL::BIGINT",
	"CREATE MACRO pg_total_relation_size(id) AS NULL::BIGINT",
	"CREATE MACRO pg_relation_size(id) AS NULL::BIGINT",
	"CREATE MACRO pg_database_size(id) AS NULL::BIGINT",
	"CREATE MACRO array_upper(arr, dim) AS len(arr)",
	"CREATE MACRO pg_get_indexdef(id) AS '', (id, col, pretty) AS ''",
	"CREATE MACRO pg_get_constraintdef(id) AS '', (id, pretty) AS ''",
	"CREATE MACRO pg_get_triggerdef(id) AS '', (id, pretty) AS ''",
	"CREATE MACRO pg_get_ruledef(id) AS '', (id, pretty) AS ''",
}

// pgShadow completes DuckDB's PostgreSQL catalogue for psql's \d: pg_class
// with the columns it lacks, and empty tables for what DuckDB has no view of
// (no inheritance, policies, statistics objects, publications, triggers or
// rules exist here). The PostgreSQL endpoint reads pg_catalog.X as pg_govlake.X
// for these names (ShadowedCatalog).
var pgShadow = []string{
	"CREATE SCHEMA pg_govlake",
	"CREATE MACRO pg_govlake.obj_description(id, cat) AS (SELECT comment FROM duckdb_tables() WHERE table_oid = id)",
	"CREATE VIEW pg_govlake.pg_class AS SELECT *, false AS relforcerowsecurity FROM pg_catalog.pg_class",
	"CREATE TABLE pg_govlake.pg_inherits (inhrelid BIGINT, inhparent BIGINT, inhseqno INTEGER, inhdetachpending BOOLEAN)",
	"CREATE TABLE pg_govlake.pg_policy (oid BIGINT, polname VARCHAR, polrelid BIGINT, polcmd VARCHAR, polpermissive BOOLEAN, polroles BIGINT[], polqual VARCHAR, polwithcheck VARCHAR)",
	"CREATE TABLE pg_govlake.pg_statistic_ext (oid BIGINT, stxrelid BIGINT, stxname VARCHAR, stxnamespace BIGINT, stxowner BIGINT, stxstattarget INTEGER, stxkeys INTEGER[], stxkind VARCHAR[], stxexprs VARCHAR)",
	"CREATE TABLE pg_govlake.pg_publication (oid BIGINT, pubname VARCHAR, pubowner BIGINT, puballtables BOOLEAN, pubinsert BOOLEAN, pubupdate BOOLEAN, pubdelete BOOLEAN, pubtruncate BOOLEAN, pubviaroot BOOLEAN)",
	"CREATE TABLE pg_govlake.pg_publication_rel (oid BIGINT, prpubid BIGINT, prrelid BIGINT, prqual VARCHAR, prattrs INTEGER[])",
	"CREATE TABLE pg_govlake.pg_publication_namespace (oid BIGINT, pnpubid BIGINT, pnnspid BIGINT)",
	"CREATE TABLE pg_govlake.pg_trigger (oid BIGINT, tgrelid BIGINT, tgparentid BIGINT, tgname VARCHAR, tgfoid BIGINT, tgtype INTEGER, tgenabled VARCHAR, tgisinternal BOOLEAN)",
	"CREATE MACRO pg_govlake.pg_get_expr(expr, rel) AS NULL, (expr, rel, pretty) AS NULL",
	"CREATE TABLE pg_govlake.pg_roles (oid BIGINT, rolname VARCHAR, rolsuper BOOLEAN, rolcanlogin BOOLEAN)",
	"CREATE TABLE pg_govlake.pg_database AS SELECT 1::BIGINT AS oid, 'govlake' AS datname, 10::BIGINT AS datdba, 6 AS encoding, 'C' AS datcollate, 'C' AS datctype, NULL::VARCHAR AS daticulocale, 'c' AS datlocprovider, NULL::VARCHAR[] AS datacl, true AS datallowconn, false AS datistemplate, -1 AS datconnlimit",
	// Table descriptions (each dataset's title); a table named as an oid
	// ('pg_class'::regclass) reads as 0 at the endpoint, hence classoid 0.
	"CREATE VIEW pg_govlake.pg_description AS SELECT table_oid::BIGINT AS objoid, 0::BIGINT AS classoid, 0 AS objsubid, comment AS description FROM duckdb_tables() WHERE comment IS NOT NULL",
	"CREATE TABLE pg_govlake.pg_rewrite (oid BIGINT, rulename VARCHAR, ev_class BIGINT, ev_type VARCHAR, ev_enabled VARCHAR, is_instead BOOLEAN)",
}

// ShadowedCatalog are the pg_catalog names Meta completes in schema pg_govlake.
var ShadowedCatalog = []string{"obj_description", "pg_get_expr", "pg_class", "pg_inherits", "pg_policy", "pg_statistic_ext", "pg_publication", "pg_publication_rel", "pg_publication_namespace", "pg_trigger", "pg_rewrite", "pg_roles", "pg_database", "pg_description"}

// noTables resolves no name: Meta's tables are real ones.
type noTables struct{}

func (noTables) Table(ctx context.Context, name string) (govlake.Table, error) {
	return govlake.Table{}, govlake.Errorf(govlake.ENOTFOUND, "no table named %s here: catalogue queries see the catalogue only", name)
}

func quoteIdent(s string) string { return `"` + strings.ReplaceAll(s, `"`, `""`) + `"` }

// sqlType is the DuckDB type a stored column is read as.
func sqlType(c govlake.Column) string {
	switch c.Type {
	case govlake.TypeInt64:
		return "BIGINT"
	case govlake.TypeUint64:
		return "UBIGINT"
	case govlake.TypeFloat64:
		return "DOUBLE"
	case govlake.TypeBool:
		return "BOOLEAN"
	case govlake.TypeDate:
		return "DATE"
	case govlake.TypeTimestamp:
		return "TIMESTAMPTZ"
	case govlake.TypeTimestampLocal:
		return "TIMESTAMP"
	case govlake.TypeTimestampNS:
		return "TIMESTAMP_NS"
	case govlake.TypeTime:
		return "TIME"
	case govlake.TypeBinary:
		return "BLOB"
	case govlake.TypeDecimal:
		return fmt.Sprintf("DECIMAL(%d,%d)", c.Precision, c.Scale)
	}
	return "VARCHAR"
}
