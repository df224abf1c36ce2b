package main

import (
	"fmt"
	"io"
	"net/http"
	"net/url"
	"path/filepath"
	"strings"
	"testing"
)

// siteCatalog is a catalogue with datasets titled in several languages,
// loaded as CSV and JSON, with declared frequencies.
func siteCatalog(t *testing.T) string {
	base, _ := siteCatalogTokens(t)
	return base
}

// siteCatalogTokens is siteCatalog with the ministry of health's token.
func siteCatalogTokens(t *testing.T) (string, string) {
	t.Helper()
	store := t.TempDir()
	moh := newToken(t, store, "moh", "publisher")
	nso := newToken(t, store, "nso", "publisher")
	base := startCatalog(t, store, "-organizations", "../../organizations")
	schema := `{"type": "object", "properties": {"township": {"type": "string", "description": "Township of the facility"}, "beds": {"type": "integer", "minimum": 0}}}`
	for _, d := range []struct{ id, tok, def, ctype, body string }{
		{"mm_hospitals", moh, `"title": {"en": "Hospitals of the Ministry of Health", "my": "ကျန်းမာရေးဝန်ကြီးဌာန ဆေးရုံများ", "th": "โรงพยาบาลของกระทรวงสาธารณสุข"},
			"description": {"en": "Beds by township", "my": "မြို့နယ်အလိုက် ခုတင်များ"}, "frequency": "monthly", "tags": ["health"], "primary_key": ["township"]`,
			"text/csv", "township,beds\nBahan,120\nDagon,80\n"},
		{"hanoi_population", nso, `"title": "Dân số Hà Nội theo quận", "frequency": "annual", "tags": ["population"]`,
			"application/json", `[{"township": "Ba Đình", "beds": 3}]`},
		{"beds", moh, `"title": "Hospital beds by township", "tags": ["health"]`, "text/csv", "township,beds\nBahan,7\n"},
	} {
		def := `{` + d.def + `, "license": "CC-BY-4.0", "schema": ` + schema + `}`
		if code := call(t, "PUT", base+"/api/v1/datasets/"+d.id, d.tok, "application/json", []byte(def), nil); code != 201 {
			t.Fatalf("define %s: %d", d.id, code)
		}
		if code := call(t, "POST", base+"/api/v1/datasets/"+d.id+"/versions", d.tok, d.ctype, []byte(d.body), nil); code != 201 {
			t.Fatalf("upload %s: %d", d.id, code)
		}
	}
	return base, moh
}

type searchAnswer struct {
	Count   int
	Results []struct {
		ID              string
		Title           string
		TitleTranslated map[string]string `json:"title_translated"`
	}
	Facets map[string][]struct {
		Value string
		Count int
	}
}

// Facets over formats, frequencies, title languages and recency, with
// counts; titles in several languages, all of them searched.
func TestSearchFacetsAndLanguages(t *testing.T) {
	base, moh := siteCatalogTokens(t)
	search := func(q string, status int) searchAnswer {
		var a searchAnswer
		getJSON(t, "GET", base+"/api/v1/search?"+q, "", status, &a)
		return a
	}
	all := search("", 200)
	for facet, want := range map[string]string{
		"format":       "[{csv 2} {json 1}]",
		"frequency":    "[{annual 1} {monthly 1}]",
		"language":     "[{en 2} {my 1} {th 1} {vi 1}]",
		"recency":      "[{week 3}]",
		"organization": "[{moh 2} {nso 1}]",
	} {
		if got := fmt.Sprint(all.Facets[facet]); got != want {
			t.Errorf("facet %s: %s, want %s", facet, got, want)
		}
	}
	for q, want := range map[string]string{
		"language=my":                  "mm_hospitals",
		"format=json":                  "hanoi_population",
		"frequency=monthly&tag=health": "mm_hospitals",
		"recency=week&sort=id":         "beds,hanoi_population,mm_hospitals",
		"recency=older":                "",
		"q=" + url.QueryEscape("โรงพยาบาล"): "mm_hospitals", // a word of the Thai title
		"q=" + url.QueryEscape("ခုတင်"):     "mm_hospitals", // a word of the Burmese description
	} {
		var got []string
		for _, r := range search(q, 200).Results {
			got = append(got, r.ID)
		}
		if strings.Join(got, ",") != want {
			t.Errorf("%s: %v, want %s", q, got, want)
		}
	}
	search("recency=fortnight", 400)

	// CKAN's package_search on the same facets.
	var ck struct {
		Result struct {
			Count   int
			Results []struct{ Name string }
			Facets  map[string]map[string]int
		}
	}
	getJSON(t, "GET", base+"/api/3/action/package_search?fq=res_format:csv&facet.field="+url.QueryEscape(`["res_format","language","frequency"]`), "", 200, &ck)
	if ck.Result.Count != 2 || fmt.Sprint(ck.Result.Facets) != "map[frequency:map[monthly:1] language:map[en:2 my:1 th:1] res_format:map[csv:2]]" {
		t.Errorf("CKAN package_search with res_format: %+v", ck.Result)
	}

	var d struct {
		Title                 string
		TitleTranslated       map[string]string `json:"title_translated"`
		DescriptionTranslated map[string]string `json:"description_translated"`
		Frequency             string
	}
	getJSON(t, "GET", base+"/api/v1/datasets/mm_hospitals", "", 200, &d)
	if d.Title != "Hospitals of the Ministry of Health" || d.TitleTranslated["my"] != "ကျန်းမာရေးဝန်ကြီးဌာန ဆေးရုံများ" ||
		d.DescriptionTranslated["my"] != "မြို့နယ်အလိုက် ခုတင်များ" || d.Frequency != "monthly" {
		t.Errorf("the dataset's texts: %+v", d)
	}

	// A change of metadata alone (no new version) reaches the index.
	def := `{"title": "Hospital beds per ward", "license": "CC-BY-4.0", "tags": ["health"], "schema": {"type": "object", "properties": {"township": {"type": "string"}, "beds": {"type": "integer"}}}}`
	if code := call(t, "PUT", base+"/api/v1/datasets/beds", moh, "application/json", []byte(def), nil); code != 200 {
		t.Fatalf("redefine beds: %d", code)
	}
	if a := search("q=ward", 200); a.Count != 1 || a.Results[0].ID != "beds" {
		t.Errorf("the new title is not found: %+v", a)
	}
	if a := search("q=township&tag=health", 200); a.Count != 2 {
		t.Errorf("the old title's words: %+v", a)
	}

	// The search page in Burmese: the Burmese title, marked as Burmese,
	// the matched word in <mark>, the count in Burmese digits.
	page := get(t, base+"/search?lang=my&q="+url.QueryEscape("ဆေးရုံ"))
	for _, want := range []string{`<html lang="my"`, `<a href="/datasets/mm_hospitals" lang="my">ကျန်းမာရေးဝန်ကြီးဌာန <mark>ဆေးရုံ</mark>များ</a>`,
		"ဒေတာအစုံ ၁ ခု တွေ့ရှိသည်။", `lang="my">မြို့နယ်အလိုက် ခုတင်များ</span>`} {
		if !strings.Contains(page, want) {
			t.Errorf("the Burmese search page lacks %s", want)
		}
	}
	// In Lao, which the dataset lacks: the English title, marked English.
	page = get(t, base+"/search?lang=lo&q=hospitals")
	if !strings.Contains(page, `lang="en"><mark>Hospitals</mark> of the Ministry of Health</a>`) || !strings.Contains(page, "ພົບຊຸດຂໍ້ມູນ 1 ຊຸດ.") {
		t.Errorf("the Lao search page: %.600s", page[strings.Index(page, "<main"):])
	}
	if bad := get(t, base+"/search?q=%3Cscript%3E"); strings.Contains(bad, "<mark><script>") {
		t.Error("a query is written into the page unescaped")
	}
}

// The site read as a visitor would: search from the home page, follow a
// facet, open a dataset, switch to Burmese, and the choice holds on the
// next page; every page in every language at a phone's width with no
// sideways scrolling and nothing serious for axe-core.
func TestSiteInChromium(t *testing.T) {
	base := siteCatalog(t)
	out := shotDir(t)
	plan := []pagePlan{{URL: base + "/", Axe: true, Screenshot: filepath.Join(out, "journey.png"), Steps: []step{
		{Fill: []string{"#q", "hospital"}}, {Submit: "form[role=search] button"},
		{Submit: "a[data-value='monthly']"},
		{Submit: "#results a[href='/datasets/mm_hospitals']"},
		{Submit: "a[hreflang='my']"},
		{Submit: "header a[href='/search']"},
	}}, {URL: base + "/", Locale: "vi-VN"},
		// By keyboard alone: the skip link first, into the content, the
		// search box, typed words and their suggestions, Enter searches.
		{URL: base + "/", Steps: []step{{Press: "Tab"}, {Press: "Enter"}, {Press: "Tab"}, {Type: "hosp"}, {Attached: "#suggestions option"}, {Press: "Enter"}}}}
	for _, lang := range []string{"en", "my", "lo", "vi", "th", "km"} {
		for name, path := range map[string]string{"home": "/", "search": "/search?q=hospital", "dataset": "/datasets/mm_hospitals",
			"sql": "/query?sql=SELECT+township,beds+FROM+mm_hospitals"} {
			sep := "?"
			if strings.Contains(path, "?") {
				sep = "&"
			}
			plan = append(plan, pagePlan{URL: base + path + sep + "lang=" + lang, Axe: true, Width: 390, Height: 844,
				Screenshot: filepath.Join(out, lang+"-"+name+".png")})
		}
	}
	seen := drive(t, plan)
	noAxeViolations(t, seen)
	j := seen[0]
	var urls []string
	for _, s := range j.Steps {
		urls = append(urls, s.URL)
	}
	if len(urls) != 5 || !strings.Contains(urls[0], "q=hospital") || !strings.Contains(urls[1], "frequency=monthly") ||
		!strings.HasSuffix(urls[2], "/datasets/mm_hospitals") || !strings.Contains(urls[3], "lang=my") || !strings.HasSuffix(urls[4], "/search") {
		t.Errorf("the journey went %v", urls)
	}
	// The last page has no ?lang=: the cookie the switch set keeps Burmese.
	if !strings.Contains(j.HTML, `<html lang="my"`) || !strings.Contains(j.HTML, "ဒေတာအစုံများကို ရှာဖွေရန်") {
		t.Errorf("after switching to Burmese, the next page is not in Burmese: %.300s", j.HTML)
	}
	if !strings.Contains(seen[1].HTML, `<html lang="vi"`) || !strings.Contains(seen[1].HTML, "Dữ liệu mở của Chính phủ") {
		t.Error("a browser asking for Vietnamese does not get Vietnamese")
	}
	if k := seen[2]; strings.Join(k.Focused, " ") != "a.skip main#main input#q body" || !strings.Contains(k.FinalURL, "/search?q=hosp") || strings.Count(k.HTML, `<li data-id="`) != 2 {
		t.Errorf("by keyboard: focus went %v, ended at %s", k.Focused, k.FinalURL)
	}
	seen = append(seen[:2], seen[3:]...)
	labels := map[string]string{"en": "Data dictionary", "my": "ဒေတာ အဘိဓာန်", "lo": "ວັດຈະນານຸກົມຂໍ້ມູນ", "vi": "Từ điển dữ liệu", "th": "พจนานุกรมข้อมูล", "km": "វចនានុក្រមទិន្នន័យ"}
	for _, p := range seen[2:] {
		if p.Overflow.ScrollWidth > p.Overflow.ClientWidth {
			t.Errorf("%s scrolls sideways at 390 px (%d > %d): %v", p.URL, p.Overflow.ScrollWidth, p.Overflow.ClientWidth, p.Overflow.Wide)
		}
		lang := p.URL[strings.LastIndex(p.URL, "lang=")+5:]
		if !strings.Contains(p.HTML, `<html lang="`+lang+`"`) {
			t.Errorf("%s is not marked %s", p.URL, lang)
		}
		if strings.Contains(p.URL, "/datasets/") && !strings.Contains(p.HTML, labels[lang]) {
			t.Errorf("%s lacks the translated label %q", p.URL, labels[lang])
		}
	}
}

// get fetches a page and returns its body; any status but 200 fails.
func get(t *testing.T, u string) string {
	t.Helper()
	return string(getBody(t, u))
}

// The dataset page: the data dictionary from the schema, column profiles
// and the diff by primary key computed at ingest, the preview filtered
// and sorted on the server, downloads with their exact sizes, code
// snippets with the real names, the licence's full name, freshness.
func TestDatasetPage(t *testing.T) {
	base, moh := siteCatalogTokens(t)
	second := "township,beds\nBahan,120\nDagon,90\nMayangon,40\n"
	if code := call(t, "POST", base+"/api/v1/datasets/mm_hospitals/versions", moh, "text/csv", []byte(second), nil); code != 201 {
		t.Fatalf("second upload: %d", code)
	}
	var d struct {
		Profile []struct {
			Name            string
			Nulls, Distinct int64
			Min, Max        string
			Mean            *float64
			Top             []struct {
				Value string
				Count int64
			}
			Histogram []struct {
				From, To string
				Count    int64
			}
		}
		Versions []struct {
			Version int
			Diff    *struct {
				Previous                int
				Key                     []string
				Added, Removed, Changed int64
			}
		}
		Files     []struct{ Size, Rows int64 }
		Freshness struct {
			Frequency string
			Due       string
			Overdue   bool
		}
		Updated string
	}
	getJSON(t, "GET", base+"/api/v1/datasets/mm_hospitals", "", 200, &d)
	// Independently: beds 120, 90, 40: mean 250/3, range 40..120.
	beds := d.Profile[0] // the columns in the schema's order: beds, township
	if beds.Name != "beds" || beds.Nulls != 0 || beds.Distinct != 3 || beds.Min != "40" || beds.Max != "120" || beds.Mean == nil ||
		fmt.Sprintf("%.4f", *beds.Mean) != "83.3333" || len(beds.Histogram) != 10 || beds.Histogram[0].Count != 1 || beds.Histogram[6].Count != 1 || beds.Histogram[9].Count != 1 {
		t.Errorf("the beds profile: %+v", beds)
	}
	// Against version 1 (Bahan 120, Dagon 80) by township: Mayangon added,
	// Dagon changed, nothing removed.
	if len(d.Versions) != 2 || d.Versions[0].Diff == nil || fmt.Sprintf("%+v", *d.Versions[0].Diff) != "{Previous:1 Key:[township] Added:1 Removed:0 Changed:1}" || d.Versions[1].Diff != nil {
		t.Errorf("the versions' diffs: %+v", d.Versions)
	}
	if d.Freshness.Frequency != "monthly" || d.Freshness.Overdue || d.Freshness.Due == "" {
		t.Errorf("freshness: %+v", d.Freshness)
	}

	page := get(t, base+"/datasets/mm_hospitals")
	for _, want := range []string{
		`<a href="https://creativecommons.org/licenses/by/4.0/" rel="license">Creative Commons Attribution 4.0 International</a>`,
		`<tr data-column="township"><td><code>township</code></td><td>Township of the facility</td>`,
		`<code>minimum</code> 0`,
		"1 added, 0 removed, 1 changed (by township)",
		`<a href="/organizations/moh">`,
		"Monthly. ",
		`read_parquet(&#39;http://` + strings.TrimPrefix(base, "http://") + `/api/v1/query?format=parquet&amp;sql=SELECT&#43;%2A&#43;FROM&#43;mm_hospitals&#39;)`,
	} {
		if !strings.Contains(page, want) {
			t.Errorf("the dataset page lacks %s", want)
		}
	}
	// The stored Parquet file and the source, byte for byte as listed.
	src := get(t, base+"/api/v1/datasets/mm_hospitals/versions/2/source")
	if src != strings.ReplaceAll(second, "\\n", "\n") {
		t.Errorf("the source download: %q", src)
	}
	part := get(t, base+"/api/v1/datasets/mm_hospitals/versions/2/files/0")
	if int64(len(part)) != d.Files[0].Size || !strings.HasPrefix(part, "PAR1") || d.Files[0].Rows != 3 {
		t.Errorf("the Parquet download: %d bytes, listed %d", len(part), d.Files[0].Size)
	}
	if !strings.Contains(page, fmt.Sprintf(`<a href="/api/v1/datasets/mm_hospitals/versions/2/files/0" download>parquet</a></td><td class="n">%d bytes</td>`, len(part))) {
		t.Error("the page does not list the Parquet file's size")
	}

	// The preview, filtered and sorted on the server.
	for q, want := range map[string]string{
		"column=township&contains=DAG":     "<tbody><tr><td>90</td><td>Dagon</td></tr></tbody>",
		"sort=beds&desc=1":                 "<tbody><tr><td>120</td><td>Bahan</td></tr><tr><td>90</td><td>Dagon</td></tr><tr><td>40</td><td>Mayangon</td></tr></tbody>",
		"sort=beds":                        "<tbody><tr><td>40</td><td>Mayangon</td></tr>",
		"column=township&contains=nowhere": "<tbody><tr><td colspan=\"2\">No row matches.</td></tr></tbody>",
	} {
		p := get(t, base+"/datasets/mm_hospitals?"+q)
		if !strings.Contains(p, want) {
			t.Errorf("preview %s: %.300s", q, p[strings.Index(p, `<table id="preview">`):])
		}
	}
	if resp, err := http.Get(base + "/datasets/mm_hospitals?sort=colour"); err != nil || resp.StatusCode != 400 {
		t.Errorf("a sort by no column: %v %v", resp, err)
	} else {
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if !strings.Contains(string(b), "sort &#34;colour&#34;: sort by one of the dataset&#39;s columns") {
			t.Errorf("a sort by no column says %.200s", b)
		}
	}
}

// The pages of the bundled catalogue not covered above, in every language
// at a phone's width: no sideways scrolling, nothing serious for axe-core,
// the page marked with its language.
func TestEveryPageInEveryLanguage(t *testing.T) {
	base := bundledCatalog(t)
	out := shotDir(t)
	var plan []pagePlan
	for _, lang := range []string{"en", "my", "lo", "vi", "th", "km"} {
		for name, path := range map[string]string{"kpis": "/kpis", "kpi": "/kpis/egdi_score", "orgs": "/organizations", "org": "/organizations/worldbank",
			"version": "/datasets/population/versions/1", "signin": "/signin", "population": "/datasets/population", "error": "/datasets/nothing"} {
			pp := pagePlan{URL: base + path + "?lang=" + lang, Axe: true, Width: 390, Height: 844}
			if lang == "en" || lang == "my" { // screenshots of two languages: the rest are checked the same way
				pp.Screenshot = filepath.Join(out, lang+"-"+name+".png")
			}
			plan = append(plan, pp)
		}
	}
	seen := drive(t, plan)
	for _, p := range seen {
		t.Logf("%s: %d ms", p.URL, p.MS)
		lang := p.URL[strings.LastIndex(p.URL, "lang=")+5:]
		for _, v := range p.Axe {
			if v.Impact == "serious" || v.Impact == "critical" {
				t.Errorf("%s: axe-core %s (%s): %s at %v", p.URL, v.ID, v.Impact, v.Help, v.Nodes)
			}
		}
		want, console := 200, 0
		if strings.Contains(p.URL, "/datasets/nothing") {
			want, console = 404, 1 // the browser notes the 404 itself
		}
		if p.Status != want || len(p.Console) != console || p.Error != "" {
			t.Errorf("%s: status %d, console %v, %s", p.URL, p.Status, p.Console, p.Error)
		}
		if p.Overflow.ScrollWidth > p.Overflow.ClientWidth {
			t.Errorf("%s scrolls sideways at 390 px (%d > %d): %v", p.URL, p.Overflow.ScrollWidth, p.Overflow.ClientWidth, p.Overflow.Wide)
		}
		if !strings.Contains(p.HTML, `<html lang="`+lang+`"`) {
			t.Errorf("%s is not marked %s", p.URL, lang)
		}
	}
	// The bundled population dataset's title in each language, marked.
	for _, p := range seen {
		if strings.Contains(p.URL, "/datasets/population?lang=km") && !strings.Contains(p.HTML, `<h1 lang="km">ចំនួនប្រជាជនសរុប</h1>`) {
			t.Errorf("the Khmer dataset page lacks its Khmer title")
		}
	}
}
