package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// ingest check -kpis checks KPI files: strict keys, SQL that parses, and
// only datasets the pipelines define (a CTE's name is not a dataset).
func TestCheckKPIs(t *testing.T) {
	dir := t.TempDir()
	for name, body := range map[string]string{
		"good.yaml":    "id: good\ntitle: Good\nsql: WITH x AS (SELECT year AS period, \"e-gov-index\" AS value FROM egdi) SELECT * FROM x\n",
		"nowhere.yaml": "id: nowhere\ntitle: N\nsql: SELECT 1 AS period, 2 AS value FROM nowhere\n",
		"syntax.yaml":  "id: syntax\ntitle: S\nsql: SELEC oops\n",
		"keys.yaml":    "id: keys\ntitle: K\nsql: SELECT 1\ntarget: 5\n",
	} {
		os.WriteFile(filepath.Join(dir, name), []byte(body), 0o644)
	}
	code, out, errs := runIngest(t, "check", "-pipelines", "../../pipelines", "-kpis", dir)
	if code != 1 {
		t.Fatalf("exit %d: %s%s", code, out, errs)
	}
	for _, want := range []string{
		filepath.Join(dir, "nowhere.yaml") + ": sql: no pipeline defines nowhere",
		filepath.Join(dir, "syntax.yaml") + `: sql: syntax error at or near "SELEC"`,
		filepath.Join(dir, "keys.yaml") + ": ",
		"3 problem(s) found",
	} {
		if !strings.Contains(errs, want) {
			t.Errorf("check says\n%s\nwant %q", errs, want)
		}
	}
	if strings.Contains(errs, "good.yaml") {
		t.Errorf("a good KPI is reported: %s", errs)
	}
	if code, out, errs := runIngest(t, "check", "-pipelines", "../../pipelines", "-kpis", "../../kpis"); code != 0 || !strings.Contains(out, "5 KPI(s) OK") {
		t.Errorf("the demo KPIs: exit %d: %s%s", code, out, errs)
	}
}

// ingest check reads the organisation files: a broken one is a problem; a
// pipeline naming an organisation without a file is a warning only.
func TestCheckOrganizations(t *testing.T) {
	code, out, errs := runIngest(t, "check", "-pipelines", "../../pipelines", "-organizations", "../../organizations")
	if code != 0 || !strings.Contains(out, "4 organization(s) OK") || strings.Contains(errs, "warning") {
		t.Errorf("the bundled organisations: exit %d: %s%s", code, out, errs)
	}
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "undesa.yaml"), []byte("id: undesa\nname: UN DESA\n"), 0o644)
	code, out, errs = runIngest(t, "check", "-pipelines", "../../pipelines", "-organizations", dir)
	if code != 0 || strings.Count(errs, "warning:") != 6 || !strings.Contains(errs, `gdp.yaml: organization "worldbank" has no file in `+dir+"; it is shown by its id") {
		t.Errorf("missing organisation files: exit %d: %s%s", code, out, errs)
	}
	os.WriteFile(filepath.Join(dir, "bad.yaml"), []byte("id: bad\nname: Bad\nwebsite: nowhere\n"), 0o644)
	if code, _, errs = runIngest(t, "check", "-pipelines", "../../pipelines", "-organizations", dir); code != 1 || !strings.Contains(errs, `website: "nowhere" must be an http(s) address`) {
		t.Errorf("a bad organisation file: exit %d: %s", code, errs)
	}
}
