package web

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"time"

	"govlake/internal/catalog"
	"govlake/internal/govlake"
)

// down is a catalogue whose store cannot be reached.
type down struct{}

var errDown = govlake.Errorf(govlake.EUNAVAILABLE, "list datasets in the store: connection refused")

func (down) Datasets(ctx context.Context) ([]govlake.Summary, error) { return nil, errDown }
func (down) RunsPage(ctx context.Context, dataset string, p catalog.Page) ([]*govlake.Run, bool, error) {
	return nil, false, errDown
}
func (down) VersionsPage(ctx context.Context, id string, p catalog.Page) (*catalog.VersionPage, error) {
	return nil, errDown
}
func (down) DatasetsPage(ctx context.Context, p catalog.Page) (*catalog.DatasetPage, error) {
	return nil, errDown
}
func (down) Dataset(ctx context.Context, id string) (*govlake.Detail, error) { return nil, errDown }
func (down) TableNames(ctx context.Context, p catalog.Page) ([]string, int, error) {
	return nil, 0, errDown
}
func (down) OpenTable(ctx context.Context, id string) (*catalog.OpenTable, error) {
	return nil, errDown
}
func (down) State(ctx context.Context) (string, time.Time, error) { return "", time.Time{}, errDown }
func (down) Tags(ctx context.Context) ([]string, error)           { return nil, errDown }
func (down) OpenFile(ctx context.Context, id string, n, k int) (*catalog.VersionFile, error) {
	return nil, errDown
}
func (down) Version(ctx context.Context, id string, n int) (*govlake.Manifest, error) {
	return nil, errDown
}
func (down) Runs(ctx context.Context, dataset string, limit int) ([]*govlake.Run, error) {
	return nil, errDown
}
func (down) Search(ctx context.Context, req catalog.SearchRequest) (*catalog.SearchResult, error) {
	return nil, errDown
}
func (down) Organizations(ctx context.Context) ([]*catalog.OrgSummary, error) { return nil, errDown }
func (down) DefinedOrganizations() map[string]*govlake.Organization           { return nil }
func (down) Organization(ctx context.Context, id string) (*catalog.OrgSummary, error) {
	return nil, errDown
}

var _ Catalog = down{}

func newDownServer() *Server {
	return NewServer(down{}, nil, slog.New(slog.NewTextHandler(io.Discard, nil)), time.Now)
}

// Every error code has one status, in one place.
func TestStatus(t *testing.T) {
	for code, want := range map[string]int{
		govlake.EINVALID: 400, govlake.ENOTFOUND: 404, govlake.ECONFLICT: 409, govlake.ETIMEOUT: 504,
		govlake.ETOOLARGE: 413, govlake.EUNAVAILABLE: 503, govlake.EBUSY: 429, govlake.EINTERNAL: 500,
		govlake.EUNAUTHORIZED: 401, govlake.EFORBIDDEN: 403, govlake.EGONE: 410,
	} {
		if got := status(code); got != want {
			t.Errorf("%s: %d, want %d", code, got, want)
		}
	}
}

// A store outage is a 503 everywhere, CKAN's API included, never "not
// found", and its message is the catalogue's, once.
func TestOutageKeepsItsCode(t *testing.T) {
	srv := newDownServer()
	for _, tc := range []struct {
		path, wantType string
	}{
		{"/api/v1/datasets", ""},
		{"/api/v1/datasets/population", ""},
		{"/api/3/action/package_show?id=population", "Service Unavailable"},
		{"/api/3/action/package_list", "Service Unavailable"},
		{"/api/3/action/organization_show?id=moh", "Service Unavailable"},
	} {
		rec := httptest.NewRecorder()
		srv.ServeHTTP(rec, httptest.NewRequest("GET", tc.path, nil))
		if rec.Code != 503 || rec.Header().Get("Retry-After") != "1" {
			t.Errorf("%s: %d, Retry-After %q", tc.path, rec.Code, rec.Header().Get("Retry-After"))
		}
		var body struct {
			Error struct {
				Type string `json:"__type"`
			}
		}
		json.Unmarshal(rec.Body.Bytes(), &body)
		if !strings.Contains(rec.Body.String(), `"list datasets in the store: connection refused"`) {
			t.Errorf("%s: %s", tc.path, rec.Body)
		}
		if tc.wantType != "" && body.Error.Type != tc.wantType {
			t.Errorf("%s: CKAN error type %q, want %q", tc.path, body.Error.Type, tc.wantType)
		}
	}
}

// Authorize is asked before every route, the API, CKAN's and pages alike,
// and its error is the answer.
func TestAuthorizeBeforeEveryRoute(t *testing.T) {
	srv := newDownServer()
	var asked []string
	srv.Authorize = func(r *http.Request) error {
		asked = append(asked, r.URL.Path)
		return govlake.Errorf(govlake.EINVALID, "no entry to %s", r.URL.Path)
	}
	for _, rt := range routes() {
		path := strings.NewReplacer("{id}", "x", "{n}", "1", "{name}", "q").Replace(rt.path)
		rec := httptest.NewRecorder()
		srv.ServeHTTP(rec, httptest.NewRequest(rt.method, path, strings.NewReader("{}")))
		if rec.Code != 400 || !strings.Contains(rec.Body.String(), "no entry to "+path) {
			t.Errorf("%s %s: %d %s", rt.method, path, rec.Code, rec.Body)
		}
	}
	if len(asked) != len(routes()) {
		t.Errorf("asked %d times for %d routes", len(asked), len(routes()))
	}
}

// Numbers read as people read them on pages, and exactly in CSV.
func TestNumberText(t *testing.T) {
	ls, err := loadLocales()
	if err != nil {
		t.Fatal(err)
	}
	en := Chrome{L: ls.byCode["en"]}
	for _, tc := range []struct {
		v          any
		page, text string
	}{
		{int64(50681634), "50,681,634", "50681634"},
		{int64(-1234), "-1,234", "-1234"},
		{int64(999), "999", "999"},
		{3.52e9, "3,520,000,000", "3520000000"},
		{1.23456789e6, "1,234,567.89", "1234567.89"},
		{0.1, "0.1", "0.1"},
		{-0.000123, "-0.000123", "-0.000123"},
		{1e21, "1,000,000,000,000,000,000,000", "1000000000000000000000"},
		{json.Number("-12345678901234567890.0123"), "-12,345,678,901,234,567,890.0123", "-12345678901234567890.0123"},
		{uint64(18446744073709551615), "18,446,744,073,709,551,615", "18446744073709551615"},
		{"1234", "1234", "1234"}, // text stays text
	} {
		if got := en.Cell(tc.v); got != tc.page {
			t.Errorf("page %v: %q, want %q", tc.v, got, tc.page)
		}
		if got := textCell(tc.v); got != tc.text {
			t.Errorf("text %v: %q, want %q", tc.v, got, tc.text)
		}
		if f, ok := tc.v.(float64); ok {
			if back, err := strconv.ParseFloat(textCell(f), 64); err != nil || back != f {
				t.Errorf("%v does not read back: %v %v", f, back, err)
			}
		}
	}
}
