package main

import (
	"bytes"
	"encoding/json"
	"flag"
	"io"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"
)

var update = flag.Bool("update", false, "rewrite golden files")

// served is every route the server answers, written out by hand: the
// document must list exactly these.
var served = []string{
	"GET /", "GET /datasets/{id}", "GET /datasets/{id}/versions/{n}", "GET /query", "GET /healthz", "GET /readyz", "GET /metrics",
	"GET /api/v1/datasets", "GET /api/v1/datasets/{id}", "GET /api/v1/datasets/{id}/versions", "GET /api/v1/datasets/{id}/versions/{n}", "GET /api/v1/datasets/{id}/versions/{n}/files/{k}", "GET /api/v1/datasets/{id}/versions/{n}/source",
	"GET /api/v1/runs", "GET /api/v1/query", "POST /api/v1/query", "GET /api/v1/openapi.json",
	"GET /api/v1/queries", "GET /api/v1/queries/{name}",
	"GET /api/v1/kpis", "GET /api/v1/kpis/{id}", "GET /kpis", "GET /kpis/{id}", "GET /static/{file}",
	"PUT /api/v1/datasets/{id}", "POST /api/v1/datasets/{id}/versions", "POST /api/v1/datasets/{id}/versions/{n}/withdraw", "POST /api/v1/datasets/{id}/versions/{n}/publish",
	"GET /api/v1/search", "GET /search", "GET /signin", "POST /signin", "GET /signin/oidc", "GET /signin/oidc/callback", "POST /signout", "GET /my", "POST /my/datasets", "POST /my/datasets/{id}/versions", "POST /my/datasets/{id}/versions/{n}/publish", "POST /my/datasets/{id}/versions/{n}/withdraw",
	"GET /api/v1/organizations", "GET /api/v1/organizations/{id}", "GET /organizations", "GET /organizations/{id}", "GET /organizations/{id}/logo",
	"GET /api/v1/queries/gdp_per_capita", "GET /api/v1/queries/population_of",
	"GET /catalog", "GET /catalog.jsonld", "GET /catalog.ttl", "GET /catalog.rdf", "GET /data.json", "GET /sitemap.xml", "GET /robots.txt",
}

func init() {
	for _, a := range []string{"package_list", "tag_list", "status_show", "package_show", "package_search", "organization_list", "organization_show", "datastore_search", "datastore_search_sql",
		"group_list", "resource_show", "site_read", "help_show"} {
		served = append(served, "GET /api/3/action/"+a, "POST /api/3/action/"+a)
	}
	for _, m := range []string{"GET", "POST"} {
		served = append(served, m+" /api/action/{action}", m+" /api/3/action/{action}", m+" /api/{ver}/action/{action}")
	}
	for _, a := range []string{"package_create", "package_patch", "package_update", "resource_create", "package_delete"} {
		served = append(served, "POST /api/3/action/"+a)
	}
	const ice = "/iceberg/v1/namespaces"
	served = append(served, "GET /iceberg/v1/config", "GET "+ice, "GET "+ice+"/{namespace}", "GET "+ice+"/{namespace}/tables",
		"GET "+ice+"/{namespace}/tables/{table}", "POST "+ice, "POST "+ice+"/{namespace}/tables", "POST "+ice+"/{namespace}/tables/{table}",
		"DELETE "+ice+"/{namespace}/tables/{table}")
}

type openAPIDoc struct {
	OpenAPI string `json:"openapi"`
	Info    struct{ Title, Version string }
	Paths   map[string]map[string]struct {
		Summary    string
		Parameters []struct {
			Name, In string
			Required bool
			Schema   struct{ Enum []string }
		}
		Responses map[string]struct {
			Content map[string]struct {
				Schema any
			}
		}
	}
}

// The OpenAPI document lists exactly the routes the server answers; each
// GET answers 200 with JSON that its documented schema accepts; the format
// parameter names every format with its media type; the document is pinned.
func TestOpenAPIMatchesRoutes(t *testing.T) {
	base := bundledCatalog(t)
	raw := getBody(t, base+"/api/v1/openapi.json")
	var doc openAPIDoc
	if err := json.Unmarshal(raw, &doc); err != nil {
		t.Fatal(err)
	}
	if doc.OpenAPI != "3.1.0" || doc.Info.Title == "" {
		t.Fatalf("document %s %+v", doc.OpenAPI, doc.Info)
	}
	var listed []string
	for path, ops := range doc.Paths {
		for method := range ops {
			listed = append(listed, strings.ToUpper(method)+" "+path)
		}
	}
	sort.Strings(listed)
	want := slices.Clone(served)
	sort.Strings(want)
	if !slices.Equal(listed, want) {
		t.Errorf("the document lists\n%s\nthe server answers\n%s", strings.Join(listed, "\n"), strings.Join(want, "\n"))
	}
	example := map[string]string{"id": "population", "n": "1", "sql": "SELECT 1", "resource_id": "population", "name": "gdp_per_capita"}
	kpiExample := map[string]string{"id": "egdi_score"}
	example["file"] = "echarts.min.js"
	example["k"] = "0"
	example["action"] = "package_list"
	example["ver"] = "2"
	example["namespace"] = "datasets"
	example["table"] = "population"
	example["country"] = "MMR"
	for path, ops := range doc.Paths {
		for method, op := range ops {
			if op.Summary == "" || op.Responses["200"].Content == nil {
				t.Errorf("%s %s: no summary or no 200 answer", method, path)
			}
			if method != "get" || strings.HasPrefix(path, "/signin/oidc") {
				continue // writes, and the round trip to an identity provider, are tested on their own
			}
			u, q := path, url.Values{}
			for _, p := range op.Parameters {
				switch {
				case p.In == "path" && strings.Contains(path, "kpis"):
					u = strings.Replace(u, "{"+p.Name+"}", kpiExample[p.Name], 1)
				case p.In == "path" && strings.Contains(path, "organizations"):
					u = strings.Replace(u, "{"+p.Name+"}", "worldbank", 1)
				case p.In == "path":
					u = strings.Replace(u, "{"+p.Name+"}", example[p.Name], 1)
				case p.Required:
					q.Set(p.Name, example[p.Name])
				}
				if p.Name == "format" && strings.Contains(path, "quer") && !slices.Equal(p.Schema.Enum, []string{"json", "ndjson", "csv", "parquet", "arrow"}) {
					t.Errorf("%s: format enum %v", path, p.Schema.Enum)
				}
			}
			if strings.HasSuffix(path, "/organization_show") {
				q.Set("id", "worldbank")
			}
			if strings.HasSuffix(path, "/help_show") {
				q.Set("name", "package_search")
			}
			if path == "/api/v1/queries/{name}" || path == "/api/v1/queries/gdp_per_capita" {
				q.Set("year", "2020")
			}
			resp, err := http.Get(base + u + "?" + q.Encode())
			if err != nil {
				t.Fatal(err)
			}
			body, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if resp.StatusCode != 200 {
				t.Errorf("GET %s?%s: %d %s", u, q.Encode(), resp.StatusCode, body)
				continue
			}
			ct := resp.Header.Get("Content-Type")
			media, ok := op.Responses["200"].Content[strings.Split(ct, ";")[0]]
			if !ok {
				media, ok = op.Responses["200"].Content[ct]
			}
			if !ok {
				t.Errorf("GET %s: answered %s, which the document does not list", path, ct)
				continue
			}
			if strings.HasPrefix(ct, "application/json") {
				checkSchema(t, "GET "+path, media.Schema, body)
			}
		}
	}
	query := doc.Paths["/api/v1/query"]["get"]
	var media []string
	for m := range query.Responses["200"].Content {
		media = append(media, m)
	}
	sort.Strings(media)
	if want := []string{"application/json", "application/vnd.apache.arrow.stream", "application/vnd.apache.parquet", "application/x-ndjson", "text/csv; charset=utf-8"}; !slices.Equal(media, want) {
		t.Errorf("query media types %v, want %v", media, want)
	}
	golden(t, "openapi.golden.json", raw)
}

// checkSchema validates an answer against its documented schema.
func checkSchema(t *testing.T, what string, schema any, body []byte) {
	t.Helper()
	c := jsonschema.NewCompiler()
	if err := c.AddResource("answer.json", schema); err != nil {
		t.Fatalf("%s: %v", what, err)
	}
	sch, err := c.Compile("answer.json")
	if err != nil {
		t.Fatalf("%s: the schema does not compile: %v", what, err)
	}
	inst, err := jsonschema.UnmarshalJSON(bytes.NewReader(body))
	if err != nil {
		t.Fatalf("%s: not JSON: %v", what, err)
	}
	if err := sch.Validate(inst); err != nil {
		t.Errorf("%s: the answer does not fit its schema: %v", what, err)
	}
}

func getBody(t *testing.T, u string) []byte {
	t.Helper()
	resp, err := http.Get(u)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != 200 {
		t.Fatalf("GET %s: %d %s", u, resp.StatusCode, b)
	}
	return b
}

// golden compares got with testdata/name, or rewrites it with -update.
func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		os.MkdirAll("testdata", 0o755)
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update to write it)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs from the answer (go test -run %s -update rewrites it after a deliberate change)", path, t.Name())
	}
}

// The served document passes @redocly/cli's recommended rules with no
// error and no warning.
func TestOpenAPILint(t *testing.T) {
	base := bundledCatalog(t)
	nodeWithPackages(t, "@redocly/cli")
	file := filepath.Join(t.TempDir(), "openapi.json")
	os.WriteFile(file, getBody(t, base+"/api/v1/openapi.json"), 0o644)
	root, _ := filepath.Abs("../..")
	cmd := exec.Command(filepath.Join(root, "node_modules", ".bin", "redocly"), "lint", file, "--format=json", "--max-problems=1000")
	cmd.Env = append(os.Environ(), "REDOCLY_TELEMETRY=off", "REDOCLY_SUPPRESS_UPDATE_NOTICE=true")
	out, _ := cmd.Output()
	var res struct {
		Totals   struct{ Errors, Warnings int }
		Problems []struct {
			RuleID  string `json:"ruleId"`
			Message string
		}
	}
	if err := json.Unmarshal(out[strings.Index(string(out), "{"):], &res); err != nil {
		t.Fatalf("redocly lint answered %.500s: %v", out, err)
	}
	if res.Totals.Errors != 0 || res.Totals.Warnings != 0 {
		t.Errorf("redocly lint: %d errors, %d warnings: %+v", res.Totals.Errors, res.Totals.Warnings, res.Problems)
	}
}
