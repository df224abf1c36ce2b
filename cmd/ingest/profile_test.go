package main

import (
	"context"
	"fmt"
	"math"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"govlake/internal/duckdb"
	"govlake/internal/govlake"
)

// A column of more distinct values than a profile counts exactly keeps the
// writer's estimate, marked, within 2% and never above its rows; columns
// of few values are counted exactly, with their most frequent values.
func TestProfileEstimatesManyDistinctValues(t *testing.T) {
	const n = 150_000
	var b strings.Builder
	b.WriteString("id,ward,code\n")
	for i := 1; i <= n; i++ {
		fmt.Fprintf(&b, "%d,w%d,c%d\n", i, i%9, i%120_000) // ward: 9 values; code: 120,000
	}
	schema := `{"type": "object", "properties": {"id": {"type": "integer"}, "ward": {"type": "string"}, "code": {"type": "string"}}}`
	p := newPipeline(t, "big", b.String(), schema, "")
	storeDir := t.TempDir()
	if code, out, errs := runIngest(t, "run", "-store", storeDir, "-pipelines", p.dir); code != 0 {
		t.Fatalf("exit %d: %s %s", code, out, errs)
	}
	m := manifest(t, testStore(t, storeDir), "big", 1)
	if len(m.Profile) != 3 {
		t.Fatalf("profile: %+v", m.Profile)
	}
	for i, want := range []int64{n, 9, 120_000} {
		p := m.Profile[i]
		many := want > 100_000
		if p.DistinctApprox != many || (many && len(p.Top) != 0) || (!many && (p.Distinct != want || len(p.Top) != 5)) {
			t.Errorf("%s: %d distinct (approximate %v), %d top values; want %d", p.Name, p.Distinct, p.DistinctApprox, len(p.Top), want)
		}
		if off := math.Abs(float64(p.Distinct-want)) / float64(want); off > 0.02 || p.Distinct > n {
			t.Errorf("%s: estimate %d is %.1f%% off %d", p.Name, p.Distinct, 100*off, want)
		}
	}
	if id := m.Profile[0]; id.Min != "1" || id.Max != "150000" || len(id.Histogram) != 10 || id.Histogram[9].Count != n/10 {
		t.Errorf("id: the rest of its profile: %+v", id)
	}
}

// sameProfileAsScan checks a version's profile, made from what the writers
// saw of each column, against the profile DuckDB computes by scanning its
// files with nothing given (the figures equal; means to 1e-12).
func sameProfileAsScan(t *testing.T, storeDir string, m *govlake.Manifest) {
	t.Helper()
	var files []string
	for _, f := range m.Files {
		files = append(files, filepath.Join(storeDir, filepath.FromSlash(f.Key)))
	}
	scanned, _, err := duckdb.Describe(context.Background(), files, nil, m.Columns, nil, nil)
	if err != nil {
		t.Fatalf("%s: %v", m.Dataset, err)
	}
	if len(scanned) != len(m.Profile) {
		t.Fatalf("%s: %d columns profiled, the scan %d", m.Dataset, len(m.Profile), len(scanned))
	}
	for i, got := range m.Profile {
		want := scanned[i]
		if (got.Mean == nil) != (want.Mean == nil) || (got.Mean != nil && math.Abs(*got.Mean-*want.Mean) > 1e-12*math.Max(1, math.Abs(*want.Mean))) {
			t.Errorf("%s.%s: mean %v, the scan's %v", m.Dataset, got.Name, fmtMean(got.Mean), fmtMean(want.Mean))
		}
		got.Mean, want.Mean = nil, nil
		if g, w := fmt.Sprintf("%+v", got), fmt.Sprintf("%+v", want); g != w {
			t.Errorf("%s.%s:\n got %s\nscan %s", m.Dataset, got.Name, g, w)
		}
	}
}

func fmtMean(m *float64) string {
	if m == nil {
		return "none"
	}
	return strconv.FormatFloat(*m, 'g', -1, 64)
}
