package catalog

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"govlake/internal/govlake"
)

type materialized struct{ calls []string }

var _ Materializer = (*materialized)(nil)

func (m *materialized) Materialize(ctx context.Context, name string, cols []govlake.ResultColumn, rows [][]any) error {
	m.calls = append(m.calls, fmt.Sprintf("%s %d", name, len(rows)))
	return nil
}

// A derived table is put into the engine before a query that names it,
// and again only when its key changed; other queries leave it alone.
func TestDerivedTable(t *testing.T) {
	cat, _ := newTestCatalog(t)
	q := NewQueries(cat, &recorder{}, DefaultLimits)
	m := &materialized{}
	key, computed := "a", 0
	q.Derive("kpi_values", func(ctx context.Context) (string, []govlake.ResultColumn, [][]any, error) {
		computed++
		return key, kpiValuesColumns, make([][]any, computed), nil
	}, m)
	ctx := context.Background()
	for _, step := range []struct {
		sql, key string
		want     string
	}{
		{"SELECT 1", "a", ""},
		{"SELECT * FROM KPI_VALUES", "a", "kpi_values 1"},
		{"SELECT * FROM kpi_values", "a", "kpi_values 1"}, // same key: not again
		{"SELECT * FROM kpi_values", "b", "kpi_values 1|kpi_values 3"},
	} {
		key = step.key
		if _, err := q.Run(ctx, step.sql, Page{}); err != nil {
			t.Fatal(err)
		}
		if got := strings.Join(m.calls, "|"); got != step.want {
			t.Errorf("after %q (key %s): %q, want %q", step.sql, step.key, got, step.want)
		}
	}
}

func TestKPIFilterAndOwners(t *testing.T) {
	list := []*KPIReport{
		{ID: "a", Title: "Internet users", Owner: "worldbank", Assessment: govlake.Assessment{Status: "on_track"}},
		{ID: "b", Title: "EGDI", Owner: "undesa", Assessment: govlake.Assessment{Status: "achieved"}},
		{ID: "c", Title: "Budget execution", Assessment: govlake.Assessment{Status: "no_target"}},
		{ID: "d", Title: "GDP per capita", Owner: "worldbank", Assessment: govlake.Assessment{Status: "achieved"}},
	}
	ids := func(l []*KPIReport) string {
		var s []string
		for _, r := range l {
			s = append(s, r.ID)
		}
		return strings.Join(s, ",")
	}
	for _, tc := range []struct {
		f    KPIFilter
		want string
	}{
		{KPIFilter{}, "a,b,c,d"},
		{KPIFilter{Owner: "worldbank"}, "a,d"},
		{KPIFilter{Status: "achieved"}, "b,d"},
		{KPIFilter{Owner: "worldbank", Status: "achieved"}, "d"},
		{KPIFilter{Text: "gdp CAPITA"}, "d"},
		{KPIFilter{Text: "undesa"}, "b"},
		{KPIFilter{Text: "nothing"}, ""},
	} {
		if got := ids(tc.f.Filter(list)); got != tc.want {
			t.Errorf("%+v: %s, want %s", tc.f, got, tc.want)
		}
	}
	var groups []string
	for _, g := range ByOwner(list) {
		groups = append(groups, g.Owner+":"+ids(g.KPIs))
	}
	if got := strings.Join(groups, " "); got != "undesa:b worldbank:a,d :c" {
		t.Errorf("groups %s", got)
	}
}
