package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"
)

// gather does what ckanext-harvest's CKAN harvester does in its gather
// stage (ckanharvester.py, _search_for_datasets): package_search at
// /api/2/action with rows=100, start=0, sort="id asc" and the fq terms
// joined by spaces, page after page until a page is empty, dropping ids
// seen on an earlier page. It returns the names, in the order received.
func gather(t *testing.T, base string, fq []string) []string {
	t.Helper()
	params := url.Values{"rows": {"100"}, "start": {"0"}, "sort": {"id asc"}}
	if len(fq) > 0 {
		params.Set("fq", strings.Join(fq, " "))
	}
	var names []string
	seen := map[string]bool{}
	var previous []byte
	for page := 0; ; page++ {
		if page > 20 {
			t.Fatal("the paging does not end")
		}
		resp, body := do(t, "GET", base+"/api/2/action/package_search?"+params.Encode())
		if resp.StatusCode != 200 {
			t.Fatalf("gather %v: %d %s", fq, resp.StatusCode, body)
		}
		if previous != nil && bytes.Equal(body, previous) {
			t.Fatal("the paging doesn't seem to work: the same page twice")
		}
		previous = body
		var r struct {
			Result struct{ Results []struct{ ID, Name string } }
		}
		if err := json.Unmarshal(body, &r); err != nil {
			t.Fatal(err)
		}
		if len(r.Result.Results) == 0 {
			break
		}
		var ids []string
		for _, p := range r.Result.Results {
			ids = append(ids, p.ID)
			if !seen[p.ID] {
				seen[p.ID] = true
				names = append(names, p.Name)
			}
		}
		if !sort.StringsAreSorted(ids) {
			t.Errorf("sort id asc: ids out of order %v", ids)
		}
		start, _ := strconv.Atoi(params.Get("start"))
		params.Set("start", strconv.Itoa(start+100))
	}
	return names
}

// pipelineFacts reads each bundled pipeline's organization and themes from
// its file, independently of the catalogue.
func pipelineFacts(t *testing.T) (org map[string]string, themes map[string][]string) {
	t.Helper()
	org, themes = map[string]string{}, map[string][]string{}
	files, _ := filepath.Glob("../../pipelines/*.yaml")
	for _, f := range files {
		b, _ := os.ReadFile(f)
		id := strings.TrimSuffix(filepath.Base(f), ".yaml")
		for _, line := range strings.Split(string(b), "\n") {
			if v, ok := strings.CutPrefix(line, "organization: "); ok {
				org[id] = strings.TrimSpace(v)
			}
			if v, ok := strings.CutPrefix(line, "themes: "); ok {
				for _, th := range strings.Split(strings.Trim(v, "[] "), ",") {
					themes[id] = append(themes[id], strings.ToLower(strings.TrimSpace(th)))
				}
			}
		}
	}
	return org, themes
}

// The gather requests of ckanext-harvest's CKAN harvester, replayed for
// each of its source configurations, get exactly the packages the
// configuration asks for, in id order, paged to an empty page.
func TestHarvesterGather(t *testing.T) {
	base := bundledCatalog(t)
	org, themes := pipelineFacts(t)
	want := func(keep func(id string) bool) []string {
		var out []string
		for id := range org {
			if keep(id) {
				out = append(out, id)
			}
		}
		slices.Sort(out)
		return out
	}
	since := func(t time.Time) string {
		// gather_started - 1 hour, isoformat() (microseconds), then "Z".
		return "metadata_modified:[" + t.Add(-time.Hour).UTC().Format("2006-01-02T15:04:05.000000") + "Z TO *]"
	}
	cases := []struct {
		name string
		fq   []string
		keep func(id string) bool
	}{
		{"all", nil, func(string) bool { return true }},
		{"organizations_filter_include", []string{"organization:worldbank OR organization:singstat"}, func(id string) bool { return org[id] == "worldbank" || org[id] == "singstat" }},
		{"organizations_filter_exclude", []string{"-organization:worldbank", "-organization:datahub"}, func(id string) bool { return org[id] != "worldbank" && org[id] != "datahub" }},
		{"groups_filter_include", []string{"groups:econ OR groups:tech"}, func(id string) bool {
			return slices.Contains(themes[id], "econ") || slices.Contains(themes[id], "tech")
		}},
		{"groups_filter_exclude", []string{"-groups:soci"}, func(id string) bool { return !slices.Contains(themes[id], "soci") }},
		{"since the last job", []string{since(time.Now().Add(-24 * time.Hour))}, func(string) bool { return true }},
		{"since the last job, with an organization", []string{"organization:worldbank", since(time.Now().Add(-24 * time.Hour))}, func(id string) bool { return org[id] == "worldbank" }},
		{"nothing changed since the last job", []string{since(time.Now().Add(2 * time.Hour))}, func(string) bool { return false }},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got := gather(t, base, c.fq)
			slices.Sort(got)
			if w := c.keep; !slices.Equal(got, want(w)) {
				t.Errorf("fq %q gathered %v, want %v", c.fq, got, want(w))
			}
		})
	}
	if got := want(func(id string) bool { return org[id] == "worldbank" || org[id] == "singstat" }); len(got) != 5 {
		t.Errorf("the bundled pipelines changed: %v", got)
	}
}

var ckanTimes = regexp.MustCompile(`\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{6})?`)

// runOwn blanks what each ingest writes anew in a CKAN answer: the stored
// Parquet files' digests and sizes (the source's are the bundled file's,
// and stay).
func runOwn(v any) {
	switch x := v.(type) {
	case map[string]any:
		if x["format"] == "Parquet" {
			x["hash"], x["size"] = "sha256:PARQUET", "SIZE"
		}
		for _, e := range x {
			runOwn(e)
		}
	case []any:
		for _, e := range x {
			runOwn(e)
		}
	}
}

// CKAN's shapes, pinned: a package, a harvester's search page, an
// organization, the groups, a resource and the errors, as golden files
// (go test -run TestCKANGolden -update rewrites them after a deliberate
// change). Times, and the stored Parquet files' digests, are the run's.
func TestCKANGolden(t *testing.T) {
	base := startCatalog(t, bundled.storeOr(t), "-organizations", "../../organizations", "-public-url", "https://data.example.gov")
	for name, path := range map[string]string{
		"package_show":      "/api/3/action/package_show?id=population",
		"package_search":    "/api/2/action/package_search?rows=2&start=0&sort=id+asc&fq=organization:worldbank+OR+organization:singstat&facet.field=[\"organization\",\"groups\"]",
		"organization_show": "/api/3/action/organization_show?id=singstat",
		"group_list":        "/api/3/action/group_list?all_fields=true",
		"resource_show":     "/api/3/action/resource_show?id=retail_prices",
		"status_show":       "/api/3/action/status_show",
		"unknown_action":    "/api/action/package_revise",
		"bad_fq":            "/api/3/action/package_search?fq=organization:a+OR+tags:b",
		"not_found":         "/api/3/action/package_show?id=nope",
	} {
		_, body := do(t, "GET", base+path)
		var v any
		if err := json.Unmarshal(body, &v); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		runOwn(v)
		pretty, _ := json.MarshalIndent(v, "", "  ")
		text := ckanTimes.ReplaceAllString(string(pretty), "TIME")
		file := filepath.Join("testdata", "ckan", name+".golden.json")
		if *update {
			os.MkdirAll(filepath.Dir(file), 0o755)
			os.WriteFile(file, []byte(text+"\n"), 0o644)
			continue
		}
		want, err := os.ReadFile(file)
		if err != nil {
			t.Fatalf("%v (go test -run TestCKANGolden -update writes it)", err)
		}
		if string(want) != text+"\n" {
			t.Errorf("%s differs from %s:\n%s", name, file, text)
		}
	}
}

// res_format as CKAN writes it (upper-case), alone and inside OR.
func TestCKANResFormat(t *testing.T) {
	base := bundledCatalog(t)
	for _, fq := range []string{"res_format:CSV", "res_format:CSV OR res_format:XLSX", "-res_format:JSON"} {
		var r struct{ Result struct{ Count int } }
		getJSON(t, "GET", base+"/api/3/action/package_search?"+url.Values{"fq": {fq}}.Encode(), "", 200, &r)
		if r.Result.Count != 7 {
			t.Errorf("fq %s: %d packages, want the 7 bundled CSV datasets", fq, r.Result.Count)
		}
	}
}

// The groups facet counts the EU themes of the matches, with or without fq.
func TestCKANGroupsFacet(t *testing.T) {
	base := bundledCatalog(t)
	_, themes := pipelineFacts(t)
	want := map[string]int{}
	for _, ts := range themes {
		for _, th := range ts {
			want[th]++
		}
	}
	var r struct {
		Result struct{ Facets map[string]map[string]int }
	}
	getJSON(t, "GET", base+"/api/3/action/package_search?"+url.Values{"facet.field": {`["groups"]`}}.Encode(), "", 200, &r)
	if fmt.Sprint(r.Result.Facets["groups"]) != fmt.Sprint(want) {
		t.Errorf("groups facet %v, want %v", r.Result.Facets["groups"], want)
	}
}
