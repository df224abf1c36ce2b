package main

import (
	"context"
	"encoding/json"
	"govlake/internal/file"
	"govlake/internal/govlake"
	"html"
	"math"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"
)

// egdiFromCSV reads the EGDI of every country in one year, from the
// bundled source file, independently of govlake.
func egdiFromCSV(t *testing.T, year string) map[string]float64 {
	t.Helper()
	out := map[string]float64{}
	for _, r := range readCSV(t, "../../datasets/egdi/egdi.csv") {
		if r["year"] == year {
			v, err := strconv.ParseFloat(r["e-gov-index"], 64)
			if err != nil {
				t.Fatal(err)
			}
			out[r["country-code"]] = v
		}
	}
	return out
}

// worldBank reads a World Bank CSV (Country Name, Country Code, Year,
// Value) into values by "code year", independently of govlake.
func worldBank(t *testing.T, name string) map[string]float64 {
	t.Helper()
	out := map[string]float64{}
	for _, r := range readCSV(t, "../../datasets/worldbank/"+name) {
		if v, err := strconv.ParseFloat(r["Value"], 64); err == nil {
			out[r["Country Code"]+" "+r["Year"]] = v
		}
	}
	return out
}

type kpiJSON struct {
	ID     string
	Latest *struct {
		Period, Dimension string
		Value             float64
	}
	Status     string
	StatusText string `json:"status_text"`
	Error      string
	Sources    []struct {
		Dataset string
		Version int
	}
	Series []struct {
		Period, Dimension string
		Value             float64
	}
}

// The demo KPIs' figures are those of the source CSV: Viet Nam's 2018 EGDI,
// and its rank among the ten ASEAN members that year; each names the
// dataset version it read.
func TestKPIFigures(t *testing.T) {
	base := bundledCatalog(t)
	var list struct{ KPIs []kpiJSON }
	getJSON(t, "GET", base+"/api/v1/kpis", "", 200, &list)
	byID := map[string]kpiJSON{}
	for _, k := range list.KPIs {
		byID[k.ID] = k
	}
	y2018 := egdiFromCSV(t, "2018")
	egdi := byID["egdi_score"]
	if egdi.Latest == nil || egdi.Latest.Period != "2018" || egdi.Latest.Dimension != "VNM" || egdi.Latest.Value != y2018["VNM"] {
		t.Errorf("egdi_score latest %+v, want VNM 2018 %v", egdi.Latest, y2018["VNM"])
	}
	if len(egdi.Sources) != 1 || egdi.Sources[0].Dataset != "egdi" || egdi.Sources[0].Version != 1 || egdi.Series != nil {
		t.Errorf("egdi_score sources %+v (series in the list: %d)", egdi.Sources, len(egdi.Series))
	}
	asean := []string{"BRN", "KHM", "IDN", "LAO", "MYS", "MMR", "PHL", "SGP", "THA", "VNM"}
	sort.Slice(asean, func(i, j int) bool { return y2018[asean[i]] > y2018[asean[j]] })
	rank := 0
	for i, c := range asean {
		if c == "VNM" {
			rank = i + 1
		}
	}
	r := byID["vnm_egdi_rank_asean"]
	if r.Latest == nil || r.Latest.Value != float64(rank) || r.Status != "achieved" {
		t.Errorf("rank %+v %s, want %d", r.Latest, r.Status, rank)
	}
	// The ASEAN average of 2018, from the CSV.
	var one kpiJSON
	getJSON(t, "GET", base+"/api/v1/kpis/egdi_score", "", 200, &one)
	sum := 0.0
	for _, c := range asean {
		sum += y2018[c]
	}
	found := false
	for _, p := range one.Series {
		if p.Period == "2018" && p.Dimension == "ASEAN" {
			found = math.Abs(p.Value-sum/10) < 1e-12
		}
	}
	if !found {
		t.Errorf("the ASEAN average of 2018 (%v) is not in the series", sum/10)
	}
	// GDP per capita and its growth, from the World Bank's two CSVs.
	gdp, pop := worldBank(t, "gdp.csv"), worldBank(t, "population.csv")
	pc := func(y string) float64 { return gdp["VNM "+y] / pop["VNM "+y] }
	var level, growth kpiJSON
	getJSON(t, "GET", base+"/api/v1/kpis/gdp_per_capita", "", 200, &level)
	getJSON(t, "GET", base+"/api/v1/kpis/gdp_per_capita_growth", "", 200, &growth)
	if level.Latest == nil || level.Latest.Period != "2023" || math.Abs(level.Latest.Value-pc("2023")) > 1e-9 {
		t.Errorf("gdp_per_capita latest %+v, want 2023 %v", level.Latest, pc("2023"))
	}
	if want := 100 * (pc("2023")/pc("2022") - 1); growth.Latest == nil || growth.Latest.Period != "2023" || math.Abs(growth.Latest.Value-want) > 1e-9 {
		t.Errorf("gdp_per_capita_growth latest %+v, want 2023 %v", growth.Latest, want)
	}
	if len(growth.Sources) != 2 || growth.Sources[0].Dataset != "gdp" || growth.Sources[1].Dataset != "population" {
		t.Errorf("growth sources %+v", growth.Sources)
	}
	page := getBody(t, base+"/kpis/egdi_score")
	figures := string(page[strings.Index(string(page), `id="figures"`):])
	figures = figures[:strings.Index(figures, "</table>")]
	if !strings.Contains(string(page), one.StatusText) || len(regexp.MustCompile(`<td class="n">[0-9]`).FindAllString(figures, -1)) != len(one.Series) {
		t.Errorf("the KPI page lacks the status or the figures")
	}
}

// A KPI whose SQL is broken, or gives two values for one period, fails
// alone, with a message that says why; the others are computed.
func TestBrokenKPIFailsAlone(t *testing.T) {
	dir := t.TempDir()
	for name, body := range map[string]string{
		"good.yaml":   "id: good\ntitle: Good\nsql: SELECT year AS period, \"e-gov-index\" AS value FROM egdi WHERE \"country-code\" = 'MMR'\ntargets: [{period: 2030, value: 0.6}]\n",
		"nosuch.yaml": "id: nosuch\ntitle: Broken\nsql: SELECT 2018 AS period, 1 AS value FROM nowhere\n",
		"twice.yaml":  "id: twice\ntitle: Twice\nsql: SELECT year AS period, \"e-gov-index\" AS value FROM egdi\n",
	} {
		os.WriteFile(filepath.Join(dir, name), []byte(body), 0o644)
	}
	base := startCatalog(t, bundled.storeOr(t), "-kpis", dir)
	var list struct{ KPIs []kpiJSON }
	getJSON(t, "GET", base+"/api/v1/kpis", "", 200, &list)
	got := map[string]kpiJSON{}
	for _, k := range list.KPIs {
		got[k.ID] = k
	}
	if g := got["good"]; g.Status == "error" || g.Latest == nil || g.Latest.Period != "2018" {
		t.Errorf("good: %+v", g)
	}
	for id, want := range map[string]string{
		"nosuch": "KPI nosuch: the SQL failed: no dataset or table named nowhere; GET /api/v1/datasets lists them",
		"twice":  "KPI twice: two values for period 2010; the SQL must return one value per period and dimension",
	} {
		if k := got[id]; k.Status != "error" || k.Error != want {
			t.Errorf("%s: %s %q, want %q", id, k.Status, k.Error, want)
		}
	}
}

// ?asof= gives the figures of the versions current at the end of that day,
// after a newer version has landed; the sources name those versions.
func TestKPIAsOf(t *testing.T) {
	storeDir := t.TempDir()
	store, _ := file.NewStore(storeDir)
	pdir := t.TempDir()
	write := writer(t, pdir)
	write("s.json", `{"type":"object","required":["year","value"],"properties":{"year":{"type":"integer"},"value":{"type":"number"}}}`)
	write("m.yaml", "dataset: score\ntitle: Score\nsource: {url: d.csv}\nschema: s.json\n")
	write("d.csv", "year,value\n2014,0.50\n2016,0.55\n")
	ingestDir(t, store, pdir)
	// Version 1 is dated 2025-06-01, as if published then.
	key := govlake.ManifestKey("score", 1)
	var m govlake.Manifest
	if err := govlake.ReadJSON(context.Background(), store, key, &m); err != nil {
		t.Fatal(err)
	}
	m.CreatedAt = time.Date(2025, 6, 1, 12, 0, 0, 0, time.UTC)
	b, _ := json.Marshal(m)
	os.WriteFile(filepath.Join(storeDir, filepath.FromSlash(key)), b, 0o644)
	// Version 2 revises 2016 and adds 2018.
	write("d.csv", "year,value\n2014,0.50\n2016,0.56\n2018,0.60\n")
	ingestDir(t, store, pdir)
	kdir := t.TempDir()
	os.WriteFile(filepath.Join(kdir, "k.yaml"), []byte("id: score\ntitle: Score\nsql: SELECT year AS period, value FROM score\nbaseline: {period: 2014}\ntargets: [{period: 2030, value: 0.75}]\n"), 0o644)
	base := startCatalog(t, storeDir, "-kpis", kdir)
	for _, tc := range []struct {
		asof, period string
		value        float64
		version      int
	}{
		{"", "2018", 0.60, 2},
		{"?asof=2025-06-01", "2016", 0.55, 1},
		{"?asof=2026-01-01", "2016", 0.55, 1},
	} {
		var k kpiJSON
		getJSON(t, "GET", base+"/api/v1/kpis/score"+tc.asof, "", 200, &k)
		if k.Latest == nil || k.Latest.Period != tc.period || k.Latest.Value != tc.value || len(k.Sources) != 1 || k.Sources[0].Version != tc.version {
			t.Errorf("%q: latest %+v sources %+v, want %s %v from version %d (%s)", tc.asof, k.Latest, k.Sources, tc.period, tc.value, tc.version, k.Error)
		}
	}
	var k kpiJSON
	getJSON(t, "GET", base+"/api/v1/kpis/score?asof=2020-01-01", "", 200, &k)
	if k.Error != "KPI score: dataset score had no version yet on 2020-01-01" {
		t.Errorf("before the first version: %q", k.Error)
	}
	// Version 2 revised 2016: marked, with the day it was published.
	var now struct {
		Revisions []struct {
			Period    string
			Was, Now  float64
			RevisedOn string `json:"revised_on"`
		}
	}
	getJSON(t, "GET", base+"/api/v1/kpis/score", "", 200, &now)
	today := time.Now().UTC().Format(time.DateOnly)
	if len(now.Revisions) != 1 || now.Revisions[0].Period != "2016" || now.Revisions[0].Was != 0.55 || now.Revisions[0].Now != 0.56 || now.Revisions[0].RevisedOn != today {
		t.Errorf("revisions %+v", now.Revisions)
	}
	if p := getBody(t, base+"/kpis/score"); !strings.Contains(string(p), "revised on "+today+": was 0.55") {
		t.Errorf("the page does not mark the revised period")
	}
	page := getBody(t, base+"/kpis/score?asof=2025-06-01")
	if !strings.Contains(string(page), "As they stood at the end of 2025-06-01.") || !strings.Contains(string(page), "score, version 1") {
		t.Errorf("the page as of a day does not say so")
	}
}

// The KPI pages in Debian's chromium, driven by playwright-core: the cards'
// status sentences, the chart drawn in its box, the tables beside it, no
// serious or critical axe-core violation, the PNG download, one A4 page
// when printed, the same figures with JavaScript off, and a screenshot of
// each page in the test's artifact folder.
func TestKPIPagesInBrowser(t *testing.T) {
	base := bundledCatalog(t)
	var list struct{ KPIs []kpiJSON }
	getJSON(t, "GET", base+"/api/v1/kpis", "", 200, &list)
	out := shotDir(t)
	off := false
	seen := drive(t, []pagePlan{
		{URL: base + "/kpis", Screenshot: filepath.Join(out, "kpis.png"), Axe: true},
		{URL: base + "/kpis/egdi_score", Screenshot: filepath.Join(out, "kpi.png"), Axe: true, Download: "#png", PDF: filepath.Join(out, "kpi.pdf")},
		{URL: base + "/kpis/egdi_score?lang=my", Screenshot: filepath.Join(out, "kpi-my.png"), Axe: true},
		{URL: base + "/kpis?lang=lo&owner=worldbank", Screenshot: filepath.Join(out, "kpis-lo.png"), Axe: true},
		{URL: base + "/kpis/egdi_score", JavaScript: &off},
	})
	if len(seen) != 5 {
		t.Fatalf("the browser saw %d pages", len(seen))
	}
	noAxeViolations(t, seen)
	for _, p := range seen {
		for _, r := range p.Requests {
			if !strings.HasPrefix(r, base) && !strings.HasPrefix(r, "data:") {
				t.Errorf("%s fetched %s: pages use no CDN", p.URL, r)
			}
		}
	}
	cards, one, burmese, lao, noJS := seen[0], seen[1], seen[2], seen[3], seen[4]
	for _, k := range list.KPIs {
		if !strings.Contains(cards.HTML, `data-id="`+k.ID+`"`) || !strings.Contains(cards.HTML, html.EscapeString(k.StatusText)) {
			t.Errorf("/kpis lacks %s or its status %q", k.ID, k.StatusText)
		}
	}
	if n := strings.Count(cards.HTML, `<svg class="spark"`); n != len(list.KPIs) {
		t.Errorf("%d sparklines on %d cards", n, len(list.KPIs))
	}
	if len(one.Chart) != 1 || one.Chart[0].CanvasPainted < 5000 || one.Chart[0].Height < 300 {
		t.Errorf("the chart is not drawn: %+v", one.Chart)
	}
	for _, id := range []string{`id="figures"`, `id="dimensions"`, `id="status"`, `id="sources"`} {
		if !strings.Contains(one.HTML, id) || !strings.Contains(noJS.HTML, id) {
			t.Errorf("%s is missing (with or without JavaScript)", id)
		}
	}
	if table(noJS.HTML, "figures") != table(one.HTML, "figures") || strings.Count(table(one.HTML, "figures"), "<td") < 20 || !strings.Contains(noJS.HTML, "Target: 0.750 by 2030") {
		t.Error("without JavaScript the page lacks figures")
	}
	if one.Download == nil || one.Download.Name != "egdi_score.png" {
		t.Errorf("PNG download: %+v", one.Download)
	} else if b, err := os.ReadFile(one.Download.Path); err != nil || len(b) < 5000 || string(b[1:4]) != "PNG" {
		t.Errorf("the downloaded chart is not a PNG (%d bytes, %v)", len(b), err)
	}
	pdf, err := os.ReadFile(filepath.Join(out, "kpi.pdf"))
	if n := len(regexp.MustCompile(`/Type\s*/Page[^s]`).FindAll(pdf, -1)); err != nil || n != 1 {
		t.Errorf("printed, the KPI takes %d A4 pages (%v), want 1", n, err)
	}
	if !strings.Contains(burmese.HTML, `<html lang="my"`) || !strings.Contains(burmese.HTML, "အီလက်ထရောနစ်အစိုးရ") || !strings.Contains(burmese.HTML, "ပစ်မှတ်") {
		t.Error("the Burmese page is not in Burmese")
	}
	if !strings.Contains(lao.HTML, "ຕົວຊີ້ວັດຜົນງານຫຼັກ") || !strings.Contains(lao.HTML, "ຜູ້ໃຊ້ອິນເຕີເນັດ") || strings.Contains(lao.HTML, `data-id="egdi_score"`) || !strings.Contains(lao.HTML, `data-id="internet_users"`) {
		t.Error("the Lao page, filtered to one owner, is wrong")
	}
	for _, name := range []string{"kpis.png", "kpi.png", "kpi-my.png", "kpis-lo.png"} {
		if st, err := os.Stat(filepath.Join(out, name)); err != nil || st.Size() < 10000 {
			t.Errorf("screenshot %s: %v", name, err)
		}
	}
}

// table returns the HTML of the table with the id, or "".
func table(page, id string) string {
	i := strings.Index(page, `<table id="`+id+`"`)
	if i < 0 {
		return ""
	}
	j := strings.Index(page[i:], "</table>")
	return page[i : i+j]
}
