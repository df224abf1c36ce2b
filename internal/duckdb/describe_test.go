package duckdb

import (
	"context"
	"database/sql"
	"fmt"
	"math"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
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

	profile, diff, err := Describe(ctx, []string{cur}, []string{prev}, cols, []string{"id"}, nil)
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
	_, whole, err := Describe(ctx, []string{cur}, []string{prev}, cols, nil, nil)
	if err != nil || whole.Added != 3 || whole.Removed != 2 || whole.Changed != 0 || whole.Key != nil {
		t.Errorf("diff by row: %+v %v", whole, err)
	}
	// A key column the previous version lacks falls back to whole rows;
	// new and dropped columns are named.
	_, other, err := Describe(ctx, []string{cur}, []string{prev}, append(cols[1:3:3], govlake.Column{Name: "ward", Type: govlake.TypeString}), []string{"ward"}, nil)
	if err == nil {
		t.Errorf("a column the files lack is profiled: %+v", other)
	}
	_, first, err := Describe(ctx, []string{cur}, nil, cols, []string{"id"}, nil)
	if err != nil || first != nil {
		t.Errorf("the first version has a diff: %+v %v", first, err)
	}
}

// The one-scan profile equals the profile computed a column and a query at
// a time, over columns of every kind: unique ids, a few categories, nulls,
// constant values, numbers, decimals, dates and timestamps, all-null.
func TestProfileEqualsOneQueryPerColumn(t *testing.T) {
	path := filepath.Join(t.TempDir(), "v.parquet")
	writeParquet(t, path, `SELECT i::BIGINT AS id, 'd' || (i % 7) AS district,
		CASE WHEN i % 5 = 0 THEN NULL ELSE (i * 37) % 1000 END::BIGINT AS amount,
		(i % 13) * 0.25 AS share, ((i % 97) * 1.5)::DECIMAL(10,2) AS price,
		DATE '2020-01-01' + (i % 400)::INTEGER AS day, TIMESTAMPTZ '2024-01-01 00:00:00+00' + to_seconds(i * 3601) AS at,
		'same' AS constant, NULL::VARCHAR AS nothing, (i % 2 = 0) AS even, 'x' || i AS label
		FROM range(1, 30001) r(i)`)
	cols := []govlake.Column{{Name: "id", Type: govlake.TypeInt64}, {Name: "district", Type: govlake.TypeString},
		{Name: "amount", Type: govlake.TypeInt64, Nullable: true}, {Name: "share", Type: govlake.TypeFloat64},
		{Name: "price", Type: govlake.TypeDecimal, Precision: 10, Scale: 2}, {Name: "day", Type: govlake.TypeDate},
		{Name: "at", Type: govlake.TypeTimestamp}, {Name: "constant", Type: govlake.TypeString},
		{Name: "nothing", Type: govlake.TypeString, Nullable: true}, {Name: "even", Type: govlake.TypeBool},
		{Name: "label", Type: govlake.TypeString}}
	ctx := context.Background()
	db := curView(t, path)
	got, err := profileColumns(ctx, db, cols, nil)
	if err != nil {
		t.Fatal(err)
	}
	histograms := 0
	for i, c := range cols {
		want, err := profileOneByOne(ctx, db, c)
		if err != nil {
			t.Fatal(err)
		}
		if g, w := profileText(got[i]), profileText(want); g != w {
			t.Errorf("%s:\n got %s\nwant %s", c.Name, g, w)
		}
		if len(want.Histogram) > 0 {
			histograms++
		}
	}
	if histograms != 6 || got[0].Distinct != 30000 || len(got[0].Top) != 5 {
		t.Errorf("%d histograms; id: %+v", histograms, got[0])
	}
}

func profileText(p govlake.ColumnProfile) string {
	mean := "none"
	if p.Mean != nil {
		mean = strconv.FormatFloat(*p.Mean, 'g', -1, 64)
	}
	return fmt.Sprintf("%s nulls=%d distinct=%d min=%q max=%q mean=%s top=%v hist=%v", p.Name, p.Nulls, p.Distinct, p.Min, p.Max, mean, p.Top, p.Histogram)
}

// The profile as it was computed before, a column and a query at a time:
// the oracle that the one-scan profile must equal.
// profileColumn counts a column's empty and distinct values, its range,
// mean, most frequent values and, for numbers and dates, a histogram.
func profileOneByOne(ctx context.Context, db *sql.DB, c govlake.Column) (govlake.ColumnProfile, error) {
	p := govlake.ColumnProfile{Name: c.Name}
	col := ident(c.Name)
	numeric := c.Type == govlake.TypeInt64 || c.Type == govlake.TypeFloat64 || c.Type == govlake.TypeDecimal
	mean := "NULL::DOUBLE"
	if numeric {
		mean = "avg(" + col + ")::DOUBLE"
	}
	var lo, hi sql.NullString
	var avg sql.NullFloat64
	err := db.QueryRowContext(ctx, "SELECT count(*) - count("+col+"), count(DISTINCT "+col+"), min("+col+")::VARCHAR, max("+col+")::VARCHAR, "+mean+" FROM cur").
		Scan(&p.Nulls, &p.Distinct, &lo, &hi, &avg)
	if err != nil {
		return p, err
	}
	p.Min, p.Max = lo.String, hi.String
	if avg.Valid {
		p.Mean = &avg.Float64
	}
	rows, err := db.QueryContext(ctx, "SELECT "+col+"::VARCHAR, count(*) FROM cur WHERE "+col+" IS NOT NULL GROUP BY 1 ORDER BY 2 DESC, 1 LIMIT "+strconv.Itoa(govlake.ProfileTop))
	if err != nil {
		return p, err
	}
	for rows.Next() {
		var v govlake.ValueCount
		if err := rows.Scan(&v.Value, &v.Count); err != nil {
			rows.Close()
			return p, err
		}
		p.Top = append(p.Top, v)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return p, err
	}
	if lo.Valid && hi.Valid && lo.String != hi.String {
		p.Histogram, err = histogramOneByOne(ctx, db, c, numeric)
	}
	return p, err
}

// histogram counts a number or date column's values in equal-width bins
// from its minimum to its maximum.
func histogramOneByOne(ctx context.Context, db *sql.DB, c govlake.Column, numeric bool) ([]govlake.Bin, error) {
	x := ident(c.Name) + "::DOUBLE"
	switch {
	case numeric:
	case c.Type == govlake.TypeDate || c.Type == govlake.TypeTimestamp:
		x = "epoch(" + ident(c.Name) + ")::DOUBLE"
	default:
		return nil, nil
	}
	var lo, hi float64
	if err := db.QueryRowContext(ctx, "SELECT min("+x+"), max("+x+") FROM cur").Scan(&lo, &hi); err != nil {
		return nil, err
	}
	n := govlake.ProfileBins
	width := (hi - lo) / float64(n)
	counts := make([]int64, n)
	q := fmt.Sprintf("SELECT least(floor((%s - ?) / ?)::BIGINT, %d), count(*) FROM cur WHERE %s IS NOT NULL GROUP BY 1", x, n-1, ident(c.Name))
	rows, err := db.QueryContext(ctx, q, lo, width)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var b, k int64
		if err := rows.Scan(&b, &k); err != nil {
			return nil, err
		}
		if b >= 0 && b < int64(n) {
			counts[b] += k
		}
	}
	bins := make([]govlake.Bin, n)
	for i := range bins {
		from, to := lo+float64(i)*width, lo+float64(i+1)*width
		if i == n-1 {
			to = hi
		}
		bins[i] = govlake.Bin{From: binLabel(from, c.Type), To: binLabel(to, c.Type), Count: counts[i]}
	}
	return bins, rows.Err()
}

// With the writer's estimates, a column of more than
// govlake.ProfileExactDistinct distinct values keeps its estimate (never
// above its number of values) and lists no most frequent values; a column
// estimated at or a little over the bound, or without an estimate, is
// grouped and counted exactly.
func TestProfileKeepsEstimatesOfManyValues(t *testing.T) {
	path := filepath.Join(t.TempDir(), "v.parquet")
	writeParquet(t, path, `SELECT i::BIGINT AS id, 'x' || i AS label, 'd' || (i % 7) AS district,
		(i % 100000)::BIGINT AS bounded, (i % 120000)::BIGINT AS over
		FROM range(0, 150000) r(i)`)
	cols := []govlake.Column{{Name: "id", Type: govlake.TypeInt64}, {Name: "label", Type: govlake.TypeString},
		{Name: "district", Type: govlake.TypeString}, {Name: "bounded", Type: govlake.TypeInt64}, {Name: "over", Type: govlake.TypeInt64}}
	ctx := context.Background()
	for _, tc := range []struct {
		name     string
		estimate []int64
		want     string // per column: distinct, approximate, number of top values
	}{
		{"estimates", []int64{152_000, 149_100, 7, 103_000, 121_500}, "150000~0 149100~0 7=5 100000=5 121500~0"},
		{"unknown", []int64{-1, -1, -1, -1, -1}, "150000=5 150000=5 7=5 100000=5 120000=5"},
		{"none", nil, "150000=5 150000=5 7=5 100000=5 120000=5"},
	} {
		var seen []govlake.ColumnSummary // not counted: only the estimates
		for _, e := range tc.estimate {
			seen = append(seen, govlake.ColumnSummary{Distinct: e})
		}
		profile, _, err := Describe(ctx, []string{path}, nil, cols, nil, seen)
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, p := range profile {
			mark := "="
			if p.DistinctApprox {
				mark = "~"
			}
			got = append(got, fmt.Sprintf("%d%s%d", p.Distinct, mark, len(p.Top)))
		}
		if g := strings.Join(got, " "); g != tc.want {
			t.Errorf("%s: got %s, want %s", tc.name, g, tc.want)
		}
		if p := profile[0]; p.Min != "0" || p.Max != "149999" || p.Nulls != 0 || len(p.Histogram) != govlake.ProfileBins {
			t.Errorf("%s: an estimated column lost the rest of its profile: %+v", tc.name, p)
		}
	}
}

// Columns of more distinct values than are grouped are binned in one scan,
// by each bin's largest value (binBounds): the same counts as binning each
// value by its bin number, values on the bins' edges included.
func TestScannedHistogramsEqualBinNumbers(t *testing.T) {
	path := filepath.Join(t.TempDir(), "v.parquet")
	n := govlake.ProfileExactDistinct + 20000
	writeParquet(t, path, fmt.Sprintf(`SELECT i::BIGINT AS id,
		CASE WHEN i %% 50 = 0 THEN NULL ELSE i %% 1001 END::BIGINT AS amount,
		(i %% 13) * 0.1 + 0.3 AS share, ((i %% 997) * 1.5)::DECIMAL(10,2) AS price,
		DATE '2020-01-01' + (i %% 400)::INTEGER AS day, TIMESTAMPTZ '2024-01-01 00:00:00+00' + to_seconds(i * 3601) AS at,
		1e15 + (i %% 3) AS narrow
		FROM range(1, %d) r(i)`, n))
	cols := []govlake.Column{{Name: "id", Type: govlake.TypeInt64}, {Name: "amount", Type: govlake.TypeInt64, Nullable: true},
		{Name: "share", Type: govlake.TypeFloat64}, {Name: "price", Type: govlake.TypeDecimal, Precision: 10, Scale: 2},
		{Name: "day", Type: govlake.TypeDate}, {Name: "at", Type: govlake.TypeTimestamp}, {Name: "narrow", Type: govlake.TypeFloat64}}
	ctx := context.Background()
	db := curView(t, path)
	seen := make([]govlake.ColumnSummary, len(cols))
	for i := range seen {
		seen[i].Distinct = 1 << 40 // every column estimated past grouping
	}
	got, err := profileColumns(ctx, db, cols, seen)
	if err != nil {
		t.Fatal(err)
	}
	for i, c := range cols {
		if !got[i].DistinctApprox {
			t.Fatalf("%s was grouped", c.Name)
		}
		want, err := histogramOneByOne(ctx, db, c, numeric(c))
		if err != nil {
			t.Fatal(err)
		}
		if g, w := fmt.Sprint(got[i].Histogram), fmt.Sprint(want); g != w || len(want) != govlake.ProfileBins {
			t.Errorf("%s:\n got %s\nwant %s", c.Name, g, w)
		}
	}
}

// binBounds puts every value in the bin its bin number says, at and next
// to each edge.
func TestBinBounds(t *testing.T) {
	for _, r := range []struct{ lo, hi float64 }{{0, 1000}, {1, 10000000}, {0.3, 1.5}, {-7.25, 3.1}, {1.5778368e9, 1.6121664e9}, {1e15, 1e15 + 2}} {
		width := (r.hi - r.lo) / 10
		bounds, ok := binBounds(r.lo, width, 10)
		if !ok {
			if r.hi-r.lo > 1 {
				t.Errorf("%v: no bounds", r)
			}
			continue
		}
		for k := range 10 {
			edge := r.lo + float64(k)*width
			for _, x := range []float64{edge, math.Nextafter(edge, math.Inf(-1)), math.Nextafter(edge, math.Inf(1)), edge + width/2} {
				if x < r.lo || x > r.hi {
					continue
				}
				want := min(int(math.Floor((x-r.lo)/width)), 9)
				got := sort.SearchFloat64s(bounds, x) // the first bound >= x
				if got != want {
					t.Errorf("%v: %v in bin %d, by its number %d", r, x, got, want)
				}
			}
		}
	}
}

// A profile from the writers' counts of each value (ColumnSummary.Counts)
// equals the one computed from the file, for text, integers with nulls,
// dates and booleans, ties between counts included.
func TestProfileFromCountsEqualsQueries(t *testing.T) {
	path := filepath.Join(t.TempDir(), "v.parquet")
	writeParquet(t, path, `SELECT 'd' || (i % 7) AS district,
		CASE WHEN i % 5 = 0 THEN NULL ELSE (i * 37) % 1000 - 300 END::BIGINT AS amount,
		DATE '1999-12-01' + (i % 400)::INTEGER AS day, (i % 3 = 0) AS even
		FROM range(1, 30001) r(i)`)
	cols := []govlake.Column{{Name: "district", Type: govlake.TypeString}, {Name: "amount", Type: govlake.TypeInt64, Nullable: true},
		{Name: "day", Type: govlake.TypeDate}, {Name: "even", Type: govlake.TypeBool}}
	ctx := context.Background()
	db := curView(t, path)
	seen := make([]govlake.ColumnSummary, len(cols))
	for i, c := range cols {
		col := ident(c.Name)
		s := &seen[i]
		s.Counted, s.Distinct, s.Counts = true, -1, map[string]int64{}
		var lo, hi any
		var err error
		switch c.Type {
		case govlake.TypeDate:
			var a, b int64
			err = db.QueryRowContext(ctx, "SELECT count("+col+"), count(*) - count("+col+"), min("+col+") - DATE '1970-01-01', max("+col+") - DATE '1970-01-01' FROM cur").Scan(&s.Values, &s.Nulls, &a, &b)
			lo, hi = a, b
		case govlake.TypeInt64:
			var a, b int64
			err = db.QueryRowContext(ctx, "SELECT count("+col+"), count(*) - count("+col+"), min("+col+"), max("+col+"), sum("+col+")::DOUBLE FROM cur").Scan(&s.Values, &s.Nulls, &a, &b, &s.Sum)
			lo, hi, s.HasSum = a, b, true
		case govlake.TypeBool:
			var a, b bool
			err = db.QueryRowContext(ctx, "SELECT count("+col+"), count(*) - count("+col+"), min("+col+"), max("+col+") FROM cur").Scan(&s.Values, &s.Nulls, &a, &b)
			lo, hi = a, b
		default:
			var a, b string
			err = db.QueryRowContext(ctx, "SELECT count("+col+"), count(*) - count("+col+"), min("+col+"), max("+col+") FROM cur").Scan(&s.Values, &s.Nulls, &a, &b)
			lo, hi = a, b
		}
		if err != nil {
			t.Fatal(err)
		}
		s.Min, s.Max = lo, hi
		rows, err := db.QueryContext(ctx, "SELECT "+col+"::VARCHAR, count(*) FROM cur WHERE "+col+" IS NOT NULL GROUP BY 1")
		if err != nil {
			t.Fatal(err)
		}
		for rows.Next() {
			var v string
			var n int64
			rows.Scan(&v, &n)
			s.Counts[v] = n
		}
		rows.Close()
	}
	wants := make([]govlake.ColumnProfile, len(cols))
	for i, c := range cols {
		var err error
		if wants[i], err = profileOneByOne(ctx, db, c); err != nil {
			t.Fatal(err)
		}
	}
	// The file is out of sight: the profile can only come from the counts.
	if _, err := db.ExecContext(ctx, "CREATE OR REPLACE VIEW cur AS SELECT * FROM read_parquet("+fileList([]string{path})+") WHERE false"); err != nil {
		t.Fatal(err)
	}
	got, err := profileColumns(ctx, db, cols, seen)
	if err != nil {
		t.Fatal(err)
	}
	for i, c := range cols {
		if g, w := profileText(got[i]), profileText(wants[i]); g != w {
			t.Errorf("%s:\n got %s\nwant %s", c.Name, g, w)
		}
	}
	if len(got[2].Histogram) != govlake.ProfileBins || len(got[0].Top) != govlake.ProfileTop {
		t.Errorf("day's histogram %v, district's top %v", got[2].Histogram, got[0].Top)
	}
}

// curView is a describe database whose view cur reads the file at path.
func curView(t *testing.T, path string) *sql.DB {
	t.Helper()
	ctx := context.Background()
	db, err := describeDB(ctx, []string{path})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	if _, err := db.ExecContext(ctx, "CREATE VIEW cur AS SELECT * FROM read_parquet("+fileList([]string{path})+")"); err != nil {
		t.Fatal(err)
	}
	return db
}
