package main

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"encoding/xml"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

const schemaOrg = "https://schema.org/"

// expandedPage reads a page's JSON-LD blocks with the jsonld processor.
func expandedPage(t *testing.T, u string) [][]map[string]any {
	t.Helper()
	node := nodeWithPackages(t, "jsonld")
	root, _ := filepath.Abs("../..")
	out, err := exec.Command(node, filepath.Join(root, "e2e", "jsonld.mjs"), u).Output()
	if err != nil {
		var stderr []byte
		if ee, ok := err.(*exec.ExitError); ok {
			stderr = ee.Stderr
		}
		t.Fatalf("e2e/jsonld.mjs %s: %v %s", u, err, stderr)
	}
	var res struct {
		Status int
		Blocks [][]map[string]any
	}
	if err := json.Unmarshal(out, &res); err != nil || res.Status != 200 {
		t.Fatalf("e2e/jsonld.mjs answered %.300s: %v", out, err)
	}
	return res.Blocks
}

// values are the @value (or @id) of a property of an expanded node.
func values(node map[string]any, prop string) []string {
	var out []string
	list, _ := node[schemaOrg+prop].([]any)
	for _, v := range list {
		m, _ := v.(map[string]any)
		if s, ok := m["@value"].(string); ok {
			out = append(out, s)
		} else if s, ok := m["@id"].(string); ok {
			out = append(out, s)
		}
	}
	return out
}

func nodes(node map[string]any, prop string) []map[string]any {
	var out []map[string]any
	list, _ := node[schemaOrg+prop].([]any)
	for _, v := range list {
		if m, ok := v.(map[string]any); ok {
			out = append(out, m)
		}
	}
	return out
}

// Every dataset page embeds one schema.org Dataset that a JSON-LD
// processor reads; population's figures come from its own files.
func TestSchemaOrgOnDatasetPages(t *testing.T) {
	base := bundledCatalog(t)
	var list struct{ Datasets []struct{ ID, Title string } }
	getJSON(t, "GET", base+"/api/v1/datasets", "", 200, &list)
	for _, d := range list.Datasets {
		blocks := expandedPage(t, base+"/datasets/"+d.ID)
		if len(blocks) != 1 || len(blocks[0]) != 1 {
			t.Fatalf("%s: %d JSON-LD blocks, want one Dataset", d.ID, len(blocks))
		}
		n := blocks[0][0]
		if types, _ := n["@type"].([]any); len(types) != 1 || types[0] != schemaOrg+"Dataset" || !slices.Equal(values(n, "name"), []string{d.Title}) {
			t.Errorf("%s: %v %v", d.ID, n["@type"], values(n, "name"))
		}
		if len(values(n, "description")) != 1 || len(nodes(n, "distribution")) < 6 || len(nodes(n, "variableMeasured")) == 0 {
			t.Errorf("%s: description, distribution or variableMeasured missing", d.ID)
		}
	}
	n := expandedPage(t, base+"/datasets/population")[0][0]
	if got := values(n, "license"); !slices.Equal(got, []string{"https://opendatacommons.org/licenses/pddl/1-0/"}) {
		t.Errorf("license %v", got)
	}
	if c := nodes(n, "creator"); len(c) != 1 || !slices.Equal(values(c[0], "name"), []string{"The World Bank"}) {
		t.Errorf("creator %v", c)
	}
	if got := values(n, "temporalCoverage"); !slices.Equal(got, []string{"1960/2024"}) {
		t.Errorf("temporalCoverage %v", got)
	}
	if sp := nodes(n, "spatialCoverage"); len(sp) != 1 || !slices.Equal(values(sp[0], "sameAs"), []string{"http://sws.geonames.org/6295630/"}) {
		t.Errorf("spatialCoverage %v", sp)
	}
	// The columns are the schema's properties.
	var schema struct{ Properties map[string]any }
	raw, _ := os.ReadFile("../../schemas/population.schema.json")
	json.Unmarshal(raw, &schema)
	var cols, want []string
	for _, v := range nodes(n, "variableMeasured") {
		cols = append(cols, values(v, "name")...)
	}
	for k := range schema.Properties {
		want = append(want, k)
	}
	slices.Sort(cols)
	slices.Sort(want)
	if !slices.Equal(cols, want) {
		t.Errorf("variableMeasured %v, want %v", cols, want)
	}
	// The stored file's address, type and digest hold.
	var stored map[string]any
	for _, d := range nodes(n, "distribution") {
		if strings.HasSuffix(values(d, "contentUrl")[0], "/files/0") {
			stored = d
		}
	}
	if stored == nil {
		t.Fatal("no stored Parquet file among the downloads")
	}
	body := getBody(t, values(stored, "contentUrl")[0])
	sum := sha256.Sum256(body)
	if !slices.Equal(values(stored, "sha256"), []string{hex.EncodeToString(sum[:])}) || !slices.Equal(values(stored, "encodingFormat"), []string{"application/vnd.apache.parquet"}) || string(body[:4]) != "PAR1" {
		t.Errorf("stored file: %v", stored)
	}
	page := get(t, base+"/datasets/population")
	for _, ext := range []string{"ttl", "jsonld", "rdf"} {
		if !strings.Contains(page, `<link rel="alternate" type="`) || !strings.Contains(page, `href="/datasets/population.`+ext+`"`) {
			t.Errorf("the page does not link its DCAT (%s)", ext)
		}
	}
}

// The sitemap lists every dataset and organisation page, each of which
// answers; robots.txt names it and keeps crawlers off the query API.
func TestSitemapAndRobots(t *testing.T) {
	base := bundledCatalog(t)
	var sm struct {
		XMLName xml.Name
		URLs    []struct {
			Loc     string `xml:"loc"`
			LastMod string `xml:"lastmod"`
		} `xml:"url"`
	}
	if err := xml.Unmarshal(getBody(t, base+"/sitemap.xml"), &sm); err != nil {
		t.Fatal(err)
	}
	if sm.XMLName.Space != "http://www.sitemaps.org/schemas/sitemap/0.9" || sm.XMLName.Local != "urlset" {
		t.Errorf("root %v", sm.XMLName)
	}
	var list struct{ Datasets []struct{ ID string } }
	getJSON(t, "GET", base+"/api/v1/datasets", "", 200, &list)
	locs := map[string]string{}
	for _, u := range sm.URLs {
		locs[u.Loc] = u.LastMod
	}
	for _, d := range list.Datasets {
		if lm, ok := locs[base+"/datasets/"+d.ID]; !ok || !strings.HasPrefix(lm, "20") {
			t.Errorf("%s: not in the sitemap, or no lastmod (%q)", d.ID, lm)
		}
	}
	for _, org := range []string{"datahub", "singstat", "undesa", "worldbank"} {
		if _, ok := locs[base+"/organizations/"+org]; !ok {
			t.Errorf("organization %s is not in the sitemap", org)
		}
	}
	for loc := range locs {
		if resp, _ := do(t, "GET", loc); resp.StatusCode != 200 {
			t.Errorf("%s: %d", loc, resp.StatusCode)
		}
	}
	robots := get(t, base+"/robots.txt")
	if !strings.Contains(robots, "Sitemap: "+base+"/sitemap.xml\n") || !strings.Contains(robots, "Disallow: /api/\n") || !strings.HasPrefix(robots, "User-agent: *\n") {
		t.Errorf("robots.txt:\n%s", robots)
	}
	if resp, _ := do(t, "GET", base+"/sitemap.xml?page=2"); resp.StatusCode != 404 {
		t.Errorf("a sitemap page past the end: %d", resp.StatusCode)
	}
}
