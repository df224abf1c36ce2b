package web

import (
	"encoding/csv"
	"encoding/json"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"govlake/internal/catalog"
	"govlake/internal/govlake"
)

// CKANField is a DataStore field, typed as CKAN's DataStore (PostgreSQL)
// names types.
type CKANField struct {
	ID   string `json:"id"`
	Type string `json:"type"`
}

// CKANDatastore is datastore_search's result.
type CKANDatastore struct {
	ResourceID string      `json:"resource_id"`
	Fields     []CKANField `json:"fields"`
	// Records are objects, lists, or CSV or TSV text, as records_format asks.
	Records       any       `json:"records"`
	RecordsFormat string    `json:"records_format,omitempty"`
	Total         *int64    `json:"total,omitempty"` // left out when include_total=false
	Limit         int       `json:"limit"`
	Offset        int       `json:"offset"`
	Links         CKANLinks `json:"_links"`
}

// CKANLinks are the first and next pages of a datastore_search.
type CKANLinks struct {
	Start string `json:"start"`
	Next  string `json:"next"`
}

// CKANDatastoreSQL is datastore_search_sql's result.
type CKANDatastoreSQL struct {
	SQL       string           `json:"sql"`
	Fields    []CKANField      `json:"fields"`
	Records   []map[string]any `json:"records"`
	Truncated bool             `json:"records_truncated"`
}

// ckanDatastoreSearch reads resource_id, filters, q, fields (a list or
// comma-separated), sort (CKAN's syntax: "field", "\"Quoted Name\" desc",
// "nulls last"), distinct, include_total, records_format, limit and offset
// into a datastore request for the catalogue. resource_id _table_metadata
// lists the datastore's tables, as CKAN's does.
func ckanDatastoreSearch(s *Server, r *http.Request) (*CKANDatastore, error) {
	req := catalog.DatastoreRequest{Filters: map[string][]string{}}
	var err error
	if req.Dataset, err = required(r, "resource_id"); err != nil {
		return nil, err
	}
	if req.Limit, err = intParam(r, "limit", 100, 32000); err != nil {
		return nil, err
	}
	if req.Offset, err = intParam(r, "offset", 0, 1<<30); err != nil {
		return nil, err
	}
	if req.Dataset == "_table_metadata" {
		return s.ckanTableMetadata(r, req)
	}
	if req.Fields, err = datastoreFields(ckanParam(r, "fields")); err != nil {
		return nil, err
	}
	if err := datastoreFilters(ckanParam(r, "filters"), req.Filters); err != nil {
		return nil, err
	}
	req.Q = ckanParam(r, "q")
	if strings.HasPrefix(strings.TrimSpace(req.Q), "{") {
		// CKAN's q as an object: text to find in each named field.
		if err := json.Unmarshal([]byte(req.Q), &req.QFields); err != nil {
			return nil, govlake.Errorf(govlake.EINVALID, "q: %q must be text, or a JSON object of field: text", req.Q)
		}
		req.Q = ""
	}
	if req.Sort, err = datastoreSort(ckanParam(r, "sort")); err != nil {
		return nil, err
	}
	req.Distinct = ckanParam(r, "distinct") == "true"
	req.NoTotal = ckanParam(r, "include_total") == "false"
	format := ckanParam(r, "records_format")
	if format != "" && format != "objects" && format != "lists" && format != "csv" && format != "tsv" {
		return nil, govlake.Errorf(govlake.EINVALID, "records_format: %q must be objects, lists, csv or tsv", format)
	}
	res, err := s.queries.Datastore(r.Context(), req)
	if err != nil {
		return nil, err
	}
	out := &CKANDatastore{ResourceID: req.Dataset, Fields: ckanFields(res.Columns), Records: datastoreRecords(res.Result, format),
		Limit: req.Limit, Offset: req.Offset, Links: datastoreLinks(r, req)}
	if res.Total >= 0 {
		out.Total = &res.Total
	}
	if format != "" {
		out.RecordsFormat = format
	}
	return out, nil
}

// datastoreLinks are the first and next pages with every parameter the
// request gave (CKAN's own links keep them: a filtered search pages on
// through the filtered rows).
func datastoreLinks(r *http.Request, req catalog.DatastoreRequest) CKANLinks {
	params := url.Values{}
	for k, v := range r.URL.Query() {
		params[k] = v
	}
	for k, v := range r.Form {
		if _, ok := params[k]; !ok {
			params[k] = v
		}
	}
	params.Del("offset")
	path := "/api/3/action/datastore_search?"
	start := path + params.Encode()
	params.Set("offset", strconv.Itoa(req.Offset+req.Limit))
	return CKANLinks{Start: start, Next: path + params.Encode()}
}

// datastoreFields reads fields: a JSON list, or names separated by commas.
func datastoreFields(f string) ([]string, error) {
	if f == "" {
		return nil, nil
	}
	if strings.HasPrefix(f, "[") {
		var list []string
		if err := json.Unmarshal([]byte(f), &list); err != nil {
			return nil, govlake.Errorf(govlake.EINVALID, "fields: %q must be a list of field names", f)
		}
		return list, nil
	}
	var out []string
	for _, c := range strings.Split(f, ",") {
		out = append(out, strings.TrimSpace(c))
	}
	return out, nil
}

func datastoreFilters(f string, into map[string][]string) error {
	if f == "" {
		return nil
	}
	var filters map[string]any
	if err := json.Unmarshal([]byte(f), &filters); err != nil {
		return govlake.Errorf(govlake.EINVALID, "filters: not a JSON object of field: value or [values]")
	}
	for k, v := range filters {
		vals, isList := v.([]any)
		if !isList {
			vals = []any{v}
		}
		for _, x := range vals {
			into[k] = append(into[k], textCell(x))
		}
	}
	return nil
}

// datastoreSort reads CKAN's sort: comma-separated keys, each a name
// (double-quoted when it has spaces or commas), then asc or desc, then
// nulls first or nulls last.
func datastoreSort(spec string) ([]catalog.SortKey, error) {
	var keys []catalog.SortKey
	for _, part := range splitOutsideQuotes(spec) {
		p := strings.TrimSpace(part)
		if p == "" {
			continue
		}
		var k catalog.SortKey
		if strings.HasPrefix(p, `"`) {
			end := strings.Index(p[1:], `"`)
			if end < 0 {
				return nil, govlake.Errorf(govlake.EINVALID, "sort: %q has an unclosed quote", p)
			}
			k.Field, p = p[1:end+1], p[end+2:]
		} else {
			name, rest, _ := strings.Cut(p, " ")
			k.Field, p = name, rest
		}
		words := strings.Fields(strings.ToLower(p))
		if len(words) > 0 && (words[0] == "asc" || words[0] == "desc") {
			k.Desc, words = words[0] == "desc", words[1:]
		}
		if len(words) == 2 && words[0] == "nulls" {
			k.Nulls, words = words[1], nil
		}
		if len(words) > 0 {
			return nil, govlake.Errorf(govlake.EINVALID, "sort: %q must be \"field [asc|desc] [nulls first|last]\"", part)
		}
		keys = append(keys, k)
	}
	return keys, nil
}

func splitOutsideQuotes(s string) []string {
	var out []string
	quoted, from := false, 0
	for i, r := range s {
		switch {
		case r == '"':
			quoted = !quoted
		case r == ',' && !quoted:
			out = append(out, s[from:i])
			from = i + 1
		}
	}
	return append(out, s[from:])
}

// ckanTableMetadata lists the datastore's tables: one per dataset one may
// see, its name the resource id, as CKAN's _table_metadata does.
func (s *Server) ckanTableMetadata(r *http.Request, req catalog.DatastoreRequest) (*CKANDatastore, error) {
	sums, err := s.catalog.Datasets(r.Context())
	if err != nil {
		return nil, err
	}
	out := &CKANDatastore{ResourceID: req.Dataset, Fields: []CKANField{{"_id", "int"}, {"name", "text"}, {"alias_of", "text"}, {"oid", "int"}},
		Limit: req.Limit, Offset: req.Offset, Links: datastoreLinks(r, req)}
	records := []any{}
	var n int64
	for _, d := range sums {
		if d.Version == 0 {
			continue
		}
		n++
		if n > int64(req.Offset) && len(records) < req.Limit {
			records = append(records, map[string]any{"_id": n, "name": d.ID, "alias_of": nil, "oid": nil})
		}
	}
	out.Records, out.Total = records, &n
	return out, nil
}

func ckanDatastoreSearchSQL(s *Server, r *http.Request) (*CKANDatastoreSQL, error) {
	q, err := required(r, "sql")
	if err != nil {
		return nil, err
	}
	res, err := s.queries.Run(r.Context(), q, catalog.Page{})
	if err != nil {
		return nil, err
	}
	return &CKANDatastoreSQL{SQL: q, Fields: ckanFields(res.Columns), Records: records(res), Truncated: res.Truncated}, nil
}

// ckanTypes names govlake's column types as CKAN's DataStore does.
var ckanTypes = map[string]string{
	govlake.TypeInt64: "int", govlake.TypeUint64: "int", govlake.TypeFloat64: "numeric", govlake.TypeDecimal: "numeric",
	govlake.TypeBool: "bool", govlake.TypeDate: "date", govlake.TypeTime: "time", govlake.TypeTimestamp: "timestamp",
	govlake.TypeTimestampLocal: "timestamp", govlake.TypeTimestampNS: "timestamp", govlake.TypeBinary: "bytea",
}

func ckanFields(cols []govlake.ResultColumn) []CKANField {
	out := []CKANField{}
	for _, c := range cols {
		t := ckanTypes[catalog.ResultColumn(c).Type]
		if t == "" {
			t = "text"
		}
		out = append(out, CKANField{c.Name, t})
	}
	return out
}

// datastoreRecords writes the rows as records_format asks: objects (the
// default), lists, or CSV or TSV text without a header, as CKAN does.
func datastoreRecords(res *govlake.Result, format string) any {
	switch format {
	case "lists":
		out := make([][]any, 0, len(res.Rows))
		return append(out, res.Rows...)
	case "csv", "tsv":
		var b strings.Builder
		w := csv.NewWriter(&b)
		if format == "tsv" {
			w.Comma = '\t'
		}
		for _, row := range res.Rows {
			cells := make([]string, len(row))
			for i, v := range row {
				cells[i] = textCell(v)
			}
			w.Write(cells)
		}
		w.Flush()
		return b.String()
	}
	return records(res)
}

func records(res *govlake.Result) []map[string]any {
	out := make([]map[string]any, 0, len(res.Rows))
	for _, row := range res.Rows {
		m := make(map[string]any, len(row))
		for i, c := range res.Columns {
			m[c.Name] = row[i]
		}
		out = append(out, m)
	}
	return out
}
