// Command kpi benchmarks the KPI page, /kpis, with 50 KPIs over the
// bundled datasets: warm (nothing changed since the last request) and cold
// (every dataset the KPIs read has just got a new version, so all 50 are
// computed again). The baseline is bare DuckDB running the same 50 SQL
// statements over the same Parquet files, after checking that both give
// the same figures.
//
//	go run ./bench/kpi [-runs 20] [-dir DIR]
package main

import (
	"context"
	"database/sql"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"math"
	"net"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"time"

	"govlake/bench/internal/bare"
	"govlake/internal/file"
	"govlake/internal/wire"
)

// The datasets the KPIs read: their pipelines, and the source file each
// new version is made from.
var sources = map[string]string{
	"egdi": "egdi/egdi.csv", "gdp": "worldbank/gdp.csv", "population": "worldbank/population.csv",
	"internet_users": "worldbank/internet-users-pct-wide.csv",
}

var countries = []string{"MMR", "LAO", "VNM", "KHM", "THA", "MYS", "SGP", "IDN", "PHL", "BRN", "CHN", "IND", "BGD", "NPL", "LKA"}

// templates make 45 KPIs, three per country; with the 5 demo KPIs, 50.
var templates = []string{
	`id: internet_%[2]s
title: Internet users, %[1]s
owner: worldbank
unit: "%%"
direction: increase
sql: SELECT year AS period, value FROM internet_users WHERE country_code = '%[1]s' AND value IS NOT NULL
baseline: {period: 2015}
targets: [{period: 2030, value: 90}]
`,
	`id: gdppc_%[2]s
title: GDP per capita, %[1]s
owner: worldbank
unit: US$
format: {decimals: 0, thousands: true}
direction: increase
sql: |
  SELECT g."Year" AS period, g."Value" / p."Value" AS value
  FROM gdp g JOIN population p ON p."Country Code" = g."Country Code" AND p."Year" = g."Year"
  WHERE g."Country Code" = '%[1]s'
baseline: {period: 2015}
targets: [{period: 2030, value: 10000}]
`,
	`id: egdi_%[2]s
title: EGDI, %[1]s
owner: undesa
direction: increase
format: {decimals: 3}
sql: SELECT year AS period, "e-gov-index" AS value FROM egdi WHERE "country-code" = '%[1]s'
baseline: {period: 2014}
targets: [{period: 2030, value: 0.8}]
`,
}

func main() {
	runs := flag.Int("runs", 20, "timed requests of each kind")
	dir := flag.String("dir", filepath.Join(os.TempDir(), "govlake-bench-kpi"), "work folder")
	flag.Parse()
	if err := run(*runs, *dir); err != nil {
		fmt.Fprintln(os.Stderr, "bench:", err)
		os.Exit(1)
	}
}

func run(runs int, dir string) error {
	ctx := context.Background()
	os.RemoveAll(dir)
	root, _ := os.Getwd()
	pdir, kdir, ddir := filepath.Join(dir, "pipelines"), filepath.Join(dir, "kpis"), filepath.Join(dir, "datasets")
	for _, d := range []string{pdir, kdir, filepath.Join(ddir, "egdi"), filepath.Join(ddir, "worldbank")} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			return err
		}
	}
	for id, src := range sources {
		b, err := os.ReadFile(filepath.Join(root, "pipelines", id+".yaml"))
		if err != nil {
			return err
		}
		p := strings.ReplaceAll(string(b), "../datasets/", ddir+"/")
		p = strings.ReplaceAll(p, "../schemas/", filepath.Join(root, "schemas")+"/")
		os.WriteFile(filepath.Join(pdir, id+".yaml"), []byte(p), 0o644)
		data, err := os.ReadFile(filepath.Join(root, "datasets", src))
		if err != nil {
			return err
		}
		os.WriteFile(filepath.Join(ddir, src), data, 0o644)
	}
	demo, _ := filepath.Glob(filepath.Join(root, "kpis", "*.yaml"))
	for _, f := range demo {
		b, _ := os.ReadFile(f)
		os.WriteFile(filepath.Join(kdir, filepath.Base(f)), b, 0o644)
	}
	for i := 0; len(demo)+i < 50; i++ {
		c := countries[i/len(templates)]
		body := fmt.Sprintf(templates[i%len(templates)], c, strings.ToLower(c))
		os.WriteFile(filepath.Join(kdir, fmt.Sprintf("gen%02d.yaml", i)), []byte(body), 0o644)
	}

	storeDir := filepath.Join(dir, "store")
	store, err := file.NewStore(storeDir)
	if err != nil {
		return err
	}
	logger := slog.New(slog.NewTextHandler(io.Discard, nil))
	ingest := func() error {
		ps, err := wire.LoadPipelines(pdir)
		if err != nil {
			return err
		}
		runner := wire.NewRunner(store, logger)
		for _, p := range ps {
			if r := runner.Run(ctx, p); r.Failed() {
				return fmt.Errorf("ingest %s: %s", p.Dataset, r.Error)
			}
		}
		return nil
	}
	fmt.Fprintln(os.Stderr, "ingesting the four datasets...")
	if err := ingest(); err != nil {
		return err
	}
	const refresh = 200 * time.Millisecond
	cat, err := wire.NewCatalog(ctx, wire.CatalogConfig{Store: storeDir, Memory: "2GB", Refresh: refresh,
		Queries: filepath.Join(dir, "no-saved-queries"), KPIs: kdir, MaxRows: 10000, Timeout: time.Minute, Running: 4, Queued: 32}, logger)
	if err != nil {
		return err
	}
	defer cat.Close()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	go http.Serve(ln, cat.Handler)
	base := "http://" + ln.Addr().String()
	client := &http.Client{Timeout: 2 * time.Minute}

	page := func() (float64, error) {
		start := time.Now()
		resp, err := client.Get(base + "/kpis")
		if err != nil {
			return 0, err
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != 200 || strings.Count(string(b), `<article class="card`) != 50 {
			return 0, fmt.Errorf("/kpis: status %d, %d cards", resp.StatusCode, strings.Count(string(b), `<article class="card`))
		}
		if n := strings.Count(string(b), `class="card status-error"`); n > 0 {
			i := strings.Index(string(b), `<p class="error">`)
			return 0, fmt.Errorf("/kpis: %d KPIs failed, the first: %.300s", n, b[i:])
		}
		return ms(time.Since(start)), nil
	}

	// Cold: a new version of each of the four datasets, then the page.
	var cold, warm []float64
	for i := 0; i < runs; i++ {
		if err := bump(ddir); err != nil {
			return err
		}
		if err := ingest(); err != nil {
			return err
		}
		time.Sleep(refresh + 50*time.Millisecond) // the catalogue sees the new versions
		t, err := page()
		if err != nil {
			return err
		}
		cold = append(cold, t)
		fmt.Fprintf(os.Stderr, "cold %d: %.1f ms\n", i+1, t)
	}
	time.Sleep(refresh + 50*time.Millisecond)
	page() // the listing read again once after the last version
	for i := 0; i < runs*5; i++ {
		t, err := page()
		if err != nil {
			return err
		}
		warm = append(warm, t)
	}

	// Bare DuckDB: the same 50 statements over the latest versions' files.
	direct, err := bareDuckDB(ctx, store, kdir)
	if err != nil {
		return err
	}
	defer direct.db.Close()
	if err := sameFigures(client, base, direct); err != nil {
		return err
	}
	var baseline []float64
	for i := 0; i < runs; i++ {
		start := time.Now()
		for _, q := range direct.sql {
			if _, err := figures(direct.db, q); err != nil {
				return err
			}
		}
		baseline = append(baseline, ms(time.Since(start)))
	}
	c, w, b := bare.Stats(cold), bare.Stats(warm), bare.Stats(baseline)
	fmt.Printf("KPI page /kpis with 50 KPIs over the bundled datasets (%d runs each; figures checked equal to bare DuckDB's for all 50)\n", runs)
	fmt.Printf("  cold, after a new version of every source (50 KPIs computed): p50 %.1f ms  p99 %.1f ms   (aim: under 1000 ms)\n", c.P50, c.P99)
	fmt.Printf("  warm (nothing changed):                                       p50 %.1f ms  p99 %.1f ms   (aim: under 50 ms)\n", w.P50, w.P99)
	fmt.Printf("  baseline, bare DuckDB running the 50 KPI statements:          p50 %.1f ms  p99 %.1f ms\n", b.P50, b.P99)
	fmt.Printf("  cold / bare DuckDB p50: %.2f; warm / bare DuckDB p50: %.3f\n", c.P50/b.P50, w.P50/b.P50)
	return nil
}

// bump makes the next version of each source: the last line of each file
// gains, or loses, a trailing digit 1.
func bump(ddir string) error {
	for _, src := range sources {
		p := filepath.Join(ddir, src)
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		s := strings.TrimRight(string(b), "\r\n")
		if bumped[src] {
			s = strings.TrimSuffix(s, "1")
		} else {
			s += "1"
		}
		bumped[src] = !bumped[src]
		if err := os.WriteFile(p, []byte(s+"\n"), 0o644); err != nil {
			return err
		}
	}
	return nil
}

var bumped = map[string]bool{}

type bareDB struct {
	db  *sql.DB
	sql map[string]string // by KPI id
}

func bareDuckDB(ctx context.Context, store *file.Store, kdir string) (*bareDB, error) {
	var ids []string
	for id := range sources {
		ids = append(ids, id)
	}
	db, err := bare.DuckDB(ctx, store, ids...)
	if err != nil {
		return nil, err
	}
	defs, err := wire.LoadKPIs(kdir)
	if err != nil {
		return nil, err
	}
	out := &bareDB{db: db, sql: map[string]string{}}
	for _, d := range defs {
		out.sql[d.ID] = d.SQL
	}
	return out, nil
}

type figure struct {
	n   int
	sum float64
}

// figures counts a KPI statement's values and sums them.
func figures(db *sql.DB, q string) (figure, error) {
	var f figure
	var sum sql.NullFloat64
	err := db.QueryRow("SELECT count(value), sum(value) FROM ("+q+")").Scan(&f.n, &sum)
	f.sum = sum.Float64
	return f, err
}

// sameFigures checks that kpi_values, which the page's figures come from,
// holds for each KPI the count and sum bare DuckDB computes.
func sameFigures(client *http.Client, base string, direct *bareDB) error {
	resp, err := client.Get(base + "/api/v1/query?sql=" + url.QueryEscape("SELECT kpi, count(*), sum(value) FROM kpi_values GROUP BY kpi"))
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	var res struct{ Rows [][]any }
	if err := json.NewDecoder(resp.Body).Decode(&res); err != nil || len(res.Rows) != len(direct.sql) {
		return fmt.Errorf("kpi_values covers %d KPIs, want %d (%v)", len(res.Rows), len(direct.sql), err)
	}
	for _, r := range res.Rows {
		id := r[0].(string)
		want, err := figures(direct.db, direct.sql[id])
		if err != nil {
			return fmt.Errorf("%s on bare DuckDB: %w", id, err)
		}
		n, sum := int(r[1].(float64)), r[2].(float64)
		if n != want.n || math.Abs(sum-want.sum) > 1e-9*math.Max(1, math.Abs(want.sum)) {
			return fmt.Errorf("%s: govlake %d values summing to %v, bare DuckDB %d summing to %v", id, n, sum, want.n, want.sum)
		}
	}
	return nil
}

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }
