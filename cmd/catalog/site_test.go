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
	t.Helper()
	store := t.TempDir()
	moh := newToken(t, store, "moh", "publisher")
	nso := newToken(t, store, "nso", "publisher")
	base := startCatalog(t, store, "-organizations", "../../organizations")
	schema := `{"type": "object", "properties": {"township": {"type": "string", "description": "Township of the facility"}, "beds": {"type": "integer", "minimum": 0}}}`
	for _, d := range []struct{ id, tok, def, ctype, body string }{
		{"mm_hospitals", moh, `"title": {"en": "Hospitals of the Ministry of Health", "my": "ကျန်းမာရေးဝန်ကြီးဌာန ဆေးရုံများ", "th": "โรงพยาบาลของกระทรวงสาธารณสุข"},
			"description": {"en": "Beds by township", "my": "မြို့နယ်အလိုက် ခုတင်များ"}, "frequency": "monthly", "tags": ["health"]`,
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
	return base
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
	base := siteCatalog(t)
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
	}}, {URL: base + "/", Locale: "vi-VN"}}
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
	resp, err := http.Get(u)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != 200 {
		t.Fatalf("GET %s: %d %s", u, resp.StatusCode, b)
	}
	return string(b)
}
