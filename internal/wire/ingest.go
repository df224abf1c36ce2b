package wire

import (
	"context"
	"fmt"
	"log/slog"
	"slices"
	"strings"
	"time"

	"govlake/internal/catalog"
	"govlake/internal/cron"
	"govlake/internal/duckdb"
	"govlake/internal/govlake"
	"govlake/internal/iceberg"
	"govlake/internal/ingest"
	"govlake/internal/jsonschema"
	"govlake/internal/yaml"
)

// LoadPipelines reads every pipeline file of dir; the error lists each
// file's problems, and the pipelines that loaded are returned all the same.
func LoadPipelines(dir string) ([]*govlake.Pipeline, error) { return yaml.LoadDir(dir) }

// LoadKPIs reads the KPI files of a folder.
func LoadKPIs(dir string) ([]*govlake.KPI, error) { return yaml.LoadKPIs(dir) }

// CheckPipeline checks what loading a pipeline file does not: that its
// schema compiles and its schedule parses.
func CheckPipeline(p *govlake.Pipeline) []error {
	var errs []error
	schema, err := jsonschema.Load(p.Schema)
	if err != nil {
		errs = append(errs, fmt.Errorf("%s: %w", p.File, err))
	} else {
		var names []string
		for _, c := range schema.Columns() {
			names = append(names, c.Name)
		}
		for _, k := range p.PrimaryKey {
			if !slices.Contains(names, k) {
				errs = append(errs, govlake.Errorf(govlake.EINVALID, "%s: primary_key: %q is not a column of the schema (%s)", p.File, k, strings.Join(names, ", ")))
			}
		}
		if c := p.TemporalColumn; c != "" && !slices.Contains(names, c) {
			errs = append(errs, govlake.Errorf(govlake.EINVALID, "%s: temporal_column: %q is not a column of the schema (%s)", p.File, c, strings.Join(names, ", ")))
		}
	}
	if p.Schedule != "" {
		if _, err := cron.Parse(p.Schedule); err != nil {
			errs = append(errs, fmt.Errorf("%s: %w", p.File, err))
		}
	}
	return errs
}

// Runs returns a dataset's most recent runs (of all datasets when id is
// ""), newest first.
func Runs(ctx context.Context, store govlake.Store, id string, n int, logger *slog.Logger) ([]*govlake.Run, error) {
	return catalog.New(store, nil, logger, time.Now).Runs(ctx, id, n)
}

// NewDaemon wires the scheduler: the runner, the real clock and cron
// schedules. holder names this process in the leases it takes.
func NewDaemon(store govlake.Store, logger *slog.Logger, holder string) *ingest.Daemon {
	d := ingest.NewDaemon(NewRunner(store, logger), realClock{},
		func(spec string) (ingest.Schedule, error) { return cron.Parse(spec) }, holder)
	d.SweepEvery, d.SweepGrace = 24*time.Hour, ingest.DefaultSweepGrace
	return d
}

// realClock is the daemon's clock outside tests.
type realClock struct{}

func (realClock) Now() time.Time                         { return time.Now() }
func (realClock) After(d time.Duration) <-chan time.Time { return time.After(d) }

// CheckKPIs loads the KPI files of dir and checks that each one's SQL
// parses and reads only datasets the pipelines define. It returns how many
// KPIs passed, and each problem.
func CheckKPIs(ctx context.Context, dir string, pipelines []*govlake.Pipeline) (int, []error) {
	kpis, err := yaml.LoadKPIs(dir)
	var errs []error
	if err != nil {
		errs = append(errs, err)
	}
	known := map[string]bool{}
	for _, p := range pipelines {
		known[p.Dataset] = true
	}
	engine, err := duckdb.Open(ctx, duckdb.Options{}, nil)
	if err != nil {
		return 0, append(errs, err)
	}
	defer engine.Close()
	ok := 0
	for _, k := range kpis {
		names, err := engine.Tables(ctx, k.SQL)
		if err != nil {
			errs = append(errs, govlake.Errorf(govlake.EINVALID, "%s: sql: %s", k.File, govlake.ErrorMessage(err)))
			continue
		}
		var unknown []string
		for _, n := range names {
			if !known[n] {
				unknown = append(unknown, n)
			}
		}
		if len(unknown) > 0 {
			errs = append(errs, govlake.Errorf(govlake.EINVALID, "%s: sql: no pipeline defines %s", k.File, strings.Join(unknown, ", ")))
			continue
		}
		ok++
	}
	return ok, errs
}

// CheckOrganizations checks the organisation files of dir, and warns of
// each pipeline that names an organisation no file defines (it still
// loads, and is shown by the organisation's id).
func CheckOrganizations(dir string, pipelines []*govlake.Pipeline) (int, []error, []string) {
	orgs, err := yaml.LoadOrganizations(dir)
	var errs []error
	if err != nil {
		errs = append(errs, err)
	}
	known := map[string]bool{}
	for _, o := range orgs {
		known[o.ID] = true
	}
	var warnings []string
	for _, p := range pipelines {
		if p.Organization != "" && !known[p.Organization] {
			warnings = append(warnings, fmt.Sprintf("%s: organization %q has no file in %s; it is shown by its id", p.File, p.Organization, dir))
		}
	}
	return len(orgs), errs, warnings
}

// APIPipelines returns the datasets that ministries defined through the
// catalogue's API with a URL and a schedule, for ingest serve; their
// schemas are kept under dir. The fingerprint changes with any definition.
func APIPipelines(ctx context.Context, store govlake.Store, logger *slog.Logger, dir string) ([]*govlake.Pipeline, string, error) {
	p := ingest.NewPublisher(NewRunner(store, logger), yaml.ParsePipeline, CheckPipeline)
	return p.Scheduled(ctx, dir)
}

// DefaultSweepGrace is the sweep's grace period unless told otherwise.
const DefaultSweepGrace = ingest.DefaultSweepGrace

// Sweep removes what killed runs left: see ingest.Runner.Sweep.
func Sweep(ctx context.Context, store govlake.Store, logger *slog.Logger, grace, longestTimeout time.Duration) *ingest.SweepReport {
	return NewRunner(store, logger).Sweep(ctx, ingest.SweepOptions{Grace: grace, RunTimeout: longestTimeout})
}

// Reindex rebuilds the store's catalogue index from its manifests.
func Reindex(ctx context.Context, store govlake.Store) (*govlake.Index, error) {
	return govlake.Reindex(ctx, store, govlake.StoreManifests(store), time.Now())
}

// Tables gives the Iceberg tables of a store whose keys other programs can
// address (a folder, S3); nil for any other store.
func Tables(store govlake.Store) ingest.TableWriter {
	u, ok := store.(interface{ URI(key string) string })
	if !ok {
		return nil
	}
	return iceberg.New(store, u.URI)
}

// SyncTables brings the Iceberg tables of the datasets ids to their
// versions (ingest reindex): each table lacking a version, or naming a
// withdrawn one, is rewritten. It returns the notes on what the tables
// leave out, per dataset.
func SyncTables(ctx context.Context, store govlake.Store, ids []string) (map[string][]string, error) {
	t := Tables(store)
	if t == nil {
		return nil, nil
	}
	notes := map[string][]string{}
	for _, id := range ids {
		n, err := t.Sync(ctx, id)
		if err != nil {
			return notes, fmt.Errorf("Iceberg table of %s: %w", id, err)
		}
		if len(n) > 0 {
			notes[id] = n
		}
	}
	return notes, nil
}
