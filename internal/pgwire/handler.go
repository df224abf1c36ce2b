package pgwire

import (
	"context"
	"errors"
	"regexp"
	"strings"

	wire "github.com/jeroenrinzema/psql-wire"
	"github.com/jeroenrinzema/psql-wire/codes"
	pgerror "github.com/jeroenrinzema/psql-wire/errors"

	"govlake/internal/govlake"
)

// catalogQuestion recognises what is asked of the database's catalogue
// rather than of the data: pg_catalog and information_schema, and the
// functions that tell about the session.
var catalogQuestion = regexp.MustCompile(`(?i)\b(pg_catalog|information_schema|pg_[a-z_]+|current_database|current_schema|current_schemas|current_user|session_user|version|has_[a-z_]*privilege|format_type|obj_description|col_description)\b`)

// bareDescription is obj_description called without its schema, as BI
// tools call it: it reads the tables' descriptions too.
var bareDescription = regexp.MustCompile(`(?i)(^|[^.\w])obj_description\s*\(`)

// psqlSyntax is PostgreSQL syntax that psql's backslash commands use and
// DuckDB reads another way: OPERATOR(pg_catalog.~) is ~, and collations
// named pg_catalog.default are the default.
var psqlSyntax = strings.NewReplacer("OPERATOR(pg_catalog.~)", "~", "OPERATOR(pg_catalog.=)", "=", " COLLATE pg_catalog.default", "",
	"attnum = prattrs[s])", "attnum = prattrs[s.generate_series])")

// writeCommand is a statement that would change something.
var writeCommand = regexp.MustCompile(`(?i)^\s*(INSERT|UPDATE|DELETE|MERGE|DROP|CREATE|ALTER|TRUNCATE|COPY|GRANT|REVOKE|VACUUM|ATTACH|DETACH|INSTALL|LOAD|CALL|EXPORT|IMPORT|CHECKPOINT|COMMENT|REINDEX|CLUSTER|LOCK)\b`)

// shadowed are the pg_catalog tables the catalogue completes in schema
// pg_govlake (columns and tables DuckDB's views lack, which psql's \d reads).
var shadowed = regexp.MustCompile(`\bpg_catalog\.(obj_description|pg_get_expr|pg_class|pg_inherits|pg_policy|pg_statistic_ext|pg_publication|pg_publication_rel|pg_publication_namespace|pg_trigger|pg_rewrite|pg_roles|pg_database|pg_description)\b`)

// tableVisible is pg_table_is_visible(alias.oid): the datasets, in
// schema main, are the tables a search path finds.
var tableVisible = regexp.MustCompile(`\bpg_catalog\.pg_table_is_visible\((\w+)\.oid\)`)

// regexMatch is PostgreSQL's regular expression operator (x ~ 'p', x !~
// 'p', ~* without case), which matches anywhere in x; DuckDB's ~ matches
// the whole of x, so it is written as regexp_matches.
var regexMatch = regexp.MustCompile(`([\w."]+)\s*(!?)~(\*?)\s*('(?:[^']|'')*')`)

func regexCall(m string) string {
	p := regexMatch.FindStringSubmatch(m)
	call := "regexp_matches(" + p[1] + ", " + p[4]
	if p[3] == "*" {
		call += ", 'i'"
	}
	call += ")"
	if p[2] == "!" {
		return "(NOT " + call + ")"
	}
	return call
}

// catalogCall is a function named with its schema, pg_catalog.f(...):
// DuckDB finds its PostgreSQL functions by their names alone.
var catalogCall = regexp.MustCompile(`\bpg_catalog\.([a-z_0-9]+)\s*\(`)

// catalogCast is a cast to a PostgreSQL catalogue type (regclass,
// regnamespace, text, name, oid ...): DuckDB reads the names as text and
// oids as numbers.
var catalogCast = regexp.MustCompile(`::\s*pg_catalog\.(reg[a-z]+|text|name|oid|int2\[\])`)

// regclassLiteral is a table named as an oid ('pg_class'::regclass), which
// DuckDB has no type for; the catalogue's own tables have no oid there.
var regclassLiteral = regexp.MustCompile(`(?i)'[a-z_.]+'::(pg_catalog\.)?regclass`)

// versionCall is version(), which BI tools read to learn they talk to
// PostgreSQL and which version.
var versionCall = regexp.MustCompile(`(?i)\b(pg_catalog\.)?version\(\)`)

// schemaQualifier drops the public (or main) schema BI tools put before a
// table name: the datasets are tables of no particular schema.
var schemaQualifier = regexp.MustCompile(`(?i)(^|[\s,(])"?(public|main)"?\s*\.\s*`)

// parse reads one query (simple or extended protocol) into statements.
func (s *Server) parse(ctx context.Context, q wire.Query) (wire.PreparedStatements, error) {
	texts := []string{q.Query}
	if q.SimpleQuery {
		texts = statements(q.Query)
	}
	var out wire.PreparedStatements
	for _, text := range texts {
		st, err := s.statement(ctx, text, q.ParameterOIDs)
		if err != nil {
			return nil, err
		}
		out = append(out, st)
	}
	if len(out) == 0 {
		return wire.Prepared(wire.NewStatement(func(ctx context.Context, w wire.DataWriter, _ []wire.Parameter) error { return w.Empty() })), nil
	}
	return out, nil
}

// statement prepares one statement: a session command answered here, or
// a query whose columns are learnt now, by running it with no rows.
func (s *Server) statement(ctx context.Context, text string, oids []uint32) (*wire.PreparedStatement, error) {
	if st, ok := session(text); ok {
		return st, nil
	}
	if m := writeCommand.FindStringSubmatch(text); m != nil {
		return nil, pgerror.WithCode(errors.New("cannot execute "+strings.ToUpper(m[1])+" in a read-only transaction: the catalogue is read-only; publish through the API"), codes.ReadOnlySQLTransaction)
	}
	stream := s.queries.Stream
	if catalogQuestion.MatchString(text) {
		stream = s.queries.CatalogStream
		text = versionCall.ReplaceAllString(psqlSyntax.Replace(text), "'PostgreSQL "+ServerVersion+", read-only'")
		text = regclassLiteral.ReplaceAllString(text, "0")
		text = shadowed.ReplaceAllString(text, "pg_govlake.$1")
		text = bareDescription.ReplaceAllString(text, "${1}pg_govlake.obj_description(")
		text = regexMatch.ReplaceAllStringFunc(text, regexCall)
		text = tableVisible.ReplaceAllString(text, "($1.relnamespace IN (SELECT oid FROM pg_catalog.pg_namespace WHERE nspname = 'main'))")
		text = catalogCall.ReplaceAllString(text, "$1(")
		text = catalogCast.ReplaceAllStringFunc(text, func(c string) string {
			switch {
			case strings.HasSuffix(c, ".oid"):
				return "::BIGINT"
			case strings.HasSuffix(c, ".int2[]"):
				return "::SMALLINT[]"
			}
			return "::VARCHAR"
		})
	} else {
		text = schemaQualifier.ReplaceAllString(text, "$1")
	}
	params := wire.ParseParameters(text)
	for i := range params {
		if i < len(oids) {
			params[i] = oids[i]
		}
		if params[i] == 0 {
			params[i] = 0 // unknown: the client sends text, which DuckDB casts to what the query needs
		}
	}
	var cols []govlake.ResultColumn
	probe := "SELECT * FROM (" + strings.TrimRight(strings.TrimSpace(text), ";") + "\n) AS shape LIMIT 0"
	err := stream(ctx, probe, func(c []govlake.ResultColumn) error { cols = c; return nil }, func([]any) error { return nil }, make([]any, len(params))...)
	if err != nil {
		s.logFailure(err)
		return nil, pgError(err)
	}
	columns := wireColumns(cols)
	run := func(ctx context.Context, w wire.DataWriter, ps []wire.Parameter) error {
		args := make([]any, len(ps))
		for i, p := range ps {
			v, err := argument(p, params[i])
			if err != nil {
				return pgError(err)
			}
			args[i] = v
		}
		var n int
		err := stream(ctx, text, func([]govlake.ResultColumn) error { return nil }, func(row []any) error {
			n++
			return w.Row(wireRow(cols, row))
		}, args...)
		if err != nil {
			s.logFailure(err)
			return pgError(err)
		}
		return w.Complete("SELECT " + itoa(n))
	}
	return wire.NewStatement(run, wire.WithColumns(columns), wire.WithParameters(params)), nil
}

// logFailure logs what failed on the server's side (the client sees
// only "internal error").
func (s *Server) logFailure(err error) {
	if c := govlake.ErrorCode(err); c == govlake.EINTERNAL || c == govlake.EUNAVAILABLE {
		s.logger.Error("PostgreSQL query failed", "err", err)
	}
}

// pgError is a govlake error as PostgreSQL reports one: its message, and
// the SQLSTATE of its kind.
func pgError(err error) error {
	if pgerror.GetCode(err) != codes.Uncategorized {
		return err
	}
	code := codes.Internal
	switch govlake.ErrorCode(err) {
	case govlake.EINVALID:
		code = codes.Syntax
		if strings.Contains(govlake.ErrorMessage(err), "only SELECT") {
			code = codes.ReadOnlySQLTransaction
		}
	case govlake.ENOTFOUND, govlake.EGONE:
		code = codes.UndefinedTable
	case govlake.EUNAUTHORIZED, govlake.EFORBIDDEN:
		code = codes.InsufficientPrivilege
	case govlake.ETIMEOUT:
		code = codes.QueryCanceled
	case govlake.EBUSY, govlake.EUNAVAILABLE:
		code = codes.TooManyConnections
	case govlake.ETOOLARGE:
		code = codes.OutOfMemory
	}
	return pgerror.WithCode(errors.New(govlake.ErrorMessage(err)), code)
}
