package main

import (
	"encoding/json"
	"fmt"
	"net/url"
	"os/exec"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"testing"
)

// mmrPopulation reads Myanmar's rows from the bundled source: year → value.
func mmrPopulation(t *testing.T) map[int]string {
	t.Helper()
	rows := sourceRows(t, "../../datasets/worldbank/population.csv")
	out := map[int]string{}
	for _, r := range rows[1:] {
		if r[1] == "MMR" {
			y, _ := strconv.Atoi(r[2])
			out[y] = r[3]
		}
	}
	return out
}

// okfn's npm ckan client (ckan.js) reads the catalogue and the datastore
// as a ckan.js or Recline page does.
func TestCKANJSClient(t *testing.T) {
	base := bundledCatalog(t)
	node := nodeWithPackages(t, "ckan")
	root, _ := filepath.Abs("../..")
	out, err := exec.Command(node, filepath.Join(root, "e2e", "ckanjs.cjs"), base).Output()
	if err != nil {
		t.Fatalf("e2e/ckanjs.cjs: %v", err)
	}
	var got struct {
		PackageList struct{ Result []string } `json:"package_list"`
		DatasetShow struct {
			Result struct {
				ID, Name  string
				Resources []struct{ ID, Hash string }
			}
		} `json:"dataset_show"`
		PackageSearch struct {
			Result struct {
				Count   int
				Results []struct{ Name string }
			}
		} `json:"package_search"`
		DatastoreQuery struct {
			Total  int
			Fields []struct{ ID, Type string }
			Hits   []map[string]any
		}
		DatastoreSQLQuery struct {
			Hits []map[string]any
		} `json:"datastoreSqlQuery"`
		DatastoreResources struct {
			Result struct {
				Records []struct{ Name string }
			}
		}
		Unknown struct{ Error string }
	}
	if err := json.Unmarshal(out, &got); err != nil {
		t.Fatalf("%s: %v", out, err)
	}
	if strings.Join(got.PackageList.Result, ",") != "country_codes,country_groups,egdi,gdp,internet_users,population,retail_prices" {
		t.Errorf("package_list %v", got.PackageList.Result)
	}
	if got.DatasetShow.Result.Name != "population" || !uuidRE(got.DatasetShow.Result.ID) || len(got.DatasetShow.Result.Resources) != 3 {
		t.Errorf("dataset_show %+v", got.DatasetShow.Result)
	}
	if got.PackageSearch.Result.Count != 4 || len(got.PackageSearch.Result.Results) != 4 {
		t.Errorf("package_search organization:worldbank %+v", got.PackageSearch.Result)
	}
	mmr := mmrPopulation(t)
	var years []int
	for y := range mmr {
		years = append(years, y)
	}
	sort.Sort(sort.Reverse(sort.IntSlice(years)))
	if got.DatastoreQuery.Total != len(mmr) || len(got.DatastoreQuery.Hits) != 5 {
		t.Fatalf("datastoreQuery: total %d, %d hits; the source has %d rows for MMR", got.DatastoreQuery.Total, len(got.DatastoreQuery.Hits), len(mmr))
	}
	for i, h := range got.DatastoreQuery.Hits {
		if num(h["Year"]) != strconv.Itoa(years[i]) || num(h["Value"]) != mmr[years[i]] {
			t.Errorf("hit %d: %v, want %d %s", i, h, years[i], mmr[years[i]])
		}
	}
	if len(got.DatastoreSQLQuery.Hits) != 1 || num(got.DatastoreSQLQuery.Hits[0]["Value"]) != mmr[2020] {
		t.Errorf("datastoreSqlQuery %v, want %s", got.DatastoreSQLQuery.Hits, mmr[2020])
	}
	if n := len(got.DatastoreResources.Result.Records); n != 7 {
		t.Errorf("datastoreResources: %d tables", n)
	}
	if !strings.Contains(got.Unknown.Error, "HTTP code 400") || !strings.Contains(got.Unknown.Error, "Action name not known: package_revise") {
		t.Errorf("unknown action: %q", got.Unknown.Error)
	}
}

// num writes a JSON number as the source file writes it.
func num(v any) string {
	if f, ok := v.(float64); ok {
		return strconv.FormatFloat(f, 'f', -1, 64)
	}
	return fmt.Sprint(v)
}

func uuidRE(s string) bool {
	return len(s) == 36 && strings.Count(s, "-") == 4 && s[14] == '5'
}

// datastore_search's next page keeps the filter and the sort, so that it
// pages through the same rows; fields as a list, CKAN's sort syntax,
// records as lists or CSV, distinct, and a search without its total.
func TestDatastoreSearchAsCKAN(t *testing.T) {
	base := bundledCatalog(t)
	mmr := mmrPopulation(t)
	type page struct {
		Result struct {
			Records any
			Total   *int
			Links   struct{ Next string } `json:"_links"`
		}
	}
	var p page
	getJSON(t, "GET", base+"/api/3/action/datastore_search?"+url.Values{"resource_id": {"population"}, "filters": {`{"Country Code": "MMR"}`},
		"sort": {`"Year" desc nulls last`}, "limit": {"3"}, "fields": {`["Year", "Value"]`}}.Encode(), "", 200, &p)
	var seen []string
	for i := 0; i < 3; i++ {
		recs, _ := p.Result.Records.([]any)
		for _, r := range recs {
			m := r.(map[string]any)
			if len(m) != 2 {
				t.Fatalf("fields [Year, Value] gave %v", m)
			}
			seen = append(seen, fmt.Sprint(m["Year"]))
		}
		next := p.Result.Links.Next
		p = page{}
		getJSON(t, "GET", base+next, "", 200, &p)
	}
	var years []int
	for y := range mmr {
		years = append(years, y)
	}
	sort.Sort(sort.Reverse(sort.IntSlice(years)))
	if fmt.Sprint(seen) != fmt.Sprint(years[:9]) {
		t.Errorf("three pages by _links.next gave years %v, want %v", seen, years[:9])
	}
	var lists, csvPage page
	getJSON(t, "GET", base+"/api/3/action/datastore_search?resource_id=population&records_format=lists&limit=2&include_total=false&sort=Year,%22Country%20Code%22&fields=Year,Country%20Code", "", 200, &lists)
	if fmt.Sprint(lists.Result.Records) != "[[1960 ABW] [1960 AFE]]" || lists.Result.Total != nil {
		t.Errorf("records_format=lists: %v, total %v", lists.Result.Records, lists.Result.Total)
	}
	getJSON(t, "GET", base+"/api/3/action/datastore_search?resource_id=population&records_format=csv&limit=2&sort=Year,%22Country%20Code%22&fields=Year,Country%20Code", "", 200, &csvPage)
	if csvPage.Result.Records != "1960,ABW\n1960,AFE\n" {
		t.Errorf("records_format=csv: %q", csvPage.Result.Records)
	}
	var distinct page
	getJSON(t, "GET", base+"/api/3/action/datastore_search?resource_id=population&distinct=true&fields=Country%20Code&limit=1", "", 200, &distinct)
	codes := map[string]bool{}
	for _, r := range sourceRows(t, "../../datasets/worldbank/population.csv")[1:] {
		codes[r[1]] = true
	}
	if distinct.Result.Total == nil || *distinct.Result.Total != len(codes) {
		t.Errorf("distinct Country Code: total %v, the source has %d codes", distinct.Result.Total, len(codes))
	}
	var bad struct{ Error struct{ Message string } }
	getJSON(t, "GET", base+"/api/3/action/datastore_search?resource_id=population&sort=Year+sideways", "", 409, &bad)
	if !strings.Contains(bad.Error.Message, `must be "field [asc|desc] [nulls first|last]"`) {
		t.Errorf("a bad sort: %q", bad.Error.Message)
	}
}

// q as an object finds text in each named field, as CKAN's does.
func TestDatastoreQObject(t *testing.T) {
	base := bundledCatalog(t)
	var r struct {
		Result struct {
			Total   int
			Records []map[string]any
		}
	}
	getJSON(t, "GET", base+"/api/3/action/datastore_search?"+url.Values{"resource_id": {"population"}, "q": {`{"Country Name": "myan", "Year": "202"}`}, "limit": {"100"}}.Encode(), "", 200, &r)
	mmr := mmrPopulation(t)
	want := 0
	for y := range mmr {
		if strings.Contains(strconv.Itoa(y), "202") {
			want++
		}
	}
	if r.Result.Total != want || len(r.Result.Records) != want {
		t.Errorf("q object: %d rows, want %d (Myanmar's years with 202)", r.Result.Total, want)
	}
	for _, rec := range r.Result.Records {
		if rec["Country Name"] != "Myanmar" {
			t.Errorf("q object matched %v", rec)
		}
	}
	var bad struct{ Error struct{ Message string } }
	getJSON(t, "GET", base+"/api/3/action/datastore_search?"+url.Values{"resource_id": {"population"}, "q": {`{"Colour": "red"}`}}.Encode(), "", 409, &bad)
	if !strings.Contains(bad.Error.Message, `q: field "Colour" not in the table`) {
		t.Errorf("q on an unknown field: %q", bad.Error.Message)
	}
}

// _id is each row's place in the stored version, from 1, as CKAN numbers
// a datastore's rows: the same whatever the filter, sort or page.
func TestDatastoreRowID(t *testing.T) {
	base := bundledCatalog(t)
	rows := sourceRows(t, "../../datasets/worldbank/population.csv")
	var r struct {
		Result struct {
			Fields  []struct{ ID, Type string }
			Records []map[string]any
		}
	}
	getJSON(t, "GET", base+"/api/3/action/datastore_search?"+url.Values{"resource_id": {"population"}, "filters": {`{"Country Code": "MMR"}`}, "sort": {"_id desc"}, "limit": {"2"}}.Encode(), "", 200, &r)
	if len(r.Result.Fields) == 0 || r.Result.Fields[0].ID != "_id" || r.Result.Fields[0].Type != "int" {
		t.Errorf("fields %v: _id first, an int", r.Result.Fields)
	}
	var last []int
	for i, row := range rows[1:] {
		if row[1] == "MMR" {
			last = append(last, i+1)
		}
	}
	want := []int{last[len(last)-1], last[len(last)-2]}
	for i, rec := range r.Result.Records {
		id := int(rec["_id"].(float64))
		src := rows[id]
		if id != want[i] || num(rec["Year"]) != src[2] || num(rec["Value"]) != src[3] {
			t.Errorf("record %d: %v, want _id %d (%v)", i, rec, want[i], src)
		}
	}
}
