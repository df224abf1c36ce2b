// Command catalog measures the catalogue at a national portal's size: it
// builds stores of -sizes real datasets (the repository's pipelines,
// ingested once and copied under new ids) and one dataset of -versions
// versions, on a folder and on versitygw, and starts a catalogue over each
// twice, in its own process: following the store's index (govlake's
// design) and listing the whole store at each refresh (the design before
// it, the baseline). Each prints startup time and store requests, the
// cost of a refresh with nothing and with one change, how soon a new
// version shows, request latencies while versions land, package_search's
// median and the peak resident memory.
//
//	go run ./bench/catalog [-sizes 1000,10000] [-versions 10000] [-s3=true]
package main

import (
	"bufio"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"runtime/pprof"
	"strconv"
	"strings"
	"syscall"
	"time"

	"govlake/internal/wire"
)

func main() {
	sizes := flag.String("sizes", "1000,10000", "numbers of datasets of the stores built")
	versions := flag.Int("versions", 10000, "versions of the one-dataset store (0: none)")
	useS3 := flag.Bool("s3", true, "also on versitygw")
	history := flag.String("history", "10000x100", "datasets x versions of the store that measures memory with a large index, on a folder only (\"\": none)")
	load := flag.Duration("load", 15*time.Second, "how long requests are sent while versions land")
	clients := flag.Int("clients", 2, "clients sending requests one after another meanwhile")
	duckMemory := flag.String("duckdb-memory", "1GB", "the catalogues' DuckDB memory limit (-memory-limit)")
	dir := flag.String("dir", filepath.Join(os.TempDir(), "govlake-bench-catalog"), "work folder")
	isChild := flag.Bool("child", false, "measure one catalogue (run by the benchmark itself)")
	storeURL := flag.String("store", "", "child: the store")
	mode := flag.String("mode", "index", "child: index or listing")
	heap := flag.String("heap", "", "child: write a heap profile here at the end")
	cpu := flag.String("cpuprofile", "", "child: write a CPU profile of the whole run here")
	flag.Parse()
	if *isChild {
		wire.CatalogGC() // as the catalogue command does
		if *cpu != "" {
			if c, err := os.Create(*cpu); err == nil {
				pprof.StartCPUProfile(c)
				defer pprof.StopCPUProfile()
			}
		}
		f, err := child(*storeURL, *mode, *load, *clients, *duckMemory)
		if *heap != "" {
			if h, err := os.Create(*heap); err == nil {
				pprof.WriteHeapProfile(h)
				h.Close()
			}
		}
		if err != nil {
			fmt.Fprintln(os.Stderr, "bench/catalog child:", err)
			pprof.StopCPUProfile()
			os.Exit(1)
		}
		json.NewEncoder(os.Stdout).Encode(f)
		return
	}
	if err := run(*sizes, *versions, *history, *useS3, *load, *clients, *duckMemory, *dir); err != nil {
		fmt.Fprintln(os.Stderr, "bench/catalog:", err)
		os.Exit(1)
	}
}

func run(sizes string, versions int, history string, useS3 bool, load time.Duration, clients int, duckMemory, dir string) error {
	ctx := context.Background()
	if _, err := os.Stat("pipelines"); err != nil {
		return fmt.Errorf("run from the repository's root: %w", err)
	}
	os.RemoveAll(dir)
	tmpl, ids, err := template(ctx, filepath.Join(dir, "template"))
	if err != nil {
		return err
	}
	backends := []string{"folder"}
	var vgw *exec.Cmd
	var endpoint string
	if useS3 {
		if vgw, endpoint, err = startVersitygw(filepath.Join(dir, "vgw")); err != nil {
			return err
		}
		defer func() { vgw.Process.Kill(); vgw.Wait() }()
		backends = append(backends, "versitygw")
	}
	fmt.Printf("bench/catalog: the repository's %d real datasets copied under new ids; each catalogue in its own process;\n", len(ids))
	fmt.Printf("  latencies from %d clients for %s while a version lands every 250 ms; refresh requests counted as S3 bills them; DuckDB memory limit %s\n", clients, load, duckMemory)
	fmt.Printf("%-10s %-22s %-8s %9s %7s %9s %6s %9s %6s %9s %7s %7s %9s %7s %7s\n", "store", "content", "design", "start ms", "reqs",
		"idle ms", "reqs", "1-chg ms", "reqs", "shows ms", "p50 ms", "p99 ms", "search50", "RSS MB", "errors")
	type kind struct {
		name  string
		build func(c *copier) error
		// indexed kinds write their own index and are not listed whole
		// (the baseline would read every manifest at each refresh).
		indexed bool
	}
	var kinds []kind
	for _, s := range strings.Split(sizes, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(s))
		if err != nil {
			return fmt.Errorf("-sizes: %q is not a number", s)
		}
		kinds = append(kinds, kind{fmt.Sprintf("%d datasets", n), func(c *copier) error { return c.many(ctx, ids, n) }, false})
	}
	if history != "" {
		var n, v int
		if _, err := fmt.Sscanf(history, "%dx%d", &n, &v); err != nil || v < 20 {
			return fmt.Errorf("-history: write datasets x versions, as 10000x100 (at least 20 versions)")
		}
		kinds = append(kinds, kind{fmt.Sprintf("%dx%d (index)", n, v), func(c *copier) error { return c.history(ctx, ids, n, v) }, true})
	}
	if versions > 0 {
		kinds = append(kinds, kind{fmt.Sprintf("1 dataset, %d versions", versions), func(c *copier) error {
			return c.versions(ctx, "retail_prices", "retail_prices_history", versions)
		}, false})
	}
	for _, backend := range backends {
		for i, k := range kinds {
			if k.indexed && backend != "folder" {
				continue
			}
			url := filepath.Join(dir, fmt.Sprintf("store%d", i))
			if backend == "versitygw" {
				url = fmt.Sprintf("s3://bench%d/lake?endpoint=%s&region=us-east-1", i, endpoint)
				if err := wire.CreateBucket(ctx, url, quiet); err != nil {
					return err
				}
			}
			store, err := wire.OpenStore(ctx, url, quiet)
			if err != nil {
				return err
			}
			c, err := newCopier(ctx, tmpl, store, ids)
			if err != nil {
				return err
			}
			t0 := time.Now()
			if err := k.build(c); err != nil {
				return err
			}
			built := time.Since(t0)
			modes := []string{"index"}
			if k.indexed {
				fmt.Printf("# %s, %s: built with %d writes and an index snapshot in %s\n", backend, k.name, c.puts.Load(), built.Round(time.Second))
			} else {
				modes = append(modes, "listing")
				t0 = time.Now()
				x, err := wire.Reindex(ctx, store)
				if err != nil {
					return err
				}
				fmt.Printf("# %s, %s: built with %d writes in %s; ingest reindex: %d datasets in %s\n", backend, k.name, c.puts.Load(),
					built.Round(time.Second), len(x.Datasets), time.Since(t0).Round(time.Millisecond))
			}
			for _, mode := range modes {
				f, err := measure(url, mode, load, clients, duckMemory)
				if err != nil {
					return fmt.Errorf("%s %s %s: %w", backend, k.name, mode, err)
				}
				fmt.Printf("%-10s %-22s %-8s %9.0f %7d %9.1f %6d %9.1f %6d %9.0f %7.1f %7.1f %9.1f %7d %7d\n", backend, k.name, mode,
					f.StartupMS, f.StartupRequests, f.IdleRefreshMS, f.IdleRefreshRequests, f.ChangeRefreshMS, f.ChangeRequests,
					f.VisibleMS, f.RequestP50, f.P99, f.SearchP50, f.PeakRSSMB, f.Errors)
				fmt.Printf("#   search ready %.1f s after the start (a fresh search index); %d requests, %d versions landed meanwhile; slowest: %s; RSS at the end %d MB, of it Go %d MB\n",
					f.SearchReadyMS/1000, f.Requests, f.Landed, f.SlowestRoute, f.EndRSSMB, f.GoMB)
			}
		}
	}
	return nil
}

// measure runs a child process over the store and reads its figures.
func measure(url, mode string, load time.Duration, clients int, duckMemory string) (*figures, error) {
	self, err := os.Executable()
	if err != nil {
		return nil, err
	}
	cmd := exec.Command(self, "-child", "-store", url, "-mode", mode, "-load", load.String(), "-clients", strconv.Itoa(clients), "-duckdb-memory", duckMemory)
	cmd.Stderr = os.Stderr
	out, err := cmd.Output()
	if err != nil {
		return nil, err
	}
	var f figures
	sc := bufio.NewScanner(strings.NewReader(string(out)))
	for sc.Scan() {
		if err := json.Unmarshal(sc.Bytes(), &f); err == nil {
			return &f, nil
		}
	}
	return nil, fmt.Errorf("no figures in %q", out)
}

// startVersitygw starts versitygw over a fresh folder with the test
// credentials, which it sets for the children.
func startVersitygw(dir string) (*exec.Cmd, string, error) {
	bin, err := exec.LookPath("versitygw")
	if err != nil {
		if bin = filepath.Join(os.Getenv("HOME"), "go", "bin", "versitygw"); !exists(bin) {
			return nil, "", fmt.Errorf("versitygw is not installed (go install github.com/versity/versitygw/cmd/versitygw@v1.8.0), or pass -s3=false")
		}
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, "", err
	}
	addr := ln.Addr().String()
	ln.Close()
	os.MkdirAll(filepath.Join(dir, "data"), 0o755)
	const key, secret = "govlake-bench", "govlake-bench-secret"
	os.Setenv("AWS_ACCESS_KEY_ID", key)
	os.Setenv("AWS_SECRET_ACCESS_KEY", secret)
	os.Setenv("AWS_REGION", "us-east-1")
	cmd := exec.Command(bin, "--port", addr, "--quiet", "posix", filepath.Join(dir, "data"))
	cmd.Env = append(os.Environ(), "ROOT_ACCESS_KEY="+key, "ROOT_SECRET_KEY="+secret)
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
	if err := cmd.Start(); err != nil {
		return nil, "", err
	}
	for end := time.Now().Add(10 * time.Second); time.Now().Before(end); time.Sleep(20 * time.Millisecond) {
		if c, err := net.Dial("tcp", addr); err == nil {
			c.Close()
			return cmd, "http://" + addr, nil
		}
	}
	cmd.Process.Kill()
	return nil, "", fmt.Errorf("versitygw did not start on %s", addr)
}

func exists(p string) bool { _, err := os.Stat(p); return err == nil }
