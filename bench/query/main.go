// Command query benchmarks analyst queries over a 10-million-row dataset
// through govlake's HTTP API, directly on DuckDB over the same Parquet
// files, and on PostgreSQL 15 over the same rows (the engine under CKAN's
// DataStore); then 16 concurrent clients on the HTTP API.
//
//	go run ./bench/query [-rows 10000000] [-runs 7] [-dir DIR]
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
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"time"

	"govlake/bench/internal/bare"
	"govlake/bench/internal/pg"
	"govlake/internal/file"
	"govlake/internal/wire"
	"govlake/internal/yaml"
)

var queries = []struct{ name, sql string }{
	{"filter and aggregate", `SELECT count(*), avg(income) FROM survey WHERE age BETWEEN 30 AND 40 AND sex = 'F'`},
	{"group by", `SELECT district, count(*), avg(income), max(age) FROM survey GROUP BY district ORDER BY district`},
	{"join with a dimension", `SELECT d.region, count(*), sum(s.income) FROM survey s JOIN districts d ON d.district = s.district GROUP BY d.region ORDER BY 1`},
	{"top-N", `SELECT id, district, income FROM survey ORDER BY income DESC LIMIT 10`},
	{"point lookup", `SELECT * FROM survey WHERE id = %d`}, // an id in the middle, set in run
}

const districts = `district,region
Yangon,Lower Myanmar
Mandalay,Upper Myanmar
Naypyitaw,Upper Myanmar
Bago,Lower Myanmar
Magway,Upper Myanmar
Sagaing,Upper Myanmar
Taunggyi,Shan
Mawlamyine,Lower Myanmar
Pathein,Lower Myanmar
Myitkyina,Kachin
Sittwe,Rakhine
Hpa-An,Lower Myanmar
`

func main() {
	rows := flag.Int64("rows", 10_000_000, "rows of the dataset")
	runs := flag.Int("runs", 7, "timed runs per query and engine")
	dir := flag.String("dir", filepath.Join(os.TempDir(), "govlake-bench-query"), "work folder")
	flag.Parse()
	if err := run(*rows, *runs, *dir); err != nil {
		fmt.Fprintln(os.Stderr, "bench:", err)
		os.Exit(1)
	}
}

func run(rows int64, runs int, dir string) error {
	queries[4].sql = fmt.Sprintf(queries[4].sql, rows/2+7)
	os.MkdirAll(dir, 0o755)
	csvPath := filepath.Join(dir, "survey.csv")
	fmt.Fprintf(os.Stderr, "generating %d rows...\n", rows)
	out, _ := os.Create(csvPath)
	gen := exec.Command("go", "run", "./bench/gencsv", "-rows", strconv.FormatInt(rows, 10), "-invalid", "0")
	gen.Stdout, gen.Stderr = out, os.Stderr
	if err := gen.Run(); err != nil {
		return err
	}
	out.Close()
	os.WriteFile(filepath.Join(dir, "districts.csv"), []byte(districts), 0o644)
	pdir := filepath.Join(dir, "pipelines")
	os.MkdirAll(pdir, 0o755)
	schema, _ := filepath.Abs("bench/testdata/survey.schema.json")
	os.WriteFile(filepath.Join(pdir, "survey.yaml"), []byte("dataset: survey\ntitle: Survey\nsource: {url: "+csvPath+"}\nschema: "+schema+"\ntimeout: 2h\n"), 0o644)
	os.WriteFile(filepath.Join(dir, "districts.schema.json"), []byte(`{"type":"object","required":["district","region"],"properties":{"district":{"type":"string"},"region":{"type":"string"}}}`), 0o644)
	os.WriteFile(filepath.Join(pdir, "districts.yaml"), []byte("dataset: districts\ntitle: Districts\nsource: {url: "+filepath.Join(dir, "districts.csv")+"}\nschema: "+filepath.Join(dir, "districts.schema.json")+"\n"), 0o644)

	fmt.Fprintln(os.Stderr, "ingesting with govlake...")
	storeDir := filepath.Join(dir, "store")
	os.RemoveAll(storeDir)
	store, err := file.NewStore(storeDir)
	if err != nil {
		return err
	}
	logger := slog.New(slog.NewTextHandler(io.Discard, nil))
	ps, err := yaml.LoadDir(pdir)
	if err != nil {
		return err
	}
	runner := wire.NewRunner(store, logger)
	for _, p := range ps {
		if r := runner.Run(context.Background(), p); r.Failed() {
			return fmt.Errorf("ingest %s: %s", p.Dataset, r.Error)
		}
	}

	// govlake's catalogue, served on loopback.
	cat, err := wire.NewCatalog(context.Background(), wire.CatalogConfig{Store: storeDir, Memory: "4GB", Refresh: time.Hour,
		Queries: filepath.Join(dir, "no-saved-queries"), MaxRows: 10000, Timeout: 5 * time.Minute, Running: 4, Queued: 32}, logger)
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

	// Bare DuckDB over the same Parquet files: every part of each version.
	ddb, err := bare.DuckDB(context.Background(), store, "survey", "districts")
	if err != nil {
		return err
	}
	defer ddb.Close()

	fmt.Fprintln(os.Stderr, "loading PostgreSQL...")
	pgs, pgErr := pg.Start(dir)
	if pgErr == nil {
		defer pgs.Stop()
		os.Chmod(csvPath, 0o644)
		for _, s := range []string{
			`CREATE TABLE survey (id bigint PRIMARY KEY, district_code text, district text, sex text, age integer, household_size integer, income double precision, surveyed date, email text)`,
			fmt.Sprintf(`COPY survey FROM '%s' WITH (FORMAT csv, HEADER true)`, csvPath),
			`CREATE TABLE districts (district text PRIMARY KEY, region text)`,
			fmt.Sprintf(`COPY districts FROM '%s' WITH (FORMAT csv, HEADER true)`, filepath.Join(dir, "districts.csv")),
			`VACUUM ANALYZE`,
		} {
			if _, err := pgs.Exec(s); err != nil {
				pgErr = err
				break
			}
		}
	}

	type row struct {
		name                string
		api, duck, postgres bare.Timing
		pgErr               error
		checked             string
		direct              [][]any
	}
	var table []row
	client := &http.Client{Timeout: 5 * time.Minute}
	for _, q := range queries {
		fmt.Fprintf(os.Stderr, "timing %s...\n", q.name)
		r := row{name: q.name}
		var api, duck []float64
		for i := 0; i <= runs; i++ { // the first run warms up
			start := time.Now()
			resp, err := client.Get(base + "/api/v1/query?sql=" + url.QueryEscape(q.sql))
			if err != nil {
				return err
			}
			var res struct{ Rows [][]any }
			json.NewDecoder(resp.Body).Decode(&res)
			resp.Body.Close()
			if resp.StatusCode != 200 || len(res.Rows) == 0 {
				return fmt.Errorf("%s via HTTP: status %d", q.name, resp.StatusCode)
			}
			api = append(api, float64(time.Since(start).Microseconds())/1000)
			start = time.Now()
			direct, err := duckRows(ddb, q.sql)
			if err != nil {
				return err
			}
			duck = append(duck, float64(time.Since(start).Microseconds())/1000)
			if i == 0 {
				// Both must have computed the same answer before times compare.
				if a, d := answerOf(res.Rows), answerOf(direct); !a.same(d) {
					return fmt.Errorf("%s: the API answered %v, DuckDB %v", q.name, a, d)
				}
				r.checked, r.direct = "API = DuckDB", direct
			}
		}
		r.api, r.duck = bare.Stats(api[1:]), bare.Stats(duck[1:])
		if pgErr == nil {
			stmts := make([]string, runs+1)
			for i := range stmts {
				stmts[i] = q.sql
			}
			ms, err := pgs.Timed(stmts)
			if err != nil || len(ms) != runs+1 {
				r.pgErr = fmt.Errorf("%v (%d bare.Timings)", err, len(ms))
			} else {
				r.postgres = bare.Stats(ms[1:])
			}
			if r.pgErr == nil {
				out, err := pgs.Exec(q.sql)
				var pgRows [][]any
				for _, line := range strings.Split(out, "\n") {
					var row []any
					for _, cell := range strings.Split(line, "|") {
						row = append(row, cell)
					}
					pgRows = append(pgRows, row)
				}
				if a, p := answerOf(r.direct), answerOf(pgRows); err != nil || !a.same(p) {
					r.pgErr = fmt.Errorf("PostgreSQL answered %v, DuckDB %v (%v)", p, a, err)
				} else {
					r.checked += ", = PostgreSQL"
				}
			}
		} else {
			r.pgErr = pgErr
		}
		table = append(table, r)
	}

	// 16 concurrent clients, every query in turn, through the API.
	fmt.Fprintln(os.Stderr, "16 concurrent clients...")
	const clients, each = 16, 10
	var mu sync.Mutex
	var lat []float64
	errorsSeen := 0
	var wg sync.WaitGroup
	start := time.Now()
	for c := 0; c < clients; c++ {
		wg.Add(1)
		go func(c int) {
			defer wg.Done()
			for i := 0; i < each; i++ {
				q := queries[(c+i)%len(queries)]
				t0 := time.Now()
				resp, err := client.Get(base + "/api/v1/query?sql=" + url.QueryEscape(q.sql))
				ok := err == nil && resp.StatusCode == 200
				if err == nil {
					io.Copy(io.Discard, resp.Body)
					resp.Body.Close()
				}
				mu.Lock()
				lat = append(lat, float64(time.Since(t0).Microseconds())/1000)
				if !ok {
					errorsSeen++
				}
				mu.Unlock()
			}
		}(c)
	}
	wg.Wait()
	elapsed := time.Since(start).Seconds()
	conc := bare.Stats(lat)

	host, _ := os.Hostname()
	fmt.Printf("\ngovlake query benchmark: %d rows; %s; %d timed runs per query (p50 / p99 in ms)\n\n", rows, host, runs)
	fmt.Printf("%-24s %21s %21s %21s %10s %10s\n", "", "HTTP API", "DuckDB direct", "PostgreSQL 15", "API/DuckDB", "PG/API")
	for _, r := range table {
		pgText, ratio := "n/a", "n/a"
		if r.pgErr == nil {
			pgText = fmt.Sprintf("%9.1f / %9.1f", r.postgres.P50, r.postgres.P99)
			ratio = fmt.Sprintf("%.1fx", r.postgres.P50/r.api.P50)
		}
		fmt.Printf("%-24s %9.1f / %9.1f %9.1f / %9.1f %21s %10.2f %10s\n", r.name, r.api.P50, r.api.P99, r.duck.P50, r.duck.P99, pgText, r.api.P50/r.duck.P50, ratio)
	}
	for _, r := range table {
		fmt.Printf("%-24s answers checked: %s\n", r.name, r.checked)
	}
	fmt.Printf("\n16 clients x %d queries through the API: %.1f queries/s, p50 %.1f ms, p99 %.1f ms, %d errors\n", each, float64(clients*each)/elapsed, conc.P50, conc.P99, errorsSeen)
	if pgErr != nil {
		fmt.Printf("PostgreSQL: %v\n", pgErr)
	}
	return nil
}

// duckRows runs a query on the bare DuckDB and returns its rows.
func duckRows(db *sql.DB, q string) ([][]any, error) {
	rs, err := db.Query(q)
	if err != nil {
		return nil, err
	}
	defer rs.Close()
	cols, _ := rs.Columns()
	var out [][]any
	for rs.Next() {
		row := make([]any, len(cols))
		ptrs := make([]any, len(cols))
		for i := range row {
			ptrs[i] = &row[i]
		}
		if err := rs.Scan(ptrs...); err != nil {
			return nil, err
		}
		out = append(out, row)
	}
	return out, rs.Err()
}

// answer sums up a result for comparison across engines: its rows, and
// the sum of every cell that reads as a number.
type answer struct {
	Rows int
	Sum  float64
}

func answerOf(rows [][]any) answer {
	a := answer{Rows: len(rows)}
	for _, row := range rows {
		for _, v := range row {
			if f, err := strconv.ParseFloat(fmt.Sprint(v), 64); err == nil {
				a.Sum += f
			}
		}
	}
	return a
}

// same allows the last digits of a floating-point sum to differ: engines
// add in different orders.
func (a answer) same(b answer) bool {
	return a.Rows == b.Rows && math.Abs(a.Sum-b.Sum) <= 1e-9*math.Max(1, math.Abs(a.Sum))
}
