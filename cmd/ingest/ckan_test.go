package main

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"

	"govlake/internal/govlake"
)

// ckanPortal answers package_show with CKAN's documented response shapes
// and serves the resources it lists.
func ckanPortal(t *testing.T) (*httptest.Server, *atomic.Int32) {
	var downloads atomic.Int32
	mux := http.NewServeMux()
	var srv *httptest.Server
	mux.HandleFunc("/api/3/action/package_show", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		help := srv.URL + "/api/3/action/help_show?name=package_show"
		if r.URL.Query().Get("id") != "mm-population-2014" {
			w.WriteHeader(http.StatusNotFound)
			json.NewEncoder(w).Encode(map[string]any{"help": help, "success": false,
				"error": map[string]any{"message": "Not found", "__type": "Not Found Error"}})
			return
		}
		json.NewEncoder(w).Encode(map[string]any{"help": help, "success": true, "result": map[string]any{
			"id": "0b7c", "name": "mm-population-2014", "title": "Population by township, 2014 census",
			"notes":      "Counts of the 2014 Population and Housing Census by township.",
			"license_id": "cc-by", "license_title": "Creative Commons Attribution",
			"organization": map[string]any{"name": "dop", "title": "Department of Population"},
			"tags":         []map[string]any{{"name": "census"}, {"name": "population"}},
			"resources": []map[string]any{
				{"id": "r-pdf", "name": "Methodology", "format": "PDF", "url": srv.URL + "/files/method.pdf"},
				{"id": "r-csv", "name": "Townships", "format": "CSV", "url": srv.URL + "/files/townships.csv"},
			},
		}})
	})
	mux.HandleFunc("/files/townships.csv", func(w http.ResponseWriter, r *http.Request) {
		downloads.Add(1)
		if r.Header.Get("If-None-Match") == `"t1"` {
			w.WriteHeader(http.StatusNotModified)
			return
		}
		w.Header().Set("ETag", `"t1"`)
		io.WriteString(w, "id,name\n1,Myitkyina\n2,Waingmaw\n3,Injangyang\n")
	})
	srv = httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	return srv, &downloads
}

func TestCKANSource(t *testing.T) {
	srv, downloads := ckanPortal(t)
	store := t.TempDir()
	p := newPipeline(t, "townships", "", peopleSchema, "")
	yaml := "dataset: townships\nsource:\n  ckan: " + srv.URL + "\n  allow_private_network: true\n  package: mm-population-2014\n  format: csv\nschema: schema.json\n"
	p.write("townships.yaml", yaml)
	code, out, errs := runIngest(t, "run", "-pipelines", p.dir, "-store", store)
	if code != 0 || !strings.Contains(out, "succeeded  v1     valid=3") {
		t.Fatalf("exit %d: %s%s", code, out, errs)
	}
	s := testStore(t, store)
	m := manifest(t, s, "townships", 1)
	want := govlake.Metadata{ID: "townships", Title: "Population by township, 2014 census", Description: "Counts of the 2014 Population and Housing Census by township.",
		Organization: "Department of Population", License: "Creative Commons Attribution", Tags: []string{"census", "population"}}
	if !m.Metadata.SameAs(want) {
		t.Errorf("metadata %+v", m.Metadata)
	}
	if m.Source.URL != srv.URL+"/files/townships.csv" || m.Source.Origin != "CKAN "+srv.URL+", dataset mm-population-2014, resource r-csv" {
		t.Errorf("source %+v", m.Source)
	}
	var meta govlake.Metadata
	govlake.ReadJSON(t.Context(), s, govlake.DatasetKey("townships"), &meta)
	if meta.Title != want.Title {
		t.Errorf("dataset.json %+v", meta)
	}
	// Unchanged: the resource answers 304 to the conditional request.
	code, out, _ = runIngest(t, "run", "-pipelines", p.dir, "-store", store)
	if code != 0 || !strings.Contains(out, "unchanged  v1") || downloads.Load() != 2 {
		t.Fatalf("exit %d, %d downloads: %s", code, downloads.Load(), out)
	}
	// The pipeline's own title wins over the portal's; a resource by name.
	p.write("townships.yaml", "title: Townships of Myanmar\n"+strings.Replace(yaml, "format: csv", "format: csv\n  resource: Townships", 1))
	runIngest(t, "run", "-pipelines", p.dir, "-store", store)
	govlake.ReadJSON(t.Context(), s, govlake.DatasetKey("townships"), &meta)
	if meta.Title != "Townships of Myanmar" || meta.License != "Creative Commons Attribution" {
		t.Errorf("dataset.json %+v", meta)
	}
	// Errors from the portal are passed on clearly.
	for bad, msg := range map[string]string{
		"package: no-such-dataset":                      `dataset "no-such-dataset": Not Found Error Not found`,
		"package: mm-population-2014\n  resource: Maps": `has no resource "Maps"; it has r-pdf (Methodology, PDF); r-csv (Townships, CSV)`,
	} {
		p.write("townships.yaml", strings.Replace(yaml, "package: mm-population-2014", bad, 1))
		code, out, _ := runIngest(t, "run", "-pipelines", p.dir, "-store", store)
		if code != 1 || !strings.Contains(out, msg) {
			t.Errorf("exit %d, want %q in: %s", code, msg, out)
		}
	}
}
