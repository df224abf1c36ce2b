package main

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// kpi_values holds every KPI's series for analysts' SQL: the figures are
// the CSV's, the status is each dimension's own (Myanmar against its own
// target), and sources name the exact version tables.
func TestKPIValuesTable(t *testing.T) {
	base := bundledCatalog(t)
	var res struct {
		Rows [][]any
	}
	getJSON(t, "GET", base+"/api/v1/query?sql="+urlQuery(
		`SELECT dimension, value, status, sources FROM kpi_values WHERE kpi = 'egdi_score' AND period = '2018' ORDER BY dimension`), "", 200, &res)
	y2018 := egdiFromCSV(t, "2018")
	var one struct {
		Dimensions []struct {
			Dimension, Status string
			Target            struct{ Value float64 }
		}
		Series []struct{ Period, Dimension string }
	}
	getJSON(t, "GET", base+"/api/v1/kpis/egdi_score", "", 200, &one)
	status := map[string]string{}
	target := map[string]float64{}
	for _, d := range one.Dimensions {
		status[d.Dimension], target[d.Dimension] = d.Status, d.Target.Value
	}
	// Myanmar is measured against its own target, the others against the one for all.
	if target["MMR"] != 0.6 || target["VNM"] != 0.75 || target["ASEAN"] != 0.75 {
		t.Errorf("dimension targets %v", target)
	}
	if len(res.Rows) != 4 {
		t.Fatalf("egdi_score 2018 rows: %v", res.Rows)
	}
	for _, r := range res.Rows[1:] { // ASEAN first, then LAO, MMR, VNM
		dim := r[0].(string)
		if r[1].(float64) != y2018[dim] || r[2] != status[dim] || fmt.Sprint(r[3]) != "[egdi__v1]" {
			t.Errorf("kpi_values %v; want %v %s [egdi__v1]", r, y2018[dim], status[dim])
		}
	}

	// One row per figure of every KPI's series.
	var count struct{ Rows [][]any }
	getJSON(t, "GET", base+"/api/v1/query?sql="+urlQuery(`SELECT kpi, count(*) AS n FROM kpi_values GROUP BY kpi ORDER BY kpi`), "", 200, &count)
	for _, r := range count.Rows {
		var k struct{ Series []struct{ Period string } }
		getJSON(t, "GET", base+"/api/v1/kpis/"+r[0].(string), "", 200, &k)
		if int(r[1].(float64)) != len(k.Series) {
			t.Errorf("kpi_values has %v rows of %s; its series has %d", r[1], r[0], len(k.Series))
		}
	}
	if len(count.Rows) < 4 {
		t.Errorf("kpi_values covers %d KPIs", len(count.Rows))
	}

	// It cannot be changed by a query.
	var e struct{ Error struct{ Message string } }
	getJSON(t, "GET", base+"/api/v1/query?sql="+urlQuery(`DELETE FROM kpi_values`), "", 400, &e)
	if !strings.Contains(e.Error.Message, "only SELECT") {
		t.Errorf("DELETE: %q", e.Error.Message)
	}
}

// A KPI may not read kpi_values (it would read itself).
func TestKPIReadingKPIValues(t *testing.T) {
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "loop.yaml"), []byte("id: loop\ntitle: Loop\nsql: SELECT period, value FROM kpi_values\n"), 0o644)
	base := startCatalog(t, bundled.storeOr(t), "-kpis", dir)
	var k kpiJSON
	getJSON(t, "GET", base+"/api/v1/kpis/loop", "", 200, &k)
	if want := "KPI loop: the SQL reads kpi_values, the table of KPI figures; a KPI reads datasets only"; k.Status != "error" || k.Error != want {
		t.Errorf("%s %q", k.Status, k.Error)
	}
}

// ?owner=, ?status= and ?q= pick KPIs from the list, as the page's filter
// does.
func TestKPIListFilter(t *testing.T) {
	base := bundledCatalog(t)
	var all struct{ KPIs []kpiJSON }
	getJSON(t, "GET", base+"/api/v1/kpis", "", 200, &all)
	ids := func(query string) string {
		var l struct{ KPIs []kpiJSON }
		getJSON(t, "GET", base+"/api/v1/kpis?"+query, "", 200, &l)
		var s []string
		for _, k := range l.KPIs {
			s = append(s, k.ID)
		}
		return strings.Join(s, ",")
	}
	achieved := []string{}
	for _, k := range all.KPIs {
		if k.Status == "achieved" {
			achieved = append(achieved, k.ID)
		}
	}
	for query, want := range map[string]string{
		"owner=undesa":               "egdi_score,vnm_egdi_rank_asean",
		"q=gdp+capita":               "gdp_per_capita,gdp_per_capita_growth",
		"owner=undesa&q=rank":        "vnm_egdi_rank_asean",
		"status=achieved":            strings.Join(achieved, ","),
		"owner=nobody":               "",
		"owner=worldbank&q=internet": "internet_users",
	} {
		if got := ids(query); got != want {
			t.Errorf("?%s: %s, want %s", query, got, want)
		}
	}
	if len(achieved) == 0 {
		t.Error("no demo KPI is achieved; the status filter is not exercised")
	}
}
