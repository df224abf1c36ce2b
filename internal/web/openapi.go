package web

import (
	"encoding/json"

	"govlake/internal/govlake"
	"net/http"
	"reflect"
	"strings"
	"time"
)

// OpenAPI builds the OpenAPI 3.1 document from the route table, with each
// answer's schema derived from the Go type its handler encodes, and a path
// for each saved query with its typed parameters.
func OpenAPI(saved []*govlake.SavedQuery) map[string]any {
	paths := map[string]any{}
	for _, rt := range append(routes(), savedRoutes(saved)...) {
		item, _ := paths[rt.path].(map[string]any)
		if item == nil {
			item = map[string]any{}
			paths[rt.path] = item
		}
		item[strings.ToLower(rt.method)] = operation(rt)
	}
	return map[string]any{
		"openapi": "3.1.0",
		"info": map[string]any{"title": "govlake catalogue API", "version": "1",
			"description": "Open datasets, validated and versioned, with SQL through DuckDB.",
			"license":     map[string]any{"name": "Each dataset under its own licence: its license field names it", "url": "/search"}},
		"servers": []any{map[string]any{"url": "/", "description": "this server"}},
		// Reads need no token; writes say which they need.
		"security": []any{map[string]any{}, map[string]any{"token": []string{}}},
		"paths":    paths,
		"components": map[string]any{"schemas": map[string]any{
			"Error":     schemaOf(reflect.TypeFor[ErrorBody]()),
			"CKANError": schemaOf(reflect.TypeFor[CKANReply[*struct{}]]()),
		}, "securitySchemes": map[string]any{
			"token": map[string]any{"type": "http", "scheme": "bearer", "description": "An organization's API token (catalog token create); CKAN's bare Authorization: <token> works too"},
		}},
	}
}

func operation(rt route) map[string]any {
	ok := map[string]any{"description": "OK"}
	content := map[string]any{}
	if rt.reply != nil {
		content["application/json"] = map[string]any{"schema": schemaOf(rt.reply)}
	}
	for _, m := range rt.media {
		if _, done := content[m]; !done {
			content[m] = map[string]any{}
		}
	}
	ok["content"] = content
	errSchema := "#/components/schemas/Error"
	if strings.HasPrefix(rt.path, "/api/3/") {
		errSchema = "#/components/schemas/CKANError"
	}
	op := map[string]any{
		"summary":     rt.summary,
		"operationId": strings.ToLower(rt.method) + strings.NewReplacer("/", "_", "{", "", "}", "", ".", "_", "$", "").Replace(rt.path),
		"responses": map[string]any{
			"200": ok,
			"4XX": map[string]any{"description": "The request cannot be answered: 400 bad request or SQL (409 in CKAN's API), 401 no or bad token, 403 a token that may not, 404 unknown, 405 wrong method, 409 conflict, 410 withdrawn, 413 too large, 422 rejected load, 429 too many queries",
				"content": map[string]any{"application/json": map[string]any{"schema": map[string]any{"$ref": errSchema}}}},
			"5XX": map[string]any{"description": "The server cannot answer now: 503 busy or store unavailable, 504 timeout",
				"content": map[string]any{"application/json": map[string]any{"schema": map[string]any{"$ref": errSchema}}}},
		},
	}
	var params []any
	for _, p := range rt.params {
		schema := map[string]any{"type": p.typ}
		if p.enum != nil {
			schema["enum"] = p.enum
		}
		if p.format != "" {
			schema["format"] = p.format
		}
		if p.def != "" {
			schema["default"] = p.def
		}
		params = append(params, map[string]any{"name": p.name, "in": p.in, "required": p.required, "description": p.desc, "schema": schema})
	}
	if params != nil {
		op["parameters"] = params
	}
	if rt.body != nil {
		op["requestBody"] = map[string]any{"required": true, "content": map[string]any{"application/json": map[string]any{"schema": schemaOf(rt.body)}}}
	}
	if rt.bodyMedia != nil {
		content := map[string]any{}
		for _, m := range rt.bodyMedia {
			content[m] = map[string]any{"schema": map[string]any{"type": "string", "format": "binary"}}
		}
		op["requestBody"] = map[string]any{"required": true, "content": content}
	}
	if rt.token != "" {
		op["security"] = []any{map[string]any{"token": []string{}}}
		op["description"] = "Needs a token of the dataset's organization with the role " + rt.token + " or more (an admin's works for any)."
	}
	return op
}

var (
	timeType = reflect.TypeFor[time.Time]()
	rawType  = reflect.TypeFor[json.RawMessage]()
)

// schemaOf describes as JSON Schema what encoding/json writes for t.
func schemaOf(t reflect.Type) map[string]any {
	switch {
	case t == timeType:
		return map[string]any{"type": "string", "format": "date-time"}
	case t == rawType, t.Kind() == reflect.Interface:
		return map[string]any{}
	}
	switch t.Kind() {
	case reflect.Pointer:
		return map[string]any{"anyOf": []any{schemaOf(t.Elem()), map[string]any{"type": "null"}}}
	case reflect.String:
		return map[string]any{"type": "string"}
	case reflect.Bool:
		return map[string]any{"type": "boolean"}
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64, reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return map[string]any{"type": "integer"}
	case reflect.Float32, reflect.Float64:
		return map[string]any{"type": "number"}
	case reflect.Slice, reflect.Array:
		// A nil slice is written as null.
		return map[string]any{"type": []string{"array", "null"}, "items": schemaOf(t.Elem())}
	case reflect.Map:
		return map[string]any{"type": []string{"object", "null"}, "additionalProperties": schemaOf(t.Elem())}
	case reflect.Struct:
		props, req := map[string]any{}, []string{}
		structFields(t, props, &req)
		s := map[string]any{"type": "object", "properties": props}
		if len(req) > 0 {
			s["required"] = req
		}
		return s
	}
	return map[string]any{}
}

// structFields adds t's JSON fields, with those of embedded structs.
func structFields(t reflect.Type, props map[string]any, req *[]string) {
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		tag := f.Tag.Get("json")
		if tag == "-" || (!f.IsExported() && !f.Anonymous) {
			continue
		}
		name, opts, _ := strings.Cut(tag, ",")
		if f.Anonymous && name == "" {
			ft := f.Type
			if ft.Kind() == reflect.Pointer {
				ft = ft.Elem()
			}
			if ft.Kind() == reflect.Struct {
				structFields(ft, props, req)
				continue
			}
		}
		if name == "" {
			name = f.Name
		}
		s := schemaOf(f.Type)
		if e := f.Tag.Get("enum"); e != "" {
			s["enum"] = strings.Split(e, ",")
		}
		props[name] = s
		if !strings.Contains(opts, "omitempty") && !strings.Contains(opts, "omitzero") {
			*req = append(*req, name)
		}
	}
}

func (s *Server) apiOpenAPI(w http.ResponseWriter, r *http.Request) {
	writeJSON(w, http.StatusOK, OpenAPI(s.Saved))
}

// savedRoutes document each saved query as a path of its own, with its
// parameters typed as the query binds them. The one route that serves
// them all is /api/v1/queries/{name}.
func savedRoutes(saved []*govlake.SavedQuery) []route {
	var out []route
	for _, q := range saved {
		rt := route{method: "GET", path: "/api/v1/queries/" + q.Name, summary: "Saved query: " + q.Title, reply: typeOf[govlake.Result](), media: mediaTypes()}
		for _, p := range q.Params {
			typ, format := p.Type, ""
			if typ == "date" {
				typ, format = "string", "date"
			}
			desc := p.Description
			if desc == "" {
				desc = "$" + p.Name + " in the query"
			}
			rt.params = append(rt.params, param{name: p.Name, in: "query", desc: desc, typ: typ, required: p.Required, format: format, def: p.Default})
		}
		rt.params = append(rt.params, pFormat, pRaw)
		out = append(out, rt)
	}
	return out
}
