package main

import (
	"fmt"
	"net/url"
	"strings"
	"testing"
)

// Search with real titles in scripts written without spaces between
// words, and Vietnamese with and without its diacritics; facet counts;
// CKAN's package_search with fq and facet.field on the same index.
func TestSearchInEveryScript(t *testing.T) {
	store := t.TempDir()
	moh := newToken(t, store, "moh", "publisher")
	nso := newToken(t, store, "nso", "publisher")
	base := startCatalog(t, store, "-organizations", "../../organizations")
	schema := `{"type": "object", "properties": {"township": {"type": "string", "description": "Township of the facility"}, "beds": {"type": "integer"}}}`
	for _, d := range []struct{ id, tok, title, tags string }{
		{"mm_hospitals", moh, "ကျန်းမာရေးဝန်ကြီးဌာန ဆေးရုံများ", `["health"]`},
		{"th_population", nso, "สถิติประชากรของประเทศไทย", `["population"]`},
		{"la_population", nso, "ສະຖິຕິປະຊາກອນຂອງລາວ", `["population"]`},
		{"kh_population", nso, "ស្ថិតិប្រជាជនកម្ពុជា", `["population"]`},
		{"hanoi_population", nso, "Dân số Hà Nội theo quận", `["population"]`},
		{"beds", moh, "Hospital beds by township", `["health"]`},
	} {
		def := `{"title": "` + d.title + `", "license": "CC-BY-4.0", "tags": ` + d.tags + `, "schema": ` + schema + `}`
		if code := call(t, "PUT", base+"/api/v1/datasets/"+d.id, d.tok, "application/json", []byte(def), nil); code != 201 {
			t.Fatalf("define %s: %d", d.id, code)
		}
		if code := call(t, "POST", base+"/api/v1/datasets/"+d.id+"/versions", d.tok, "text/csv", []byte("township,beds\nBahan,120\n"), nil); code != 201 {
			t.Fatalf("upload %s: %d", d.id, code)
		}
	}
	type answer struct {
		Count   int
		Results []struct{ ID string }
		Facets  map[string][]struct {
			Value string
			Count int
		}
	}
	search := func(query string) answer {
		var a answer
		getJSON(t, "GET", base+"/api/v1/search?"+query, "", 200, &a)
		return a
	}
	ids := func(a answer) string {
		var s []string
		for _, r := range a.Results {
			s = append(s, r.ID)
		}
		return strings.Join(s, ",")
	}
	for q, want := range map[string]string{
		"ဆေးရုံ":      "mm_hospitals",
		"ประชากร":     "th_population",
		"ປະຊາກອນ":     "la_population",
		"ប្រជាជន":     "kh_population",
		"Hà Nội":      "hanoi_population",
		"Ha Noi":      "hanoi_population",
		"ha noi quan": "hanoi_population",
		"hosp":        "beds,mm_hospitals", // a prefix, as typed; the title match first (the other has it in its id)
		"facility":    "mm_hospitals,beds", // a column's description
		"nothing":     "",
	} {
		got := ids(search("q=" + url.QueryEscape(q)))
		if q == "facility" {
			if !strings.Contains(got, "mm_hospitals") || !strings.Contains(got, "beds") {
				t.Errorf("%s: %s", q, got)
			}
			continue
		}
		if got != want {
			t.Errorf("q=%s: %q, want %q", q, got, want)
		}
	}
	all := search("")
	if all.Count != 6 || fmt.Sprint(all.Facets["organization"]) != "[{nso 4} {moh 2}]" || fmt.Sprint(all.Facets["tags"]) != "[{population 4} {health 2}]" {
		t.Errorf("all: %d %v", all.Count, all.Facets)
	}
	if got := ids(search("organization=moh&sort=id")); got != "beds,mm_hospitals" {
		t.Errorf("organization=moh: %s", got)
	}
	if a := search("tag=population&q=" + url.QueryEscape("ha noi")); a.Count != 1 {
		t.Errorf("a tag and words: %+v", a)
	}
	var e errJSON
	getJSON(t, "GET", base+"/api/v1/search?sort=colour", "", 400, &e)

	// The search page, in chromium: a search, then a facet followed as a
	// link; axe-core finds nothing serious.
	seen := drive(t, []pagePlan{
		{URL: base + "/search?q=" + url.QueryEscape("ประชากร"), Axe: true},
		{URL: base + "/", Axe: true, Steps: []step{{Fill: []string{"#q", "population"}}, {Submit: "form[role=search] button"}, {Submit: "a[href*='organization=nso']"}}},
	})
	noAxeViolations(t, seen)
	if !strings.Contains(seen[0].HTML, `<li data-id="th_population">`) || !strings.Contains(seen[0].HTML, "1 datasets found") {
		t.Errorf("the search page: %.400s", seen[0].HTML)
	}
	if !strings.Contains(seen[1].FinalURL, "organization=nso") || !strings.Contains(seen[1].HTML, `aria-current="true" data-value="nso">✔ nso</a>`) {
		t.Errorf("following a facet: %s", seen[1].FinalURL)
	}

	// CKAN's package_search on the same index.
	var ck struct {
		Result struct {
			Count        int
			Results      []struct{ Name string }
			Facets       map[string]map[string]int
			SearchFacets map[string]struct {
				Items []struct {
					Name  string
					Count int
				}
			} `json:"search_facets"`
		}
	}
	getJSON(t, "GET", base+"/api/3/action/package_search?"+url.Values{"q": {"ประชากร"}, "fq": {"tags:population"}, "facet.field": {`["organization","tags"]`}}.Encode(), "", 200, &ck)
	if ck.Result.Count != 1 || ck.Result.Results[0].Name != "th_population" || ck.Result.Facets["organization"]["nso"] != 1 ||
		len(ck.Result.SearchFacets["tags"].Items) != 1 || ck.Result.SearchFacets["tags"].Items[0].Name != "population" {
		t.Errorf("package_search: %+v", ck.Result)
	}
}
