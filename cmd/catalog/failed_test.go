package main

import (
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"html"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"govlake/internal/file"
	"govlake/internal/govlake"
	"govlake/internal/wire"
	"govlake/internal/yaml"
)

// A dataset whose runs have made no version exists all the same: it is
// listed, its page says why there is no version (seen in chromium), and the
// rejected rows of its last run are a SQL table and a CSV download.
func TestNeverPublishedDatasetIsVisible(t *testing.T) {
	storeDir := t.TempDir()
	store, _ := file.NewStore(storeDir)
	pdir := t.TempDir()
	write := writer(t, pdir)
	write("s.json", `{"type":"object","required":["id"],"properties":{"id":{"type":"integer"},"v":{"type":"number","minimum":0}}}`)
	write("m.yaml", "dataset: budget\ntitle: Township budget\norganization: mof\nsource: {url: d.csv}\nschema: s.json\n")
	write("d.csv", "id,v\n1,-5\nx,2\n3,7\n")
	if err := ingestOnce(t, store, pdir); err == nil {
		t.Fatal("the run made a version; it must not")
	}
	base := startCatalog(t, storeDir)

	var list struct{ Datasets []govlake.Summary }
	getJSON(t, "GET", base+"/api/v1/datasets", "", 200, &list)
	if len(list.Datasets) != 1 || list.Datasets[0].ID != "budget" || list.Datasets[0].Version != 0 || list.Datasets[0].Title != "Township budget" {
		t.Fatalf("datasets %+v", list.Datasets)
	}
	var d govlake.Detail
	getJSON(t, "GET", base+"/api/v1/datasets/budget", "", 200, &d)
	wantErr := "2 of 3 rows (66.67%) are invalid, more than max_invalid_ratio 0.1 allows: no version was made"
	if d.LastFailure == nil || d.LastFailure.Error != wantErr || d.Tables.LastRunRejected != "budget__last_run__rejected" {
		t.Fatalf("detail: last failure %+v, tables %+v", d.LastFailure, d.Tables)
	}

	var res struct{ Rows [][]any }
	getJSON(t, "GET", base+"/api/v1/query?sql="+urlQuery(`SELECT "row", "column", keyword FROM budget__last_run__rejected ORDER BY "row"`), "", 200, &res)
	if got := rowsText(res.Rows); got != "2 v minimum|3 id type" {
		t.Errorf("last run's rejections: %s", got)
	}
	var e struct {
		Error struct{ Code, Message string }
	}
	getJSON(t, "GET", base+"/api/v1/query?sql="+urlQuery("SELECT * FROM budget"), "", 404, &e)
	if !strings.Contains(e.Error.Message, "dataset budget has no version yet") {
		t.Errorf("querying it: %s", e.Error.Message)
	}

	seen := drive(t, []pagePlan{{URL: base + "/datasets/budget", Axe: true}, {URL: base + "/", Axe: true}})
	noAxeViolations(t, seen)
	dom := seen[0].HTML
	for _, w := range []string{"Township budget", `id="no-version"`, "none yet", wantErr, "The last run rejected 2 rows", "budget__last_run__rejected"} {
		if !strings.Contains(dom, w) {
			t.Errorf("the page lacks %q", w)
		}
	}
	if strings.Contains(dom, `id="preview"`) {
		t.Error("the page shows a preview of a dataset with no version")
	}
	// The page's CSV link gives the rejections.
	m := regexp.MustCompile(`href="([^"]+)">download them as CSV`).FindStringSubmatch(dom)
	if m == nil {
		t.Fatal("no CSV link on the page")
	}
	_, b := download(t, base+html.UnescapeString(m[1]))
	recs, err := csv.NewReader(strings.NewReader(string(b))).ReadAll()
	if err != nil || len(recs) != 3 || recs[0][0] != "row" || recs[2][5] != `{"id":"x","v":"2"}` {
		t.Errorf("CSV of the rejections: %q %v", recs, err)
	}
	dom = seen[1].HTML
	if !strings.Contains(dom, `data-id="budget"`) || !strings.Contains(dom, "none yet") {
		t.Error("the home page does not list the dataset")
	}
}

// ingestOnce runs every pipeline of dir and returns the first failure.
func ingestOnce(t *testing.T, store govlake.Store, dir string) error {
	t.Helper()
	ps, err := yaml.LoadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range ps {
		if run := wire.NewRunner(store, discard).Run(context.Background(), p); run.Failed() {
			return errors.New(run.Error)
		}
	}
	return nil
}

func urlQuery(sql string) string { return url.QueryEscape(sql) }

// rowsText writes rows as "a b c|d e f", for comparisons.
func rowsText(rows [][]any) string {
	var out []string
	for _, r := range rows {
		var cells []string
		for _, c := range r {
			cells = append(cells, fmt.Sprint(c))
		}
		out = append(out, strings.Join(cells, " "))
	}
	return strings.Join(out, "|")
}
