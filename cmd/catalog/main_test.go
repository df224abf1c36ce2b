package main

import (
	"context"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"math"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"govlake/internal/file"
	"govlake/internal/govlake"
	"govlake/internal/wire"
	"govlake/internal/yaml"
)

// ingestDir runs every pipeline of dir into the store, as cmd/ingest does.
func ingestDir(t testing.TB, store govlake.Store, dir string) {
	t.Helper()
	ps, err := yaml.LoadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	r := wire.NewRunner(store, discard)
	for _, p := range ps {
		if run := r.Run(context.Background(), p); run.Failed() {
			t.Fatalf("ingest %s: %s", p.Dataset, run.Error)
		}
	}
}

var discard = slog.New(slog.NewTextHandler(io.Discard, nil))

// startCatalog serves the store on a free port until the test ends.
func startCatalog(t *testing.T, storeDir string, args ...string) string {
	t.Helper()
	return startCatalogArgs(t, append([]string{"-store", storeDir}, args...))
}

func startCatalogArgs(t *testing.T, args []string) string {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	ready := make(chan string, 1)
	done := make(chan int, 1)
	go func() {
		done <- Main(ctx, append(append([]string{"-addr", "127.0.0.1:0", "-refresh", "0", "-cache", t.TempDir()}, noClientLimits...), args...), io.Discard, io.Discard, ready)
	}()
	select {
	case addr := <-ready:
		t.Cleanup(func() { cancel(); <-done })
		return "http://" + addr
	case code := <-done:
		t.Fatalf("catalog exited with %d", code)
	case <-time.After(30 * time.Second):
		t.Fatal("catalog did not start")
	}
	return ""
}

// noClientLimits lifts the per-address rate limits: every test client is
// 127.0.0.1, sending as fast as it can. The limit tests set their own
// (a later flag wins).
var noClientLimits = []string{"-ip-query-rate", "0", "-ip-page-rate", "0", "-ip-write-rate", "0"}

var bundled bundledStore

// bundledCatalog ingests the shipped pipelines once and serves them.
func bundledCatalog(t *testing.T) string {
	if bundled.url != "" {
		return bundled.url
	}
	dir, err := os.MkdirTemp("", "govlake-catalog-test-")
	if err != nil {
		t.Fatal(err)
	}
	store, err := file.NewStore(dir)
	if err != nil {
		t.Fatal(err)
	}
	ingestDir(t, store, "../../pipelines")
	ctx := context.Background()
	ready := make(chan string, 1)
	go Main(ctx, append([]string{"-store", dir, "-addr", "127.0.0.1:0", "-queries", "../../queries", "-kpis", "../../kpis", "-organizations", "../../organizations"}, noClientLimits...), io.Discard, io.Discard, ready)
	bundled.store, bundled.url = dir, "http://"+<-ready
	return bundled.url
}

// storeOr returns the bundled store, ingesting it first if needed.
func (b *bundledStore) storeOr(t *testing.T) string {
	bundledCatalog(t)
	return b.store
}

type bundledStore struct {
	store, url string
}

func TestMain(m *testing.M) {
	if args := os.Getenv("GOVLAKE_TEST_CATALOG"); args != "" {
		os.Exit(runChild(args))
	}
	code := m.Run()
	if bundled.store != "" {
		os.RemoveAll(bundled.store)
	}
	os.Exit(code)
}

func getJSON(t *testing.T, method, u, body string, wantStatus int, v any) {
	t.Helper()
	req, _ := http.NewRequest(method, u, strings.NewReader(body))
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != wantStatus {
		t.Fatalf("%s %s: status %d, want %d: %s", method, u, resp.StatusCode, wantStatus, b)
	}
	if ct := resp.Header.Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
		t.Errorf("content type %q", ct)
	}
	if err := json.Unmarshal(b, v); err != nil {
		t.Fatalf("%s: %v: %s", u, err, b)
	}
}

type queryResult struct {
	Columns   []struct{ Name, Type string }
	Rows      [][]any
	Truncated bool
}

func sqlQuery(t *testing.T, base, sql string) queryResult {
	t.Helper()
	var res queryResult
	body, _ := json.Marshal(map[string]string{"sql": sql})
	getJSON(t, "POST", base+"/api/v1/query", string(body), 200, &res)
	return res
}

// readCSV reads a source file independently of govlake, as the oracle.
func readCSV(t *testing.T, path string) []map[string]string {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	recs, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	var out []map[string]string
	for _, r := range recs[1:] {
		m := map[string]string{}
		for i, h := range recs[0] {
			m[strings.TrimPrefix(h, "\ufeff")] = r[i]
		}
		out = append(out, m)
	}
	return out
}

func TestDatasetsAPI(t *testing.T) {
	base := bundledCatalog(t)
	var list struct {
		Datasets []struct {
			ID, Title, Organization string
			Version                 int
			Rows                    int64
			Updated                 time.Time
		}
	}
	getJSON(t, "GET", base+"/api/v1/datasets", "", 200, &list)
	got := map[string]int64{}
	for _, d := range list.Datasets {
		got[d.ID] = d.Rows
		if d.Version != 1 || d.Title == "" || d.Updated.IsZero() {
			t.Errorf("dataset %+v", d)
		}
	}
	want := map[string]int64{"population": 17195, "gdp": 13979, "country_codes": 249, "country_groups": 265, "egdi": 965,
		"internet_users": 8320, "retail_prices": 829}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("datasets %v, want %v", got, want)
	}
	checkDatasetPages(t, base, list.Datasets)

	var d struct {
		ID, Title, License string
		Columns            []govlake.Column
		Versions           []struct{ Version int }
		Runs               []govlake.Run
		Schema             map[string]any
		Tables             struct{ Latest, Version, Rejected string }
	}
	getJSON(t, "GET", base+"/api/v1/datasets/population", "", 200, &d)
	if d.License != "ODC-PDDL-1.0" || len(d.Columns) != 4 || d.Columns[2].Name != "Year" || d.Columns[2].Type != "int64" ||
		len(d.Versions) != 1 || len(d.Runs) != 1 || d.Runs[0].Status != "succeeded" || d.Schema["type"] != "object" || d.Tables.Rejected != "population__rejected" {
		t.Errorf("detail %+v", d)
	}
	var v struct {
		Version int
		Rows    govlake.RowCounts
		Report  struct {
			RejectedTable string `json:"rejected_table"`
			Rejections    []govlake.Rejection
		}
	}
	getJSON(t, "GET", base+"/api/v1/datasets/population/versions/1", "", 200, &v)
	if v.Version != 1 || v.Rows.Valid != 17195 || v.Report.RejectedTable != "population__v1__rejected" {
		t.Errorf("version %+v", v)
	}
}

func TestQueryFigures(t *testing.T) {
	checkFigures(t, bundledCatalog(t))
}

// checkFigures asserts figures of the bundled datasets, computed here from
// the source CSV files, through the API of a catalogue at base.
func checkFigures(t *testing.T, base string) {
	t.Helper()
	// One country's population in one year, as in the source file.
	var want int64
	for _, r := range readCSV(t, "../../datasets/worldbank/population.csv") {
		if r["Country Code"] == "MMR" && r["Year"] == "2014" {
			want, _ = strconv.ParseInt(r["Value"], 10, 64)
		}
	}
	res := sqlQuery(t, base, `SELECT "Value" FROM population WHERE "Country Code" = 'MMR' AND "Year" = 2014`)
	if len(res.Rows) != 1 || res.Rows[0][0] != float64(want) || want != 50681634 {
		t.Errorf("Myanmar 2014: %v, want %d", res.Rows, want)
	}
	if res.Columns[0].Name != "Value" || res.Columns[0].Type != "BIGINT" {
		t.Errorf("columns %+v", res.Columns)
	}

	// GDP joined with country codes, summed by UN region, against the sums
	// computed here from the two CSV files.
	region := map[string]string{}
	for _, r := range readCSV(t, "../../datasets/worldbank/country-codes.csv") {
		region[r["ISO3166-1-Alpha-3"]] = r["Region Name"]
	}
	sums := map[string]float64{}
	counts := map[string]int{}
	for _, r := range readCSV(t, "../../datasets/worldbank/gdp.csv") {
		if rg, ok := region[r["Country Code"]]; ok && rg != "" && r["Year"] == "2020" {
			v, _ := strconv.ParseFloat(r["Value"], 64)
			sums[rg] += v
			counts[rg]++
		}
	}
	res = sqlQuery(t, base, `SELECT c."Region Name" AS region, count(*) AS n, sum(g."Value") AS gdp
		FROM gdp g JOIN country_codes c ON c."ISO3166-1-Alpha-3" = g."Country Code"
		WHERE g."Year" = 2020 AND c."Region Name" IS NOT NULL GROUP BY 1 ORDER BY 1`)
	if len(res.Rows) != len(sums) || len(sums) != 5 {
		t.Fatalf("regions %v, want %v", res.Rows, sums)
	}
	for _, row := range res.Rows {
		rg := row[0].(string)
		if int(row[1].(float64)) != counts[rg] || math.Abs(row[2].(float64)-sums[rg]) > 1e-6*sums[rg] {
			t.Errorf("%s: %v countries, %v; want %d, %v", rg, row[1], row[2], counts[rg], sums[rg])
		}
	}

	// Population by World Bank income group (the other join of the issue).
	income := map[string]string{}
	for _, r := range readCSV(t, "../../datasets/worldbank/internet-users-country-metadata.csv") {
		income[r["Country Code"]] = r["IncomeGroup"]
	}
	var lowIncome int64
	for _, r := range readCSV(t, "../../datasets/worldbank/population.csv") {
		if income[r["Country Code"]] == "Low income" && r["Year"] == "2020" {
			v, _ := strconv.ParseInt(r["Value"], 10, 64)
			lowIncome += v
		}
	}
	res = sqlQuery(t, base, `SELECT sum(p."Value") FROM population p JOIN country_groups g USING ("Country Code")
		WHERE g."IncomeGroup" = 'Low income' AND p."Year" = 2020`)
	if res.Rows[0][0] != float64(lowIncome) || lowIncome == 0 {
		t.Errorf("low-income population 2020: %v, want %d", res.Rows[0][0], lowIncome)
	}

	// EGDI across survey years in one table.
	res = sqlQuery(t, base, `SELECT year, count(*) FROM egdi GROUP BY year ORDER BY year`)
	if fmt.Sprint(res.Rows) != "[[2010 193] [2012 193] [2014 193] [2016 193] [2018 193]]" {
		t.Errorf("egdi by year %v", res.Rows)
	}
}

func TestQueryCSVAndLimits(t *testing.T) {
	base := bundledCatalog(t)
	resp, err := http.Get(base + "/api/v1/query?format=csv&sql=" + url.QueryEscape(`SELECT "Country Name", "Year", "Value" FROM population WHERE "Country Code" = 'MMR' ORDER BY "Year"`))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	recs, err := csv.NewReader(resp.Body).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if resp.StatusCode != 200 || !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/csv") {
		t.Fatalf("status %d type %s", resp.StatusCode, resp.Header.Get("Content-Type"))
	}
	if len(recs) != 66 || strings.Join(recs[0], ",") != "Country Name,Year,Value" || strings.Join(recs[55], ",") != "Myanmar,2014,50681634" {
		t.Errorf("csv: %d records, header %v, row 55 %v", len(recs), recs[0], recs[55])
	}
	// JSON results are capped with a flag saying so.
	var res queryResult
	getJSON(t, "GET", base+"/api/v1/query?limit=10&sql="+url.QueryEscape("SELECT * FROM population"), "", 200, &res)
	if len(res.Rows) != 10 || !res.Truncated {
		t.Errorf("%d rows, truncated %v", len(res.Rows), res.Truncated)
	}
}

func TestErrors(t *testing.T) {
	base := bundledCatalog(t)
	q := func(sql string) string { return base + "/api/v1/query?sql=" + url.QueryEscape(sql) }
	tests := []struct {
		method, url, body string
		status            int
		code, message     string
	}{
		{"GET", q("SELEC 1"), "", 400, "invalid", "syntax error"},
		{"GET", q("SELECT * FROM nosuch"), "", 404, "not_found", "no dataset or table named nosuch"},
		{"GET", q("DROP VIEW population"), "", 400, "invalid", "only SELECT queries are allowed"},
		{"GET", q("SELECT * FROM read_csv('/etc/passwd')"), "", 400, "invalid", ""},
		{"GET", q("SELECT 1; SELECT 2"), "", 400, "invalid", "one SQL statement at a time"},
		{"GET", q("SELECT 1") + "&format=xml", "", 400, "invalid", `format "xml" is not supported`},
		{"GET", base + "/api/v1/query", "", 400, "invalid", "no SQL given"},
		{"POST", base + "/api/v1/query", `{"sql": 1}`, 400, "invalid", "the body must be JSON"},
		{"POST", base + "/api/v1/query", `{"sql": "SELECT 1", "bogus": true}`, 400, "invalid", "unknown field"},
		{"GET", base + "/api/v1/datasets/nosuch", "", 404, "not_found", `no dataset "nosuch"`},
		{"GET", base + "/api/v1/datasets/population/versions/9", "", 404, "not_found", "has no version 9"},
		{"GET", base + "/api/v1/datasets/population/versions/x", "", 400, "invalid", "positive whole number"},
		{"GET", base + "/api/v1/nothing", "", 404, "not_found", "no page"},
	}
	for _, tt := range tests {
		t.Run(tt.method+" "+tt.url, func(t *testing.T) {
			var e struct {
				Error struct{ Code, Message string }
			}
			getJSON(t, tt.method, tt.url, tt.body, tt.status, &e)
			if e.Error.Code != tt.code || !strings.Contains(e.Error.Message, tt.message) {
				t.Errorf("error %+v, want %s %q", e.Error, tt.code, tt.message)
			}
		})
	}
}

// Versions through SQL: the latest under the id, older ones as id__vN, and
// rejected rows as id__rejected.
func TestVersionsAndRejectedRowsThroughSQL(t *testing.T) {
	storeDir := t.TempDir()
	store, _ := file.NewStore(storeDir)
	pdir := t.TempDir()
	write := writer(t, pdir)
	write("s.json", `{"type":"object","required":["id"],"properties":{"id":{"type":"integer"},"v":{"type":"number","minimum":0}}}`)
	write("m.yaml", "dataset: measures\ntitle: Measures\nlicense: CC-BY-4.0\nsource: {url: d.csv}\nschema: s.json\nmax_invalid_ratio: 0.5\n")
	write("d.csv", "id,v\n1,1.5\n2,2.5\n")
	ingestDir(t, store, pdir)
	write("d.csv", "id,v\n1,1.5\n2,2.5\n3,-1\nx,4\n5,5\n")
	ingestDir(t, store, pdir)
	base := startCatalog(t, storeDir)
	res := sqlQuery(t, base, `SELECT (SELECT count(*) FROM measures), (SELECT sum(v) FROM measures__v1), (SELECT count(*) FROM measures__v2),
		(SELECT string_agg("row" || ':' || keyword, ',' ORDER BY "row") FROM measures__rejected), (SELECT count(*) FROM measures__v1__rejected)`)
	if fmt.Sprint(res.Rows[0]) != "[3 4 3 4:minimum,5:type 0]" {
		t.Errorf("got %v", res.Rows[0])
	}
	var d struct {
		Versions []struct {
			Version int
			Rows    govlake.RowCounts
		}
		Runs []govlake.Run
	}
	getJSON(t, "GET", base+"/api/v1/datasets/measures", "", 200, &d)
	if len(d.Versions) != 2 || d.Versions[0].Version != 2 || d.Versions[0].Rows.Rejected != 2 || len(d.Runs) != 2 {
		t.Errorf("detail %+v", d)
	}
	// The versions a page at a time: version 2, then version 1.
	for i, want := range []struct{ version, offset int }{{2, 0}, {1, 1}} {
		var vl struct {
			Versions      []struct{ Version int }
			Total, Offset int
			Next          string
		}
		getJSON(t, "GET", base+fmt.Sprintf("/api/v1/datasets/measures/versions?limit=1&offset=%d", i), "", 200, &vl)
		wantNext := map[int]string{0: "/api/v1/datasets/measures/versions?limit=1&offset=1", 1: ""}[i]
		if len(vl.Versions) != 1 || vl.Versions[0].Version != want.version || vl.Total != 2 || vl.Offset != want.offset || vl.Next != wantNext {
			t.Errorf("versions page %d: %+v", i, vl)
		}
	}
	var e struct {
		Error struct{ Code, Message string }
	}
	getJSON(t, "GET", base+"/api/v1/datasets/nope/versions", "", 404, &e)
	// The dataset page shows the rejected counts of versions and runs.
	resp, err := http.Get(base + "/datasets/measures")
	if err != nil {
		t.Fatal(err)
	}
	page, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if n := strings.Count(string(page), `<td class="n bad">2</td>`); n != 2 {
		t.Errorf("dataset page shows the 2 rejected rows %d times, want twice (version and run)", n)
	}
	var v struct {
		Report struct {
			Rejections []govlake.Rejection
			Errors     []map[string]any
		}
	}
	getJSON(t, "GET", base+"/api/v1/datasets/measures/versions/2", "", 200, &v)
	if e := v.Report.Errors; len(e) != 2 || e[0]["type"] != "constraint-error" || e[0]["rowNumber"] != float64(4) || e[0]["fieldName"] != "v" ||
		e[0]["cell"] != "-1" || e[1]["type"] != "type-error" || e[1]["constraint"] != "type" {
		t.Errorf("frictionless errors %v", e)
	}
	rj := v.Report.Rejections
	if len(rj) != 2 || rj[0].Row != 4 || rj[0].Column != "v" || rj[0].Value != "-1" || rj[1].Row != 5 || rj[1].Keyword != "type" {
		t.Errorf("report %+v", rj)
	}
}

func TestPages(t *testing.T) {
	base := bundledCatalog(t)
	get := func(path string, status int) string {
		resp, err := http.Get(base + path)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		if resp.StatusCode != status || !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/html") {
			t.Fatalf("%s: %d %s", path, resp.StatusCode, resp.Header.Get("Content-Type"))
		}
		return string(b)
	}
	index := get("/", 200)
	for _, w := range []string{`href="/datasets/population"`, "Population, total", "17,195", "worldbank", "UN E-Government Development Index"} {
		if !strings.Contains(index, w) {
			t.Errorf("index lacks %q", w)
		}
	}
	page := get("/datasets/population", 200)
	for _, w := range []string{"ODC-PDDL-1.0", "<code>Country Code</code></td><td>World Bank three-letter code (ISO 3166-1 alpha-3 for countries)</td><td>string</td><td>no</td><td><code>required</code> <code>pattern</code> ^[A-Z0-9]{3}$<br></td>",
		"<code>Year</code></td><td></td><td>int64</td><td>no</td><td><code>required</code> <code>minimum</code> 1960<br><code>maximum</code> 2100<br></td>", "Aruba", "succeeded", "population__rejected"} {
		if !strings.Contains(page, w) {
			t.Errorf("dataset page lacks %q", w)
		}
	}
	preview := page[strings.Index(page, `id="preview"`):]
	preview = preview[:strings.Index(preview, "</table>")]
	if n := strings.Count(preview, "<tr>"); n != 21 { // header and 20 rows
		t.Errorf("preview has %d rows, want 20 and a header", n-1)
	}
	if q := get("/query?sql="+url.QueryEscape("SELECT count(*) AS n FROM gdp"), 200); !strings.Contains(q, "<td>13,979</td>") {
		t.Errorf("query page lacks the count")
	}
	if q := get("/query?sql="+url.QueryEscape("SELECT * FROM nope"), 200); !strings.Contains(q, "no dataset or table named nope") {
		t.Errorf("query page lacks the error")
	}
	if p := get("/datasets/nope", 404); !strings.Contains(p, `no dataset &#34;nope&#34;`) {
		t.Errorf("404 page: %s", p)
	}
	get("/datasets/population/versions/1", 200)
}

// A damaged file takes out its own version, not the catalogue.
func TestDamagedVersion(t *testing.T) {
	storeDir := t.TempDir()
	store, _ := file.NewStore(storeDir)
	pdir := t.TempDir()
	for name, body := range map[string]string{
		"s.json": `{"type":"object","properties":{"id":{"type":"integer"}}}`,
		"a.yaml": "dataset: a\ntitle: A\nsource: {url: a.csv}\nschema: s.json\n",
		"b.yaml": "dataset: b\ntitle: B\nsource: {url: b.csv}\nschema: s.json\n",
		"a.csv":  "id\n1\n2\n",
		"b.csv":  "id\n7\n",
	} {
		os.WriteFile(filepath.Join(pdir, name), []byte(body), 0o644)
	}
	ingestDir(t, store, pdir)
	m, err := govlake.LatestManifest(context.Background(), store, "a")
	if err != nil {
		t.Fatal(err)
	}
	p, _ := store.LocalPath(context.Background(), m.Files[0].Key)
	if err := os.WriteFile(p, []byte("not parquet"), 0o644); err != nil {
		t.Fatal(err)
	}
	base := startCatalog(t, storeDir)
	if res := sqlQuery(t, base, "SELECT sum(id) FROM b"); res.Rows[0][0] != float64(7) {
		t.Errorf("b: %v", res.Rows)
	}
	var e struct {
		Error struct{ Code, Message string }
	}
	getJSON(t, "GET", base+"/api/v1/query?sql=SELECT+*+FROM+a", "", 500, &e)
	if e.Error.Code != "internal" || !strings.Contains(e.Error.Message, "the store may be damaged") || strings.Contains(e.Error.Message, storeDir) {
		t.Errorf("damaged table error %+v", e.Error)
	}
	var list struct{ Datasets []struct{ ID string } }
	getJSON(t, "GET", base+"/api/v1/datasets", "", 200, &list)
	if len(list.Datasets) != 2 {
		t.Errorf("datasets %v", list.Datasets)
	}
}

// Run history through the API and the dataset page.
func TestRunHistory(t *testing.T) {
	storeDir := t.TempDir()
	store, _ := file.NewStore(storeDir)
	pdir := t.TempDir()
	write := func(name, body string) { os.WriteFile(filepath.Join(pdir, name), []byte(body), 0o644) }
	write("s.json", `{"type":"object","required":["id"],"properties":{"id":{"type":"integer"}}}`)
	write("h.yaml", "dataset: hist\ntitle: History\nsource: {url: d.csv}\nschema: s.json\non_invalid: reject\n")
	write("d.csv", "id\n1\n2\n")
	ingestDir(t, store, pdir)
	write("d.csv", "id\n1\nx\n")
	ps, _ := yaml.LoadDir(pdir)
	if run := wire.NewRunner(store, discard).Run(context.Background(), ps[0]); run.Status != "rejected" {
		t.Fatalf("second run %+v", run)
	}
	base := startCatalog(t, storeDir)
	var runs struct{ Runs []govlake.Run }
	getJSON(t, "GET", base+"/api/v1/runs?dataset=hist", "", 200, &runs)
	if len(runs.Runs) != 2 || runs.Runs[0].Status != "rejected" || runs.Runs[1].Status != "succeeded" || runs.Runs[0].Rows.Rejected != 1 ||
		!strings.Contains(runs.Runs[0].Error, "on_invalid") || runs.Runs[1].Duration() <= 0 {
		t.Fatalf("runs %+v", runs.Runs)
	}
	var paged struct {
		Runs   []govlake.Run
		Offset int
		Next   string
	}
	getJSON(t, "GET", base+"/api/v1/runs?limit=1", "", 200, &paged)
	if len(paged.Runs) != 1 || paged.Runs[0].Status != "rejected" || paged.Next != "/api/v1/runs?limit=1&offset=1" {
		t.Errorf("all runs, limit 1: %+v", paged)
	}
	next := paged.Next
	paged.Next = ""
	getJSON(t, "GET", base+next, "", 200, &paged)
	if len(paged.Runs) != 1 || paged.Runs[0].Status != "succeeded" || paged.Offset != 1 || paged.Next != "" {
		t.Errorf("the second page: %+v", paged)
	}
	var e struct{ Error struct{ Code string } }
	getJSON(t, "GET", base+"/api/v1/runs?limit=0", "", 400, &e)
	var detail struct {
		LastSuccess *govlake.Run `json:"last_success"`
		LastFailure *govlake.Run `json:"last_failure"`
	}
	getJSON(t, "GET", base+"/api/v1/datasets/hist", "", 200, &detail)
	if detail.LastSuccess == nil || detail.LastSuccess.Version != 1 || detail.LastFailure == nil || detail.LastFailure.Status != "rejected" {
		t.Fatalf("detail %+v", detail)
	}
	resp, _ := http.Get(base + "/datasets/hist")
	page, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if !regexp.MustCompile(`id="last-success">[^<]+, version 1, 2 rows`).Match(page) || !regexp.MustCompile(`id="last-failure"><span class="bad">[^<]+, rejected</span>: 1 of 2 rows are invalid`).Match(page) {
		t.Errorf("page lacks last success/failure:\n%s", page)
	}
}

// A dataset as it stood at a date: the version current at the end of that day.
func TestAsOfDate(t *testing.T) {
	storeDir := t.TempDir()
	store, _ := file.NewStore(storeDir)
	pdir := t.TempDir()
	write := func(name, body string) { os.WriteFile(filepath.Join(pdir, name), []byte(body), 0o644) }
	write("s.json", `{"type":"object","properties":{"id":{"type":"integer"}}}`)
	write("d.yaml", "dataset: daily\ntitle: D\nsource: {url: d.csv}\nschema: s.json\n")
	ps := func() *govlake.Pipeline { p, _ := yaml.LoadDir(pdir); return p[0] }
	for i, day := range []string{"2024-01-10", "2024-02-20", "2024-03-30"} {
		write("d.csv", "id\n"+strings.Repeat("1\n", i+1))
		r := wire.NewRunner(store, discard)
		at, _ := time.Parse(time.DateOnly, day)
		r.Now = func() time.Time { return at.Add(9 * time.Hour) }
		if run := r.Run(context.Background(), ps()); run.Status != "succeeded" {
			t.Fatal(run.Error)
		}
	}
	base := startCatalog(t, storeDir)
	res := sqlQuery(t, base, `SELECT (SELECT count(*) FROM daily__asof_20240110), (SELECT count(*) FROM daily__asof_20240219),
		(SELECT count(*) FROM daily__asof_20240220), (SELECT count(*) FROM daily__asof_20991231), (SELECT count(*) FROM daily)`)
	if fmt.Sprint(res.Rows[0]) != "[1 1 2 3 3]" {
		t.Errorf("as of: %v", res.Rows[0])
	}
	var e struct {
		Error struct{ Code, Message string }
	}
	getJSON(t, "GET", base+"/api/v1/query?sql="+url.QueryEscape("SELECT * FROM daily__asof_20231231"), "", 404, &e)
	if !strings.Contains(e.Error.Message, "dataset daily had no version yet on 2023-12-31 (its first is of 2024-01-10)") {
		t.Errorf("before the first version: %+v", e.Error)
	}
}

// writer writes files into dir, failing the test when it cannot.
func writer(t *testing.T, dir string) func(name, body string) {
	return func(name, body string) {
		t.Helper()
		if err := os.WriteFile(filepath.Join(dir, name), []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// checkDatasetPages walks /api/v1/datasets three at a time by its next
// links: the pages hold the whole list in order, with its total, and the
// last has no next; a limit past 1,000 or an offset past the end is 400.
func checkDatasetPages(t *testing.T, base string, whole []struct {
	ID, Title, Organization string
	Version                 int
	Rows                    int64
	Updated                 time.Time
}) {
	t.Helper()
	var ids []string
	pages := 0
	for next := "/api/v1/datasets?limit=3"; next != ""; pages++ {
		var page struct {
			Datasets      []struct{ ID string }
			Total, Offset int
			Next          string
		}
		getJSON(t, "GET", base+next, "", 200, &page)
		if page.Total != len(whole) || page.Offset != len(ids) || len(page.Datasets) > 3 {
			t.Fatalf("%s: total %d offset %d with %d datasets", next, page.Total, page.Offset, len(page.Datasets))
		}
		for _, d := range page.Datasets {
			ids = append(ids, d.ID)
		}
		next = page.Next
	}
	var want []string
	for _, d := range whole {
		want = append(want, d.ID)
	}
	if pages != 3 || strings.Join(ids, ",") != strings.Join(want, ",") {
		t.Errorf("%d pages of %v, want 3 of %v", pages, ids, want)
	}
	var e struct {
		Error struct{ Code, Message string }
	}
	getJSON(t, "GET", base+"/api/v1/datasets?limit=1001", "", 400, &e)
	if e.Error.Message != "limit 1001 must be from 1 to 1000" {
		t.Errorf("limit 1001: %s", e.Error.Message)
	}
	getJSON(t, "GET", base+"/api/v1/datasets?offset=8", "", 400, &e)
	if e.Error.Message != "offset 8 is past the 7 datasets" {
		t.Errorf("offset 8: %s", e.Error.Message)
	}
}
