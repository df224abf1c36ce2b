package http

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"sort"
	"strconv"
	"strings"

	"govlake/internal/govlake"
)

// CKAN's read API (action API version 3), so that CKAN clients and
// harvesters can read govlake: each dataset is a package with one resource,
// its latest version, whose id is the dataset id.

type ckanReply struct {
	Help    string     `json:"help"`
	Success bool       `json:"success"`
	Result  any        `json:"result,omitempty"`
	Error   *ckanError `json:"error,omitempty"`
}

type ckanError struct {
	Type    string `json:"__type"`
	Message string `json:"message"`
}

func (s *Server) ckanRoutes(m *http.ServeMux) {
	for name, h := range map[string]func(*http.Request) (any, error){
		"package_list":         s.ckanPackageList,
		"package_show":         s.ckanPackageShow,
		"package_search":       s.ckanPackageSearch,
		"organization_list":    s.ckanOrganizationList,
		"organization_show":    s.ckanOrganizationShow,
		"datastore_search":     s.ckanDatastoreSearch,
		"datastore_search_sql": s.ckanDatastoreSearchSQL,
	} {
		name, h := name, h
		m.HandleFunc("/api/3/action/"+name, func(w http.ResponseWriter, r *http.Request) {
			help := "http://" + r.Host + "/api/3/action/help_show?name=" + name
			result, err := h(r)
			if err != nil {
				st, typ := status(govlake.ErrorCode(err)), "Validation Error"
				switch st {
				case http.StatusNotFound:
					typ = "Not Found Error"
				case http.StatusBadRequest:
					st = http.StatusConflict // CKAN answers validation errors with 409
				}
				writeJSON(w, st, ckanReply{Help: help, Error: &ckanError{Type: typ, Message: govlake.ErrorMessage(err)}})
				return
			}
			writeJSON(w, http.StatusOK, ckanReply{Help: help, Success: true, Result: result})
		})
	}
}

// param reads a parameter from the query string or a JSON body, as CKAN does.
func param(r *http.Request, name string) string {
	if v := r.URL.Query().Get(name); v != "" {
		return v
	}
	if r.Method == http.MethodPost && strings.HasPrefix(r.Header.Get("Content-Type"), "application/json") {
		if r.Form == nil {
			var body map[string]any
			json.NewDecoder(io.LimitReader(r.Body, 1<<20)).Decode(&body)
			r.Form = map[string][]string{}
			for k, v := range body {
				switch x := v.(type) {
				case string:
					r.Form[k] = []string{x}
				default:
					b, _ := json.Marshal(x)
					r.Form[k] = []string{string(b)}
				}
			}
		}
		return r.Form.Get(name)
	}
	return ""
}

func intParam(r *http.Request, name string, def, max int) (int, error) {
	v := param(r, name)
	if v == "" {
		return def, nil
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < 0 {
		return 0, govlake.Errorf(govlake.EINVALID, "%s: %q is not a whole number", name, v)
	}
	return min(n, max), nil
}

func (s *Server) ckanPackage(r *http.Request, d *govlake.Detail) map[string]any {
	tags := []map[string]any{}
	for _, t := range d.Tags {
		tags = append(tags, map[string]any{"name": t, "display_name": t})
	}
	res := map[string]any{
		"id": d.ID, "package_id": d.ID, "name": d.Title, "format": "CSV", "datastore_active": true,
		"url":              "http://" + r.Host + "/api/v1/query?format=csv&sql=" + strings.ReplaceAll("SELECT+*+FROM+"+d.ID, " ", "+"),
		"description":      fmt.Sprintf("Version %d, %d rows; query it with datastore_search or datastore_search_sql.", d.Version, d.Rows),
		"last_modified":    d.Updated.UTC().Format("2006-01-02T15:04:05.000000"),
		"position":         0,
		"govlake_version":  d.Version,
		"govlake_versions": len(d.Versions),
	}
	return map[string]any{
		"id": d.ID, "name": d.ID, "title": d.Title, "notes": d.Description, "type": "dataset", "state": "active",
		"license_id": d.License, "license_title": d.License,
		"organization":      map[string]any{"id": d.Organization, "name": d.Organization, "title": d.Organization},
		"owner_org":         d.Organization,
		"tags":              tags,
		"num_tags":          len(tags),
		"metadata_modified": d.Updated.UTC().Format("2006-01-02T15:04:05.000000"),
		"resources":         []any{res},
		"num_resources":     1,
		"url":               "http://" + r.Host + "/datasets/" + d.ID,
	}
}

func (s *Server) ckanPackageList(r *http.Request) (any, error) {
	ds, err := s.catalog.Datasets(r.Context())
	if err != nil {
		return nil, err
	}
	ids := []string{}
	for _, d := range ds {
		ids = append(ids, d.ID)
	}
	return ids, nil
}

func (s *Server) ckanPackageShow(r *http.Request) (any, error) {
	id := param(r, "id")
	if id == "" {
		return nil, govlake.Errorf(govlake.EINVALID, "id: Missing value")
	}
	d, err := s.catalog.Dataset(r.Context(), id)
	if err != nil {
		return nil, govlake.Errorf(govlake.ENOTFOUND, "Not found")
	}
	return s.ckanPackage(r, d), nil
}

// ckanPackageSearch supports q (words in id, title, notes, tags), fq with
// organization:NAME and tags:TAG terms, rows, start and sort.
func (s *Server) ckanPackageSearch(r *http.Request) (any, error) {
	ds, err := s.catalog.Datasets(r.Context())
	if err != nil {
		return nil, err
	}
	rows, err := intParam(r, "rows", 10, 1000)
	if err != nil {
		return nil, err
	}
	start, err := intParam(r, "start", 0, 1<<30)
	if err != nil {
		return nil, err
	}
	words := strings.Fields(strings.ToLower(param(r, "q")))
	filters := map[string][]string{}
	for _, term := range strings.Fields(param(r, "fq")) {
		k, v, ok := strings.Cut(term, ":")
		if !ok {
			return nil, govlake.Errorf(govlake.EINVALID, "fq: %q must be field:value (organization or tags)", term)
		}
		filters[k] = append(filters[k], strings.Trim(v, `"`))
	}
	var found []map[string]any
	for _, sum := range ds {
		d, err := s.catalog.Dataset(r.Context(), sum.ID)
		if err != nil {
			return nil, err
		}
		text := strings.ToLower(strings.Join(append([]string{d.ID, d.Title, d.Description, d.Organization}, d.Tags...), " "))
		ok := true
		for _, w := range words {
			if w != "*:*" && !strings.Contains(text, w) {
				ok = false
			}
		}
		for k, vs := range filters {
			for _, v := range vs {
				switch k {
				case "organization", "owner_org":
					ok = ok && d.Organization == v
				case "tags":
					has := false
					for _, t := range d.Tags {
						has = has || t == v
					}
					ok = ok && has
				case "license_id":
					ok = ok && d.License == v
				default:
					return nil, govlake.Errorf(govlake.EINVALID, "fq: field %q is not supported (organization, tags, license_id)", k)
				}
			}
		}
		if ok {
			found = append(found, s.ckanPackage(r, d))
		}
	}
	sortSpec := param(r, "sort")
	if sortSpec == "" {
		sortSpec = "name asc"
	}
	field, dir, _ := strings.Cut(sortSpec, " ")
	key := map[string]string{"name": "name", "title": "title", "title_string": "title", "metadata_modified": "metadata_modified"}[field]
	if key == "" {
		return nil, govlake.Errorf(govlake.EINVALID, "sort: %q is not supported (name, title_string, metadata_modified; asc or desc)", sortSpec)
	}
	sort.SliceStable(found, func(i, j int) bool {
		a, b := fmt.Sprint(found[i][key]), fmt.Sprint(found[j][key])
		if dir == "desc" {
			return a > b
		}
		return a < b
	})
	count := len(found)
	page := []map[string]any{}
	if start < len(found) {
		page = found[start:min(start+rows, len(found))]
	}
	return map[string]any{"count": count, "results": page, "sort": sortSpec, "facets": map[string]any{}, "search_facets": map[string]any{}}, nil
}

func (s *Server) organizations(r *http.Request) (map[string][]string, error) {
	ds, err := s.catalog.Datasets(r.Context())
	if err != nil {
		return nil, err
	}
	orgs := map[string][]string{}
	for _, d := range ds {
		orgs[d.Organization] = append(orgs[d.Organization], d.ID)
	}
	return orgs, nil
}

func (s *Server) ckanOrganizationList(r *http.Request) (any, error) {
	orgs, err := s.organizations(r)
	if err != nil {
		return nil, err
	}
	names := []string{}
	for o := range orgs {
		if o != "" {
			names = append(names, o)
		}
	}
	sort.Strings(names)
	return names, nil
}

func (s *Server) ckanOrganizationShow(r *http.Request) (any, error) {
	orgs, err := s.organizations(r)
	if err != nil {
		return nil, err
	}
	id := param(r, "id")
	pkgs, ok := orgs[id]
	if !ok || id == "" {
		return nil, govlake.Errorf(govlake.ENOTFOUND, "Not found")
	}
	return map[string]any{"id": id, "name": id, "title": id, "type": "organization", "is_organization": true,
		"state": "active", "package_count": len(pkgs), "packages": pkgs}, nil
}

func quoteIdent(s string) string { return `"` + strings.ReplaceAll(s, `"`, `""`) + `"` }
func quoteText(s string) string  { return "'" + strings.ReplaceAll(s, "'", "''") + "'" }

// ckanDatastoreSearch builds one SELECT from resource_id, filters, q,
// fields, sort, limit and offset; names are quoted, values are literals.
func (s *Server) ckanDatastoreSearch(r *http.Request) (any, error) {
	id := param(r, "resource_id")
	if id == "" {
		return nil, govlake.Errorf(govlake.EINVALID, "resource_id: Missing value")
	}
	d, err := s.catalog.Dataset(r.Context(), id)
	if err != nil {
		return nil, govlake.Errorf(govlake.ENOTFOUND, "Not found: Resource %q was not found.", id)
	}
	known := map[string]string{}
	for _, c := range d.Columns {
		known[c.Name] = c.Type
	}
	limit, err := intParam(r, "limit", 100, 32000)
	if err != nil {
		return nil, err
	}
	offset, err := intParam(r, "offset", 0, 1<<30)
	if err != nil {
		return nil, err
	}
	cols := []string{}
	if f := param(r, "fields"); f != "" {
		for _, c := range strings.Split(f, ",") {
			c = strings.TrimSpace(c)
			if _, ok := known[c]; !ok {
				return nil, govlake.Errorf(govlake.EINVALID, "fields: field %q not in the table", c)
			}
			cols = append(cols, quoteIdent(c))
		}
	}
	sel := "*"
	if len(cols) > 0 {
		sel = strings.Join(cols, ", ")
	}
	var where []string
	if f := param(r, "filters"); f != "" {
		var filters map[string]any
		if err := json.Unmarshal([]byte(f), &filters); err != nil {
			return nil, govlake.Errorf(govlake.EINVALID, "filters: not a JSON object: %v", err)
		}
		for k, v := range filters {
			if _, ok := known[k]; !ok {
				return nil, govlake.Errorf(govlake.EINVALID, "filters: field %q not in the table", k)
			}
			vals, isList := v.([]any)
			if !isList {
				vals = []any{v}
			}
			var lits []string
			for _, x := range vals {
				lits = append(lits, quoteText(fmt.Sprint(x)))
			}
			where = append(where, fmt.Sprintf("%s::VARCHAR IN (%s)", quoteIdent(k), strings.Join(lits, ", ")))
		}
	}
	if q := param(r, "q"); q != "" {
		var text []string
		for _, c := range d.Columns {
			text = append(text, fmt.Sprintf("coalesce(%s::VARCHAR, '')", quoteIdent(c.Name)))
		}
		where = append(where, fmt.Sprintf("concat_ws(' ', %s) ILIKE %s", strings.Join(text, ", "), quoteText("%"+q+"%")))
	}
	cond := ""
	if len(where) > 0 {
		cond = " WHERE " + strings.Join(where, " AND ")
	}
	order := ""
	if so := param(r, "sort"); so != "" {
		var parts []string
		for _, p := range strings.Split(so, ",") {
			f := strings.Fields(p)
			if len(f) == 0 || len(f) > 2 {
				return nil, govlake.Errorf(govlake.EINVALID, "sort: %q must be \"field [asc|desc]\"", p)
			}
			if _, ok := known[f[0]]; !ok {
				return nil, govlake.Errorf(govlake.EINVALID, "sort: field %q not in the table", f[0])
			}
			dir := "ASC"
			if len(f) == 2 && strings.EqualFold(f[1], "desc") {
				dir = "DESC"
			}
			parts = append(parts, quoteIdent(f[0])+" "+dir)
		}
		order = " ORDER BY " + strings.Join(parts, ", ")
	}
	ctx, done, err := s.begin(r)
	if err != nil {
		return nil, err
	}
	defer done()
	res, err := s.query.Query(ctx, fmt.Sprintf("SELECT %s FROM %s%s%s LIMIT %d OFFSET %d", sel, id, cond, order, limit, offset), limit)
	if err != nil {
		return nil, err
	}
	total, err := s.query.Query(ctx, fmt.Sprintf("SELECT count(*) FROM %s%s", id, cond), 1)
	if err != nil {
		return nil, err
	}
	out := map[string]any{
		"resource_id": id, "fields": ckanFields(res.Columns), "records": records(res), "total": total.Rows[0][0],
		"limit": limit, "offset": offset,
		"_links": map[string]string{
			"start": "/api/3/action/datastore_search?resource_id=" + id + "&limit=" + strconv.Itoa(limit),
			"next":  "/api/3/action/datastore_search?resource_id=" + id + "&limit=" + strconv.Itoa(limit) + "&offset=" + strconv.Itoa(offset+limit),
		},
	}
	return out, nil
}

func (s *Server) ckanDatastoreSearchSQL(r *http.Request) (any, error) {
	q := param(r, "sql")
	if q == "" {
		return nil, govlake.Errorf(govlake.EINVALID, "sql: Missing value")
	}
	ctx, done, err := s.begin(r)
	if err != nil {
		return nil, err
	}
	defer done()
	res, err := s.query.Query(ctx, q, s.MaxRows)
	if err != nil {
		return nil, err
	}
	return map[string]any{"sql": q, "fields": ckanFields(res.Columns), "records": records(res), "records_truncated": res.Truncated}, nil
}

// ckanFields names DuckDB types as CKAN's DataStore (PostgreSQL) does.
func ckanFields(cols []govlake.ResultColumn) []map[string]string {
	out := []map[string]string{}
	for _, c := range cols {
		t := "text"
		switch columnType(c.Type) {
		case govlake.TypeInt64:
			t = "int"
		case govlake.TypeFloat64:
			t = "numeric"
		case govlake.TypeBool:
			t = "bool"
		case govlake.TypeDate:
			t = "date"
		case govlake.TypeTimestamp:
			t = "timestamp"
		}
		out = append(out, map[string]string{"id": c.Name, "type": t})
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
