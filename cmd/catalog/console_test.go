package main

import (
	"net/url"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

// mmrYears counts Myanmar's rows of the World Bank population file from
// year from on, read straight from the CSV file.
func mmrYears(t *testing.T, from int) int {
	t.Helper()
	rows := sourceRows(t, "../../datasets/worldbank/population.csv")
	n := 0
	for _, r := range rows[1:] {
		if y, err := strconv.Atoi(r[2]); err == nil && r[1] == "MMR" && y >= from {
			n++
		}
	}
	return n
}

// The SQL console: a saved query run from its form, drawn as a line; a
// statement drawn as bars; the share link, downloads of the whole result,
// the examples and the tables' columns; in chromium, with the form.
func TestConsole(t *testing.T) {
	base := bundledCatalog(t)
	want := mmrYears(t, 2015)
	if want < 5 {
		t.Fatalf("the population file has %d rows for Myanmar from 2015", want)
	}
	page := get(t, base+"/query?saved=population_of&country=MMR&from=2015&chart=line&x=year&y=population")
	points := regexp.MustCompile(`<polyline points="([^"]*)"`).FindStringSubmatch(page)
	if points == nil || len(strings.Fields(points[1])) != want || strings.Count(page, "<circle ") != want {
		t.Errorf("the line chart: %v, want %d points", points, want)
	}
	if n := strings.Count(table(page, "result"), "<tr>") - 1; n != want {
		t.Errorf("the result table has %d rows, want %d", n, want)
	}
	for _, w := range []string{`id="saved-population_of"`, `<input id="p-population_of-country" name="country" value="MMR" required>`,
		`<summary><code>population</code></summary>`, `<li><code>Country Code</code> <span class="muted">string</span></li>`,
		`<input id="share" readonly value="` + base + `/query?saved=population_of&amp;country=MMR&amp;from=2015&amp;chart=line&amp;x=year&amp;y=population"`,
		`<option selected>year</option>`} {
		if !strings.Contains(page, w) {
			t.Errorf("the console lacks %s", w)
		}
	}
	csvLink := regexp.MustCompile(`id="dl-csv" href="([^"]*)"`).FindStringSubmatch(page)
	if csvLink == nil {
		t.Fatal("no CSV download")
	}
	body := get(t, base+strings.ReplaceAll(csvLink[1], "&amp;", "&"))
	if lines := strings.Count(strings.TrimSpace(body), "\n"); lines != want || !strings.HasPrefix(body, "year,population\n") {
		t.Errorf("the CSV download has %d rows: %.80q", lines, body)
	}

	sql := `SELECT "Year", "Value" FROM population WHERE "Country Code" = 'MMR' AND "Year" >= 2020 ORDER BY 1`
	bars := get(t, base+"/query?chart=bar&x=Year&y=Value&sql="+url.QueryEscape(sql))
	if n := strings.Count(bars, "<rect "); n != mmrYears(t, 2020) {
		t.Errorf("the bar chart has %d bars, want %d", n, mmrYears(t, 2020))
	}

	out := shotDir(t)
	seen := drive(t, []pagePlan{
		{URL: base + "/query", Axe: true, Width: 390, Height: 844, Screenshot: filepath.Join(out, "console.png"), Steps: []step{
			{Fill: []string{"#p-population_of-country", "MMR"}}, {Fill: []string{"#p-population_of-from", "2020"}}, {Submit: "#saved-population_of button"},
			{Select: []string{"#chart-kind", "bar"}}, {Submit: "form[aria-label='Chart'] button"},
		}},
	})
	noAxeViolations(t, seen)
	if p := seen[0]; p.Overflow.ScrollWidth > p.Overflow.ClientWidth || strings.Count(p.HTML, "<rect ") != mmrYears(t, 2020) || !strings.Contains(p.HTML, `aria-label="bar of population by year,`) {
		t.Errorf("the console at 390 px: %+v, chart %q", p.Overflow, regexp.MustCompile(`aria-label="(bar|line)[^"]*"`).FindString(p.HTML))
	}
}
