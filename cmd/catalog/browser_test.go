package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
)

// chromium finds Debian's chromium; the test script installs it. In CI a
// missing browser fails the test rather than skipping it.
func chromium(t *testing.T) string {
	t.Helper()
	for _, name := range []string{os.Getenv("CHROMIUM"), "chromium", "chromium-browser"} {
		if name == "" {
			continue
		}
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	if os.Getenv("CI") == "true" {
		t.Fatal("chromium is not installed; the test script installs it (apt-get install chromium)")
	}
	t.Skip("chromium is not installed")
	return ""
}

// The catalogue's pages in chromium (driven by playwright-core): the
// datasets, a dataset's metadata and preview, the SQL console; no serious
// or critical axe-core violation on any; a screenshot of each.
func TestBrowserPages(t *testing.T) {
	base := bundledCatalog(t)
	out := shotDir(t)
	seen := drive(t, []pagePlan{
		{URL: base + "/", Axe: true, Screenshot: filepath.Join(out, "index.png")},
		{URL: base + "/datasets/egdi", Axe: true},
		{URL: base + "/query?sql=SELECT+count(*)+AS+n+FROM+population", Axe: true},
		{URL: base + "/datasets/population", Axe: true, Screenshot: filepath.Join(out, "dataset.png"), Height: 1600},
		{URL: base + "/datasets/population/versions/1", Axe: true},
		{URL: base + "/organizations", Axe: true},
		{URL: base + "/organizations/worldbank", Axe: true, Screenshot: filepath.Join(out, "organization.png")},
	})
	noAxeViolations(t, seen)
	dom := seen[0].HTML
	rows := regexp.MustCompile(`<tr data-id="([a-z_]+)">`).FindAllStringSubmatch(dom, -1)
	var ids []string
	for _, r := range rows {
		ids = append(ids, r[1])
	}
	slices.Sort(ids) // the home page lists them newest first
	if strings.Join(ids, ",") != "country_codes,country_groups,egdi,gdp,internet_users,population,retail_prices" {
		t.Errorf("catalogue rows in the browser: %v", ids)
	}

	dom = seen[1].HTML
	for _, w := range []string{"UN E-Government Development Index", `<dd id="license">UN DESA`, "e-gov-index", "float64"} {
		if !strings.Contains(dom, w) {
			t.Errorf("egdi page lacks %q", w)
		}
	}
	preview := dom[strings.Index(dom, `id="preview"`):]
	preview = preview[:strings.Index(preview, "</table>")]
	if n := strings.Count(preview, "<tr>"); n != 21 {
		t.Errorf("preview shows %d rows, want 20", n-1)
	}

	dom = seen[2].HTML
	if !strings.Contains(dom, "<td>17,195</td>") {
		t.Errorf("SQL console result missing")
	}

	if !strings.Contains(seen[5].HTML, `<tr data-id="undesa">`) || !strings.Contains(seen[6].HTML, "The World Bank") {
		t.Error("the organisation pages lack their content")
	}
	for _, name := range []string{"index.png", "dataset.png", "organization.png"} {
		if st, err := os.Stat(filepath.Join(out, name)); err != nil || st.Size() < 10000 {
			t.Errorf("screenshot %s: %v", name, err)
		}
	}
}

// noAxeViolations fails on any serious or critical axe-core violation.
func noAxeViolations(t *testing.T, seen []pageSeen) {
	t.Helper()
	for _, p := range seen {
		for _, v := range p.Axe {
			if v.Impact == "serious" || v.Impact == "critical" {
				t.Errorf("%s: axe-core %s (%s): %s at %v", p.URL, v.ID, v.Impact, v.Help, v.Nodes)
			}
		}
		if p.Status != 200 || len(p.Console) > 0 {
			t.Errorf("%s: status %d, console errors %v", p.URL, p.Status, p.Console)
		}
	}
}
