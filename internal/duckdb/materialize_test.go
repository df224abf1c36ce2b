package duckdb

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"govlake/internal/govlake"
)

func TestMaterialize(t *testing.T) {
	e, _ := newEngine(t)
	ctx := context.Background()
	cols := []govlake.ResultColumn{{Name: "kpi", Type: "string"}, {Name: "value", Type: "number"}, {Name: "sources", Type: "strings"}}
	rows := [][]any{{"a", 0.5, []string{"egdi__v2"}}, {"b", 7.25, []string{"gdp__v1", "population__v3"}}}
	if err := e.Materialize(ctx, "kpi_values", cols, rows); err != nil {
		t.Fatal(err)
	}
	res, err := e.Query(ctx, "SELECT kpi, value, sources[-1] AS last, len(sources) AS n FROM kpi_values ORDER BY kpi", 10)
	if err != nil {
		t.Fatal(err)
	}
	if got := fmt.Sprint(res.Rows); got != "[[a 0.5 egdi__v2 1] [b 7.25 population__v3 2]]" {
		t.Errorf("rows %s", got)
	}
	// Replaced whole: the old rows are gone.
	if err := e.Materialize(ctx, "kpi_values", cols, rows[:1]); err != nil {
		t.Fatal(err)
	}
	res, err = e.Query(ctx, "SELECT count(*) AS n FROM kpi_values", 10)
	if err != nil || fmt.Sprint(res.Rows) != "[[1]]" {
		t.Errorf("after replacing: %v %v", res, err)
	}
	// Users' statements cannot change it.
	for _, q := range []string{"DELETE FROM kpi_values", "INSERT INTO kpi_values VALUES ('x', 1, [])", "DROP TABLE kpi_values"} {
		if _, err := e.Query(ctx, q, 10); err == nil || !strings.Contains(govlake.ErrorMessage(err), "only SELECT") {
			t.Errorf("%s: %v", q, err)
		}
	}
	if err := e.Materialize(ctx, "kpi values; DROP", cols, nil); err == nil {
		t.Error("a bad table name was accepted")
	}
	if err := e.Materialize(ctx, "t", []govlake.ResultColumn{{Name: "x", Type: "blob"}}, nil); err == nil {
		t.Error("an unknown column type was accepted")
	}
}
