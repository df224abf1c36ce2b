// Command ingest benchmarks govlake's ingest against its baselines, in one
// run on one generated file:
//
//	(a) DuckDB's own COPY (FROM read_csv(...)) TO parquet, no validation
//	(b) govlake with the per-row reference validator
//	(c) govlake's ingest with full validation (column batches, all cores)
//	(d) PostgreSQL 15 COPY into a typed table (the path of CKAN's XLoader)
//
// Each runs in its own process, so peak RSS is its own.
//
// Then (c) again with the survey's schema in each shape the fast path
// takes (plain keywords; optional columns as nullable type lists, as anyOf
// with null; every column a $ref to local $defs), each right after a DuckDB
// COPY of the same file, -runs rounds, and each shape's median ratio.
//
//	go run ./bench/ingest [-rows 10000000] [-invalid 0.01] [-runs 3] [-dir DIR]
package main

import (
	"context"
	"database/sql"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/exec"
	"path/filepath"
	"runtime/pprof"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"time"

	duckdb "github.com/duckdb/duckdb-go/v2"

	"govlake/bench/internal/pg"
	"govlake/internal/file"
	"govlake/internal/govlake"
	"govlake/internal/wire"
	"govlake/internal/yaml"
)

func main() {
	rows := flag.Int64("rows", 10_000_000, "rows to generate")
	invalid := flag.Float64("invalid", 0.01, "share of invalid rows")
	dir := flag.String("dir", filepath.Join(os.TempDir(), "govlake-bench"), "work folder")
	stage := flag.String("stage", "", "internal: run one stage")
	csvPath := flag.String("csv", "", "internal: the file")
	cpuprofile := flag.String("cpuprofile", "", "with -stage: write a CPU profile of the stage to this file")
	runs := flag.Int("runs", 3, "rounds of the per-shape comparison")
	flag.Parse()
	if *stage != "" {
		if *cpuprofile != "" {
			f, err := os.Create(*cpuprofile)
			if err != nil {
				fmt.Fprintln(os.Stderr, err)
				os.Exit(1)
			}
			pprof.StartCPUProfile(f)
			defer pprof.StopCPUProfile()
		}
		if err := runStage(*stage, *csvPath, *dir); err != nil {
			fmt.Fprintln(os.Stderr, *stage+":", err)
			pprof.StopCPUProfile()
			os.Exit(1)
		}
		return
	}
	if err := bench(*rows, *invalid, *dir, *runs); err != nil {
		fmt.Fprintln(os.Stderr, "bench:", err)
		os.Exit(1)
	}
}

type result struct {
	name    string
	seconds float64
	cpu     float64 // user+system seconds of the stage's process
	rssKB   int64
	note    string
}

func bench(rows int64, invalid float64, dir string, runs int) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	src := filepath.Join(dir, "survey.csv")
	clean := filepath.Join(dir, "survey-clean.csv")
	for _, f := range []struct {
		path    string
		invalid float64
	}{{src, invalid}, {clean, 0}} {
		fmt.Fprintf(os.Stderr, "generating %s (%d rows)...\n", f.path, rows)
		if err := generate(f.path, rows, f.invalid); err != nil {
			return err
		}
	}
	st, err := os.Stat(src)
	if err != nil {
		return err
	}
	mb := float64(st.Size()) / 1e6
	var results []result
	for _, s := range []struct{ stage, name, file string }{
		{"duckdb", "(a) DuckDB COPY csv -> parquet, no checks", src},
		{"reference", "(b) govlake, per-row reference validator", src},
		{"govlake", "(c) govlake ingest, full validation", src},
		{"postgres", "(d) PostgreSQL 15 COPY into a typed table", clean},
	} {
		fmt.Fprintf(os.Stderr, "running %s...\n", s.name)
		r, err := measure(s.stage, s.file, dir)
		if err != nil {
			fmt.Fprintf(os.Stderr, "  %s: %v\n", s.stage, err)
			r.note = "failed: " + err.Error()
		}
		r.name = s.name
		results = append(results, r)
	}
	host, _ := os.Hostname()
	fmt.Printf("\ngovlake ingest benchmark: %d rows, %.0f MB, %.1f%% invalid rows; %s: %s, %d cores\n\n", rows, mb, 100*invalid, host, cpuModel(), numCPU())
	fmt.Printf("%-46s %9s %9s %12s %9s %11s\n", "", "seconds", "CPU s", "rows/s", "MB/s", "peak RSS")
	for _, r := range results {
		if r.seconds == 0 {
			fmt.Printf("%-46s %s\n", r.name, r.note)
			continue
		}
		fmt.Printf("%-46s %9.2f %9.2f %12.0f %9.1f %8.0f MB  %s\n", r.name, r.seconds, r.cpu, float64(rows)/r.seconds, mb/r.seconds, float64(r.rssKB)/1024, r.note)
	}
	a, b, c := results[0].seconds, results[1].seconds, results[2].seconds
	if err := sameAnswers(dir, rows); err != nil {
		fmt.Printf("\nno ratios: the stages did not compute the same answer: %v\n", err)
		return err
	}
	fmt.Printf("\nanswers checked: (a) holds all %d rows; (b) and (c) stored the same valid rows (count and sum of id)\n", rows)
	if a > 0 && b > 0 && c > 0 {
		fmt.Printf("\n(c)/(a) throughput: %.2f (target at least 0.8); CPU time (a)/(c): %.2f\n(c)/(b) throughput: %.1fx\n", a/c, results[0].cpu/results[2].cpu, b/c)
	}
	return shapes(src, dir, runs)
}

// The schema shapes of the per-shape rounds: survey<file>.schema.json.
var shapeFiles = []struct{ name, file string }{
	{"plain keywords", ""}, {"nullable type lists", ".nullable"}, {"anyOf with null", ".anyof"}, {"$ref to $defs", ".ref"},
}

// shapes measures govlake's ingest in each schema shape, each right after
// a DuckDB COPY of the same file (the machine's speed drifts within a
// minute), runs rounds, after checking that every shape stored the same
// rows; then each shape's median ratio.
func shapes(src, dir string, runs int) error {
	fmt.Printf("\nper schema shape: (c) seconds / (a) seconds measured just before it = throughput ratio (a)/(c), target at least 0.8\n\n")
	fmt.Printf("%-8s", "round")
	for _, sh := range shapeFiles {
		fmt.Printf(" %28s", sh.name)
	}
	fmt.Println()
	ratios := make([][]float64, len(shapeFiles))
	for round := 1; round <= runs; round++ {
		fmt.Printf("%-8d", round)
		for i, sh := range shapeFiles {
			a, err := measure("duckdb", src, dir)
			if err != nil {
				return err
			}
			c, err := measure("govlake"+sh.file, src, dir)
			if err != nil {
				return fmt.Errorf("%s: %w", sh.name, err)
			}
			ratios[i] = append(ratios[i], a.seconds/c.seconds)
			fmt.Printf(" %6.2f s / %5.2f s = %5.2f", c.seconds, a.seconds, a.seconds/c.seconds)
		}
		fmt.Println()
		if round == 1 {
			if err := sameShapes(dir); err != nil {
				fmt.Printf("\nno ratios: the shapes did not store the same rows: %v\n", err)
				return err
			}
		}
	}
	fmt.Printf("%-8s", "median")
	for _, r := range ratios {
		slices.Sort(r)
		fmt.Printf(" %28.2f", r[len(r)/2])
	}
	fmt.Printf("\n\nanswers checked: every shape stored the same valid rows (count and sum of id) as the plain schema\n")
	return nil
}

// sameShapes checks that each shape's store holds the rows the plain
// schema's holds.
func sameShapes(dir string) error {
	c, err := duckdb.NewConnector("", nil)
	if err != nil {
		return err
	}
	db := sql.OpenDB(c)
	defer db.Close()
	var first [2]int64
	for i, sh := range shapeFiles {
		parts := filepath.Join(dir, "store-govlake"+sh.file, "datasets", "survey", "versions", "*", "part-*.parquet")
		var a [2]int64
		if err := db.QueryRow(fmt.Sprintf("SELECT count(*), sum(id)::BIGINT FROM read_parquet('%s')", parts)).Scan(&a[0], &a[1]); err != nil {
			return fmt.Errorf("read the %s store: %w", sh.name, err)
		}
		if i == 0 {
			first = a
		} else if a != first || a[0] == 0 {
			return fmt.Errorf("%s stored %d rows (sum of id %d), the plain schema %d (%d)", sh.name, a[0], a[1], first[0], first[1])
		}
	}
	return nil
}

// sameAnswers reads what the stages wrote, outside any timing: DuckDB's
// copy must hold every row, and the reference and the column-batch path
// must have stored the same valid rows.
func sameAnswers(dir string, rows int64) error {
	c, err := duckdb.NewConnector("", nil)
	if err != nil {
		return err
	}
	db := sql.OpenDB(c)
	defer db.Close()
	var n int64
	if err := db.QueryRow(fmt.Sprintf("SELECT count(*) FROM read_parquet('%s')", filepath.Join(dir, "duckdb.parquet"))).Scan(&n); err != nil {
		return err
	}
	if n != rows {
		return fmt.Errorf("DuckDB's copy holds %d rows, the file %d", n, rows)
	}
	type answer struct{ rows, sum int64 }
	got := map[string]answer{}
	for _, stage := range []string{"reference", "govlake"} {
		parts := filepath.Join(dir, "store-"+stage, "datasets", "survey", "versions", "*", "part-*.parquet")
		var a answer
		if err := db.QueryRow(fmt.Sprintf("SELECT count(*), sum(id)::BIGINT FROM read_parquet('%s')", parts)).Scan(&a.rows, &a.sum); err != nil {
			return fmt.Errorf("read %s's version: %w", stage, err)
		}
		got[stage] = a
	}
	if got["reference"] != got["govlake"] || got["govlake"].rows == 0 {
		return fmt.Errorf("the reference stored %+v, the column-batch path %+v", got["reference"], got["govlake"])
	}
	return nil
}

func cpuModel() string {
	b, _ := os.ReadFile("/proc/cpuinfo")
	for _, line := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(line, "model name"); ok {
			return strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(v), ":"))
		}
	}
	return "unknown processor"
}

func numCPU() int {
	b, _ := os.ReadFile("/proc/cpuinfo")
	return strings.Count(string(b), "processor\t:")
}

func generate(path string, rows int64, invalid float64) error {
	out, err := os.Create(path)
	if err != nil {
		return err
	}
	defer out.Close()
	cmd := exec.Command("go", "run", "./bench/gencsv", "-rows", strconv.FormatInt(rows, 10), "-invalid", strconv.FormatFloat(invalid, 'g', -1, 64))
	cmd.Stdout, cmd.Stderr = out, os.Stderr
	return cmd.Run()
}

// warm reads a file once, untimed.
func warm(path string) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	_, err = io.Copy(io.Discard, f)
	return err
}

// measure runs one stage in a child process and reads its peak RSS.
func measure(stage, csvPath, dir string) (result, error) {
	self, err := os.Executable()
	if err != nil {
		return result{}, err
	}
	// The last run's output goes before the clock starts.
	os.RemoveAll(filepath.Join(dir, "store-"+stage))
	if stage == "duckdb" {
		os.Remove(filepath.Join(dir, "duckdb.parquet"))
	}
	// Every stage starts with the file in the page cache: a stage run
	// after one that used much memory would otherwise read it from disk,
	// and the comparison would measure the disk (DuckDB's COPY took 4.8 s
	// or 9 s by what ran before it).
	if err := warm(csvPath); err != nil {
		return result{}, err
	}
	cmd := exec.Command(self, "-stage", stage, "-csv", csvPath, "-dir", dir)
	cmd.Stderr = os.Stderr
	var out strings.Builder
	cmd.Stdout = &out
	start := time.Now()
	err = cmd.Run()
	elapsed := time.Since(start).Seconds()
	r := result{seconds: elapsed}
	if ru, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage); ok {
		r.rssKB = ru.Maxrss
		r.cpu = time.Duration(ru.Utime.Nano() + ru.Stime.Nano()).Seconds()
	}
	// A stage may report its own figures (PostgreSQL's work is in its server).
	for _, line := range strings.Split(out.String(), "\n") {
		if v, ok := strings.CutPrefix(line, "seconds="); ok {
			r.seconds, _ = strconv.ParseFloat(v, 64)
		}
		if v, ok := strings.CutPrefix(line, "rsskb="); ok {
			r.rssKB, _ = strconv.ParseInt(v, 10, 64)
		}
		if v, ok := strings.CutPrefix(line, "note="); ok {
			r.note = v
		}
	}
	if err != nil {
		return result{}, err
	}
	return r, nil
}

func runStage(stage, csvPath, dir string) error {
	switch stage {
	case "duckdb":
		c, err := duckdb.NewConnector("", nil)
		if err != nil {
			return err
		}
		db := sql.OpenDB(c)
		defer db.Close()
		out := filepath.Join(dir, "duckdb.parquet")
		_, err = db.Exec(fmt.Sprintf("COPY (FROM read_csv('%s')) TO '%s' (FORMAT parquet, COMPRESSION zstd)", csvPath, out))
		return err
	case "reference", "govlake", "govlake.nullable", "govlake.anyof", "govlake.ref":
		store := filepath.Join(dir, "store-"+stage) // emptied by measure, untimed
		pdir := filepath.Join(dir, "pipelines-"+stage)
		os.MkdirAll(pdir, 0o755)
		schema, _ := filepath.Abs("bench/testdata/survey" + strings.TrimPrefix(strings.TrimPrefix(stage, "reference"), "govlake") + ".schema.json")
		yml := fmt.Sprintf("dataset: survey\ntitle: Survey\nsource: {url: %s}\nschema: %s\non_invalid: quarantine\nmax_invalid_ratio: 0.05\ntimeout: 2h\n", csvPath, schema)
		if err := os.WriteFile(filepath.Join(pdir, "survey.yaml"), []byte(yml), 0o644); err != nil {
			return err
		}
		ps, err := yaml.LoadDir(pdir)
		if err != nil {
			return err
		}
		fs, err := file.NewStore(store)
		if err != nil {
			return err
		}
		r := wire.NewRunner(fs, slog.New(slog.NewTextHandler(io.Discard, nil)))
		r.Reference = stage == "reference"
		run := r.Run(context.Background(), ps[0])
		if run.Status != govlake.RunSucceeded {
			return fmt.Errorf("run %s: %s", run.Status, run.Error)
		}
		fmt.Printf("note=%d valid, %d rejected\n", run.Rows.Valid, run.Rows.Rejected)
		return nil
	case "postgres":
		return postgres(csvPath, dir)
	}
	return fmt.Errorf("unknown stage %q", stage)
}

// postgres starts a throw-away PostgreSQL 15 cluster, COPYs the file into
// a typed table and reports the COPY's time.
func postgres(csvPath, dir string) error {
	os.Chmod(csvPath, 0o644)
	srv, err := pg.Start(dir)
	if err != nil {
		return err
	}
	defer srv.Stop()
	if _, err := srv.Exec(`CREATE TABLE survey (id bigint, district_code text, district text, sex text, age integer,
		household_size integer, income double precision, surveyed date, email text)`); err != nil {
		return err
	}
	ms, err := srv.Timed([]string{fmt.Sprintf("COPY survey FROM '%s' WITH (FORMAT csv, HEADER true)", csvPath)})
	if err != nil {
		return err
	}
	count, _ := srv.Exec("SELECT count(*) FROM survey")
	fmt.Printf("seconds=%f\n", ms[0]/1000)
	fmt.Printf("note=%s rows loaded; clean copy of the file (COPY stops at the first bad row); server RSS not in the figure\n", count)
	return nil
}
