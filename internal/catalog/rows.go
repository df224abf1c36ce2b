package catalog

import (
	"context"
	"fmt"
	"sort"
	"strings"

	"govlake/internal/govlake"
)

// DatastoreRequest is CKAN's datastore_search: rows of one dataset, with
// field filters, a text search, chosen fields, an order and a page.
type DatastoreRequest struct {
	Dataset string
	Filters map[string][]string // field: any of these values, compared as text
	Q       string              // text to find in any field
	QFields map[string]string   // text to find in each of these fields (CKAN's q as an object)
	Fields  []string            // empty: every field
	Sort    []SortKey
	Limit   int
	Offset  int
	// Distinct drops repeated rows; NoTotal skips counting every match.
	Distinct, NoTotal bool
}

// SortKey orders rows by one field.
type SortKey struct {
	Field string
	Desc  bool
	// Nulls is "first" or "last" to place empty values; "" leaves
	// DuckDB's default (last).
	Nulls string
}

// DatastoreResult is one page of rows and how many rows match in all.
type DatastoreResult struct {
	*govlake.Result
	Total int64
}

// Datastore answers a datastore_search. Names are checked against the
// dataset's columns before they are quoted into the statement; every value
// is a bound argument.
func (q *Queries) Datastore(ctx context.Context, req DatastoreRequest) (*DatastoreResult, error) {
	d, err := q.cat.Dataset(ctx, req.Dataset)
	if err != nil {
		if govlake.ErrorCode(err) == govlake.ENOTFOUND {
			return nil, govlake.Errorf(govlake.ENOTFOUND, "Not found: Resource %q was not found.", req.Dataset)
		}
		return nil, err
	}
	known := map[string]bool{}
	for _, c := range d.Columns {
		known[c.Name] = true
	}
	table := quoteIdent(d.ID)
	counted := table // what the total counts: the rows need no _id unless a filter names it
	if !known["_id"] {
		// CKAN's row id: the row's place in the stored file, from 1
		// (DuckDB keeps a scan's order, so OVER () numbers rows as stored).
		known["_id"] = true
		table = "(SELECT row_number() OVER () AS _id, * FROM " + table + ") AS stored"
		if _, f := req.Filters["_id"]; f {
			counted = table
		} else if _, q := req.QFields["_id"]; q {
			counted = table
		}
	}
	field := func(what, name string) (string, error) {
		if !known[name] {
			return "", govlake.Errorf(govlake.EINVALID, "%s: field %q not in the table", what, name)
		}
		return quoteIdent(name), nil
	}
	sel := "*"
	if len(req.Fields) > 0 {
		var cols []string
		for _, f := range req.Fields {
			c, err := field("fields", f)
			if err != nil {
				return nil, err
			}
			cols = append(cols, c)
		}
		sel = strings.Join(cols, ", ")
	}
	cond, args, err := datastoreWhere(req, d.Columns, field)
	if err != nil {
		return nil, err
	}
	order := ""
	for i, k := range req.Sort {
		c, err := field("sort", k.Field)
		if err != nil {
			return nil, err
		}
		if i == 0 {
			order = " ORDER BY "
		} else {
			order += ", "
		}
		order += c
		if k.Desc {
			order += " DESC"
		}
		switch k.Nulls {
		case "first":
			order += " NULLS FIRST"
		case "last":
			order += " NULLS LAST"
		case "":
		default:
			return nil, govlake.Errorf(govlake.EINVALID, "sort: nulls %q must be first or last", k.Nulls)
		}
	}
	distinct := ""
	if req.Distinct {
		distinct = "DISTINCT "
	}
	ctx, done, err := q.begin(ctx)
	if err != nil {
		return nil, err
	}
	defer done()
	res, err := q.collect(ctx, "SELECT "+distinct+sel+" FROM "+table+cond+order+" LIMIT ? OFFSET ?", req.Limit, append(args, req.Limit, req.Offset)...)
	if err != nil {
		return nil, err
	}
	if req.NoTotal {
		return &DatastoreResult{Result: res, Total: -1}, nil
	}
	count := "SELECT count(*) FROM " + counted + cond
	if req.Distinct {
		count = "SELECT count(*) FROM (SELECT DISTINCT " + sel + " FROM " + table + cond + ")"
	}
	total, err := q.collect(ctx, count, 1, args...)
	if err != nil {
		return nil, err
	}
	n, _ := total.Rows[0][0].(int64)
	return &DatastoreResult{Result: res, Total: n}, nil
}

// datastoreWhere is the WHERE clause of a datastore request, with its
// arguments: each filter's values, and the text search over every column.
func datastoreWhere(req DatastoreRequest, cols []govlake.Column, field func(what, name string) (string, error)) (string, []any, error) {
	var where []string
	var args []any
	for _, name := range sortedKeys(req.Filters) {
		c, err := field("filters", name)
		if err != nil {
			return "", nil, err
		}
		marks := make([]string, len(req.Filters[name]))
		for i, v := range req.Filters[name] {
			marks[i] = "?"
			args = append(args, v)
		}
		where = append(where, fmt.Sprintf("%s::VARCHAR IN (%s)", c, strings.Join(marks, ", ")))
	}
	if req.Q != "" {
		text := make([]string, len(cols))
		for i, c := range cols {
			text[i] = "coalesce(" + quoteIdent(c.Name) + "::VARCHAR, '')"
		}
		where = append(where, "concat_ws(' ', "+strings.Join(text, ", ")+`) ILIKE ? ESCAPE '\'`)
		args = append(args, "%"+likeEscape(req.Q)+"%")
	}
	for _, name := range sortedKeys(req.QFields) {
		c, err := field("q", name)
		if err != nil {
			return "", nil, err
		}
		where = append(where, "coalesce("+c+"::VARCHAR, '') ILIKE ? ESCAPE '\\'")
		args = append(args, "%"+likeEscape(req.QFields[name])+"%")
	}
	cond := ""
	if len(where) > 0 {
		cond = " WHERE " + strings.Join(where, " AND ")
	}
	return cond, args, nil
}

// likeEscape makes % and _ in a search text match themselves, as CKAN's
// plain-text q does (DuckDB's ILIKE escapes with a backslash).
func likeEscape(s string) string {
	return strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`).Replace(s)
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
