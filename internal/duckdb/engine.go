// Package duckdb answers SQL over the stored Parquet files with an embedded
// DuckDB. Table names are resolved when a query names them (a replacement
// scan), so files are fetched only when used and a cache may evict them.
// User SQL runs in a sandbox: one SELECT statement at a time, no file access
// outside the data folders, no extensions, and settings locked after start-up.
package duckdb

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"regexp"
	"strings"
	"sync"
	"time"

	duckdb "github.com/duckdb/duckdb-go/v2"

	"govlake/internal/govlake"
)

// Options bound what queries may use.
type Options struct {
	// AllowedDirs are the only folders queries may read, through the views.
	AllowedDirs []string
	MemoryLimit string // DuckDB syntax, e.g. "2GB"; empty leaves DuckDB's default
	Threads     int    // 0 leaves DuckDB's default (all cores)
	TempDir     string // where DuckDB may spill; empty disables spilling
	MaxTemp     string // bound of the spill folder (DuckDB syntax); empty leaves DuckDB's default
}

// Resolver gives the files behind a table name, or an error that says why
// there are none (ENOTFOUND for an unknown name).
type Resolver interface {
	Table(ctx context.Context, name string) (govlake.Table, error)
}

// Engine is an in-memory DuckDB database whose tables are the resolver's.
type Engine struct {
	db   *sql.DB
	dirs []string

	// passed remembers query texts that passed the checks, which depend on
	// the text alone, so a dashboard's repeated query is parsed once.
	mu     sync.Mutex
	passed map[string]bool

	scans *scanErrors // the resolver's errors, on their way through DuckDB
}

// ResolveTimeout bounds the fetch of a table's files when a query names it.
var ResolveTimeout = 10 * time.Minute

// Open starts DuckDB and locks it down. The resolver's files must lie below
// opts.AllowedDirs.
func Open(ctx context.Context, opts Options, tables Resolver) (*Engine, error) {
	connector, err := duckdb.NewConnector("", nil)
	if err != nil {
		return nil, fmt.Errorf("start duckdb: %w", err)
	}
	scans := &scanErrors{}
	duckdb.RegisterReplacementScan(connector, func(name string) (string, []any, error) {
		if !tableName.MatchString(name) {
			// A path or URL in place of a table: DuckDB would read the file.
			return "", nil, errors.New(scans.hold(govlake.Errorf(govlake.EINVALID, "%q is not a table: queries read the published datasets only, not files", name)))
		}
		rctx, cancel := context.WithTimeout(context.Background(), ResolveTimeout)
		defer cancel()
		t, err := tables.Table(rctx, strings.ToLower(name))
		if err != nil {
			// DuckDB keeps only text: the error crosses it as a ticket.
			return "", nil, errors.New(scans.hold(err))
		}
		if len(t.Files) == 0 {
			return "", nil, errors.New(scans.hold(fmt.Errorf("table %s has no files", name)))
		}
		return "read_parquet", []any{t.Files}, nil
	})
	db := sql.OpenDB(connector)
	stmts := []string{
		"SET autoinstall_known_extensions = false",
		"SET autoload_known_extensions = false",
		// A streamed result buffers chunks up to this size, counted without
		// their long strings: at DuckDB's 1 MB default, 10 KB cells held
		// 1.2 GB ahead of the reader; at 64 KB, 250 MB (measured).
		"SET streaming_buffer_size = '64KB'",
	}
	if opts.MemoryLimit != "" {
		stmts = append(stmts, "SET memory_limit = "+quote(opts.MemoryLimit))
	}
	if opts.Threads > 0 {
		stmts = append(stmts, fmt.Sprintf("SET threads = %d", opts.Threads))
	}
	if opts.TempDir != "" {
		stmts = append(stmts, "SET temp_directory = "+quote(opts.TempDir))
	}
	if opts.MaxTemp != "" {
		stmts = append(stmts, "SET max_temp_directory_size = "+quote(opts.MaxTemp))
	}
	dirs := make([]string, len(opts.AllowedDirs))
	for i, d := range opts.AllowedDirs {
		dirs[i] = quote(strings.TrimSuffix(d, "/") + "/")
	}
	stmts = append(stmts,
		"SET allowed_directories = ["+strings.Join(dirs, ", ")+"]",
		"SET enable_external_access = false",
		"SET lock_configuration = true",
	)
	for _, s := range stmts {
		if _, err := db.ExecContext(ctx, s); err != nil {
			db.Close()
			return nil, fmt.Errorf("configure duckdb (%s): %w", s, err)
		}
	}
	return &Engine{db: db, dirs: opts.AllowedDirs, passed: map[string]bool{}, scans: scans}, nil
}

// Close releases the database.
func (e *Engine) Close() error { return e.db.Close() }

func quote(s string) string { return "'" + strings.ReplaceAll(s, "'", "''") + "'" }

// Query runs one read-only statement and returns at most limit rows; the
// result says whether more were left.
func (e *Engine) Query(ctx context.Context, query string, limit int, args ...any) (*govlake.Result, error) {
	res := &govlake.Result{Rows: [][]any{}}
	err := e.Stream(ctx, query, func(cols []govlake.ResultColumn) error {
		res.Columns = cols
		return nil
	}, func(row []any) error {
		if len(res.Rows) >= limit {
			res.Truncated, res.TruncatedBy = true, "rows"
			return errEnough
		}
		res.Rows = append(res.Rows, append([]any(nil), row...))
		return nil
	}, args...)
	if err != nil && !errors.Is(err, errEnough) {
		return nil, err
	}
	return res, nil
}

var errEnough = errors.New("enough rows")

// Stream runs one read-only statement and hands each row to fn as it
// arrives, so a result need not fit in memory. Values are JSON-ready: ints,
// floats, strings, booleans, nil, and dates as text.
// args bind the query's named parameters ($name), given as sql.Named.
func (e *Engine) Stream(ctx context.Context, query string, header func([]govlake.ResultColumn) error, fn func([]any) error, args ...any) error {
	conn, err := e.db.Conn(ctx)
	if err != nil {
		return e.classify(ctx, err)
	}
	defer conn.Close()
	e.mu.Lock()
	known := e.passed[query]
	e.mu.Unlock()
	if !known {
		if err := e.checkStatement(conn, query); err != nil {
			return err
		}
		e.mu.Lock()
		if len(e.passed) >= 4096 {
			clear(e.passed)
		}
		e.passed[query] = true
		e.mu.Unlock()
	}
	rows, err := conn.QueryContext(duckdb.WithStreaming(ctx), query, args...)
	if err != nil {
		return e.classify(ctx, err)
	}
	defer rows.Close()
	types, err := rows.ColumnTypes()
	if err != nil {
		return e.classify(ctx, err)
	}
	cols := make([]govlake.ResultColumn, len(types))
	for i, t := range types {
		cols[i] = govlake.ResultColumn{Name: t.Name(), Type: t.DatabaseTypeName()}
	}
	if err := header(cols); err != nil {
		return err
	}
	vals := make([]any, len(cols))
	ptrs := make([]any, len(cols))
	for i := range vals {
		ptrs[i] = &vals[i]
	}
	for rows.Next() {
		if err := rows.Scan(ptrs...); err != nil {
			return e.classify(ctx, err)
		}
		for i, v := range vals {
			vals[i] = jsonValue(v, cols[i].Type)
		}
		if err := fn(vals); err != nil {
			return err
		}
	}
	return e.classify(ctx, rows.Err())
}

// checkStatement allows exactly one SELECT. The driver's Prepare (without a
// context) refuses several statements; with a context it would execute all
// but the last one, so it must not be used on user text.
func (e *Engine) checkStatement(conn *sql.Conn, query string) error {
	if strings.TrimSpace(query) == "" {
		return govlake.Errorf(govlake.EINVALID, "the query is empty")
	}
	// A first look at the leading keyword gives a clear message before
	// DuckDB binds names; the statement type below is the real gate.
	if m := leadingWord.FindStringSubmatch(query); m != nil && writeKeywords[strings.ToUpper(m[1])] {
		return govlake.Errorf(govlake.EINVALID, "only SELECT queries are allowed (got %s): the catalogue is read-only", strings.ToUpper(m[1]))
	}
	if err := conn.Raw(func(dc any) error {
		c, ok := dc.(*duckdb.Conn)
		if !ok {
			return errors.New("unexpected driver connection")
		}
		st, err := c.Prepare(query)
		if err != nil {
			if strings.Contains(err.Error(), "PrepareContext") {
				return govlake.Errorf(govlake.EINVALID, "send one SQL statement at a time")
			}
			return e.classify(context.Background(), err)
		}
		defer st.Close()
		typ, err := st.(*duckdb.Stmt).StatementType()
		if err != nil {
			return err
		}
		if typ != duckdb.STATEMENT_TYPE_SELECT {
			return govlake.Errorf(govlake.EINVALID, "only SELECT queries are allowed: the catalogue is read-only")
		}
		return nil
	}); err != nil {
		return err
	}
	return e.checkFunctions(conn, query)
}

// Functions and tables that tell about the server rather than the data:
// settings, paths, files, secrets, other SQL. The sandbox already stops
// file access; these would still leak configuration or run SQL by string.
var (
	deniedNames    = map[string]bool{"current_setting": true, "query": true, "query_table": true, "getenv": true, "which_secret": true, "glob": true, "sniff_csv": true, "load_aws_credentials": true, "setseed": true, "version": false, "current_schemas": false}
	deniedPrefixes = []string{"duckdb_", "pragma_", "read_", "parquet_", "iceberg_", "delta_", "sqlite_", "postgres_", "mysql_", "json_serialize", "json_deserialize", "enable_", "disable_", "checkpoint", "force_checkpoint"}
)

func denied(name string) bool {
	name = strings.ToLower(name)
	if deniedNames[name] {
		return true
	}
	for _, p := range deniedPrefixes {
		if strings.HasPrefix(name, p) {
			return true
		}
	}
	return false
}

// Tables names the tables a statement reads (not its CTEs), by
// DuckDB's own parse, so that a caller can say which datasets a figure
// came from.
func (e *Engine) Tables(ctx context.Context, query string) ([]string, error) {
	var parsed any
	if err := e.db.QueryRowContext(ctx, "SELECT json_serialize_sql(?::VARCHAR)", query).Scan(&parsed); err != nil {
		return nil, e.classify(ctx, err)
	}
	if s, ok := parsed.(string); ok {
		if err := json.Unmarshal([]byte(s), &parsed); err != nil {
			return nil, fmt.Errorf("read the parse of a query: %w", err)
		}
	}
	if m, ok := parsed.(map[string]any); ok && m["error"] == true {
		msg, _ := m["error_message"].(string)
		return nil, govlake.Errorf(govlake.EINVALID, "%s", strings.TrimSpace(msg))
	}
	seen := map[string]bool{}
	ctes := map[string]bool{}
	var names []string
	var walk func(v any)
	walk = func(v any) {
		switch x := v.(type) {
		case map[string]any:
			if cm, ok := x["cte_map"].(map[string]any); ok {
				entries, _ := cm["map"].([]any)
				for _, e := range entries {
					if em, ok := e.(map[string]any); ok {
						if k, ok := em["key"].(string); ok {
							ctes[strings.ToLower(k)] = true
						}
					}
				}
			}
			if n, ok := x["table_name"].(string); ok && n != "" && !seen[strings.ToLower(n)] {
				seen[strings.ToLower(n)] = true
				names = append(names, strings.ToLower(n))
			}
			for _, val := range x {
				walk(val)
			}
		case []any:
			for _, val := range x {
				walk(val)
			}
		}
	}
	walk(parsed)
	out := names[:0]
	for _, n := range names {
		if !ctes[n] {
			out = append(out, n)
		}
	}
	return out, nil
}

// checkFunctions reads DuckDB's own parse of the query and refuses one that
// names a denied function or system table anywhere.
func (e *Engine) checkFunctions(conn *sql.Conn, query string) error {
	var parsed any
	if err := conn.QueryRowContext(context.Background(), "SELECT json_serialize_sql(?::VARCHAR)", query).Scan(&parsed); err != nil {
		return e.classify(context.Background(), err)
	}
	if s, ok := parsed.(string); ok { // the driver may hand JSON over as text
		if err := json.Unmarshal([]byte(s), &parsed); err != nil {
			return fmt.Errorf("read the parse of a query: %w", err)
		}
	}
	if m, ok := parsed.(map[string]any); ok && m["error"] == true {
		// Statements DuckDB cannot serialize: only those that describe a
		// query without running it may pass.
		if w := leadingWord.FindStringSubmatch(query); w != nil && (strings.EqualFold(w[1], "DESCRIBE") || strings.EqualFold(w[1], "SHOW")) {
			return nil
		}
		return govlake.Errorf(govlake.EINVALID, "this query cannot be checked; write it as a plain SELECT")
	}
	var bad string
	var walk func(v any)
	walk = func(v any) {
		switch x := v.(type) {
		case map[string]any:
			for k, val := range x {
				if s, ok := val.(string); ok && (k == "function_name" || k == "table_name") && denied(s) {
					bad = s
				}
				walk(val)
			}
		case []any:
			for _, val := range x {
				walk(val)
			}
		}
	}
	walk(parsed)
	if bad != "" {
		return govlake.Errorf(govlake.EINVALID, "%s is not available: queries may read the published datasets only", bad)
	}
	return nil
}

var (
	leadingWord   = regexp.MustCompile(`^(?:\s|--[^\n]*\n|/\*(?s:.*?)\*/|\()*([A-Za-z]+)`)
	writeKeywords = map[string]bool{"DROP": true, "CREATE": true, "INSERT": true, "UPDATE": true, "DELETE": true,
		"ALTER": true, "COPY": true, "ATTACH": true, "DETACH": true, "INSTALL": true, "LOAD": true, "SET": true,
		"RESET": true, "PRAGMA": true, "EXPORT": true, "IMPORT": true, "CALL": true, "CHECKPOINT": true,
		"VACUUM": true, "BEGIN": true, "COMMIT": true, "ROLLBACK": true, "TRUNCATE": true, "USE": true,
		"MERGE": true, "UPSERT": true, "COMMENT": true, "ANALYZE": true, "PREPARE": true, "EXECUTE": true}
)

var (
	tableName = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*$`)
)

var missingTable = regexp.MustCompile(`no dataset or table named [^;]*; GET /api/v1/datasets lists them|Table with name ([^ ]+) does not exist`)

// classify turns a DuckDB error into a coded one with DuckDB's own message,
// which says what is wrong with the SQL.
func (e *Engine) classify(ctx context.Context, err error) error {
	if err == nil {
		return nil
	}
	var ge *govlake.Error
	if errors.As(err, &ge) {
		return err
	}
	if errors.Is(err, context.DeadlineExceeded) || errors.Is(ctx.Err(), context.DeadlineExceeded) {
		return govlake.Errorf(govlake.ETIMEOUT, "the query took longer than allowed and was stopped")
	}
	if errors.Is(err, context.Canceled) {
		return govlake.Errorf(govlake.ETIMEOUT, "the query was cancelled")
	}
	var de *duckdb.Error
	if errors.As(err, &de) {
		msg := de.Msg
		if held := e.scans.take(msg); held != nil {
			return held
		}
		for _, d := range e.dirs {
			if strings.Contains(msg, d) {
				// A stored file is damaged or missing: the server's problem,
				// and its paths are not for users.
				return &govlake.Error{Code: govlake.EINTERNAL, Message: "a stored file of this table could not be read; the store may be damaged (the server log has details)", Err: err}
			}
		}
		if m := missingTable.FindStringSubmatch(msg); m != nil {
			if m[1] != "" {
				return govlake.Errorf(govlake.ENOTFOUND, "no dataset or table named %s; GET /api/v1/datasets lists them", m[1])
			}
			return govlake.Errorf(govlake.ENOTFOUND, "%s", m[0])
		}
		switch de.Type {
		case duckdb.ErrorTypeOutOfMemory:
			return govlake.Errorf(govlake.ETOOLARGE, "the query needs more memory than allowed: %s", msg)
		case duckdb.ErrorTypeInterrupt:
			if ctx.Err() == nil {
				// Nothing here stopped it: another of DuckDB's threads failed
				// and cancelled this one, and on a busy machine DuckDB can
				// report the cancellation instead of the failure.
				return govlake.Errorf(govlake.EINVALID, "the query failed while its rows were computed (DuckDB reported only that it was interrupted, not why): run it again to see the error")
			}
			return govlake.Errorf(govlake.ETIMEOUT, "the query was stopped")
		case duckdb.ErrorTypePermission:
			return govlake.Errorf(govlake.EINVALID, "not allowed: %s", msg)
		}
		return govlake.Errorf(govlake.EINVALID, "%s", msg)
	}
	return err
}
