package web

import (
	"encoding/json"
	"net/http"
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
	ResourceID string           `json:"resource_id"`
	Fields     []CKANField      `json:"fields"`
	Records    []map[string]any `json:"records"`
	Total      int64            `json:"total"`
	Limit      int              `json:"limit"`
	Offset     int              `json:"offset"`
	Links      CKANLinks        `json:"_links"`
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

// ckanDatastoreSearch reads resource_id, filters, q, fields, sort, limit
// and offset into a datastore request for the catalogue.
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
	if f := ckanParam(r, "fields"); f != "" {
		for _, c := range strings.Split(f, ",") {
			req.Fields = append(req.Fields, strings.TrimSpace(c))
		}
	}
	if f := ckanParam(r, "filters"); f != "" {
		var filters map[string]any
		if err := json.Unmarshal([]byte(f), &filters); err != nil {
			return nil, govlake.Errorf(govlake.EINVALID, "filters: not a JSON object of field: value or [values]")
		}
		for k, v := range filters {
			vals, isList := v.([]any)
			if !isList {
				vals = []any{v}
			}
			for _, x := range vals {
				req.Filters[k] = append(req.Filters[k], textCell(x))
			}
		}
	}
	req.Q = ckanParam(r, "q")
	if so := ckanParam(r, "sort"); so != "" {
		for _, p := range strings.Split(so, ",") {
			f := strings.Fields(p)
			if len(f) == 0 || len(f) > 2 {
				return nil, govlake.Errorf(govlake.EINVALID, "sort: %q must be \"field [asc|desc]\"", p)
			}
			req.Sort = append(req.Sort, catalog.SortKey{Field: f[0], Desc: len(f) == 2 && strings.EqualFold(f[1], "desc")})
		}
	}
	res, err := s.queries.Datastore(r.Context(), req)
	if err != nil {
		return nil, err
	}
	page := "/api/3/action/datastore_search?resource_id=" + req.Dataset + "&limit=" + strconv.Itoa(req.Limit)
	return &CKANDatastore{
		ResourceID: req.Dataset, Fields: ckanFields(res.Columns), Records: records(res.Result), Total: res.Total,
		Limit: req.Limit, Offset: req.Offset,
		Links: CKANLinks{Start: page, Next: page + "&offset=" + strconv.Itoa(req.Offset+req.Limit)},
	}, nil
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
