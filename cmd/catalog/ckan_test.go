package main

import (
	"fmt"
	"net/url"
	"slices"
	"strings"
	"testing"
)

type ckanAnswer struct {
	Help    string
	Success bool
	Result  any
	Error   *struct {
		Type    string `json:"__type"`
		Message string
	}
}

func ckan(t *testing.T, base, action string, params url.Values, status int) ckanAnswer {
	t.Helper()
	var a ckanAnswer
	getJSON(t, "GET", base+"/api/3/action/"+action+"?"+params.Encode(), "", status, &a)
	if !strings.HasSuffix(a.Help, "/api/3/action/help_show?name="+action) {
		t.Errorf("%s: help %q", action, a.Help)
	}
	return a
}

// CKAN's read API, in CKAN's response and error shapes, as its clients and
// harvesters call it.
func TestCKANAPI(t *testing.T) {
	base := bundledCatalog(t)
	a := ckan(t, base, "package_list", nil, 200)
	if !a.Success || fmt.Sprint(a.Result) != "[country_codes country_groups egdi gdp internet_users population retail_prices]" {
		t.Errorf("package_list %+v", a)
	}
	a = ckan(t, base, "package_show", url.Values{"id": {"population"}}, 200)
	pkg := a.Result.(map[string]any)
	res := pkg["resources"].([]any)[0].(map[string]any)
	if pkg["title"] != "Population, total" || pkg["license_id"] != "ODC-PDDL-1.0" || pkg["organization"].(map[string]any)["name"] != "worldbank" ||
		res["id"] != "population" || res["datastore_active"] != true || len(pkg["tags"].([]any)) != 2 {
		t.Errorf("package_show %v", pkg)
	}
	a = ckan(t, base, "package_show", url.Values{"id": {"nope"}}, 404)
	if a.Success || a.Error == nil || a.Error.Type != "Not Found Error" {
		t.Errorf("missing package %+v", a)
	}

	a = ckan(t, base, "package_search", url.Values{"fq": {"organization:worldbank"}, "rows": {"2"}, "start": {"1"}, "sort": {"name asc"}}, 200)
	r := a.Result.(map[string]any)
	names := []string{}
	for _, p := range r["results"].([]any) {
		names = append(names, p.(map[string]any)["name"].(string))
	}
	if r["count"] != float64(4) || strings.Join(names, ",") != "gdp,internet_users" {
		t.Errorf("package_search by organization: count %v, %v", r["count"], names)
	}
	a = ckan(t, base, "package_search", url.Values{"q": {"e-government"}, "fq": {"tags:un"}}, 200)
	if r := a.Result.(map[string]any); r["count"] != float64(1) {
		t.Errorf("package_search q and tags: %v", r["count"])
	}
	ckan(t, base, "package_search", url.Values{"sort": {"colour asc"}}, 409)

	a = ckan(t, base, "organization_list", nil, 200)
	if fmt.Sprint(a.Result) != "[datahub singstat undesa worldbank]" {
		t.Errorf("organization_list %v", a.Result)
	}
	a = ckan(t, base, "organization_show", url.Values{"id": {"singstat"}}, 200)
	org := a.Result.(map[string]any)
	pkgs, _ := org["packages"].([]any)
	if org["package_count"] != float64(1) || org["title"] != "Singapore Department of Statistics (SingStat)" ||
		org["description"] != "Official statistics of Singapore, such as retail prices." || !strings.HasSuffix(org["image_url"].(string), "/organizations/singstat/logo") ||
		org["created"] == "" || len(pkgs) != 1 || pkgs[0].(map[string]any)["name"] != "retail_prices" || pkgs[0].(map[string]any)["num_resources"] != float64(3) {
		t.Errorf("organization_show %v", a.Result)
	}
	ckan(t, base, "organization_show", url.Values{"id": {"nobody"}}, 404)

	a = ckan(t, base, "datastore_search", url.Values{"resource_id": {"population"}, "filters": {`{"Country Code": "MMR"}`},
		"fields": {"Year,Value"}, "sort": {"Year desc"}, "limit": {"3"}, "offset": {"1"}}, 200)
	r = a.Result.(map[string]any)
	recs := r["records"].([]any)
	if r["total"] != float64(65) || len(recs) != 3 || recs[0].(map[string]any)["Year"] != float64(2023) ||
		fmt.Sprint(r["fields"]) != "[map[id:Year type:int] map[id:Value type:int]]" {
		t.Errorf("datastore_search %v", r)
	}
	a = ckan(t, base, "datastore_search", url.Values{"resource_id": {"country_codes"}, "q": {"Myanmar"}, "fields": {"ISO3166-1-Alpha-3"}}, 200)
	if recs := a.Result.(map[string]any)["records"].([]any); len(recs) != 1 || recs[0].(map[string]any)["ISO3166-1-Alpha-3"] != "MMR" {
		t.Errorf("datastore_search q: %v", recs)
	}
	for _, bad := range []url.Values{
		{"resource_id": {"population"}, "filters": {`{"Colour": "red"}`}},
		{"resource_id": {"population"}, "sort": {"Year; DROP TABLE x"}},
		{"resource_id": {"population"}, "fields": {`Year" FROM x --`}},
	} {
		ckan(t, base, "datastore_search", bad, 409)
	}
	ckan(t, base, "datastore_search", url.Values{"resource_id": {"nope"}}, 404)

	a = ckan(t, base, "datastore_search_sql", url.Values{"sql": {`SELECT "Country Code", "Value" FROM population WHERE "Year" = 2014 AND "Country Code" = 'MMR'`}}, 200)
	if recs := a.Result.(map[string]any)["records"].([]any); len(recs) != 1 || recs[0].(map[string]any)["Value"] != float64(50681634) {
		t.Errorf("datastore_search_sql %v", a.Result)
	}
	a = ckan(t, base, "datastore_search_sql", url.Values{"sql": {"DROP TABLE population"}}, 409)
	if a.Error == nil || a.Error.Type != "Validation Error" {
		t.Errorf("hostile sql %+v", a)
	}
}

// CKAN's action paths without the version answer the same; an unknown
// action gets CKAN's error envelope.
func TestCKANPathsAndUnknownActions(t *testing.T) {
	base := bundledCatalog(t)
	var v3, plain struct {
		Success bool
		Result  []string
	}
	getJSON(t, "GET", base+"/api/3/action/package_list", "", 200, &v3)
	getJSON(t, "GET", base+"/api/action/package_list", "", 200, &plain)
	if !plain.Success || strings.Join(plain.Result, ",") != strings.Join(v3.Result, ",") || len(plain.Result) != 7 {
		t.Errorf("/api/action/package_list: %+v, /api/3: %+v", plain, v3)
	}
	var page struct{ Result []string }
	getJSON(t, "GET", base+"/api/action/package_list?limit=2&offset=3", "", 200, &page)
	if strings.Join(page.Result, ",") != strings.Join(v3.Result[3:5], ",") {
		t.Errorf("package_list limit=2 offset=3: %v of %v", page.Result, v3.Result)
	}
	var tags struct{ Result []string }
	getJSON(t, "GET", base+"/api/3/action/tag_list", "", 200, &tags)
	if !slices.Contains(tags.Result, "population") || !slices.Contains(tags.Result, "e-government") || !slices.IsSorted(tags.Result) {
		t.Errorf("tag_list: %v", tags.Result)
	}
	var st struct {
		Success bool
		Result  struct {
			CKANVersion string `json:"ckan_version"`
			SiteURL     string `json:"site_url"`
		}
	}
	getJSON(t, "GET", base+"/api/action/status_show", "", 200, &st)
	if !st.Success || st.Result.CKANVersion != "2.10.4" || st.Result.SiteURL != base {
		t.Errorf("status_show: %+v", st)
	}
	var show struct {
		Success bool
		Result  struct{ Name string }
	}
	getJSON(t, "GET", base+"/api/action/package_show?id=population", "", 200, &show)
	if !show.Success || show.Result.Name != "population" {
		t.Errorf("/api/action/package_show: %+v", show)
	}
	for _, u := range []string{"/api/3/action/frobnicate", "/api/action/frobnicate"} {
		var e struct {
			Success bool
			Error   map[string]string
		}
		getJSON(t, "GET", base+u, "", 400, &e)
		if e.Success || e.Error["__type"] != "Not Found Error" || e.Error["message"] != "Action name not known: frobnicate" {
			t.Errorf("%s: %+v", u, e)
		}
	}
}
