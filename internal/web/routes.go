package web

import (
	"net/http"
	"reflect"

	"govlake/internal/catalog"
	"govlake/internal/govlake"
)

// route is one route of the server: registered from this table and
// described from it in the OpenAPI document, so the two cannot drift apart.
type route struct {
	method, path, summary string
	params                []param
	body                  reflect.Type // a POST's JSON body
	reply                 reflect.Type // the JSON answer; nil when media says otherwise
	media                 []string     // the answer's media types, when not JSON
	bodyMedia             []string     // a body that is a file, in these media types
	upload                bool         // a multipart form with a file: bodies up to MaxUpload
	token                 string       // the least role a token needs here ("" for none)
	handle                func(s *Server) http.HandlerFunc
}

// param is one parameter of a route.
type param struct {
	name, in, desc, typ string
	required            bool
	enum                []string
	format, def         string // a string's format (date), a default value
}

// pattern is the route's pattern for http.ServeMux.
func (rt route) pattern() string {
	if rt.path == "/" {
		return rt.method + " /{$}"
	}
	return rt.method + " " + rt.path
}

func typeOf[T any]() reflect.Type { return reflect.TypeFor[T]() }

func formatNames() []string {
	names := make([]string, len(formats))
	for i, f := range formats {
		names[i] = f.Name
	}
	return names
}

func mediaTypes() []string {
	out := make([]string, len(formats))
	for i, f := range formats {
		out[i] = f.MediaType
	}
	return out
}

var (
	pID      = param{name: "id", in: "path", desc: "dataset id", typ: "string", required: true}
	pVersion = param{name: "n", in: "path", desc: "version number", typ: "integer", required: true}
	pSQL     = param{name: "sql", in: "query", desc: "one SELECT statement; datasets are tables named by id (id__vN, id__asof_YYYYMMDD, id__rejected)", typ: "string", required: true}
	pFormat  = param{name: "format", in: "query", desc: "result format: json (default, paged), ndjson, csv, parquet or arrow (Arrow IPC stream)", typ: "string", enum: formatNames()}
	pRaw     = param{name: "raw", in: "query", desc: "true: CSV cells exactly as stored, for programs (by default a text cell beginning with =, +, -, @, tab or CR gets an apostrophe in front, so spreadsheets do not run it)", typ: "boolean"}
	pLimit   = param{name: "limit", in: "query", desc: "most rows (JSON results)", typ: "integer"}
	pOffset  = param{name: "offset", in: "query", desc: "rows to skip (JSON results)", typ: "integer"}
	htmlPage = []string{"text/html; charset=utf-8"}
	pAsOf    = param{name: "asof", in: "query", desc: "YYYY-MM-DD: the figures as they stood at the end of that day, from the dataset versions current then", typ: "string"}
	pLang    = param{name: "lang", in: "query", desc: "language of titles and page chrome: en, my, lo, vi, th, km (else the lang cookie, then Accept-Language; English when none fits)", typ: "string"}
	pOwner   = param{name: "owner", in: "query", desc: "only the KPIs of this owner", typ: "string"}
	pStatus  = param{name: "status", in: "query", desc: "only the KPIs with this status", typ: "string",
		enum: []string{"achieved", "on_track", "needs_acceleration", "regressing", "no_target", "insufficient_data", "error"}}
	pWords = param{name: "q", in: "query", desc: "only the KPIs whose id, title or owner holds every word", typ: "string"}
)

// ckanWriteRoute lists a CKAN write action, at POST only, with a token.
func ckanWriteRoute[T any](action, summary string, h func(s *Server, r *http.Request) (T, error)) route {
	return route{method: "POST", path: "/api/3/action/" + action, summary: "CKAN action API: " + summary, token: govlake.RoleEditor,
		upload: action == "resource_create", reply: typeOf[CKANReply[T]](), handle: ckanAction(action, h)}
}

// ckanRoutes lists a CKAN action at GET and POST, as CKAN serves them.
func ckanRoutes[T any](action, summary string, h func(s *Server, r *http.Request) (T, error), params ...param) []route {
	rt := route{path: "/api/3/action/" + action, summary: "CKAN action API: " + summary, params: params,
		reply: typeOf[CKANReply[T]](), handle: ckanAction(action, h)}
	get, post := rt, rt
	get.method, post.method = "GET", "POST"
	post.body = typeOf[map[string]any]()
	return []route{get, post}
}

// routes is every route the server answers.
func routes() []route {
	rs := []route{
		{method: "GET", path: "/api/v1/datasets", summary: "List datasets with their latest version, rows and update time, a page at a time (100 by default, at most 1,000) in id order, with the next page's address",
			params: []param{{name: "limit", in: "query", desc: "datasets per page, 1 to 1000 (default 100)", typ: "integer"}, {name: "offset", in: "query", desc: "datasets to skip", typ: "integer"}},
			reply:  typeOf[DatasetList](), handle: func(s *Server) http.HandlerFunc { return s.apiDatasets }},
		{method: "GET", path: "/api/v1/datasets/{id}", summary: "A dataset's metadata, JSON Schema, columns, SQL names, versions and recent runs", params: []param{pID},
			reply: typeOf[govlake.Detail](), handle: func(s *Server) http.HandlerFunc { return s.apiDataset }},
		{method: "GET", path: "/api/v1/datasets/{id}/versions/{n}/files/{k}", summary: "A version's stored Parquet file k (from 0), as it is kept, with its exact length",
			params: []param{pID, pVersion, {name: "k", in: "path", desc: "file number, from 0", typ: "integer", required: true}}, media: []string{"application/vnd.apache.parquet"},
			handle: func(s *Server) http.HandlerFunc { return s.apiVersionFile }},
		{method: "GET", path: "/api/v1/datasets/{id}/versions/{n}/source", summary: "The source file a version was made from, as it was received",
			params: []param{pID, pVersion}, media: []string{"application/octet-stream"}, handle: func(s *Server) http.HandlerFunc { return s.apiVersionFile }},
		{method: "GET", path: "/api/v1/datasets/{id}/versions", summary: "A dataset's versions, newest first, a page at a time (100 by default, at most 1,000), with the next page's address",
			params: []param{pID, {name: "limit", in: "query", desc: "versions per page, 1 to 1000 (default 100)", typ: "integer"}, {name: "offset", in: "query", desc: "versions to skip", typ: "integer"}},
			reply:  typeOf[VersionList](), handle: func(s *Server) http.HandlerFunc { return s.apiVersions }},
		{method: "GET", path: "/api/v1/datasets/{id}/versions/{n}", summary: "One version's manifest with its validation report", params: []param{pID, pVersion},
			reply: typeOf[VersionReport](), handle: func(s *Server) http.HandlerFunc { return s.apiVersion }},
		{method: "GET", path: "/api/v1/runs", summary: "Runs, newest first, a page at a time (50 by default, at most 1,000), with the next page's address",
			params: []param{{name: "dataset", in: "query", desc: "one dataset's runs", typ: "string"}, {name: "limit", in: "query", desc: "runs per page, 1 to 1000 (default 50)", typ: "integer"}, {name: "offset", in: "query", desc: "runs to skip", typ: "integer"}},
			reply:  typeOf[RunList](), handle: func(s *Server) http.HandlerFunc { return s.apiRuns }},
		{method: "GET", path: "/api/v1/query", summary: "Run SQL; results as JSON (paged), NDJSON, CSV, Parquet or Arrow IPC", params: []param{pSQL, pFormat, pRaw, pLimit, pOffset},
			reply: typeOf[QueryResult](), media: mediaTypes(), handle: func(s *Server) http.HandlerFunc { return s.apiQuery }},
		{method: "POST", path: "/api/v1/query", summary: "Run SQL given as {\"sql\", \"limit\", \"offset\", \"format\"}", params: []param{pFormat, pRaw},
			body: typeOf[QueryRequest](), reply: typeOf[QueryResult](), media: mediaTypes(), handle: func(s *Server) http.HandlerFunc { return s.apiQuery }},
		{method: "GET", path: "/api/v1/openapi.json", summary: "This document",
			reply: typeOf[map[string]any](), handle: func(s *Server) http.HandlerFunc { return s.apiOpenAPI }},
		{method: "GET", path: "/api/v1/queries", summary: "Saved queries with their parameters",
			reply: typeOf[SavedList](), handle: func(s *Server) http.HandlerFunc { return s.apiQueries }},
		{method: "GET", path: "/api/v1/queries/{name}", summary: "Run a saved query; its parameters come as query-string values, bound, never pasted into the SQL",
			params: []param{{name: "name", in: "path", desc: "saved query name", typ: "string", required: true}, pFormat, pRaw},
			reply:  typeOf[govlake.Result](), media: mediaTypes(), handle: func(s *Server) http.HandlerFunc { return s.apiSavedQuery }},
		{method: "GET", path: "/api/v1/kpis", summary: "Every KPI's latest value, target, status and the dataset versions it came from",
			params: []param{pLang, pAsOf, pOwner, pStatus, pWords},
			reply:  typeOf[KPIList](), handle: func(s *Server) http.HandlerFunc { return s.apiKPIs }},
		{method: "GET", path: "/api/v1/kpis/{id}", summary: "One KPI with its whole series; format=csv gives the series",
			params: []param{{name: "id", in: "path", desc: "KPI id", typ: "string", required: true}, pLang, pAsOf,
				{name: "format", in: "query", desc: "json (default) or csv (the series)", typ: "string", enum: []string{"json", "csv"}}},
			reply: typeOf[catalog.KPIReport](), media: []string{"text/csv; charset=utf-8"}, handle: func(s *Server) http.HandlerFunc { return s.apiKPI }},
		{method: "GET", path: "/api/v1/organizations", summary: "Every organization: those defined by files, and those only named by datasets",
			params: []param{pLang}, reply: typeOf[OrgList](), handle: func(s *Server) http.HandlerFunc { return s.apiOrganizations }},
		{method: "GET", path: "/api/v1/organizations/{id}", summary: "One organization and its datasets",
			params: []param{{name: "id", in: "path", desc: "organization id", typ: "string", required: true}, pLang},
			reply:  typeOf[Org](), handle: func(s *Server) http.HandlerFunc { return s.apiOrganization }},
		{method: "GET", path: "/organizations", summary: "Page: the organizations", media: htmlPage, handle: func(s *Server) http.HandlerFunc { return s.pageOrganizations }},
		{method: "GET", path: "/organizations/{id}", summary: "Page: one organization and its datasets", params: []param{{name: "id", in: "path", desc: "organization id", typ: "string", required: true}},
			media: htmlPage, handle: func(s *Server) http.HandlerFunc { return s.pageOrganization }},
		{method: "GET", path: "/organizations/{id}/logo", summary: "An organization's logo", params: []param{{name: "id", in: "path", desc: "organization id", typ: "string", required: true}},
			media: []string{"image/png", "image/jpeg", "image/svg+xml", "image/webp"}, handle: func(s *Server) http.HandlerFunc { return s.logo }},
		{method: "PUT", path: "/api/v1/datasets/{id}", summary: "Create or update a dataset of the token's organization: its metadata and JSON Schema (no data version is made)",
			params: []param{{name: "id", in: "path", desc: "dataset id", typ: "string", required: true}}, body: typeOf[DatasetDefinition](),
			token: govlake.RoleEditor, reply: typeOf[Defined](), handle: func(s *Server) http.HandlerFunc { return s.apiDefine }},
		{method: "POST", path: "/api/v1/datasets/{id}/versions", summary: "Upload a file as the dataset's next version: 201 with the run and its validation report, 422 when the load is rejected",
			params: []param{{name: "id", in: "path", desc: "dataset id", typ: "string", required: true},
				{name: "format", in: "query", desc: "csv, json, ndjson or xlsx (else from Content-Type, else the definition's); gzip and zip are found by their bytes", typ: "string", enum: []string{"csv", "json", "ndjson", "xlsx"}}},
			bodyMedia: []string{"text/csv", "application/json", "application/x-ndjson", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "application/gzip", "application/zip"},
			token:     govlake.RolePublisher, reply: typeOf[Uploaded](), handle: func(s *Server) http.HandlerFunc { return s.apiUpload }},
		{method: "POST", path: "/api/v1/datasets/{id}/versions/{n}/withdraw", summary: "Withdraw a version: its data, rejected rows and raw source are purged from the store, a tombstone says why, and its SQL name answers 410; the other versions stay",
			params: []param{{name: "id", in: "path", desc: "dataset id", typ: "string", required: true}, {name: "n", in: "path", desc: "version", typ: "integer", required: true}},
			body:   typeOf[WithdrawRequest](), token: govlake.RolePublisher, reply: typeOf[Withdrawn](), handle: func(s *Server) http.HandlerFunc { return s.apiWithdraw }},
		{method: "POST", path: "/api/v1/datasets/{id}/versions/{n}/publish", summary: "Publish a draft version (an upload of an organization that reviews, or one with personal data): from then on everyone sees it",
			params: []param{{name: "id", in: "path", desc: "dataset id", typ: "string", required: true}, {name: "n", in: "path", desc: "version", typ: "integer", required: true}},
			token:  govlake.RolePublisher, reply: typeOf[Published](), handle: func(s *Server) http.HandlerFunc { return s.apiPublish }},
		{method: "GET", path: "/signin", summary: "Page: sign in (data officers)", media: htmlPage, handle: func(s *Server) http.HandlerFunc { return s.pageSignin }},
		{method: "POST", path: "/signin", summary: "Sign in with e-mail and password: a session cookie (HttpOnly, SameSite=Lax), then /my", media: htmlPage, handle: func(s *Server) http.HandlerFunc { return s.postSignin }},
		{method: "GET", path: "/signin/oidc", summary: "Sign in with the ministry's OpenID Connect provider (a redirect to it)", media: htmlPage, handle: func(s *Server) http.HandlerFunc { return s.oidcStart }},
		{method: "GET", path: "/signin/oidc/callback", summary: "The identity provider's answer: the ID token's organization and role claims open a session", media: htmlPage, handle: func(s *Server) http.HandlerFunc { return s.oidcCallback }},
		{method: "POST", path: "/signout", summary: "Sign out (form with the session's CSRF token)", media: htmlPage, handle: func(s *Server) http.HandlerFunc { return s.postSignout }},
		{method: "GET", path: "/my", summary: "Page: my organization's datasets, drafts and versions, with upload, publish and withdraw forms", media: htmlPage, handle: func(s *Server) http.HandlerFunc { return s.pageMy }},
		{method: "POST", path: "/my/datasets", summary: "Form: define a new dataset of my organization (metadata, and a JSON Schema or none: then one is inferred from the first upload)", media: htmlPage, handle: func(s *Server) http.HandlerFunc { return s.postMyCreate }},
		{method: "POST", path: "/my/datasets/{id}/versions", summary: "Form: upload a file (multipart field file); the page shows the run's report", upload: true, params: []param{{name: "id", in: "path", desc: "dataset id", typ: "string", required: true}}, media: htmlPage, handle: func(s *Server) http.HandlerFunc { return s.postMyUpload }},
		{method: "POST", path: "/my/datasets/{id}/versions/{n}/publish", summary: "Form: publish a draft", params: []param{{name: "id", in: "path", desc: "dataset id", typ: "string", required: true}, {name: "n", in: "path", desc: "version", typ: "integer", required: true}}, media: htmlPage, handle: func(s *Server) http.HandlerFunc { return s.postMyPublish }},
		{method: "POST", path: "/my/datasets/{id}/versions/{n}/withdraw", summary: "Form: withdraw a version (reason, and a confirmation box)", params: []param{{name: "id", in: "path", desc: "dataset id", typ: "string", required: true}, {name: "n", in: "path", desc: "version", typ: "integer", required: true}}, media: htmlPage, handle: func(s *Server) http.HandlerFunc { return s.postMyWithdraw }},
		{method: "GET", path: "/api/v1/search", summary: "Search the datasets: every word in the title, description, tags, organization, licence or columns (Burmese, Lao, Thai and Khmer cut into words; Latin letters with or without diacritics), title matches first, the last word as a prefix; with facet counts",
			params: searchParamDocs, reply: typeOf[SearchAnswer](), handle: func(s *Server) http.HandlerFunc { return s.apiSearch }},
		{method: "GET", path: "/search", summary: "Page: search the datasets, matched words marked, with facets as links", params: append(searchParamDocs, pLang),
			media: htmlPage, handle: func(s *Server) http.HandlerFunc { return s.pageSearch }},
		{method: "GET", path: "/kpis", summary: "Page: the KPIs, grouped by owner", params: []param{pLang, pAsOf, pOwner, pStatus, pWords}, media: htmlPage, handle: func(s *Server) http.HandlerFunc { return s.pageKPIs }},
		{method: "GET", path: "/kpis/{id}", summary: "Page: one KPI", params: []param{{name: "id", in: "path", desc: "KPI id", typ: "string", required: true}, pLang, pAsOf}, media: htmlPage,
			handle: func(s *Server) http.HandlerFunc { return s.pageKPI }},
		{method: "GET", path: "/static/{file}", summary: "The pages' embedded scripts (Apache ECharts, the KPI chart)", params: []param{{name: "file", in: "path", desc: "file name", typ: "string", required: true}},
			media: []string{"text/javascript; charset=utf-8"}, handle: func(s *Server) http.HandlerFunc { return s.asset }},
		{method: "GET", path: "/readyz", summary: "Whether the server can answer queries: the store can be read and DuckDB runs a statement (503 with the reason when not)", media: []string{"text/plain; charset=utf-8"},
			handle: func(s *Server) http.HandlerFunc { return s.ready }},
		{method: "GET", path: "/metrics", summary: "Prometheus metrics (text format): requests, queries, slots, cache, ingest runs, dataset freshness; names start with govlake_", media: []string{"text/plain"},
			handle: func(s *Server) http.HandlerFunc { return s.metrics }},
		{method: "GET", path: "/healthz", summary: "Whether the server answers", media: []string{"text/plain"},
			handle: func(s *Server) http.HandlerFunc { return s.health }},
		{method: "GET", path: "/", summary: "Page: the datasets", media: htmlPage, handle: func(s *Server) http.HandlerFunc { return s.pageIndex }},
		{method: "GET", path: "/datasets/{id}", summary: "Page: one dataset; as DCAT-AP 3 with an extension (/datasets/population.ttl, .jsonld, .rdf) or when Accept prefers text/turtle, application/ld+json or application/rdf+xml to HTML",
			params: []param{pID}, media: append(htmlPage, rdfMediaTypes()...),
			handle: func(s *Server) http.HandlerFunc { return s.pageDataset }},
		{method: "GET", path: "/datasets/{id}/versions/{n}", summary: "Page: one version and its validation report", params: []param{pID, pVersion}, media: htmlPage,
			handle: func(s *Server) http.HandlerFunc { return s.pageVersion }},
		{method: "GET", path: "/query", summary: "Page: the SQL console", params: []param{{name: "sql", in: "query", desc: "SQL to run", typ: "string"}}, media: htmlPage,
			handle: func(s *Server) http.HandlerFunc { return s.pageQuery }},
	}
	str := func(name, desc string, req bool) param {
		return param{name: name, in: "query", desc: desc, typ: "string", required: req}
	}
	integer := func(name, desc string) param { return param{name: name, in: "query", desc: desc, typ: "integer"} }
	rs = append(rs, icebergRoutes()...)
	rs = append(rs, ckanAliases()...)
	rs = append(rs, linkedDataRoutes()...)
	rs = append(rs, ckanRoutes("package_list", "dataset names", ckanPackageList, integer("limit", "at most this many names"), integer("offset", "names to skip"))...)
	rs = append(rs, ckanRoutes("tag_list", "every tag", ckanTagList)...)
	rs = append(rs, ckanRoutes("status_show", "the site and the CKAN API version it answers as", ckanStatusShow)...)
	rs = append(rs, ckanRoutes("package_show", "one dataset as a CKAN package", ckanPackageShow, str("id", "the dataset's name or package id", true))...)
	rs = append(rs, ckanRoutes("group_list", "the groups (EU data themes) of the datasets", ckanGroupList, str("all_fields", "true: each group's fields and package count", false))...)
	rs = append(rs, ckanRoutes("resource_show", "one resource of a package", ckanResourceShow, str("id", "resource id", true))...)
	rs = append(rs, ckanRoutes("site_read", "whether the site may be read (always true)", ckanSiteRead)...)
	rs = append(rs, ckanRoutes("help_show", "what an action does", ckanHelpShow, str("name", "action name", true))...)
	rs = append(rs, ckanRoutes("package_search", "search datasets", ckanPackageSearch, str("q", "words, and field:value terms as fq takes them", false),
		str("fq", "Solr terms: field:value, -field:value, +field:value, a OR b, field:(a OR b), metadata_modified:[2024-01-01T00:00:00Z TO *]; fields "+solrFieldList, false),
		integer("rows", "page size"), integer("start", "offset"), str("sort", "score, id, name, title_string, metadata_modified or metadata_created, asc or desc, comma-separated (default score desc, metadata_modified desc)", false),
		str("facet.field", `JSON list of organization, tags, groups, license_id, res_format, frequency, language: their counts in facets and search_facets`, false))...)
	rs = append(rs, ckanRoutes("organization_list", "organization names", ckanOrganizationList)...)
	rs = append(rs, ckanRoutes("organization_show", "one organization", ckanOrganizationShow, str("id", "organization name", true))...)
	rs = append(rs, ckanWriteRoute("package_create", "create a dataset of the token's organization (govlake_schema: its JSON Schema; without one, DuckDB infers it from the first upload)", ckanPackageCreate))
	rs = append(rs, ckanWriteRoute("package_patch", "change some of a dataset's metadata", ckanPackagePatch))
	rs = append(rs, ckanWriteRoute("package_update", "replace a dataset's metadata", ckanPackageUpdate))
	rs = append(rs, ckanWriteRoute("resource_create", "upload a file (multipart field upload) as the dataset's next version", ckanResourceCreate))
	rs = append(rs, ckanWriteRoute("package_delete", "withdraw every version of a dataset", ckanPackageDelete))
	rs = append(rs, ckanRoutes("datastore_search", "rows of a dataset", ckanDatastoreSearch, str("resource_id", "dataset id (the datastore resource's id), or _table_metadata for the list of tables", true), str("filters", "JSON object of field: value(s)", false),
		str("q", "text to find in any field", false), str("fields", "fields: a JSON list, or comma-separated", false),
		str("sort", `field [asc|desc] [nulls first|last], ...; a name with spaces in double quotes ("Country Name" desc)`, false),
		str("distinct", "true: no repeated rows", false), str("include_total", "false: do not count every match", false),
		param{name: "records_format", in: "query", desc: "objects (default), lists, or csv or tsv text", typ: "string", enum: []string{"objects", "lists", "csv", "tsv"}},
		integer("limit", "page size"), integer("offset", "offset"))...)
	rs = append(rs, ckanRoutes("datastore_search_sql", "run SQL", ckanDatastoreSearchSQL, str("sql", "one SELECT statement", true))...)
	return rs
}

// searchParamDocs are the search's parameters, for the API and the page.
var searchParamDocs = []param{{name: "q", in: "query", desc: "words", typ: "string"}, {name: "organization", in: "query", desc: "only this organization", typ: "string"},
	{name: "tag", in: "query", desc: "only datasets with this tag", typ: "string"}, {name: "license", in: "query", desc: "only this licence", typ: "string"},
	{name: "format", in: "query", desc: "only datasets whose latest version came as this format (csv, json, xlsx ...)", typ: "string"},
	{name: "frequency", in: "query", desc: "only datasets updated at this declared frequency", typ: "string", enum: []string{"daily", "weekly", "monthly", "quarterly", "annual", "irregular"}},
	{name: "language", in: "query", desc: "only datasets with a title in this language (en, my, lo, vi, th, km ...)", typ: "string"},
	{name: "recency", in: "query", desc: "only datasets updated in the last week, month or year, or before", typ: "string", enum: []string{"week", "month", "year", "older"}},
	{name: "sort", in: "query", desc: "relevance (default), id, title or modified", typ: "string", enum: []string{"relevance", "id", "title", "modified"}},
	{name: "page", in: "query", desc: "page number from 1, 20 results a page", typ: "integer"}}

// ckanAliases are CKAN's action paths without the API version (where the
// ckanapi client and older harvesters call), and CKAN's answer to an
// action it does not know.
func ckanAliases() []route {
	action := param{name: "action", in: "path", desc: "a CKAN action name", typ: "string", required: true}
	var rs []route
	for _, m := range []string{"GET", "POST"} {
		rs = append(rs,
			route{method: m, path: "/api/action/{action}", summary: "CKAN action API without its version: the same as /api/3/action/{action}",
				params: []param{action}, reply: typeOf[CKANReply[any]](), handle: func(s *Server) http.HandlerFunc { return s.ckanUnversioned }},
			route{method: m, path: "/api/{ver}/action/{action}", summary: "CKAN action API at version 1 or 2 (where ckanext-harvest's CKAN harvester calls): the same as /api/3/action/{action}",
				params: []param{{name: "ver", in: "path", desc: "1 or 2", typ: "string", required: true}, action}, reply: typeOf[CKANReply[any]](),
				handle: func(s *Server) http.HandlerFunc { return s.ckanUnversioned }},
			route{method: m, path: "/api/3/action/{action}", summary: "CKAN action API: an action it does not have answers CKAN's error envelope",
				params: []param{action}, reply: typeOf[CKANReply[any]](), handle: func(s *Server) http.HandlerFunc { return s.ckanUnknown }})
	}
	return rs
}
