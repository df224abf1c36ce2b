package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"
)

// newToken runs catalog token create and returns the secret, the last line.
func newToken(t *testing.T, store, org, role string, extra ...string) string {
	t.Helper()
	var out, errs bytes.Buffer
	args := append([]string{"token", "create", "-store", store, "-org", org, "-role", role, "-name", org + " " + role}, extra...)
	if code := Main(context.Background(), args, &out, &errs, nil); code != 0 {
		t.Fatalf("token create: %d %s", code, errs.String())
	}
	lines := strings.Split(strings.TrimSpace(out.String()), "\n")
	return lines[len(lines)-1]
}

// call makes an API request with a token and decodes the JSON answer.
func call(t *testing.T, method, u, token, contentType string, body []byte, v any) int {
	t.Helper()
	req, _ := http.NewRequest(method, u, bytes.NewReader(body))
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if v != nil && len(b) > 0 {
		if err := json.Unmarshal(b, v); err != nil {
			t.Fatalf("%s %s: %d %s", method, u, resp.StatusCode, b)
		}
	}
	return resp.StatusCode
}

const casesSchema = `{"type": "object", "required": ["week", "township", "cases"],
  "properties": {"week": {"type": "string", "pattern": "^[0-9]{4}-W[0-9]{2}$"}, "township": {"type": "string"}, "cases": {"type": "integer", "minimum": 0}}}`

type errJSON struct {
	Error struct{ Code, Message string }
}

// A ministry publishes through the API: a publisher's token defines a
// dataset and uploads a file; the figures are served; other tokens, no
// token, a revoked and an expired one are refused; every write is in
// audit_log, which only an admin reads.
func TestPublishThroughTheAPI(t *testing.T) {
	store := t.TempDir()
	moh := newToken(t, store, "moh", "publisher")
	edu := newToken(t, store, "moe", "publisher")
	editor := newToken(t, store, "moh", "editor")
	admin := newToken(t, store, "govlake", "admin")
	expired := newToken(t, store, "moh", "publisher", "-ttl", "1ms")
	base := startCatalog(t, store, "-organizations", "../../organizations", "-max-upload", "2KB")

	def := []byte(`{"title": "Dengue cases by township", "license": "CC-BY-4.0", "tags": ["health"], "schema": ` + casesSchema + `, "source": {"format": "csv"}}`)
	var e errJSON
	if code := call(t, "PUT", base+"/api/v1/datasets/dengue", "", "application/json", def, &e); code != 401 || !strings.Contains(e.Error.Message, "needs a token") {
		t.Errorf("no token: %d %+v", code, e)
	}
	var d struct {
		Dataset, Organization, Title string
		Created                      bool
	}
	if code := call(t, "PUT", base+"/api/v1/datasets/dengue", moh, "application/json", def, &d); code != 201 || d.Organization != "moh" || !d.Created {
		t.Fatalf("define: %d %+v", code, d)
	}
	// Another organisation's publisher may not write it; an editor may not upload.
	if code := call(t, "PUT", base+"/api/v1/datasets/dengue", edu, "application/json", def, &e); code != 403 {
		t.Errorf("another organisation's PUT: %d %+v", code, e)
	}
	csv := "week,township,cases\n2024-W01,Bahan,12\n2024-W01,Hlaing,7\n2024-W02,Bahan,15\n"
	if code := call(t, "POST", base+"/api/v1/datasets/dengue/versions", edu, "text/csv", []byte(csv), &e); code != 403 || !strings.Contains(e.Error.Message, "needs publisher of moh") {
		t.Errorf("another organisation's upload: %d %+v", code, e)
	}
	if code := call(t, "POST", base+"/api/v1/datasets/dengue/versions", editor, "text/csv", []byte(csv), &e); code != 403 {
		t.Errorf("an editor's upload: %d %+v", code, e)
	}
	var up struct {
		Run struct {
			Status  string
			Version int
			Rows    struct{ Read, Valid, Rejected int }
			Source  struct{ URL string }
		}
	}
	if code := call(t, "POST", base+"/api/v1/datasets/dengue/versions", moh, "text/csv", []byte(csv), &up); code != 201 || up.Run.Version != 1 || up.Run.Rows.Valid != 3 {
		t.Fatalf("upload: %d %+v", code, up)
	}
	if strings.Contains(up.Run.Source.URL, os.TempDir()) {
		t.Errorf("the run shows a server path: %q", up.Run.Source.URL)
	}
	var res struct{ Rows [][]any }
	getJSON(t, "GET", base+"/api/v1/query?sql="+urlQuery(`SELECT sum(cases) AS n FROM dengue WHERE township = 'Bahan'`), "", 200, &res)
	if len(res.Rows) != 1 || res.Rows[0][0] != float64(27) {
		t.Errorf("served figures: %v", res.Rows)
	}
	// A rejected load: 422 with the report, and version 1 still served.
	bad := "week,township,cases\n2024-W03,Bahan,-4\n2024-W03,Hlaing,x\n"
	var rejected struct {
		Run struct {
			Status     string
			Rejections []struct {
				Row    int
				Column string
			}
		}
	}
	if code := call(t, "POST", base+"/api/v1/datasets/dengue/versions", moh, "text/csv", []byte(bad), &rejected); code != 422 || rejected.Run.Status != "rejected" || len(rejected.Run.Rejections) != 2 {
		t.Errorf("rejected upload: %d %+v", code, rejected)
	}
	if code := call(t, "POST", base+"/api/v1/datasets/dengue/versions", moh, "text/csv", bytes.Repeat([]byte("2024-W04,Bahan,1\n"), 200), &e); code != 413 || !strings.Contains(e.Error.Message, "over 2048 bytes") {
		t.Errorf("too large: %d %+v", code, e)
	}
	var one struct{ Version int }
	getJSON(t, "GET", base+"/api/v1/datasets/dengue", "", 200, &one)
	if one.Version != 1 {
		t.Errorf("after the refused loads the dataset is at version %d", one.Version)
	}
	// A dataset defined by a pipeline file is not the API's to change.
	// (Bad, expired and revoked tokens are 401, even on public routes.)
	for name, tok := range map[string]string{"wrong": "glk_0123456789abcdef_nothing", "expired": expired, "garbage": "x"} {
		if code := call(t, "GET", base+"/api/v1/datasets", tok, "", nil, &e); code != 401 || e.Error.Message != "the token is not valid: it is wrong, expired or revoked" {
			t.Errorf("%s token: %d %+v", name, code, e)
		}
	}
	var list bytes.Buffer
	Main(context.Background(), []string{"token", "list", "-store", store}, &list, io.Discard, nil)
	var id string
	for _, line := range strings.Split(list.String(), "\n") {
		if strings.Contains(line, "moe") {
			id = strings.Fields(line)[0]
		}
	}
	if code := Main(context.Background(), []string{"token", "revoke", "-store", store, id}, io.Discard, io.Discard, nil); code != 0 || !strings.HasPrefix(edu, "glk_"+id+"_") {
		t.Fatalf("revoke %s: %d", id, code)
	}
	time.Sleep(6 * time.Second) // other servers trust a checked token for 5 s
	if code := call(t, "GET", base+"/api/v1/datasets", edu, "", nil, &e); code != 401 {
		t.Errorf("revoked token: %d", code)
	}

	// audit_log: every write and refusal, for admins only.
	if code := call(t, "GET", base+"/api/v1/query?sql="+urlQuery("SELECT * FROM audit_log"), moh, "", nil, &e); code != 403 {
		t.Errorf("a publisher reading audit_log: %d %+v", code, e)
	}
	if code := call(t, "GET", base+"/api/v1/query?sql="+urlQuery("SELECT * FROM audit_log"), "", "", nil, &e); code != 401 {
		t.Errorf("nobody reading audit_log: %d %+v", code, e)
	}
	var audit struct{ Rows [][]any }
	call(t, "GET", base+"/api/v1/query?sql="+urlQuery("SELECT action, organization, target, result FROM audit_log ORDER BY time"), admin, "", nil, &audit)
	var got []string
	for _, r := range audit.Rows {
		got = append(got, strings.Join([]string{r[0].(string), r[1].(string), r[2].(string), r[3].(string)}, " "))
	}
	want := []string{
		"token.create moh", "token.create moe", "token.create moh", "token.create govlake", "token.create moh",
		"dataset.create moh dengue ok",
		"auth.denied moe PUT /api/v1/datasets/dengue forbidden",
		"auth.denied moe POST /api/v1/datasets/dengue/versions forbidden",
		"auth.denied moh POST /api/v1/datasets/dengue/versions forbidden",
		"version.upload moh dengue ok",
		"version.upload moh dengue rejected",
		"version.upload moh dengue too_large",
		"auth.token  GET /api/v1/datasets unauthorized",
		"auth.token  GET /api/v1/datasets unauthorized",
		"auth.token  GET /api/v1/datasets unauthorized",
		"token.revoke moe",
		"auth.token  GET /api/v1/datasets unauthorized",
	}
	if len(got) != len(want) {
		t.Fatalf("audit_log has %d events:\n%s", len(got), strings.Join(got, "\n"))
	}
	for i := range want {
		if !strings.HasPrefix(got[i], want[i]) {
			t.Errorf("audit event %d: %q, want %q", i+1, got[i], want[i])
		}
	}
	objs, _ := filepath.Glob(filepath.Join(store, "audit", "*", "*", "*", "*.json"))
	if len(objs) != len(want) {
		t.Errorf("%d audit objects in the store, %d events", len(objs), len(want))
	}
}

// Withdrawing a version purges its data, rejected rows and raw source
// from the store, leaves a tombstone the pages show, makes its SQL name
// answer 410, and leaves the other versions as they were.
func TestWithdrawVersion(t *testing.T) {
	store := t.TempDir()
	moh := newToken(t, store, "moh", "publisher")
	edu := newToken(t, store, "moe", "publisher")
	base := startCatalog(t, store, "-organizations", "../../organizations")
	def := []byte(`{"title": "Dengue cases", "max_invalid_ratio": 0.5, "schema": ` + casesSchema + `}`)
	if code := call(t, "PUT", base+"/api/v1/datasets/dengue", moh, "application/json", def, nil); code != 201 {
		t.Fatalf("define: %d", code)
	}
	v1 := "week,township,cases\n2024-W01,Bahan,12\n2024-W01,Hlaing,-1\n"
	v2 := "week,township,cases\n2024-W01,Bahan,12\n2024-W02,Bahan,15\n"
	for i, body := range []string{v1, v2} {
		var up struct{ Run struct{ Version int } }
		if code := call(t, "POST", base+"/api/v1/datasets/dengue/versions", moh, "text/csv", []byte(body), &up); code != 201 || up.Run.Version != i+1 {
			t.Fatalf("upload %d: %d %+v", i+1, code, up)
		}
	}
	before := storeFiles(t, store, "datasets/dengue/")
	var e errJSON
	if code := call(t, "POST", base+"/api/v1/datasets/dengue/versions/1/withdraw", edu, "application/json", []byte(`{"reason": "x"}`), &e); code != 403 {
		t.Errorf("another organisation withdrawing: %d", code)
	}
	if code := call(t, "POST", base+"/api/v1/datasets/dengue/versions/1/withdraw", moh, "application/json", []byte(`{}`), &e); code != 400 || !strings.Contains(e.Error.Message, "say why") {
		t.Errorf("no reason: %d %+v", code, e)
	}
	var wd struct {
		Version int
		Reason  string
		Org     string `json:"organization"`
	}
	reason := "a township name identified a patient"
	if code := call(t, "POST", base+"/api/v1/datasets/dengue/versions/1/withdraw", moh, "application/json", []byte(`{"reason": "`+reason+`"}`), &wd); code != 200 || wd.Reason != reason || wd.Org != "moh" {
		t.Fatalf("withdraw: %d %+v", code, wd)
	}
	after := storeFiles(t, store, "datasets/dengue/")
	for _, f := range before {
		gone := !contains(after, f)
		v1file := strings.Contains(f, "versions/00000001/") && !strings.HasSuffix(f, "manifest.json") && !strings.HasSuffix(f, "claim.json")
		if v1file != gone && !strings.Contains(f, "/raw/") {
			t.Errorf("%s: gone %v", f, gone)
		}
	}
	if raws := filterPrefix(after, "datasets/dengue/raw/"); len(raws) != 1 || len(filterPrefix(before, "datasets/dengue/raw/")) != 2 {
		t.Errorf("raw sources before %v, after %v", filterPrefix(before, "datasets/dengue/raw/"), raws)
	}
	if !contains(after, "datasets/dengue/versions/00000001/withdrawn.json") || !contains(before, "datasets/dengue/versions/00000001/rejected.parquet") {
		t.Error("no tombstone, or version 1 had no rejected rows to purge")
	}
	runs, _ := filepath.Glob(filepath.Join(store, "runs", "dengue", "*.json"))
	for _, f := range runs {
		b, _ := os.ReadFile(f)
		if strings.Contains(string(b), `"version": 1,`) && (strings.Contains(string(b), "Hlaing") || strings.Contains(string(b), "rejections")) {
			t.Errorf("the run record of version 1 keeps its rejected rows: %s", b)
		}
	}
	today := time.Now().UTC().Format(time.DateOnly)
	want := "version 1 of dengue was withdrawn on " + today + " by moh: " + reason
	for _, sql := range []string{"SELECT * FROM dengue__v1", "SELECT * FROM dengue__v1__rejected"} {
		if code := call(t, "GET", base+"/api/v1/query?sql="+urlQuery(sql), "", "", nil, &e); code != 410 || e.Error.Message != want {
			t.Errorf("%s: %d %q", sql, code, e.Error.Message)
		}
	}
	var res struct{ Rows [][]any }
	getJSON(t, "GET", base+"/api/v1/query?sql="+urlQuery("SELECT count(*) AS n FROM dengue__v2"), "", 200, &res)
	getJSON(t, "GET", base+"/api/v1/query?sql="+urlQuery("SELECT sum(cases) AS n FROM dengue"), "", 200, &res)
	if res.Rows[0][0] != float64(27) {
		t.Errorf("the latest version after the withdrawal: %v", res.Rows)
	}
	if page := string(getBody(t, base+"/datasets/dengue")); !strings.Contains(page, "withdrawn on "+today+" by moh: "+reason) {
		t.Error("the dataset page does not show the withdrawal")
	}
	// The latest live version's bytes again make nothing new.
	var up struct{ Run struct{ Status string } }
	call(t, "POST", base+"/api/v1/datasets/dengue/versions", moh, "text/csv", []byte(v2), &up)
	if up.Run.Status != "unchanged" {
		t.Errorf("re-uploading version 2: %s", up.Run.Status)
	}
	if code := call(t, "POST", base+"/api/v1/datasets/dengue/versions/1/withdraw", moh, "application/json", []byte(`{"reason": "again"}`), &wd); code != 200 || wd.Reason != reason {
		t.Errorf("withdrawing again keeps the first tombstone: %d %+v", code, wd)
	}
	if got := auditActions(t, base, store); got != "dataset.create ok|version.upload ok|version.upload ok|auth.denied forbidden|version.withdraw invalid|version.withdraw ok|version.upload ok|version.withdraw ok" {
		t.Errorf("audit_log: %s", got)
	}
}

func storeFiles(t *testing.T, root, prefix string) []string {
	t.Helper()
	var out []string
	filepath.Walk(filepath.Join(root, prefix), func(p string, info os.FileInfo, err error) error {
		if err == nil && !info.IsDir() {
			rel, _ := filepath.Rel(root, p)
			out = append(out, filepath.ToSlash(rel))
		}
		return nil
	})
	return out
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

func filterPrefix(list []string, prefix string) []string {
	var out []string
	for _, x := range list {
		if strings.HasPrefix(x, prefix) {
			out = append(out, x)
		}
	}
	return out
}

// The npm ckanapi client publishes with a token through CKAN's write
// actions: package_create, resource_create with the file, package_patch;
// package_show reads it back; without a token it is refused; package_delete
// withdraws every version.
func TestCKANClientPublishes(t *testing.T) {
	node := nodeWithPackages(t)
	store := t.TempDir()
	moh := newToken(t, store, "moh", "publisher")
	base := startCatalog(t, store, "-organizations", "../../organizations")
	csvFile := filepath.Join(t.TempDir(), "weekly-cases.csv")
	os.WriteFile(csvFile, []byte("epi_week,township,cases,rate\n2024-W01,Bahan,182,0.5\n2024-W01,Hlaing,97,1.25\n2024-W02,Bahan,150,0.75\n"), 0o644)
	out, err := exec.Command(node, "../../e2e/ckanapi.mjs", base, moh, csvFile).Output()
	if err != nil {
		t.Fatalf("ckanapi: %v %s", err, out)
	}
	var got struct {
		Created, Patched, Shown struct {
			Name, Title, Notes string
			OwnerOrg           string `json:"owner_org"`
			Tags               []struct{ Name string }
			Resources          []struct{ Format string }
		}
		Resource struct {
			Format  string
			Version int `json:"govlake_version"`
		}
		Anonymous, Deleted struct {
			Error *struct {
				Type    string `json:"__type"`
				Message string
			}
		}
	}
	if err := json.Unmarshal(out, &got); err != nil {
		t.Fatalf("%s: %v", out, err)
	}
	if got.Created.Title != "Weekly cases" || len(got.Created.Tags) != 2 {
		t.Errorf("package_create: %s", out)
	}
	if got.Resource.Version != 1 || got.Resource.Format != "CSV" {
		t.Errorf("resource_create: %s", out)
	}
	if got.Shown.Title != "Weekly dengue cases" || got.Shown.Notes != "Cases by township and week." || len(got.Shown.Resources) != 3 {
		t.Errorf("package_show after package_patch: %s", out)
	}
	if got.Anonymous.Error == nil || got.Anonymous.Error.Type != "Authorization Error" {
		t.Errorf("anonymous package_create: %s", out)
	}
	if got.Deleted.Error != nil {
		t.Errorf("package_delete: %s", out)
	}
	// The schema DuckDB inferred from the upload, and the figures.
	schema, _ := os.ReadFile(filepath.Join(store, "datasets", "weekly_cases", "schema.json"))
	if !strings.Contains(string(schema), `"cases": {`+"\n"+`      "type": "integer"`) || !strings.Contains(string(schema), `"rate": {`+"\n"+`      "type": "number"`) {
		t.Errorf("inferred schema: %s", schema)
	}
	var e errJSON
	if code := call(t, "GET", base+"/api/v1/query?sql="+urlQuery("SELECT sum(cases) FROM weekly_cases__v1"), "", "", nil, &e); code != 410 {
		t.Errorf("after package_delete version 1 answers %d %+v", code, e)
	}
}

// nodeWithPackages finds node and the npm packages, as drive does.
func nodeWithPackages(t *testing.T, pkgs ...string) string {
	t.Helper()
	node, err := exec.LookPath("node")
	for _, p := range append([]string{"ckanapi"}, pkgs...) {
		if _, statErr := os.Stat("../../node_modules/" + p); err != nil || statErr != nil {
			if os.Getenv("CI") == "true" {
				t.Fatal("node or the npm packages are missing; the test script runs npm ci")
			}
			t.Skip("node or node_modules/" + p + " is missing: run npm ci")
		}
	}
	return node
}

// An organisation that reviews: each upload is a draft that only the
// organisation sees (others get 404, as if it did not exist) until a
// publisher publishes it.
func TestReviewMakesDrafts(t *testing.T) {
	store := t.TempDir()
	moh := newToken(t, store, "moh", "publisher")
	editor := newToken(t, store, "moh", "editor")
	edu := newToken(t, store, "moe", "publisher")
	base := startCatalog(t, store, "-organizations", "testdata/orgs")
	def := []byte(`{"title": "Dengue cases", "schema": ` + casesSchema + `}`)
	if code := call(t, "PUT", base+"/api/v1/datasets/dengue", moh, "application/json", def, nil); code != 201 {
		t.Fatalf("define: %d", code)
	}
	var up struct {
		Run struct {
			Version int
			Draft   []string `json:"draft_reasons"`
		}
	}
	csv := "week,township,cases\n2024-W01,Bahan,12\n"
	if code := call(t, "POST", base+"/api/v1/datasets/dengue/versions", moh, "text/csv", []byte(csv), &up); code != 201 || up.Run.Version != 1 ||
		strings.Join(up.Run.Draft, "") != "the organization moh reviews every upload" {
		t.Fatalf("upload: %d %+v", code, up)
	}
	sql := base + "/api/v1/query?sql=" + urlQuery("SELECT sum(cases) AS n FROM dengue__v1")
	var e errJSON
	for name, tok := range map[string]string{"nobody": "", "another organization": edu} {
		if code := call(t, "GET", sql, tok, "", nil, &e); code != 404 || e.Error.Message != "dataset dengue has no version 1" {
			t.Errorf("%s reading the draft: %d %+v", name, code, e)
		}
	}
	if code := call(t, "GET", base+"/api/v1/query?sql="+urlQuery("SELECT * FROM dengue"), "", "", nil, &e); code != 404 || e.Error.Message != "dataset dengue has no published version yet" {
		t.Errorf("the dataset before publishing: %d %+v", code, e)
	}
	var res struct{ Rows [][]any }
	if code := call(t, "GET", sql, editor, "", nil, &res); code != 200 || res.Rows[0][0] != float64(12) {
		t.Errorf("the organisation reading its draft: %d %v", code, res.Rows)
	}
	var d struct{ Versions []struct{ Draft bool } }
	call(t, "GET", base+"/api/v1/datasets/dengue", "", "", nil, &d)
	if len(d.Versions) != 0 {
		t.Errorf("an outsider sees versions %+v", d.Versions)
	}
	call(t, "GET", base+"/api/v1/datasets/dengue", moh, "", nil, &d)
	if len(d.Versions) != 1 || !d.Versions[0].Draft {
		t.Errorf("the organisation sees versions %+v", d.Versions)
	}
	publish := base + "/api/v1/datasets/dengue/versions/1/publish"
	if code := call(t, "POST", publish, editor, "", nil, &e); code != 403 {
		t.Errorf("an editor publishing: %d", code)
	}
	if code := call(t, "POST", publish, edu, "", nil, &e); code != 403 {
		t.Errorf("another organisation publishing: %d", code)
	}
	if code := call(t, "POST", publish, moh, "", nil, nil); code != 200 {
		t.Fatalf("publish: %d", code)
	}
	if code := call(t, "GET", sql, "", "", nil, &res); code != 200 || res.Rows[0][0] != float64(12) {
		t.Errorf("after publishing: %d %v", code, res.Rows)
	}
	if code := call(t, "GET", base+"/api/v1/query?sql="+urlQuery("SELECT count(*) AS n FROM dengue"), "", "", nil, &res); code != 200 {
		t.Errorf("the dataset after publishing: %d", code)
	}
	if got := auditActions(t, base, store); got != "dataset.create ok|version.upload ok|auth.denied forbidden|auth.denied forbidden|version.publish ok" {
		t.Errorf("audit_log: %s", got)
	}
}

// auditActions reads audit_log's writes (not token creation) with a new
// admin's token, in time order.
func auditActions(t *testing.T, base, store string) string {
	t.Helper()
	admin := newToken(t, store, "govlake", "admin")
	var res struct{ Rows [][]any }
	if code := call(t, "GET", base+"/api/v1/query?sql="+urlQuery("SELECT action || ' ' || result FROM audit_log WHERE action NOT LIKE 'token.%' ORDER BY time"), admin, "", nil, &res); code != 200 {
		t.Fatalf("audit_log: %d", code)
	}
	var out []string
	for _, r := range res.Rows {
		out = append(out, r[0].(string))
	}
	return strings.Join(out, "|")
}

// An upload with columns that look like personal data becomes a draft
// whose reasons name the column, the kind and the rows; a dataset that
// expects personal data is published at once.
func TestPersonalDataMakesADraft(t *testing.T) {
	store := t.TempDir()
	moh := newToken(t, store, "moh", "publisher")
	base := startCatalog(t, store, "-organizations", "../../organizations")
	schema := `{"type": "object", "properties": {"township": {"type": "string"}, "contact": {"type": "string"}, "cases": {"type": "integer"}}}`
	csv := "township,contact,cases\nBahan,aung@example.org,12\nHlaing,09 421 234 567,7\nKamayut,mya@example.org,3\n"
	for _, tc := range []struct {
		id, extra string
		draft     []string
	}{
		{"cases_a", "", []string{`personal data? column "contact" looks like e-mail addresses (rows 2, 4); publish it if it may be public, or set personal_data: expected`}},
		{"cases_b", `"personal_data": "expected", `, nil},
	} {
		def := []byte(`{"title": "Cases", ` + tc.extra + `"schema": ` + schema + `}`)
		if code := call(t, "PUT", base+"/api/v1/datasets/"+tc.id, moh, "application/json", def, nil); code != 201 {
			t.Fatalf("define %s: %d", tc.id, code)
		}
		var up struct {
			Run struct {
				Draft []string `json:"draft_reasons"`
			}
		}
		if code := call(t, "POST", base+"/api/v1/datasets/"+tc.id+"/versions", moh, "text/csv", []byte(csv), &up); code != 201 || strings.Join(up.Run.Draft, "|") != strings.Join(tc.draft, "|") {
			t.Errorf("%s: %d %q", tc.id, code, up.Run.Draft)
		}
	}
	var e errJSON
	if code := call(t, "GET", base+"/api/v1/query?sql="+urlQuery("SELECT * FROM cases_a__v1"), "", "", nil, &e); code != 404 {
		t.Errorf("the draft with personal data is public: %d", code)
	}
	if code := call(t, "GET", base+"/api/v1/query?sql="+urlQuery("SELECT * FROM cases_b"), "", "", nil, &e); code != 200 {
		t.Errorf("the dataset that expects personal data: %d %+v", code, e)
	}
	bad := []byte(`{"title": "Cases", "personal_data": "maybe", "schema": ` + schema + `}`)
	if code := call(t, "PUT", base+"/api/v1/datasets/cases_c", moh, "application/json", bad, &e); code != 400 || !strings.Contains(e.Error.Message, `personal_data: "maybe" must be expected`) {
		t.Errorf("a bad personal_data: %d %+v", code, e)
	}
}

// A restricted dataset exists only for its organisation: for anyone else
// its page, API entry, versions, SQL names, CKAN package and runs are 404
// or absent, never 403, so that its name does not leak.
func TestRestrictedDataset(t *testing.T) {
	store := t.TempDir()
	moh := newToken(t, store, "moh", "publisher")
	edu := newToken(t, store, "moe", "publisher")
	base := startCatalog(t, store, "-organizations", "../../organizations")
	def := []byte(`{"title": "Patients by township", "access": "restricted", "schema": ` + casesSchema + `}`)
	if code := call(t, "PUT", base+"/api/v1/datasets/patients", moh, "application/json", def, nil); code != 201 {
		t.Fatalf("define: %d", code)
	}
	if code := call(t, "POST", base+"/api/v1/datasets/patients/versions", moh, "text/csv", []byte("week,township,cases\n2024-W01,Bahan,3\n"), nil); code != 201 {
		t.Fatalf("upload: %d", code)
	}
	for _, tok := range []string{"", edu} {
		for _, u := range []string{"/api/v1/datasets/patients", "/datasets/patients", "/api/v1/datasets/patients/versions/1", "/datasets/patients/versions/1",
			"/api/3/action/package_show?id=patients",
			"/api/v1/query?sql=" + urlQuery("SELECT * FROM patients"), "/api/v1/query?sql=" + urlQuery("SELECT * FROM patients__v1"),
			"/api/v1/query?sql=" + urlQuery(`SELECT * FROM "PATIENTS__rejected"`)} {
			if code := call(t, "GET", base+u, tok, "", nil, nil); code != 404 {
				t.Errorf("with a token %v, %s: %d", tok != "", u, code)
			}
		}
		var list struct{ Datasets []struct{ ID string } }
		call(t, "GET", base+"/api/v1/datasets", tok, "", nil, &list)
		var runs struct{ Runs []struct{ Dataset string } }
		call(t, "GET", base+"/api/v1/runs", tok, "", nil, &runs)
		var pkgs struct{ Result []string }
		call(t, "GET", base+"/api/3/action/package_list", tok, "", nil, &pkgs)
		if len(list.Datasets) != 0 || len(runs.Runs) != 0 || len(pkgs.Result) != 0 {
			t.Errorf("with a token %v: lists %v %v %v", tok != "", list.Datasets, runs.Runs, pkgs.Result)
		}
	}
	var res struct{ Rows [][]any }
	if code := call(t, "GET", base+"/api/v1/query?sql="+urlQuery("SELECT sum(cases) FROM patients"), moh, "", nil, &res); code != 200 || res.Rows[0][0] != float64(3) {
		t.Errorf("its organisation: %d %v", code, res.Rows)
	}
	if code := call(t, "GET", base+"/datasets/patients", moh, "", nil, nil); code != 200 {
		t.Errorf("its organisation's page: %d", code)
	}
	// A column named like it is not the dataset.
	if code := call(t, "GET", base+"/api/v1/query?sql="+urlQuery("SELECT 1 AS patients_count"), "", "", nil, nil); code != 200 {
		t.Errorf("a longer name that starts like it: %d", code)
	}
}

// A data officer signs in in chromium, uploads a file through the form on
// "my organization", reads the report, and publishes the draft; a wrong
// password is refused with the same words as an unknown account; every
// page passes axe-core.
func TestSignInAndUploadInBrowser(t *testing.T) {
	store := t.TempDir()
	moh := newToken(t, store, "moh", "publisher")
	var out, errs bytes.Buffer
	code := userCmd(t, store, "a long enough password\n", &out, &errs)
	if code != 0 {
		t.Fatalf("user create: %d %s", code, errs.String())
	}
	base := startCatalog(t, store, "-organizations", "testdata/orgs")
	def := []byte(`{"title": "Dengue cases", "max_invalid_ratio": 0.5, "schema": ` + casesSchema + `}`)
	if code := call(t, "PUT", base+"/api/v1/datasets/dengue", moh, "application/json", def, nil); code != 201 {
		t.Fatalf("define: %d", code)
	}
	csvFile := filepath.Join(t.TempDir(), "dengue.csv")
	os.WriteFile(csvFile, []byte("week,township,cases\n2024-W01,Bahan,12\n2024-W01,Hlaing,-3\n2024-W02,Bahan,15\n"), 0o644)
	dir := shotDir(t)
	noJS := false // the forms work without JavaScript; with it, the upload shows its progress
	signIn := []step{{Fill: []string{"#email", "officer@mohs.gov.mm"}}, {Fill: []string{"#password", "a long enough password"}}, {Submit: "button[type=submit]"}}
	seen := drive(t, []pagePlan{
		{URL: base + "/signin", Axe: true, Steps: []step{{Fill: []string{"#email", "officer@mohs.gov.mm"}}, {Fill: []string{"#password", "wrong password, twelve"}}, {Submit: "button[type=submit]"}}},
		{URL: base + "/signin", Axe: true, Screenshot: filepath.Join(dir, "my.png"), Steps: signIn},
		{URL: base + "/signin", Axe: true, Screenshot: filepath.Join(dir, "uploaded.png"), Steps: append(signIn[:3:3],
			step{File: []string{"#file-dengue", csvFile}}, step{Click: "form[enctype] button[type=submit]"}, step{WaitFor: "#report"})},
		{URL: base + "/signin", Steps: append(signIn[:3:3], step{Submit: "form[action$='/publish'] button"})},
		{URL: base + "/signin", JavaScript: &noJS, Steps: append(signIn[:3:3], step{Click: "#create summary"}, step{Fill: []string{"#new-id", "weekly"}},
			step{Fill: []string{"#new-title", "Weekly cases"}}, step{Submit: "#create button[type=submit]"},
			step{File: []string{"#file-weekly", csvFile}}, step{Submit: "form[action='/my/datasets/weekly/versions'] button[type=submit]"})},
	})
	if !strings.Contains(seen[0].HTML, "the e-mail address or the password is wrong") || seen[0].Status != 401 {
		t.Errorf("a wrong password: %d %.300s", seen[0].Status, seen[0].HTML)
	}
	if !strings.Contains(seen[1].HTML, "My organization: moh") || !strings.Contains(seen[1].HTML, `id="file-dengue"`) || !strings.Contains(seen[1].HTML, `<progress id="progress-dengue" hidden`) {
		t.Errorf("my organization: %.500s", seen[1].HTML)
	}
	report := seen[2].HTML
	if !strings.HasSuffix(seen[2].FinalURL, "/my") {
		t.Errorf("the upload left /my for %s: the progress script did not send it", seen[2].FinalURL)
	}
	for _, w := range []string{"Upload to dengue: succeeded", "version 1", "3 read, 2 valid, 1 rejected", "the organization moh reviews every upload", `<td class="n">3</td><td>cases</td>`} {
		if !strings.Contains(report, w) {
			t.Errorf("the report lacks %q", w)
		}
	}
	if !strings.Contains(seen[3].HTML, "dengue version 1 is published") || !strings.Contains(seen[3].HTML, `aria-label="Recent runs of Dengue cases"`) {
		t.Errorf("publish: %.500s", seen[3].HTML)
	}
	var res struct{ Rows [][]any }
	getJSON(t, "GET", base+"/api/v1/query?sql="+urlQuery("SELECT sum(cases) AS n FROM dengue"), "", 200, &res)
	if res.Rows[0][0] != float64(27) {
		t.Errorf("after publishing from the page: %v", res.Rows)
	}
	// A dataset defined by the form, without a schema: DuckDB inferred one
	// from the upload, so the negative count passed as an integer.
	if w := "Upload to weekly: succeeded"; !strings.Contains(seen[4].HTML, w) || !strings.Contains(seen[4].HTML, "3 read, 3 valid, 0 rejected") {
		t.Errorf("the form-defined dataset's upload: %.600s", seen[4].HTML)
	}
	if len(seen[4].Steps) != 3 || seen[4].Steps[1].Status != 200 || !strings.Contains(seen[4].Steps[1].URL, "/my?done=dataset+weekly+is+defined") {
		t.Errorf("defining through the form: %+v", seen[4].Steps)
	}
	// A form without the session's CSRF token is refused.
	if code := call(t, "POST", base+"/my/datasets/dengue/versions/1/withdraw", "", "application/x-www-form-urlencoded", []byte("reason=x&confirm=yes"), nil); code != 401 {
		t.Errorf("a form post without a session: %d", code)
	}
	noAxeViolations(t, seen[1:3])

	// "My organization" in the other five languages at a phone's width:
	// the language chosen on the sign-in page holds after it.
	var langs []pagePlan
	for _, l := range []string{"my", "lo", "vi", "th", "km"} {
		langs = append(langs, pagePlan{URL: base + "/signin?lang=" + l, Axe: true, Width: 390, Height: 844, Steps: signIn})
	}
	headings := map[string]string{"my": "ကျွန်ုပ်၏ အဖွဲ့အစည်း- moh", "lo": "ອົງການຂອງຂ້ອຍ: moh", "vi": "Cơ quan của tôi: moh", "th": "หน่วยงานของฉัน: moh", "km": "ស្ថាប័នរបស់ខ្ញុំ៖ moh"}
	mine := drive(t, langs)
	noAxeViolations(t, mine)
	for _, p := range mine {
		l := p.URL[len(p.URL)-2:]
		if !strings.HasSuffix(p.FinalURL, "/my") || !strings.Contains(p.HTML, `<html lang="`+l+`"`) || !strings.Contains(p.HTML, headings[l]) {
			t.Errorf("my organization in %s: %s %.300s", l, p.FinalURL, p.HTML)
		}
		if p.Overflow.ScrollWidth > p.Overflow.ClientWidth {
			t.Errorf("my organization in %s scrolls sideways at 390 px: %v", l, p.Overflow.Wide)
		}
	}
	noAxeViolations(t, seen[4:])
	for _, v := range seen[0].Axe { // the refused sign-in answers 401 on purpose
		if v.Impact == "serious" || v.Impact == "critical" {
			t.Errorf("sign-in refused: axe-core %s: %s", v.ID, v.Help)
		}
	}
}

func userCmd(t *testing.T, store, password string, out, errs io.Writer) int {
	t.Helper()
	return userCommand(context.Background(), []string{"create", "-store", store, "-org", "moh", "-role", "publisher", "-email", "officer@mohs.gov.mm", "-name", "Data officer"},
		strings.NewReader(password), out, errs)
}

// Sign-in with a real OpenID Connect provider (the npm oidc-provider, run
// by node): in chromium, "Sign in with your ministry's account" goes to
// the provider, its login and consent pages are filled in, and the
// provider's ID token (checked by go-oidc) opens a session on /my with the
// organisation and role of its claims.
func TestOIDCWithARealProvider(t *testing.T) {
	node := nodeWithPackages(t)
	if _, err := os.Stat("../../node_modules/oidc-provider"); err != nil {
		t.Fatal("node_modules/oidc-provider is missing; the test script runs npm ci")
	}
	freePort := func() string {
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		defer ln.Close()
		return strconv.Itoa(ln.Addr().(*net.TCPAddr).Port)
	}
	catPort, opPort := freePort(), freePort()
	public := "http://127.0.0.1:" + catPort
	ctx, cancel := context.WithCancel(context.Background())
	op := exec.CommandContext(ctx, node, "../../e2e/oidc-provider.mjs", opPort, public+"/signin/oidc/callback")
	stdout, _ := op.StdoutPipe()
	var opErr bytes.Buffer
	op.Stderr = &opErr
	if err := op.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cancel(); op.Wait() })
	ready := make(chan bool, 1)
	go func() {
		line, _ := bufio.NewReader(stdout).ReadString('\n')
		ready <- strings.TrimSpace(line) == "READY"
	}()
	select {
	case ok := <-ready:
		if !ok {
			t.Fatalf("the provider did not start: %s", opErr.String())
		}
	case <-time.After(30 * time.Second):
		t.Fatalf("the provider did not start in 30 s: %s", opErr.String())
	}
	t.Setenv("GOVLAKE_OIDC_CLIENT_SECRET", "govlake-test-secret")
	store := t.TempDir()
	base := startCatalog(t, store, "-organizations", "testdata/orgs", "-addr", "127.0.0.1:"+catPort, "-public-url", public,
		"-oidc-issuer", "http://127.0.0.1:"+opPort, "-oidc-client-id", "govlake")
	seen := drive(t, []pagePlan{{URL: base + "/signin", Screenshot: filepath.Join(shotDir(t), "oidc.png"), Steps: []step{
		{Submit: "#oidc"},
		{Fill: []string{"input[name=login]", "officer@mohs.gov.mm"}}, {Fill: []string{"input[name=password]", "any"}},
		{Submit: "button[type=submit]"},
		{Submit: "button[type=submit]"},
	}}})
	if len(seen[0].Steps) != 3 || !strings.Contains(seen[0].Steps[0].URL, "127.0.0.1:"+opPort+"/interaction/") {
		t.Errorf("the sign-in did not go through the provider's pages: %+v", seen[0].Steps)
	}
	if !strings.HasSuffix(seen[0].FinalURL, "/my") || !strings.Contains(seen[0].HTML, "My organization: moh") ||
		!strings.Contains(seen[0].HTML, "Signed in as officer@mohs.gov.mm (publisher)") {
		t.Errorf("after the provider: %s %.600s (steps %+v)", seen[0].FinalURL, seen[0].HTML, seen[0].Steps)
	}
}
