// Command ingest runs pipelines: it fetches each dataset's source, validates
// every record against the dataset's JSON Schema and commits a new version
// of Parquet files to the store.
//
//	ingest run   [-pipelines DIR] [-store URL] [ID ...]
//	ingest check [-pipelines DIR]
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"path/filepath"
	"strings"
	"syscall"
	"text/tabwriter"
	"time"

	"govlake/internal/govlake"
	"govlake/internal/wire"
)

const usage = `usage:
  ingest run    [-pipelines DIR] [-store URL] [ID ...]   run now (all, or the named ones); exit 1 if any failed
  ingest check  [-pipelines DIR]                         check pipeline files and schemas, run nothing
  ingest serve  [-pipelines DIR] [-store URL]           run on each pipeline's schedule until stopped
  ingest status [-store URL] [-n N] [ID ...]            list recent runs, newest first
  ingest sweep  [-pipelines DIR] [-store URL] [-grace D] remove what killed runs left (serve does it daily)
  ingest reindex [-store URL]                           rebuild the catalogue index from the store's manifests
`

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	os.Exit(Main(ctx, os.Args[1:], os.Stdout, os.Stderr))
}

// Main runs the command and returns its exit code.
func Main(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return 2
	}
	fs := flag.NewFlagSet("ingest "+args[0], flag.ContinueOnError)
	fs.SetOutput(stderr)
	pipelines := fs.String("pipelines", "./pipelines", "folder of pipeline files")
	storeURL := fs.String("store", "./data", "store: a folder path, file:///path or s3://bucket/prefix?endpoint=URL&region=R")
	verbose := fs.Bool("v", false, "log each step")
	count := fs.Int("n", 20, "status: how many runs to list per dataset")
	logFormat := fs.String("log-format", "text", "log as text (logfmt) or json (one object a line)")
	metricsAddr := fs.String("metrics-addr", "", "serve: answer Prometheus at http://ADDR/metrics (and /healthz), e.g. 127.0.0.1:9464")
	reload := fs.Duration("reload", 2*time.Second, "serve: how often to look for changed pipeline files")
	kpis := fs.String("kpis", "", "check: a folder of KPI files to check too")
	orgs := fs.String("organizations", "./organizations", "check: the folder of organization files")
	grace := fs.Duration("grace", wire.DefaultSweepGrace, "sweep: how long past its run's deadline a claimed version number is left alone (more than the clock skew between machines)")
	if err := fs.Parse(args[1:]); err != nil {
		return 2
	}
	level := slog.LevelWarn
	if *verbose || args[0] == "serve" {
		level = slog.LevelInfo
	}
	logger, err := wire.NewLogger(stderr, *logFormat, level)
	if err != nil {
		fmt.Fprintln(stderr, "ingest: -log-format:", govlake.ErrorMessage(err))
		return 2
	}

	switch args[0] {
	case "check":
		return check(ctx, *pipelines, *kpis, *orgs, stdout, stderr)
	case "serve":
		store, err := wire.OpenStore(ctx, *storeURL, logger)
		if err != nil {
			fmt.Fprintln(stderr, "ingest:", govlake.ErrorMessage(err))
			return 1
		}
		return serve(ctx, *pipelines, store, *reload, *metricsAddr, logger, stderr)
	case "status":
		store, err := wire.OpenStore(ctx, *storeURL, logger)
		if err != nil {
			fmt.Fprintln(stderr, "ingest:", govlake.ErrorMessage(err))
			return 1
		}
		return status(ctx, store, fs.Args(), *count, logger, stdout, stderr)
	case "sweep":
		store, err := wire.OpenStore(ctx, *storeURL, logger)
		if err != nil {
			fmt.Fprintln(stderr, "ingest:", govlake.ErrorMessage(err))
			return 1
		}
		return sweep(ctx, *pipelines, store, *grace, logger, stdout, stderr)
	case "reindex":
		store, err := wire.OpenStore(ctx, *storeURL, logger)
		if err != nil {
			fmt.Fprintln(stderr, "ingest:", govlake.ErrorMessage(err))
			return 1
		}
		return reindex(ctx, store, stdout, stderr)
	case "run":
		store, err := wire.OpenStore(ctx, *storeURL, logger)
		if err != nil {
			fmt.Fprintln(stderr, "ingest:", govlake.ErrorMessage(err))
			return 1
		}
		return run(ctx, *pipelines, store, fs.Args(), logger, stdout, stderr)
	}
	fmt.Fprintf(stderr, "ingest: unknown command %q\n%s", args[0], usage)
	return 2
}

func run(ctx context.Context, dir string, store govlake.Store, ids []string, logger *slog.Logger, stdout, stderr io.Writer) int {
	all, err := wire.LoadPipelines(dir)
	code := 0
	if err != nil {
		printProblems(stderr, err)
		code = 1
	}
	selected := all
	if len(ids) > 0 {
		byID := map[string]*govlake.Pipeline{}
		for _, p := range all {
			byID[p.Dataset] = p
		}
		selected = nil
		for _, id := range ids {
			p, ok := byID[id]
			if !ok {
				fmt.Fprintf(stderr, "ingest: no pipeline defines dataset %q in %s\n", id, dir)
				code = 1
				continue
			}
			selected = append(selected, p)
		}
	}
	runner := wire.NewRunner(store, logger)
	runner.Progress = newProgress(stderr, time.Now).report
	for _, p := range selected {
		if ctx.Err() != nil {
			break
		}
		r := runner.Run(ctx, p)
		fmt.Fprintln(stdout, summary(r))
		if r.Failed() {
			code = 1
		}
	}
	return code
}

// summary is the one line printed per pipeline.
func summary(r *govlake.Run) string {
	version := "-"
	if r.Version > 0 {
		version = fmt.Sprintf("v%d", r.Version)
	}
	line := fmt.Sprintf("%-24s %-10s %-6s valid=%d rejected=%d %s", r.Dataset, r.Status, version,
		r.Rows.Valid, r.Rows.Rejected, r.Duration().Round(time.Millisecond))
	if r.Error != "" {
		line += "\n    " + r.Error
	}
	if r.Status == govlake.RunRejected {
		for i, rj := range r.Rejections {
			if i == 5 {
				line += fmt.Sprintf("\n    ... %d more in the run record", r.Validation.Errors-5)
				break
			}
			line += fmt.Sprintf("\n    row %d, column %q, %s: %s", rj.Row, rj.Column, rj.Keyword, rj.Message)
		}
	}
	return line
}

// status prints recent runs: of the named datasets, or of all.
func status(ctx context.Context, store govlake.Store, ids []string, n int, logger *slog.Logger, stdout, stderr io.Writer) int {
	if len(ids) == 0 {
		ids = []string{""}
	}
	tw := tabwriter.NewWriter(stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "DATASET\tSTATUS\tSTARTED\tDURATION\tVERSION\tREAD\tVALID\tREJECTED\tERROR")
	for _, id := range ids {
		runs, err := wire.Runs(ctx, store, id, n, logger)
		if err != nil {
			fmt.Fprintln(stderr, "ingest:", govlake.ErrorMessage(err))
			return 1
		}
		if len(runs) == 0 && id != "" {
			fmt.Fprintf(stderr, "ingest: no runs recorded for %q\n", id)
		}
		for _, r := range runs {
			version := "-"
			if r.Version > 0 {
				version = fmt.Sprint(r.Version)
			}
			msg := r.Error
			if len(msg) > 120 {
				msg = msg[:117] + "..."
			}
			fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%d\t%d\t%d\t%s\n", r.Dataset, r.Status, r.StartedAt.Format(time.RFC3339),
				r.Duration().Round(time.Millisecond), version, r.Rows.Read, r.Rows.Valid, r.Rows.Rejected, msg)
		}
	}
	tw.Flush()
	return 0
}

func check(ctx context.Context, dir, kpiDir, orgDir string, stdout, stderr io.Writer) int {
	pipelines, err := wire.LoadPipelines(dir)
	problems := 0
	if err != nil {
		problems += printProblems(stderr, err)
	}
	for _, p := range pipelines {
		for _, err := range wire.CheckPipeline(p) {
			problems += printProblems(stderr, err)
		}
	}
	orgs, errs, warnings := wire.CheckOrganizations(orgDir, pipelines)
	for _, err := range errs {
		problems += printProblems(stderr, err)
	}
	for _, w := range warnings {
		fmt.Fprintln(stderr, "warning:", w)
	}
	kpis := 0
	if kpiDir != "" {
		var errs []error
		kpis, errs = wire.CheckKPIs(ctx, kpiDir, pipelines)
		for _, err := range errs {
			problems += printProblems(stderr, err)
		}
	}
	if problems > 0 {
		fmt.Fprintf(stderr, "%d problem(s) found\n", problems)
		return 1
	}
	fmt.Fprintf(stdout, "%d pipeline(s) OK\n", len(pipelines))
	fmt.Fprintf(stdout, "%d organization(s) OK\n", orgs)
	if kpiDir != "" {
		fmt.Fprintf(stdout, "%d KPI(s) OK\n", kpis)
	}
	return 0
}

// serve runs the daemon until SIGTERM or SIGINT (ctx), reloading pipeline
// files when they change or on SIGHUP.
func serve(ctx context.Context, dir string, store govlake.Store, every time.Duration, metricsAddr string, logger *slog.Logger, stderr io.Writer) int {
	host, _ := os.Hostname()
	d := wire.NewDaemon(store, logger, fmt.Sprintf("%s-%d", host, os.Getpid()))
	if metricsAddr != "" {
		stop, err := serveMetrics(metricsAddr, wire.DaemonMetrics(d), logger)
		if err != nil {
			fmt.Fprintln(stderr, "ingest:", govlake.ErrorMessage(err))
			return 1
		}
		defer stop()
	}
	defs, err := os.MkdirTemp("", "govlake-api-definitions-")
	if err != nil {
		fmt.Fprintln(stderr, "ingest: a folder for the API's dataset definitions:", err)
		return 1
	}
	defer os.RemoveAll(defs)
	apiPrint := func() string {
		_, print, _ := wire.APIPipelines(ctx, store, logger, defs)
		return print
	}
	load := func() {
		ps, err := wire.LoadPipelines(dir)
		if err != nil {
			// Broken files are reported; the others keep their schedules.
			printProblems(stderr, err)
		}
		// Datasets defined through the catalogue's API with a URL and a
		// schedule; a pipeline file of the same id wins.
		api, _, err := wire.APIPipelines(ctx, store, logger, defs)
		if err != nil {
			printProblems(stderr, err)
		}
		files := map[string]bool{}
		for _, p := range ps {
			files[p.Dataset] = true
		}
		for _, p := range api {
			if !files[p.Dataset] {
				ps = append(ps, p)
			}
		}
		for _, e := range d.Set(ps) {
			printProblems(stderr, e)
		}
		for id, next := range d.Next() {
			logger.Info("scheduled", "dataset", id, "next", next.Format(time.RFC3339))
		}
	}
	load()
	hup := make(chan os.Signal, 1)
	signal.Notify(hup, syscall.SIGHUP)
	defer signal.Stop(hup)
	go func() {
		last := fingerprint(dir) + apiPrint()
		tick := time.NewTicker(every)
		defer tick.Stop()
		for {
			select {
			case <-ctx.Done():
				return
			case <-hup:
				logger.Info("reloading pipeline files (SIGHUP)")
				last = fingerprint(dir) + apiPrint()
				load()
			case <-tick.C:
				if f := fingerprint(dir) + apiPrint(); f != last {
					logger.Info("reloading pipeline files (changed)")
					last = f
					load()
				}
			}
		}
	}()
	logger.Info("serving schedules", "pipelines", dir)
	if err := d.Serve(ctx); err != nil {
		fmt.Fprintln(stderr, "ingest:", govlake.ErrorMessage(err))
		return 1
	}
	logger.Info("stopped")
	return 0
}

// fingerprint changes when a pipeline file or a schema it names changes.
func fingerprint(dir string) string {
	var b strings.Builder
	files, _ := filepath.Glob(filepath.Join(dir, "*.y*ml"))
	ps, _ := wire.LoadPipelines(dir)
	for _, p := range ps {
		files = append(files, p.Schema)
	}
	for _, f := range files {
		if st, err := os.Stat(f); err == nil {
			fmt.Fprintf(&b, "%s %d %d\n", f, st.Size(), st.ModTime().UnixNano())
		}
	}
	return b.String()
}

func printProblems(w io.Writer, err error) int {
	if j, ok := err.(interface{ Unwrap() []error }); ok {
		n := 0
		for _, e := range j.Unwrap() {
			n += printProblems(w, e)
		}
		return n
	}
	fmt.Fprintln(w, err)
	return 1
}
