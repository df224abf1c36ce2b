package http

import (
	"net/http"
	"sort"
	"strings"
)

// apiRoute is one API route: registered from this table and described from
// it in the OpenAPI document, so the two cannot drift apart.
type apiRoute struct {
	method, path, summary string
	params                []apiParam
	handler               func(s *Server) http.HandlerFunc
}

type apiParam struct {
	name, in, desc, typ string
	required            bool
}

var (
	pID      = apiParam{"id", "path", "dataset id", "string", true}
	pVersion = apiParam{"n", "path", "version number", "integer", true}
	pSQL     = apiParam{"sql", "query", "one SELECT statement; datasets are tables named by id (id__vN, id__asof_YYYYMMDD, id__rejected)", "string", true}
	pFormat  = apiParam{"format", "query", "json (default), ndjson, csv, parquet or arrow", "string", false}
	pLimit   = apiParam{"limit", "query", "most rows (JSON results)", "integer", false}
	pOffset  = apiParam{"offset", "query", "rows to skip (JSON results)", "integer", false}
)

func ckanRoute(action, summary string, params ...apiParam) apiRoute {
	return apiRoute{"GET", "/api/3/action/" + action, "CKAN action API: " + summary, params, nil}
}

// apiRoutes is a function, not a variable: the OpenAPI handler in it reads it.
func apiRoutes() []apiRoute {
	return []apiRoute{
		{"GET", "/api/v1/datasets", "List datasets with their latest version, rows and update time", nil, func(s *Server) http.HandlerFunc { return s.apiDatasets }},
		{"GET", "/api/v1/datasets/{id}", "A dataset's metadata, JSON Schema, columns, SQL names, versions and recent runs", []apiParam{pID}, func(s *Server) http.HandlerFunc { return s.apiDataset }},
		{"GET", "/api/v1/datasets/{id}/versions/{n}", "One version's manifest with its validation report", []apiParam{pID, pVersion}, func(s *Server) http.HandlerFunc { return s.apiVersion }},
		{"GET", "/api/v1/runs", "Runs, newest first", []apiParam{{"dataset", "query", "one dataset's runs", "string", false}, pLimit}, func(s *Server) http.HandlerFunc { return s.apiRuns }},
		{"GET", "/api/v1/query", "Run SQL; results as JSON (paged), NDJSON, CSV, Parquet or Arrow IPC", []apiParam{pSQL, pFormat, pLimit, pOffset}, func(s *Server) http.HandlerFunc { return s.apiQuery }},
		{"POST", "/api/v1/query", "Run SQL given as {\"sql\", \"limit\", \"offset\", \"format\"}", []apiParam{pFormat}, func(s *Server) http.HandlerFunc { return s.apiQuery }},
		{"GET", "/api/v1/openapi.json", "This document", nil, func(s *Server) http.HandlerFunc { return s.apiOpenAPI }},
		{"GET", "/api/v1/queries", "Saved queries with their parameters", nil, func(s *Server) http.HandlerFunc { return s.apiQueries }},
		{"GET", "/api/v1/queries/{name}", "Run a saved query; its parameters come as query-string values, bound, never pasted into the SQL",
			[]apiParam{{"name", "path", "saved query name", "string", true}, pFormat}, func(s *Server) http.HandlerFunc { return s.apiSavedQuery }},
		ckanRoute("package_list", "dataset names"),
		ckanRoute("package_show", "one dataset as a CKAN package", apiParam{"id", "query", "dataset id", "string", true}),
		ckanRoute("package_search", "search datasets", apiParam{"q", "query", "words", "string", false}, apiParam{"fq", "query", "organization:NAME tags:TAG", "string", false},
			apiParam{"rows", "query", "page size", "integer", false}, apiParam{"start", "query", "offset", "integer", false}, apiParam{"sort", "query", "name|title_string|metadata_modified asc|desc", "string", false}),
		ckanRoute("organization_list", "organization names"),
		ckanRoute("organization_show", "one organization", apiParam{"id", "query", "organization name", "string", true}),
		ckanRoute("datastore_search", "rows of a dataset", apiParam{"resource_id", "query", "dataset id", "string", true}, apiParam{"filters", "query", "JSON object of field: value(s)", "string", false},
			apiParam{"q", "query", "text to find in any field", "string", false}, apiParam{"fields", "query", "comma-separated fields", "string", false},
			apiParam{"sort", "query", "field [asc|desc], ...", "string", false}, apiParam{"limit", "query", "page size", "integer", false}, apiParam{"offset", "query", "offset", "integer", false}),
		ckanRoute("datastore_search_sql", "run SQL", apiParam{"sql", "query", "one SELECT statement", "string", true}),
	}
}

// openAPI builds the OpenAPI 3.1 document from the route table.
func openAPI() map[string]any {
	errorRef := map[string]any{"$ref": "#/components/schemas/Error"}
	paths := map[string]any{}
	for _, rt := range apiRoutes() {
		item, _ := paths[rt.path].(map[string]any)
		if item == nil {
			item = map[string]any{}
			paths[rt.path] = item
		}
		var params []any
		for _, p := range rt.params {
			params = append(params, map[string]any{"name": p.name, "in": p.in, "required": p.required,
				"description": p.desc, "schema": map[string]any{"type": p.typ}})
		}
		op := map[string]any{
			"summary":     rt.summary,
			"operationId": strings.ToLower(rt.method) + strings.NewReplacer("/", "_", "{", "", "}", "", ".", "_").Replace(rt.path),
			"responses": map[string]any{
				"200":     map[string]any{"description": "OK"},
				"default": map[string]any{"description": "An error: 400 bad request or SQL, 404 unknown, 413 too large, 429 too many queries, 503 busy, 504 timeout", "content": map[string]any{"application/json": map[string]any{"schema": errorRef}}},
			},
		}
		if params != nil {
			op["parameters"] = params
		}
		if rt.method == "POST" {
			op["requestBody"] = map[string]any{"required": true, "content": map[string]any{"application/json": map[string]any{"schema": map[string]any{
				"type": "object", "required": []string{"sql"},
				"properties": map[string]any{"sql": map[string]any{"type": "string"}, "limit": map[string]any{"type": "integer"},
					"offset": map[string]any{"type": "integer"}, "format": map[string]any{"type": "string"}}}}}}
		}
		item[strings.ToLower(rt.method)] = op
	}
	return map[string]any{
		"openapi": "3.1.0",
		"info": map[string]any{"title": "govlake catalogue API", "version": "1",
			"description": "Open datasets, validated and versioned, with SQL through DuckDB."},
		"paths": paths,
		"components": map[string]any{"schemas": map[string]any{"Error": map[string]any{
			"type": "object", "properties": map[string]any{"error": map[string]any{"type": "object",
				"properties": map[string]any{"code": map[string]any{"type": "string"}, "message": map[string]any{"type": "string"}}}}}}},
	}
}

func (s *Server) apiOpenAPI(w http.ResponseWriter, r *http.Request) {
	writeJSON(w, http.StatusOK, openAPI())
}

// RoutePatterns lists the API's routes as "METHOD /path", sorted.
func RoutePatterns() []string {
	var out []string
	for _, rt := range apiRoutes() {
		out = append(out, rt.method+" "+rt.path)
	}
	sort.Strings(out)
	return out
}
