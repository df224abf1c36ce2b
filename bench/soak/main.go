// Command soak runs the catalogue for a long time under a mixed load and
// prints, every minute, the requests answered, the errors by status, the
// latency (p50, p99) and the process's resident memory, which must be flat
// after warm-up. 16 clients ask for pages, searches, SQL as JSON and CSV
// downloads; every minute the population pipeline makes a new version (its
// source grows by a row), so the catalogue keeps reading a changing store.
//
// The figures compare the soak with itself: the RSS of each minute beside
// the first minute after warm-up, and at the end the growth between them.
//
//	go run ./bench/soak [-duration 10m] [-clients 16] [-dir DIR]
package main

import (
	"bytes"
	"context"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"runtime"
	"runtime/metrics"
	"runtime/pprof"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"govlake/internal/file"
	"govlake/internal/govlake"
	"govlake/internal/wire"
)

func main() {
	duration := flag.Duration("duration", 10*time.Minute, "how long to run")
	clients := flag.Int("clients", 16, "clients sending requests at once")
	dir := flag.String("dir", filepath.Join(os.TempDir(), "govlake-bench-soak"), "work folder")
	heapDir := flag.String("heap-profiles", "", "write Go heap profiles at minute 2 and at the end into this folder")
	flag.Parse()
	if err := run(*duration, *clients, *dir, *heapDir); err != nil {
		fmt.Fprintln(os.Stderr, "soak:", govlake.ErrorMessage(err))
		os.Exit(1)
	}
}

func run(duration time.Duration, clients int, dir, heapDir string) error {
	ctx := context.Background()
	os.RemoveAll(dir)
	storeDir := filepath.Join(dir, "store")
	store, err := file.NewStore(storeDir)
	if err != nil {
		return err
	}
	// Errors only, on stderr: a 500 in the table says why here.
	logger := slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelError}))
	pipelines, err := wire.LoadPipelines("pipelines")
	if err != nil {
		return fmt.Errorf("run from the repository's root: %w", err)
	}
	runner := wire.NewRunner(store, logger)
	var population *govlake.Pipeline
	for _, p := range pipelines {
		if p.Dataset == "population" {
			// Its source is copied, so that it can grow a row a minute.
			src, err := os.ReadFile(p.Source.URL)
			if err != nil {
				return err
			}
			p.Source.URL = filepath.Join(dir, "population.csv")
			if err := os.WriteFile(p.Source.URL, src, 0o644); err != nil {
				return err
			}
			population = p
		}
		if r := runner.Run(ctx, p); r.Failed() {
			return fmt.Errorf("ingest %s: %s", p.Dataset, r.Error)
		}
	}
	cat, err := wire.NewCatalog(ctx, wire.CatalogConfig{Store: storeDir, Memory: "1GB", Refresh: 2 * time.Second, CacheDir: filepath.Join(dir, "cache"),
		Queries: "queries", KPIs: "kpis", Orgs: "organizations", MaxRows: 10000, Timeout: 30 * time.Second, Running: 4, Queued: 32}, logger)
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

	s := &stats{status: map[int]int{}}
	stop := time.Now().Add(duration)
	var wg sync.WaitGroup
	for c := range clients {
		wg.Add(1)
		go func() {
			defer wg.Done()
			client := &http.Client{Timeout: time.Minute}
			for i := c; time.Now().Before(stop); i++ {
				u := base + requests[i%len(requests)]
				start := time.Now()
				resp, err := client.Get(u)
				code := 0
				if err == nil {
					io.Copy(io.Discard, resp.Body)
					resp.Body.Close()
					code = resp.StatusCode
				}
				s.add(code, time.Since(start))
			}
		}()
	}
	fmt.Printf("bench/soak: %d clients for %s against %s; a new population version every minute\n", clients, duration, base)
	fmt.Printf("%6s %9s %8s %8s %8s %8s  %s\n", "minute", "requests", "p50 ms", "p99 ms", "RSS MB", "Go MB", "statuses")
	var firstRSS, lastRSS int64
	for minute := 1; time.Now().Before(stop); minute++ {
		time.Sleep(min(time.Minute, time.Until(stop)))
		grow(population.Source.URL, minute)
		if r := runner.Run(ctx, population); r.Failed() {
			fmt.Printf("new version failed: %s\n", r.Error)
		}
		n, p50, p99, status := s.take()
		rss := residentMB()
		if minute == 2 || (firstRSS == 0 && !time.Now().Before(stop)) {
			firstRSS = rss // the first minute after warm-up
		}
		lastRSS = rss
		fmt.Printf("%6d %9d %8.1f %8.1f %8d %8d  %s\n", minute, n, p50, p99, rss, goMB(), status)
		if heapDir != "" && (minute == 2 || !time.Now().Before(stop)) {
			writeHeap(filepath.Join(heapDir, fmt.Sprintf("heap-%02d.pprof", minute)))
		}
	}
	wg.Wait()
	fmt.Printf("RSS after warm-up (minute 2) %d MB, at the end %d MB: %+d MB\n", firstRSS, lastRSS, lastRSS-firstRSS)
	return nil
}

// requests is the mix: pages, search, the API, SQL as JSON and as CSV.
var requests = []string{
	"/", "/datasets/population", "/search?q=population", "/api/v1/datasets",
	"/api/v1/query?" + url.Values{"sql": {"SELECT count(*), sum(value) FROM population"}}.Encode(),
	"/datasets/gdp", "/kpis",
	"/api/v1/query?" + url.Values{"format": {"csv"}, "sql": {"SELECT * FROM population"}}.Encode(),
	"/api/3/action/package_search?q=gdp", "/catalog.ttl",
}

// grow appends a row to the population source, so the next run makes a
// version.
func grow(path string, minute int) {
	b, _ := os.ReadFile(path)
	lines := bytes.Split(bytes.TrimRight(b, "\n"), []byte("\n"))
	last := string(lines[len(lines)-1])
	cells := strings.Split(last, ",")
	if len(cells) == 4 { // Country Name, Country Code, Year, Value: a new year
		cells[2], cells[3] = strconv.Itoa(2100+minute), strconv.Itoa(1000+minute)
	}
	f, _ := os.OpenFile(path, os.O_APPEND|os.O_WRONLY, 0)
	fmt.Fprintln(f, strings.Join(cells, ","))
	f.Close()
}

type stats struct {
	mu     sync.Mutex
	took   []time.Duration
	status map[int]int
}

func (s *stats) add(code int, d time.Duration) {
	s.mu.Lock()
	s.took = append(s.took, d)
	s.status[code]++
	s.mu.Unlock()
}

// take returns and resets the minute's figures.
func (s *stats) take() (int, float64, float64, string) {
	s.mu.Lock()
	took, status := s.took, s.status
	s.took, s.status = nil, map[int]int{}
	s.mu.Unlock()
	if len(took) == 0 {
		return 0, 0, 0, ""
	}
	sort.Slice(took, func(i, j int) bool { return took[i] < took[j] })
	ms := func(q float64) float64 { return float64(took[int(q*float64(len(took)-1))].Microseconds()) / 1000 }
	var codes []string
	for c, n := range status {
		codes = append(codes, fmt.Sprintf("%d:%d", c, n))
	}
	sort.Strings(codes)
	return len(took), ms(0.5), ms(0.99), strings.Join(codes, " ")
}

// goMB is the memory the Go runtime holds from the system, not released:
// RSS beyond it is DuckDB's, or other C memory.
func goMB() int64 {
	ms := []metrics.Sample{{Name: "/memory/classes/total:bytes"}, {Name: "/memory/classes/heap/released:bytes"}}
	metrics.Read(ms)
	return int64(ms[0].Value.Uint64()-ms[1].Value.Uint64()) >> 20
}

// writeHeap writes a heap profile, for comparing the start with the end.
func writeHeap(path string) {
	f, err := os.Create(path)
	if err != nil {
		fmt.Fprintln(os.Stderr, "soak: heap profile:", err)
		return
	}
	defer f.Close()
	runtime.GC()
	pprof.WriteHeapProfile(f)
}

// residentMB reads this process's resident memory from /proc.
func residentMB() int64 {
	b, _ := os.ReadFile("/proc/self/status")
	for _, line := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(line, "VmRSS:"); ok {
			kb, _ := strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(v), "kB")), 10, 64)
			return kb >> 10
		}
	}
	return 0
}
