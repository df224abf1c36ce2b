package main

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"govlake/internal/duckdb"
	"govlake/internal/file"
	"govlake/internal/govlake"
	"govlake/internal/wire"
	"govlake/internal/yaml"
)

func runIngest(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	var out, errb bytes.Buffer
	code := Main(context.Background(), args, &out, &errb)
	return code, out.String(), errb.String()
}

func testStore(t *testing.T, dir string) *file.Store {
	t.Helper()
	s, err := file.NewStore(dir)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func manifest(t *testing.T, store govlake.Store, id string, n int) *govlake.Manifest {
	t.Helper()
	m, err := govlake.ReadManifest(context.Background(), store, id, n)
	if err != nil {
		t.Fatalf("manifest %s v%d: %v", id, n, err)
	}
	return m
}

func versions(t *testing.T, store govlake.Store, id string) []int {
	t.Helper()
	vs, err := govlake.Versions(context.Background(), store, id)
	if err != nil {
		t.Fatal(err)
	}
	return vs
}

// runs returns a dataset's run records, oldest first.
func runs(t *testing.T, store govlake.Store, id string) []*govlake.Run {
	t.Helper()
	objs, err := store.List(context.Background(), govlake.RunsPrefix(id))
	if err != nil {
		t.Fatal(err)
	}
	var out []*govlake.Run
	for _, o := range objs {
		if !strings.HasSuffix(o.Key, ".json") {
			continue
		}
		var r govlake.Run
		if err := govlake.ReadJSON(context.Background(), store, o.Key, &r); err != nil {
			t.Fatal(err)
		}
		out = append(out, &r)
	}
	return out
}

// query runs SQL over Parquet files of the store with the real engine.
func query(t *testing.T, store *file.Store, sql string, tables map[string]string) [][]any {
	t.Helper()
	r := tableKeys{store: store, keys: tables}
	e, err := duckdb.Open(context.Background(), duckdb.Options{AllowedDirs: []string{store.Root}}, r)
	if err != nil {
		t.Fatal(err)
	}
	defer e.Close()
	res, err := e.Query(context.Background(), sql, 100000)
	if err != nil {
		t.Fatalf("%s: %v", sql, err)
	}
	return res.Rows
}

// tableKeys names store objects as SQL tables.
type tableKeys struct {
	store *file.Store
	keys  map[string]string
}

func (k tableKeys) Table(ctx context.Context, name string) (govlake.Table, error) {
	key, ok := k.keys[name]
	if !ok {
		return govlake.Table{}, govlake.Errorf(govlake.ENOTFOUND, "no table %s", name)
	}
	p, err := k.store.LocalPath(ctx, key)
	return govlake.Table{Name: name, Files: []string{p}}, err
}

func sha(t *testing.T, path string) string {
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	s := sha256.Sum256(b)
	return hex.EncodeToString(s[:])
}

// TestBundled ingests the shipped datasets, then again: nothing changes.
func TestBundled(t *testing.T) {
	dir := t.TempDir()
	code, out, errs := runIngest(t, "run", "-pipelines", "../../pipelines", "-store", dir)
	if code != 0 {
		t.Fatalf("exit %d\n%s\n%s", code, out, errs)
	}
	want := map[string]string{
		"population":     `population\s+succeeded\s+v1\s+valid=17195 rejected=0 \d`,
		"gdp":            `gdp\s+succeeded\s+v1\s+valid=13979 rejected=0 \d`,
		"country_codes":  `country_codes\s+succeeded\s+v1\s+valid=249 rejected=0 \d`,
		"country_groups": `country_groups\s+succeeded\s+v1\s+valid=265 rejected=0 \d`,
		"egdi":           `egdi\s+succeeded\s+v1\s+valid=965 rejected=0 \d`,
		"internet_users": `internet_users\s+succeeded\s+v1\s+valid=8320 rejected=0 \d`,
		"retail_prices":  `retail_prices\s+succeeded\s+v1\s+valid=829 rejected=0 \d`,
	}
	for id, re := range want {
		if !regexp.MustCompile(re).MatchString(out) {
			t.Errorf("%s: output lacks %s:\n%s", id, re, out)
		}
	}
	store := testStore(t, dir)
	m := manifest(t, store, "population", 1)
	if m.Rows != (govlake.RowCounts{Read: 17195, Valid: 17195}) || m.Source.SHA256 != sha(t, "../../datasets/worldbank/population.csv") {
		t.Errorf("manifest rows %+v sha %s", m.Rows, m.Source.SHA256)
	}
	if _, err := store.Get(context.Background(), m.Source.RawKey); err != nil {
		t.Errorf("raw source not kept: %v", err)
	}
	rows := query(t, store, `SELECT "Value" FROM p WHERE "Country Code" = 'MMR' AND "Year" = 2014`, map[string]string{"p": m.Files[0].Key})
	if len(rows) != 1 || rows[0][0] != int64(50681634) {
		t.Errorf("Myanmar 2014: %v, want 50681634 (from population.csv)", rows)
	}

	// The reshaped datasets, against the wide source files.
	m = manifest(t, store, "internet_users", 1)
	rows = query(t, store, `SELECT value FROM d WHERE country_code = 'MMR' AND year = 2020`, map[string]string{"d": m.Files[0].Key})
	if len(rows) != 1 || rows[0][0] != 41.95429049 {
		t.Errorf("internet users, Myanmar 2020: %v, want 41.95429049", rows)
	}
	m = manifest(t, store, "retail_prices", 1)
	rows = query(t, store, `SELECT item, unit, price_sgd FROM d WHERE year = 2022 ORDER BY item LIMIT 1`, map[string]string{"d": m.Files[0].Key})
	if fmt.Sprint(rows) != "[[Aerated Soft Drinks Per 4 Cans 3.11]]" {
		t.Errorf("retail prices 2022: %v", rows)
	}

	code, out, _ = runIngest(t, "run", "-pipelines", "../../pipelines", "-store", dir)
	if code != 0 || strings.Count(out, " unchanged ") != 7 {
		t.Fatalf("second run: exit %d\n%s", code, out)
	}
	if vs := versions(t, store, "population"); len(vs) != 1 {
		t.Errorf("versions after an unchanged run: %v", vs)
	}
	rs := runs(t, store, "population")
	if len(rs) != 2 || rs[0].Status != govlake.RunSucceeded || rs[1].Status != govlake.RunUnchanged || rs[1].Version != 1 {
		t.Errorf("runs %+v", rs)
	}
}

// pipelineDir makes a pipelines folder with one pipeline over a copy of data.
type pipelineDir struct {
	t    *testing.T
	dir  string
	yaml string
}

func newPipeline(t *testing.T, id, csv, schema, extra string) *pipelineDir {
	dir := t.TempDir()
	p := &pipelineDir{t: t, dir: dir}
	p.write("data.csv", csv)
	p.write("schema.json", schema)
	p.yaml = "dataset: " + id + "\ntitle: Test " + id + "\nsource:\n  url: data.csv\nschema: schema.json\n" + extra
	p.write(id+".yaml", p.yaml)
	return p
}

func (p *pipelineDir) write(name, body string) {
	if err := os.WriteFile(filepath.Join(p.dir, name), []byte(body), 0o644); err != nil {
		p.t.Fatal(err)
	}
}

const peopleSchema = `{
  "type": "object",
  "required": ["id", "name"],
  "properties": {
    "id":    {"type": "integer", "minimum": 1},
    "name":  {"type": "string", "minLength": 1},
    "age":   {"type": "integer", "minimum": 0, "maximum": 130},
    "email": {"type": "string", "pattern": "^[^@ ]+@[^@ ]+$"},
    "born":  {"type": "string", "format": "date"},
    "score": {"type": ["number", "null"]},
    "member": {"type": "boolean"}
  }
}`

func TestVersions(t *testing.T) {
	store := t.TempDir()
	csv := "id,name,age\n1,Aung,34\n2,Mya,29\n"
	p := newPipeline(t, "people", csv, peopleSchema, "")
	run := func() string {
		code, out, errs := runIngest(t, "run", "-pipelines", p.dir, "-store", store)
		if code != 0 {
			t.Fatalf("exit %d\n%s%s", code, out, errs)
		}
		return out
	}
	if out := run(); !strings.Contains(out, "succeeded  v1") {
		t.Fatalf("first run: %s", out)
	}
	// A changed source makes version 2; version 1 stays as it was.
	p.write("data.csv", csv+"3,Hla,41\n")
	if out := run(); !strings.Contains(out, "succeeded  v2     valid=3") {
		t.Fatalf("changed source: %s", out)
	}
	s := testStore(t, store)
	m1, m2 := manifest(t, s, "people", 1), manifest(t, s, "people", 2)
	rows := query(t, s, "SELECT (SELECT count(*) FROM v1), (SELECT count(*) FROM v2), (SELECT sum(age) FROM v2)",
		map[string]string{"v1": m1.Files[0].Key, "v2": m2.Files[0].Key})
	if rows[0][0] != int64(2) || rows[0][1] != int64(3) || fmt.Sprint(rows[0][2]) != "104" { // a sum of BIGINT is a HUGEINT, kept as its digits
		t.Errorf("v1/v2 counts and sum: %v, want 2, 3, 104", rows[0])
	}
	// A changed schema over the same bytes is a new version too.
	p.write("schema.json", strings.Replace(peopleSchema, `"maximum": 130`, `"maximum": 120`, 1))
	if out := run(); !strings.Contains(out, "succeeded  v3") {
		t.Fatalf("changed schema: %s", out)
	}
	// Metadata alone changes dataset.json, not the data.
	p.write("people.yaml", strings.Replace(p.yaml, "title: Test people", "title: People of the test", 1))
	if out := run(); !strings.Contains(out, "unchanged  v3") {
		t.Fatalf("changed title: %s", out)
	}
	var meta govlake.Metadata
	if err := govlake.ReadJSON(context.Background(), s, govlake.DatasetKey("people"), &meta); err != nil || meta.Title != "People of the test" {
		t.Fatalf("dataset.json %+v %v", meta, err)
	}
	if m := manifest(t, s, "people", 1); m.Metadata.Title != "Test people" {
		t.Errorf("version 1 keeps the metadata of its time, got %q", m.Metadata.Title)
	}
	if vs := versions(t, s, "people"); len(vs) != 3 {
		t.Errorf("versions %v", vs)
	}
}

// craftedCSV has one problem per row at known positions. Row numbers count
// the header as row 1 and a multi-line cell as one row.
const craftedCSV = `id,name,age,email,born,score,member
1,Aung,34,aung@example.org,1990-05-01,12.5,true
2,"Mya
Thandar",29,,,,
x3,Hla,41,,,,
4,,50,,,,
5,Zaw,-2,,,,
6,Su,30,not-an-email,,,
7,Kyaw,30,,1990-02-30,,
8,Nu,30,,,abc,
9,Tun,30,,,,maybe

10,Win,30,,,,,extra
11,Ei,200,bad,,,
12,Last,1,,,,
`

func TestQuarantine(t *testing.T) {
	store := t.TempDir()
	p := newPipeline(t, "people", craftedCSV, peopleSchema, "on_invalid: quarantine\nmax_invalid_ratio: 1\n")
	code, out, errs := runIngest(t, "run", "-pipelines", p.dir, "-store", store)
	if code != 0 {
		t.Fatalf("exit %d\n%s%s", code, out, errs)
	}
	s := testStore(t, store)
	m := manifest(t, s, "people", 1)
	if m.Rows != (govlake.RowCounts{Read: 13, Valid: 3, Rejected: 10}) {
		t.Fatalf("rows %+v, want 13 read, 3 valid, 10 rejected", m.Rows)
	}
	rows := query(t, s, `SELECT "row", "column", keyword, value FROM r ORDER BY "row", "column"`,
		map[string]string{"r": m.Rejected.Key})
	want := []string{
		"4 id type x3",
		"5 name required ",
		"6 age minimum -2",
		"7 email pattern not-an-email",
		"8 born format 1990-02-30",
		"9 score type abc",
		"10 member type maybe",
		"11 <nil> blank-row ",
		"12 column 8 extra-cell extra",
		"13 age maximum 200",
		"13 email pattern bad",
	}
	var got []string
	for _, r := range rows {
		got = append(got, strings.TrimSpace(strings.Join([]string{str(r[0]), str(r[1]), str(r[2]), str(r[3])}, " ")))
	}
	for i := range want {
		want[i] = strings.TrimSpace(want[i])
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("rejections\n got:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	// The message says what to fix, and the whole source row is kept.
	rows = query(t, s, `SELECT message, record FROM r WHERE "row" = 4`, map[string]string{"r": m.Rejected.Key})
	if msg := rows[0][0].(string); !strings.Contains(msg, `"x3" is not a whole number`) {
		t.Errorf("message %q", msg)
	}
	if rec := rows[0][1].(string); rec != `{"id":"x3","name":"Hla","age":"41","email":"","born":"","score":"","member":""}` {
		t.Errorf("record %s", rec)
	}
	// The valid rows, typed, with the multi-line name intact.
	rows = query(t, s, `SELECT id, name, age, born, score, member FROM d ORDER BY id`, map[string]string{"d": m.Files[0].Key})
	if len(rows) != 3 || rows[1][1] != "Mya\nThandar" || rows[0][3] != "1990-05-01" || rows[0][4] != 12.5 || rows[0][5] != true || rows[1][2] != int64(29) {
		t.Errorf("valid rows %v", rows)
	}
	// The summary counts by column and keyword.
	var ageMax int64
	for _, c := range m.Validation.ByColumn {
		if c.Column == "age" && c.Keyword == "maximum" {
			ageMax = c.Count
		}
	}
	if m.Validation.Errors != 11 || ageMax != 1 {
		t.Errorf("summary %+v", m.Validation)
	}
}

func str(v any) string {
	switch x := v.(type) {
	case nil:
		return "<nil>"
	case string:
		return x
	}
	return fmt.Sprint(v)
}

func TestReject(t *testing.T) {
	store := t.TempDir()
	// Version 1 is good; then a bad source under on_invalid: reject.
	p := newPipeline(t, "people", "id,name\n1,Aung\n", peopleSchema, "on_invalid: reject\n")
	if code, out, _ := runIngest(t, "run", "-pipelines", p.dir, "-store", store); code != 0 {
		t.Fatal(out)
	}
	p.write("data.csv", craftedCSV)
	code, out, _ := runIngest(t, "run", "-pipelines", p.dir, "-store", store)
	if code != 1 {
		t.Fatalf("exit %d, want 1\n%s", code, out)
	}
	for _, w := range []string{"rejected", "10 of 13 rows are invalid and on_invalid is \"reject\"", `row 4, column "id", type: "x3" is not a whole number`} {
		if !strings.Contains(out, w) {
			t.Errorf("output lacks %q:\n%s", w, out)
		}
	}
	s := testStore(t, store)
	if vs := versions(t, s, "people"); len(vs) != 1 {
		t.Fatalf("versions %v: a rejected run made a version", vs)
	}
	rs := runs(t, s, "people")
	last := rs[len(rs)-1]
	if last.Status != govlake.RunRejected || !strings.Contains(last.Error, "on_invalid") || len(last.Rejections) != 11 || last.Rows.Rejected != 10 {
		t.Fatalf("run record %+v", last)
	}
	// Every rejection is kept beside the run record.
	rows := query(t, s, "SELECT count(*) FROM r", map[string]string{"r": last.RejectedKey})
	if rows[0][0] != int64(11) {
		t.Errorf("rejected rows kept: %v", rows)
	}
}

func TestMaxInvalidRatio(t *testing.T) {
	store := t.TempDir()
	p := newPipeline(t, "people", craftedCSV, peopleSchema, "on_invalid: quarantine\nmax_invalid_ratio: 0.5\n")
	code, out, _ := runIngest(t, "run", "-pipelines", p.dir, "-store", store)
	if code != 1 || !strings.Contains(out, "10 of 13 rows (76.92%) are invalid, more than max_invalid_ratio 0.5 allows") {
		t.Fatalf("exit %d\n%s", code, out)
	}
	if vs := versions(t, testStore(t, store), "people"); len(vs) != 0 {
		t.Fatalf("versions %v", vs)
	}
}

// The messy file of ../shared/data with blank and repeated labels, missing
// and extra cells and a blank row.
func TestInvalidStructure(t *testing.T) {
	src, err := filepath.Abs("../../../shared/data/messy/invalid-structure.csv")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(src); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatal(err)
		}
		t.Skip(err)
	}
	store := t.TempDir()
	p := newPipeline(t, "structure", "", `{"type":"object","required":["id","name"],"properties":{"id":{"type":"integer"},"name":{"type":"string"}}}`, "max_invalid_ratio: 1\n")
	p.write("structure.yaml", strings.Replace(p.yaml, "url: data.csv", "url: "+src, 1))
	code, out, errs := runIngest(t, "run", "-pipelines", p.dir, "-store", store)
	if code != 0 {
		t.Fatalf("exit %d\n%s%s", code, out, errs)
	}
	s := testStore(t, store)
	m := manifest(t, s, "structure", 1)
	if m.Rows != (govlake.RowCounts{Read: 4, Valid: 2, Rejected: 2}) {
		t.Fatalf("rows %+v", m.Rows)
	}
	rows := query(t, s, `SELECT "row", "column", keyword, value FROM r ORDER BY "row"`, map[string]string{"r": m.Rejected.Key})
	got := []string{}
	for _, r := range rows {
		got = append(got, str(r[0])+" "+str(r[1])+" "+str(r[2])+" "+str(r[3]))
	}
	if strings.Join(got, "|") != "4 <nil> blank-row |5 column 5 extra-cell 3" {
		t.Errorf("rejections %q", got)
	}
	var warns []string
	for _, w := range m.Validation.Warnings {
		warns = append(warns, str(w.Row)+" "+w.Column+" "+w.Keyword)
	}
	if strings.Join(warns, "|") != "1 column 3 blank-label|1 column 4 duplicate-label" {
		t.Errorf("warnings %q", warns)
	}
}

// failingStore fails the manifest's create, as a crash or an outage between
// data files and manifest would.
type failingStore struct {
	govlake.Store
}

func (f failingStore) Create(ctx context.Context, key string, r io.Reader) error {
	if strings.HasSuffix(key, "/manifest.json") {
		return govlake.Errorf(govlake.EUNAVAILABLE, "store went away")
	}
	return f.Store.Create(ctx, key, r)
}

func TestCommitFailureKeepsPreviousVersion(t *testing.T) {
	storeDir := t.TempDir()
	p := newPipeline(t, "people", "id,name\n1,Aung\n", peopleSchema, "")
	if code, out, _ := runIngest(t, "run", "-pipelines", p.dir, "-store", storeDir); code != 0 {
		t.Fatal(out)
	}
	p.write("data.csv", "id,name\n1,Aung\n2,Mya\n")
	s := testStore(t, storeDir)
	logger := slog.New(slog.NewTextHandler(io.Discard, nil))
	pl := loadOne(t, p.dir)
	run := wire.NewRunner(failingStore{s}, logger).Run(context.Background(), pl)
	if run.Status != govlake.RunFailed || !strings.Contains(run.Error, "store went away") {
		t.Fatalf("run %+v", run)
	}
	if vs := versions(t, s, "people"); len(vs) != 1 || vs[0] != 1 {
		t.Fatalf("versions %v, want [1]", vs)
	}
	// The half-made version's files and claim were removed.
	objs, _ := s.List(context.Background(), govlake.VersionPrefix("people", 2))
	if len(objs) != 0 {
		t.Errorf("left behind: %v", objs)
	}
	m := manifest(t, s, "people", 1)
	if rows := query(t, s, "SELECT count(*) FROM d", map[string]string{"d": m.Files[0].Key}); rows[0][0] != int64(1) {
		t.Errorf("version 1 rows %v", rows)
	}
	// With the store back, the next run makes version 2.
	if code, out, _ := runIngest(t, "run", "-pipelines", p.dir, "-store", storeDir); code != 0 || !strings.Contains(out, "succeeded  v2") {
		t.Fatalf("exit %d: %s", code, out)
	}
}

func TestFailures(t *testing.T) {
	latin1 := "id,name\n1,Jos\xe9\n"
	tests := []struct {
		name string
		csv  string
		yaml string // appended
		want string
	}{
		{"latin1 without encoding", latin1, "", "data.csv: row 2, column 2: the bytes are not valid UTF-8; set source.encoding"},
		{"missing required column", "name\nAung\n", "", `data.csv: the header (row 1) lacks the required column(s) "id"`},
		{"unclosed quote", "id,name\n1,\"Aung\n2,Mya\n", "", "data.csv: row 2: a quoted cell that starts on line 2 is never closed"},
		{"empty file", "", "", "data.csv: the file is empty"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			store := t.TempDir()
			p := newPipeline(t, "people", tt.csv, peopleSchema, tt.yaml)
			code, out, _ := runIngest(t, "run", "-pipelines", p.dir, "-store", store)
			if code != 1 || !strings.Contains(out, tt.want) || !strings.Contains(out, " failed ") {
				t.Fatalf("exit %d, want 1 and %q in\n%s", code, tt.want, out)
			}
			rs := runs(t, testStore(t, store), "people")
			if len(rs) != 1 || rs[0].Status != govlake.RunFailed || !strings.Contains(rs[0].Error, tt.want) {
				t.Fatalf("run record %+v", rs)
			}
		})
	}
	// With the encoding set, the same bytes load.
	store := t.TempDir()
	p := newPipeline(t, "people", latin1, peopleSchema, "")
	p.write("people.yaml", strings.Replace(p.yaml, "url: data.csv", "url: data.csv\n  encoding: latin1", 1))
	if code, out, _ := runIngest(t, "run", "-pipelines", p.dir, "-store", store); code != 0 {
		t.Fatal(out)
	}
	s := testStore(t, store)
	m := manifest(t, s, "people", 1)
	if rows := query(t, s, "SELECT name FROM d", map[string]string{"d": m.Files[0].Key}); rows[0][0] != "José" {
		t.Errorf("name %v", rows)
	}
}

func TestCheck(t *testing.T) {
	code, out, errs := runIngest(t, "check", "-pipelines", "../../pipelines")
	if code != 0 || !strings.Contains(out, "7 pipeline(s) OK") {
		t.Fatalf("bundled: exit %d %s %s", code, out, errs)
	}
	dir := t.TempDir()
	write := func(name, body string) { os.WriteFile(filepath.Join(dir, name), []byte(body), 0o644) }
	write("good.schema.json", peopleSchema)
	write("bad.schema.json", `{"type": "object", "properties": {"a": {"type": "string", "pattern": "("}}}`)
	write("a.yaml", "dataset: a\ntitle: A\nsource: {url: a.csv}\nschema: good.schema.json\nsourse: x\n")
	write("b.yaml", "dataset: b\ntitle: B\nsource: {url: b.csv}\nschema: bad.schema.json\n")
	write("c.yaml", "dataset: c\nsource: {url: c.csv, format: xml}\nschema: missing.schema.json\n")
	write("d.yaml", "dataset: d\ntitle: D\nsource: {url: d.csv}\nschema: missing.schema.json\n")
	code, out, errs = runIngest(t, "check", "-pipelines", dir)
	if code != 1 {
		t.Fatalf("exit %d", code)
	}
	for _, w := range []string{
		`a.yaml: line 5: unknown key "sourse"`,
		"b.yaml: schema " + filepath.Join(dir, "bad.schema.json") + " does not compile",
		"c.yaml: title: required",
		`c.yaml: source.format: "xml" is not supported`,
		"d.yaml: read schema " + filepath.Join(dir, "missing.schema.json"),
		"5 problem(s) found",
	} {
		if !strings.Contains(errs, w) {
			t.Errorf("check output lacks %q:\n%s", w, errs)
		}
	}
}

func loadOne(t *testing.T, dir string) *govlake.Pipeline {
	t.Helper()
	ps, err := yaml.LoadDir(dir)
	if err != nil || len(ps) != 1 {
		t.Fatalf("load %s: %v %v", dir, ps, err)
	}
	return ps[0]
}

// Writers racing on one dataset each get their own version number; no
// manifest is lost or overwritten and each version holds its own run's data.
func TestConcurrentRuns(t *testing.T) {
	storeDir := t.TempDir()
	s := testStore(t, storeDir)
	logger := slog.New(slog.NewTextHandler(io.Discard, nil))
	const writers = 4
	const rounds = 5
	var pipelines []*govlake.Pipeline
	for w := 0; w < writers; w++ {
		var b strings.Builder
		b.WriteString("id,name\n")
		for i := 0; i <= w; i++ {
			fmt.Fprintf(&b, "%d,writer %d\n", i+1, w)
		}
		p := newPipeline(t, "shared", b.String(), peopleSchema, "")
		pipelines = append(pipelines, loadOne(t, p.dir))
	}
	made := 0
	for round := 0; round < rounds; round++ {
		done := make(chan *govlake.Run, writers)
		for w := 0; w < writers; w++ {
			go func(p *govlake.Pipeline) { done <- wire.NewRunner(s, logger).Run(context.Background(), p) }(pipelines[w])
		}
		for w := 0; w < writers; w++ {
			r := <-done
			if r.Status == govlake.RunFailed {
				t.Fatalf("round %d: %s", round, r.Error)
			}
			if r.Status == govlake.RunSucceeded {
				made++
			}
		}
	}
	vs := versions(t, s, "shared")
	if len(vs) != made || vs[len(vs)-1] != made {
		t.Fatalf("%d runs made versions, store has %v", made, vs)
	}
	for _, n := range vs {
		m := manifest(t, s, "shared", n)
		rows := query(t, s, "SELECT count(*), min(name), max(name) FROM d", map[string]string{"d": m.Files[0].Key})
		if rows[0][0] != m.Rows.Valid || rows[0][1] != rows[0][2] {
			t.Errorf("version %d: manifest says %d rows, file has %v: files of two runs mixed", n, m.Rows.Valid, rows[0])
		}
	}
}

func discardLogger() *slog.Logger { return slog.New(slog.NewTextHandler(io.Discard, nil)) }

func TestStatus(t *testing.T) {
	store := t.TempDir()
	p := newPipeline(t, "people", "id,name\n1,Aung\n", peopleSchema, "")
	runIngest(t, "run", "-pipelines", p.dir, "-store", store)
	p.write("data.csv", "name\nAung\n")
	runIngest(t, "run", "-pipelines", p.dir, "-store", store)
	code, out, errs := runIngest(t, "status", "-store", store, "people")
	if code != 0 {
		t.Fatalf("exit %d %s", code, errs)
	}
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if len(lines) != 3 || !strings.HasPrefix(lines[0], "DATASET") {
		t.Fatalf("status:\n%s", out)
	}
	// Newest first: the failure, then the success.
	if !regexp.MustCompile(`^people\s+failed\s+\S+\s+\S+\s+-\s+0\s+0\s+0\s+data.csv: the header \(row 1\) lacks`).MatchString(lines[1]) ||
		!regexp.MustCompile(`^people\s+succeeded\s+\S+\s+\S+\s+1\s+1\s+1\s+0\s*$`).MatchString(lines[2]) {
		t.Errorf("status:\n%s", out)
	}
	if code, _, errs := runIngest(t, "status", "-store", store, "nosuch"); code != 0 || !strings.Contains(errs, `no runs recorded for "nosuch"`) {
		t.Errorf("unknown dataset: %d %s", code, errs)
	}
}

// runPath runs the one pipeline of dir into store on one validation path
// (the per-row reference, or column batches), so tests can compare them.
func runPath(t *testing.T, dir, store string, reference bool) *govlake.Run {
	t.Helper()
	ps, err := yaml.LoadDir(dir)
	if err != nil || len(ps) != 1 {
		t.Fatalf("%d pipelines: %v", len(ps), err)
	}
	r := wire.NewRunner(testStore(t, store), discardLogger())
	r.Reference, r.MaxRunRejections = reference, 1000
	return r.Run(context.Background(), ps[0])
}
