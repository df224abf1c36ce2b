package duckdb

import (
	"context"
	"fmt"
	"path/filepath"
	"testing"

	"govlake/internal/govlake"
)

// writeValues writes rows (a VALUES list) to a Parquet file.
func writeValues(t *testing.T, path, values string) {
	writeParquet(t, path, "SELECT id::BIGINT AS id, name, amount::BIGINT AS amount, day::DATE AS day FROM (VALUES "+values+") v(id, name, amount, day)")
}

func TestDescribe(t *testing.T) {
	dir := t.TempDir()
	cur, prev := filepath.Join(dir, "cur.parquet"), filepath.Join(dir, "prev.parquet")
	writeValues(t, cur, "(1, 'a', 10, '2024-01-01'), (2, 'b', 20, '2024-01-02'), (3, 'b', NULL, '2024-01-03'), (4, 'c', 40, '2024-01-11')")
	writeValues(t, prev, "(1, 'a', 10, '2024-01-01'), (2, 'b', 25, '2024-01-02'), (5, 'z', 5, '2023-12-31')")
	cols := []govlake.Column{{Name: "id", Type: govlake.TypeInt64}, {Name: "name", Type: govlake.TypeString},
		{Name: "amount", Type: govlake.TypeInt64, Nullable: true}, {Name: "day", Type: govlake.TypeDate}}
	ctx := context.Background()

	profile, diff, err := Describe(ctx, []string{cur}, []string{prev}, cols, []string{"id"})
	if err != nil {
		t.Fatal(err)
	}
	amount := profile[2]
	if amount.Nulls != 1 || amount.Distinct != 3 || amount.Min != "10" || amount.Max != "40" || amount.Mean == nil || fmt.Sprintf("%.6f", *amount.Mean) != "23.333333" {
		t.Errorf("amount: %+v", amount)
	}
	if fmt.Sprint(amount.Top) != "[{10 1} {20 1} {40 1}]" {
		t.Errorf("amount's top values: %v", amount.Top)
	}
	// Ten one-day bins for the days; ten bins of width 3 from 10 to 40: 10 in the first, 20 in the fourth
	// (20-10)/3 = 3.3, 40 in the last.
	if len(amount.Histogram) != 10 || amount.Histogram[0].Count != 1 || amount.Histogram[3].Count != 1 || amount.Histogram[9].Count != 1 ||
		amount.Histogram[0].From != "10" || amount.Histogram[9].To != "40" {
		t.Errorf("amount's histogram: %+v", amount.Histogram)
	}
	if name := profile[1]; name.Distinct != 3 || fmt.Sprint(name.Top) != "[{b 2} {a 1} {c 1}]" || name.Histogram != nil || name.Mean != nil {
		t.Errorf("name: %+v", name)
	}
	if day := profile[3]; day.Min != "2024-01-01" || day.Max != "2024-01-11" || day.Histogram[0].From != "2024-01-01" || day.Histogram[0].Count != 1 || day.Histogram[2].Count != 1 || day.Histogram[3].Count != 0 || day.Histogram[9].Count != 1 {
		t.Errorf("day: %+v", day)
	}
	// By id: 3 and 4 added, 5 removed, 2 changed (amount 25 → 20).
	if diff.Added != 2 || diff.Removed != 1 || diff.Changed != 1 || fmt.Sprint(diff.Key) != "[id]" {
		t.Errorf("diff by key: %+v", diff)
	}
	// By whole rows: the changed row is one removed and one added.
	_, whole, err := Describe(ctx, []string{cur}, []string{prev}, cols, nil)
	if err != nil || whole.Added != 3 || whole.Removed != 2 || whole.Changed != 0 || whole.Key != nil {
		t.Errorf("diff by row: %+v %v", whole, err)
	}
	// A key column the previous version lacks falls back to whole rows;
	// new and dropped columns are named.
	_, other, err := Describe(ctx, []string{cur}, []string{prev}, append(cols[1:3:3], govlake.Column{Name: "ward", Type: govlake.TypeString}), []string{"ward"})
	if err == nil {
		t.Errorf("a column the files lack is profiled: %+v", other)
	}
	_, first, err := Describe(ctx, []string{cur}, nil, cols, []string{"id"})
	if err != nil || first != nil {
		t.Errorf("the first version has a diff: %+v %v", first, err)
	}
}
