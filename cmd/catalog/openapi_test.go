package main

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	ghttp "govlake/internal/http"
)

// The OpenAPI document lists every API route, and every route it lists
// answers.
func TestOpenAPIMatchesRoutes(t *testing.T) {
	base := bundledCatalog(t)
	var doc struct {
		OpenAPI string `json:"openapi"`
		Info    struct{ Title, Version string }
		Paths   map[string]map[string]struct {
			Summary    string
			Parameters []struct {
				Name, In string
				Required bool
			}
			Responses map[string]any
		}
	}
	getJSON(t, "GET", base+"/api/v1/openapi.json", "", 200, &doc)
	if doc.OpenAPI != "3.1.0" || doc.Info.Title == "" {
		t.Fatalf("document %s %+v", doc.OpenAPI, doc.Info)
	}
	var listed []string
	example := map[string]string{"id": "population", "n": "1", "sql": "SELECT 1", "resource_id": "population", "name": "gdp_per_capita"}
	for path, ops := range doc.Paths {
		for method, op := range ops {
			listed = append(listed, strings.ToUpper(method)+" "+path)
			if op.Summary == "" || op.Responses["200"] == nil || op.Responses["default"] == nil {
				t.Errorf("%s %s: summary or responses missing", method, path)
			}
			if method != "get" {
				continue
			}
			u := path
			q := url.Values{}
			for _, p := range op.Parameters {
				switch {
				case p.In == "path":
					u = strings.Replace(u, "{"+p.Name+"}", example[p.Name], 1)
				case p.Required:
					q.Set(p.Name, example[p.Name])
				}
			}
			if strings.HasSuffix(path, "/organization_show") {
				q.Set("id", "worldbank")
			}
			if strings.HasPrefix(path, "/api/v1/queries/") {
				q.Set("year", "2020")
			}
			resp, err := http.Get(base + u + "?" + q.Encode())
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			if resp.StatusCode != 200 {
				t.Errorf("GET %s?%s: %d", u, q.Encode(), resp.StatusCode)
			}
		}
	}
	// Every route the server answers is documented.
	documented := strings.Join(listed, "\n")
	for _, r := range []string{"GET /api/v1/datasets", "GET /api/v1/datasets/{id}", "GET /api/v1/datasets/{id}/versions/{n}",
		"GET /api/v1/runs", "GET /api/v1/query", "POST /api/v1/query", "GET /api/v1/openapi.json",
		"GET /api/v1/queries", "GET /api/v1/queries/{name}",
		"GET /api/3/action/package_list", "GET /api/3/action/package_show", "GET /api/3/action/package_search",
		"GET /api/3/action/organization_list", "GET /api/3/action/organization_show",
		"GET /api/3/action/datastore_search", "GET /api/3/action/datastore_search_sql"} {
		if !strings.Contains(documented, r) {
			t.Errorf("%s is not in the document", r)
		}
	}
	if want := ghttp.RoutePatterns(); len(listed) != len(want) {
		t.Errorf("document lists %d operations, the server has %d: %v vs %v", len(listed), len(want), listed, want)
	}
}
