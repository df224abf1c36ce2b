package main

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"
)

// shaclResult is what e2e/shacl.mjs says of one document.
type shaclResult struct {
	URL, ContentType string
	Status           int
	Body             string
	Triples          int
	Conforms         bool
	Violations       []map[string]string
	Canonical        string
}

// The official DCAT-AP 3.0.1 shapes: mandatory properties and ranges.
var dcatShapes = []string{"../../../shared/conformance/dcat-ap-3.0.1/shacl_dcat-ap-SHACL.ttl", "../../../shared/conformance/dcat-ap-3.0.1/shacl_ranges.ttl"}

// shacl reads each URL as a harvester would (n3, rdfxml-streaming-parser,
// jsonld), validates it with shacl-engine against the shapes, and
// canonicalizes it. A URL may end in " ACCEPT type" to negotiate.
func shacl(t *testing.T, urls ...string) []shaclResult {
	t.Helper()
	node := nodeWithPackages(t, "shacl-engine")
	for _, f := range dcatShapes {
		if _, err := os.Stat(f); err != nil {
			t.Fatalf("the SHACL shapes are missing: %v", err)
		}
	}
	root, _ := filepath.Abs("../..")
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, node, append([]string{filepath.Join(root, "e2e", "shacl.mjs"), strings.Join(dcatShapes, ",")}, urls...)...)
	out, err := cmd.Output()
	if err != nil {
		var stderr []byte
		if ee, ok := err.(*exec.ExitError); ok {
			stderr = ee.Stderr
		}
		t.Fatalf("e2e/shacl.mjs: %v\n%s", err, stderr)
	}
	var res struct{ Results []shaclResult }
	if err := json.Unmarshal(out, &res); err != nil {
		t.Fatalf("e2e/shacl.mjs answered %.300s: %v", out, err)
	}
	return res.Results
}

// objects are the objects of subject's predicate in canonical N-Quads.
func objects(nq, subject, predicate string) []string {
	var out []string
	prefix := subject + " <" + predicate + "> "
	for _, line := range strings.Split(nq, "\n") {
		if rest, ok := strings.CutPrefix(line, prefix); ok {
			out = append(out, strings.TrimSuffix(rest, " ."))
		}
	}
	return out
}

const (
	dcatNS = "http://www.w3.org/ns/dcat#"
	dctNS  = "http://purl.org/dc/terms/"
	spdxNS = "http://spdx.org/rdf/terms#"
	xsdNS  = "http://www.w3.org/2001/XMLSchema#"
	hydra  = "http://www.w3.org/ns/hydra/core#"
)

// Every bundled dataset, and the catalogue, in each of the three syntaxes
// and by Accept: zero violations of the DCAT-AP 3.0.1 shapes, and the same
// graph whatever the syntax.
func TestDCATConformsToSHACL(t *testing.T) {
	base := bundledCatalog(t)
	var list struct{ Datasets []struct{ ID string } }
	getJSON(t, "GET", base+"/api/v1/datasets", "", 200, &list)
	sums := list.Datasets
	if len(sums) != 7 {
		t.Fatalf("%d bundled datasets, want 7", len(sums))
	}
	urls := []string{base + "/catalog.ttl", base + "/catalog.rdf", base + "/catalog.jsonld", base + "/catalog ACCEPT text/turtle",
		base + "/datasets/population ACCEPT text/html;q=0.5, application/rdf+xml"}
	for _, s := range sums {
		for _, ext := range []string{"ttl", "rdf", "jsonld"} {
			urls = append(urls, base+"/datasets/"+s.ID+"."+ext)
		}
	}
	results := shacl(t, urls...)
	if len(results) != len(urls) {
		t.Fatalf("%d results for %d documents", len(results), len(urls))
	}
	byURL := map[string]shaclResult{}
	for _, r := range results {
		byURL[r.URL] = r
		if r.Status != 200 || !r.Conforms || len(r.Violations) != 0 || r.Triples < 20 {
			t.Errorf("%s: status %d, %d triples, conforms %v, violations %v %s", r.URL, r.Status, r.Triples, r.Conforms, r.Violations, r.Body)
		}
	}
	wantTypes := map[string]string{"/catalog.ttl": "text/turtle", "/catalog.rdf": "application/rdf+xml", "/catalog.jsonld": "application/ld+json",
		"/catalog ACCEPT text/turtle": "text/turtle", "/datasets/population ACCEPT text/html;q=0.5, application/rdf+xml": "application/rdf+xml"}
	for u, ct := range wantTypes {
		if got := byURL[base+u].ContentType; got != ct+"; charset=utf-8" {
			t.Errorf("%s: Content-Type %q, want %s", u, got, ct)
		}
	}
	// One graph in three syntaxes: the same canonical N-Quads (the page's
	// own address, in the Hydra paging, names its syntax).
	ttl := byURL[base+"/catalog.ttl"].Canonical
	for _, ext := range []string{"rdf", "jsonld"} {
		if got := strings.ReplaceAll(byURL[base+"/catalog."+ext].Canonical, "/catalog."+ext+"?", "/catalog.ttl?"); got != ttl {
			t.Errorf("catalog.%s says something else than catalog.ttl", ext)
		}
	}
	for _, s := range sums {
		a := byURL[base+"/datasets/"+s.ID+".ttl"].Canonical
		if a == "" || a != byURL[base+"/datasets/"+s.ID+".rdf"].Canonical || a != byURL[base+"/datasets/"+s.ID+".jsonld"].Canonical {
			t.Errorf("%s: the three syntaxes differ", s.ID)
		}
		if !strings.Contains(ttl, "<"+base+"/> <"+dcatNS+"dataset> <"+base+"/datasets/"+s.ID+"#dataset> .") {
			t.Errorf("the catalogue does not list %s", s.ID)
		}
	}
	checkPopulation(t, base, byURL[base+"/datasets/population.ttl"].Canonical)
}

// checkPopulation compares population's description with figures taken
// from the source file and the stored file themselves.
func checkPopulation(t *testing.T, base, nq string) {
	t.Helper()
	ds := "<" + base + "/datasets/population#dataset>"
	titles := objects(nq, ds, dctNS+"title")
	if len(titles) != 6 || !slices.Contains(titles, `"ประชากรทั้งหมด"@th`) || !slices.Contains(titles, `"Population, total"@en`) {
		t.Errorf("titles %v, want six languages", titles)
	}
	kw := objects(nq, ds, dcatNS+"keyword")
	for _, w := range []string{`"population"`, `"demography"`, `"ประชากร"@th`, `"လူဦးရေ"@my`, `"dân số"@vi`, `"ປະຊາກອນ"@lo`, `"ប្រជាជន"@km`} {
		if !slices.Contains(kw, w) {
			t.Errorf("keywords %v lack %s", kw, w)
		}
	}
	if got := objects(nq, ds, dctNS+"accrualPeriodicity"); !slices.Equal(got, []string{"<http://publications.europa.eu/resource/authority/frequency/ANNUAL>"}) {
		t.Errorf("frequency %v", got)
	}
	if got := objects(nq, ds, dcatNS+"theme"); !slices.Equal(got, []string{"<http://publications.europa.eu/resource/authority/data-theme/SOCI>"}) {
		t.Errorf("themes %v", got)
	}
	// Temporal coverage: the smallest and largest Year of the source.
	src, err := os.ReadFile("../../datasets/worldbank/population.csv")
	if err != nil {
		t.Fatal(err)
	}
	rows := sourceRows(t, "../../datasets/worldbank/population.csv")
	first, last := 9999, 0
	for _, row := range rows[1:] {
		y, _ := strconv.Atoi(row[2])
		first, last = min(first, y), max(last, y)
	}
	period := objects(nq, ds, dctNS+"temporal")
	if len(period) != 1 {
		t.Fatalf("temporal %v", period)
	}
	if got := objects(nq, period[0], dcatNS+"startDate"); !slices.Equal(got, []string{`"` + strconv.Itoa(first) + `"^^<` + xsdNS + `gYear>`}) {
		t.Errorf("start %v, want %d", got, first)
	}
	if got := objects(nq, period[0], dcatNS+"endDate"); !slices.Equal(got, []string{`"` + strconv.Itoa(last) + `"^^<` + xsdNS + `gYear>`}) {
		t.Errorf("end %v, want %d", got, last)
	}
	// The source and the stored Parquet: sizes and SHA-256 of the bytes.
	stored := getBody(t, base+"/api/v1/datasets/population/versions/1/files/0")
	for dist, body := range map[string][]byte{"/source": src, "/files/0": stored} {
		d := "<" + base + "/api/v1/datasets/population/versions/1" + dist + ">"
		if got := objects(nq, d, dcatNS+"byteSize"); !slices.Equal(got, []string{`"` + strconv.Itoa(len(body)) + `"^^<` + xsdNS + `nonNegativeInteger>`}) {
			t.Errorf("%s: byteSize %v, want %d", dist, got, len(body))
		}
		sum := sha256.Sum256(body)
		c := objects(nq, d, spdxNS+"checksum")
		if len(c) != 1 {
			t.Fatalf("%s: checksum %v", dist, c)
		}
		if got := objects(nq, c[0], spdxNS+"checksumValue"); !slices.Equal(got, []string{`"` + hex.EncodeToString(sum[:]) + `"^^<` + xsdNS + `hexBinary>`}) {
			t.Errorf("%s: checksum %v", dist, got)
		}
		if got := objects(nq, d, dctNS+"license"); !slices.Equal(got, []string{"<https://opendatacommons.org/licenses/pddl/1-0/>"}) {
			t.Errorf("%s: license %v", dist, got)
		}
	}
	if got := objects(nq, ds, dcatNS+"hasVersion"); !slices.Equal(got, []string{"<" + base + "/datasets/population/versions/1>"}) {
		t.Errorf("versions %v", got)
	}
	if got := len(objects(nq, ds, dcatNS+"distribution")); got != 2+5 {
		t.Errorf("%d distributions, want the source, one Parquet file and five formats", got)
	}
}

// Paged as ckanext-dcat pages: Hydra's links on each page, the datasets in
// id order, a page past the end is 404; the portal's publisher is its
// organisation.
func TestDCATPaging(t *testing.T) {
	store := bundled.storeOr(t)
	base := startCatalog(t, store, "-organizations", "../../organizations", "-dcat-page-size", "3", "-portal-publisher", "worldbank", "-portal-title", "Open data of the test ministry")
	var list struct{ Datasets []struct{ ID string } }
	getJSON(t, "GET", base+"/api/v1/datasets", "", 200, &list)
	var ids []string
	for _, s := range list.Datasets {
		ids = append(ids, s.ID)
	}
	slices.Sort(ids)
	res := shacl(t, base+"/catalog.ttl?page=2", base+"/catalog.ttl?page=3")
	for _, r := range res {
		if !r.Conforms || r.Status != 200 {
			t.Fatalf("%s: %d %v %s", r.URL, r.Status, r.Violations, r.Body)
		}
	}
	nq := res[0].Canonical
	page := "<" + base + "/catalog.ttl?page=2>"
	want := map[string]string{
		"totalItems": `"7"^^<` + xsdNS + `integer>`, "itemsPerPage": `"3"^^<` + xsdNS + `integer>`,
		"firstPage": `"` + base + `/catalog.ttl?page=1"`, "lastPage": `"` + base + `/catalog.ttl?page=3"`,
		"nextPage": `"` + base + `/catalog.ttl?page=3"`, "previousPage": `"` + base + `/catalog.ttl?page=1"`,
	}
	for p, v := range want {
		if got := objects(nq, page, hydra+p); !slices.Equal(got, []string{v}) {
			t.Errorf("hydra:%s %v, want %s", p, got, v)
		}
	}
	var listed []string
	for _, o := range objects(nq, "<"+base+"/>", dcatNS+"dataset") {
		listed = append(listed, strings.TrimSuffix(strings.TrimPrefix(o, "<"+base+"/datasets/"), "#dataset>"))
	}
	slices.Sort(listed)
	if !slices.Equal(listed, ids[3:6]) {
		t.Errorf("page 2 lists %v, want %v", listed, ids[3:6])
	}
	if got := objects(res[1].Canonical, "<"+base+"/catalog.ttl?page=3>", hydra+"nextPage"); len(got) != 0 {
		t.Errorf("the last page has a next page %v", got)
	}
	if got := objects(nq, "<"+base+"/>", dctNS+"publisher"); !slices.Equal(got, []string{"<" + base + "/organizations/worldbank>"}) {
		t.Errorf("publisher %v", got)
	}
	if got := objects(nq, "<"+base+"/>", dctNS+"title"); !slices.Equal(got, []string{`"Open data of the test ministry"@en`}) {
		t.Errorf("title %v", got)
	}
	for u, st := range map[string]int{"/catalog.ttl?page=4": 404, "/catalog.ttl?page=0": 400, "/catalog.rdf?page=x": 400} {
		if resp, body := do(t, "GET", base+u); resp.StatusCode != st {
			t.Errorf("%s: %d %s, want %d", u, resp.StatusCode, body, st)
		}
	}
}

// Texts a ministry writes (quotes, line breaks, markup, backslashes,
// Burmese) come out of the three syntaxes exactly as written, and a
// restricted dataset is in no one else's catalogue.
func TestDCATTextsAndRestricted(t *testing.T) {
	store := t.TempDir()
	moh := newToken(t, store, "moh", "publisher")
	base := startCatalog(t, store)
	desc := "Weekly \"dengue\" cases\nby township <b>&</b> C:\\data\\cases.csv – ကျန်းမာရေး"
	def, _ := json.Marshal(map[string]any{"title": "Dengue cases", "description": desc, "schema": json.RawMessage(casesSchema),
		"themes": []string{"HEAL"}, "spatial": []string{"MMR"}, "temporal": map[string]string{"start": "2024-01", "end": "2024-12-31"},
		"contact": map[string]string{"name": "Epidemiology Unit", "email": "epi@moh.example.org"}})
	if code := call(t, "PUT", base+"/api/v1/datasets/dengue", moh, "application/json", def, nil); code != 201 {
		t.Fatalf("define: %d", code)
	}
	hidden := []byte(`{"title": "Patients by township", "access": "restricted", "schema": ` + casesSchema + `}`)
	if code := call(t, "PUT", base+"/api/v1/datasets/patients", moh, "application/json", hidden, nil); code != 201 {
		t.Fatalf("define: %d", code)
	}
	for _, id := range []string{"dengue", "patients"} {
		if code := call(t, "POST", base+"/api/v1/datasets/"+id+"/versions", moh, "text/csv", []byte("week,township,cases\n2024-W01,Bahan,12\n"), nil); code != 201 {
			t.Fatalf("upload %s: %d", id, code)
		}
	}
	res := shacl(t, base+"/datasets/dengue.ttl", base+"/datasets/dengue.rdf", base+"/datasets/dengue.jsonld", base+"/catalog.ttl", base+"/datasets/patients.ttl")
	for _, r := range res[:4] {
		if !r.Conforms || r.Status != 200 {
			t.Fatalf("%s: %d %v %s", r.URL, r.Status, r.Violations, r.Body)
		}
	}
	nq := res[0].Canonical
	if res[1].Canonical != nq || res[2].Canonical != nq {
		t.Errorf("the syntaxes differ:\n%s\n%s\n%s", nq, res[1].Canonical, res[2].Canonical)
	}
	ds := "<" + base + "/datasets/dengue#dataset>"
	quoted, _ := json.Marshal(desc) // N-Quads escapes as JSON does, for these characters
	want := strings.NewReplacer(`\u003c`, "<", `\u003e`, ">", `\u0026`, "&").Replace(string(quoted))
	if got := objects(nq, ds, dctNS+"description"); !slices.Equal(got, []string{want}) {
		t.Errorf("description %v, want %s", got, want)
	}
	if got := objects(nq, ds, dctNS+"spatial"); !slices.Equal(got, []string{"<http://publications.europa.eu/resource/authority/country/MMR>"}) {
		t.Errorf("spatial %v", got)
	}
	period := objects(nq, ds, dctNS+"temporal")
	if len(period) != 1 || !slices.Equal(objects(nq, period[0], dcatNS+"startDate"), []string{`"2024-01"^^<` + xsdNS + `gYearMonth>`}) ||
		!slices.Equal(objects(nq, period[0], dcatNS+"endDate"), []string{`"2024-12-31"^^<` + xsdNS + `date>`}) {
		t.Errorf("temporal %v", period)
	}
	contact := objects(nq, ds, dcatNS+"contactPoint")
	if len(contact) != 1 || !slices.Equal(objects(nq, contact[0], "http://www.w3.org/2006/vcard/ns#hasEmail"), []string{"<mailto:epi@moh.example.org>"}) {
		t.Errorf("contact %v", contact)
	}
	if strings.Contains(res[3].Canonical, "patients") || res[4].Status != 404 {
		t.Errorf("a restricted dataset shows: in the catalogue %v, its own document %d", strings.Contains(res[3].Canonical, "patients"), res[4].Status)
	}
}

// jsonSchemaCheck validates the JSON at u against a schema with ajv.
func jsonSchemaCheck(t *testing.T, schema, u string) (valid bool, errs []map[string]string, doc json.RawMessage) {
	t.Helper()
	node := nodeWithPackages(t, "ajv")
	root, _ := filepath.Abs("../..")
	out, err := exec.Command(node, filepath.Join(root, "e2e", "jsonschema.mjs"), schema, u).Output()
	if err != nil {
		t.Fatalf("e2e/jsonschema.mjs: %v", err)
	}
	var res struct {
		Status   int
		Valid    bool
		Errors   []map[string]string
		Document json.RawMessage
	}
	if err := json.Unmarshal(out, &res); err != nil || res.Status != 200 {
		t.Fatalf("e2e/jsonschema.mjs answered %.300s: %v", out, err)
	}
	return res.Valid, res.Errors, res.Document
}

// data.json is DCAT-US 1.1 (checked with ajv against the specification's
// rules), with figures from the source files.
func TestDataJSON(t *testing.T) {
	store := bundled.storeOr(t)
	base := startCatalog(t, store, "-organizations", "../../organizations", "-portal-email", "opendata@example.org")
	valid, errs, raw := jsonSchemaCheck(t, "testdata/dcat-us-1.1.schema.json", base+"/data.json")
	if !valid {
		t.Fatalf("data.json is not DCAT-US 1.1: %v", errs)
	}
	var doc struct {
		ConformsTo string
		Dataset    []struct {
			Title, Modified, Identifier, AccessLevel, License, Temporal, Spatial, AccrualPeriodicity, LandingPage string
			Keyword, Language                                                                                     []string
			ContactPoint                                                                                          struct{ FN, HasEmail string }
			Publisher                                                                                             struct{ Name string }
			Distribution                                                                                          []struct{ DownloadURL, MediaType, Format string }
		}
	}
	if err := json.Unmarshal(raw, &doc); err != nil {
		t.Fatal(err)
	}
	if len(doc.Dataset) != 7 {
		t.Fatalf("%d datasets, want 7", len(doc.Dataset))
	}
	for _, d := range doc.Dataset {
		if d.Identifier != base+"/datasets/population#dataset" {
			continue
		}
		if d.Temporal != "1960/2024" || d.Spatial != "world" || d.AccrualPeriodicity != "R/P1Y" || d.License != "https://opendatacommons.org/licenses/pddl/1-0/" ||
			d.ContactPoint.FN != "World Bank Data Help Desk" || d.ContactPoint.HasEmail != "mailto:opendata@example.org" || d.Publisher.Name != "The World Bank" ||
			strings.Join(d.Keyword, ",") != "population,demography" || len(d.Language) != 6 {
			t.Errorf("population: %+v", d)
		}
		if len(d.Distribution) != 6 || d.Distribution[1].Format != "CSV" || d.Distribution[1].MediaType != "text/csv" {
			t.Fatalf("distributions %+v", d.Distribution)
		}
		csvRows := strings.Count(strings.TrimSpace(string(getBody(t, d.Distribution[1].DownloadURL))), "\n")
		src, _ := os.ReadFile("../../datasets/worldbank/population.csv")
		if want := strings.Count(strings.TrimSpace(string(src)), "\n"); csvRows != want {
			t.Errorf("the CSV distribution has %d rows, the source %d", csvRows, want)
		}
		return
	}
	t.Error("population is not in data.json")
}

// Without an e-mail anywhere, data.json lacks what DCAT-US requires, and
// the check says so: the portal must be given -portal-email.
func TestDataJSONNeedsAnEmail(t *testing.T) {
	base := startCatalog(t, bundled.storeOr(t), "-organizations", "../../organizations")
	valid, errs, _ := jsonSchemaCheck(t, "testdata/dcat-us-1.1.schema.json", base+"/data.json")
	if valid || len(errs) == 0 || !strings.Contains(errs[0]["message"], "hasEmail") {
		t.Errorf("valid %v, errors %v: want hasEmail missing", valid, errs)
	}
}
