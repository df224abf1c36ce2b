// Package ingest runs pipelines: fetch the source, decode it, validate every
// record, write Parquet, and commit a new version to the store. It works
// through interfaces only; cmd/ingest wires the adapters in.
package ingest

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"strings"
	"time"

	"govlake/internal/govlake"
	"govlake/internal/tabular"
)

// Schema is a compiled dataset schema.
type Schema interface {
	Raw() []byte
	SHA256() string
	Columns() []govlake.Column
	Required() map[string]bool
	Validate(record map[string]any, out []govlake.Violation) []govlake.Violation
}

// Burmese tells Zawgyi-encoded Burmese text from Unicode and converts it.
type Burmese interface {
	HasBurmese(s string) bool
	IsZawgyi(s string) bool
	ToUnicode(s string) string
}

// RowWriter writes rows of typed values to a table file.
type RowWriter interface {
	Write(row []any) error
	Rows() int64
	Close() error
}

// Runner runs pipelines against one store.
type Runner struct {
	Store  govlake.Store
	Logger *slog.Logger
	Now    func() time.Time

	// Fetch gets a source. prev, when not nil, holds the validators of the
	// bytes the latest version was made from, for a conditional request.
	Fetch func(ctx context.Context, src govlake.Source, prev *govlake.SourceInfo) (*govlake.Fetched, error)
	// LoadSchema compiles the schema file at path.
	LoadSchema func(path string) (Schema, error)
	// Decode reads a fetched (and decompressed) source. name is used in messages.
	Decode func(r io.ReadSeeker, name string, src govlake.Source) (tabular.RecordReader, error)
	// Transform runs a pipeline's transform over the decoded source; tmp is
	// a work folder it may spill to.
	Transform func(ctx context.Context, in tabular.RecordReader, sql, name, tmp string) (tabular.RecordReader, error)
	// NewWriter starts a table file with the given columns.
	NewWriter func(w io.Writer, cols []govlake.Column) (RowWriter, error)

	// Burmese, when set, finds (and on request converts) Zawgyi-encoded text.
	Burmese Burmese
	// Normalizer, when set, puts text cells and header labels in NFC
	// (unless a pipeline says normalize: none).
	Normalizer Normalizer

	// Reference forces the per-row reference validator even where the
	// schema offers column-batch checks (for comparisons and benchmarks).
	Reference bool

	// Describe, when set, profiles a new version's columns over its Parquet
	// files and compares it with the previous version's (by key, when one
	// is given). seen, when not nil, is what the writers saw of each column.
	Describe func(ctx context.Context, files, previous []string, cols []govlake.Column, key []string, seen []govlake.ColumnSummary) ([]govlake.ColumnProfile, *govlake.DiffSummary, error)

	// Tables, when set, keeps each dataset's open table (Apache Iceberg) in
	// step with its versions.
	Tables TableWriter
	// Progress, when set, hears how far a run has read, now and then.
	Progress func(govlake.Progress)

	// TempDir holds a run's work files; empty means the system default.
	TempDir string
	// MaxRunRejections is how many rejections a run record lists inline.
	MaxRunRejections int
	// PartRows is about how many rows a part file holds (the column-batch
	// path writes parts on several cores); 0 means the default.
	PartRows int64

	// Observer, when set, hears of every finished run (metrics).
	Observer RunObserver
	// Large, when set, is told that a source of size bytes is about to be
	// processed; the function it returns is called when it is done. (The
	// process may then trade memory for fewer garbage collections.)
	Large func(size int64) (done func())
}

// RunObserver records finished runs.
type RunObserver interface {
	ObserveRun(run *govlake.Run)
}

// maxErrorText bounds the characters of a run's error text.
const maxErrorText = 2000

// NewRunner returns a runner with its required parts; the decode, schema and
// writer functions are set by the caller.
func NewRunner(store govlake.Store, logger *slog.Logger, now func() time.Time) *Runner {
	return &Runner{Store: store, Logger: logger, Now: now, MaxRunRejections: 100}
}

func newRunID() string {
	var b [8]byte
	rand.Read(b[:])
	return hex.EncodeToString(b[:])
}

// Run runs one pipeline and records the run in the store. The returned run
// is never nil; its Status says what happened and Error why. The run stops
// at the pipeline's timeout.
func (r *Runner) Run(ctx context.Context, p *govlake.Pipeline) *govlake.Run {
	return r.RunScheduled(ctx, p, time.Time{})
}

// RunScheduled is Run for a scheduled time, which the record keeps.
func (r *Runner) RunScheduled(ctx context.Context, p *govlake.Pipeline, at time.Time) *govlake.Run {
	run := &govlake.Run{ID: newRunID(), Pipeline: p.Dataset, Dataset: p.Dataset, StartedAt: r.Now().UTC(), Scheduled: at}
	timeout := p.Timeout
	if timeout <= 0 {
		timeout = govlake.DefaultRunTimeout
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	// A record at the start: a run killed before its end still has one,
	// which shows as died once its deadline has passed.
	started := *run
	started.Status, started.Deadline = govlake.RunRunning, run.StartedAt.Add(timeout)
	key := govlake.RunKey(run.Pipeline, run.StartedAt, run.ID)
	if err := r.putJSON(ctx, key, &started, false); err != nil {
		r.Logger.Warn("record the run's start", "dataset", p.Dataset, "run", run.ID, "err", err)
	} else {
		r.logChange(ctx, runChange(&started, key, nil))
	}
	out := &outcome{}
	err := r.run(ctx, p, run, out)
	if err != nil && ctx.Err() != nil {
		// Whatever failed, the cause was the deadline or a stop.
		if ctx.Err() == context.DeadlineExceeded {
			err = govlake.Errorf(govlake.ETIMEOUT, "the run was stopped at its timeout of %s (set timeout: in the pipeline file): %s", timeout, govlake.ErrorMessage(err))
		} else {
			err = govlake.Errorf(govlake.ETIMEOUT, "the run was stopped (the service is shutting down); no version was made")
		}
	}
	if err != nil {
		if run.Status == "" {
			run.Status = govlake.RunFailed
		}
		run.Error = govlake.ErrorMessage(err)
		if govlake.ErrorCode(err) == govlake.EINTERNAL {
			// Not a coded error: keep the cause, which is all there is to act on.
			run.Error = err.Error()
		}
		// Pages show the error on every view: a 200 MB header line must not
		// become a 200 MB message.
		run.Error = tabular.Clip(run.Error, maxErrorText)
	}
	run.FinishedAt = r.Now().UTC()
	smallRecord(run)
	// The record is written even when the run was cancelled.
	rctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 30*time.Second)
	defer cancel()
	if run.Failed() && out.meta == nil {
		out.meta = r.introduce(rctx, p)
	}
	if err := r.putJSON(rctx, key, run, false); err != nil {
		r.Logger.Error("record run", "dataset", p.Dataset, "run", run.ID, "err", err)
		if run.Error == "" {
			run.Status, run.Error = govlake.RunFailed, "the run finished but its record could not be written: "+err.Error()
		}
	} else {
		r.logChange(rctx, runChange(run, key, out))
	}
	r.Logger.Info("run", "dataset", run.Dataset, "status", run.Status, "version", run.Version,
		"valid", run.Rows.Valid, "rejected", run.Rows.Rejected, "duration", run.Duration(), "err", run.Error)
	if r.Observer != nil {
		r.Observer.ObserveRun(run)
	}
	return run
}

func (r *Runner) run(ctx context.Context, p *govlake.Pipeline, run *govlake.Run, out *outcome) error {
	schema, err := r.LoadSchema(p.Schema)
	if err != nil {
		return err
	}
	r.sweepBefore(ctx, p)
	tmp, release, err := makeWorkDir(r.TempDir)
	if err != nil {
		return fmt.Errorf("make work folder: %w", err)
	}
	defer release()

	process := processDigest(p, schema)
	latest, err := govlake.LatestManifest(ctx, r.Store, p.Dataset)
	if err != nil {
		return err
	}
	// Ask only for changes when the processing is the same: otherwise the
	// bytes are needed again even if the server has nothing new.
	var prev *govlake.SourceInfo
	if latest != nil && latest.ProcessSHA == process && (latest.Source.URL == shownURL(p.Source) || p.Source.CKAN != "") {
		prev = &latest.Source
	}
	differs := func(size int64) bool {
		return latest == nil || latest.ProcessSHA != process || latest.Source.Size != size
	}
	src, err := r.fetch(ctx, p, prev, tmp, differs)
	if err != nil {
		return err
	}
	meta := p.MetadataWith(src.portal())
	if src == nil { // not modified
		if latest == nil {
			return govlake.Errorf(govlake.EINTERNAL, "source %s answered not modified to an unconditional request", shownURL(p.Source))
		}
		run.Source = latest.Source
		run.Status, run.Version, run.Rows = govlake.RunUnchanged, latest.Version, latest.Rows
		return r.keepMetadata(ctx, p.Dataset, meta, out)
	}
	if !differs(src.info.Size) && latest.Source.SHA256 == src.info.SHA256 {
		run.Source = src.info
		run.Status, run.Version, run.Rows = govlake.RunUnchanged, latest.Version, latest.Rows
		return r.keepMetadata(ctx, p.Dataset, meta, out)
	}
	// The source bytes are kept while they are processed: storing them is
	// mostly waiting on the disk or the network. A local copy's digest, when
	// the bytes are known to differ from the latest version's, is taken
	// meanwhile too.
	kept := make(chan error, 1)
	go func() {
		if err := src.wait(); err != nil {
			kept <- err
			return
		}
		kept <- r.keepRaw(ctx, src, src.digested(p.Dataset))
	}()
	done := func() {}
	if r.Large != nil {
		done = r.Large(src.info.Size)
	}
	res, err := r.process(ctx, p, schema, src.processedPath(), tmp, run)
	done()
	if err == nil {
		err = src.unchanged(src.info.URL)
	}
	kerr := <-kept
	src.info = src.digested(p.Dataset)
	run.Source = src.info
	if kerr != nil && (err == nil || govlake.ErrorCode(err) == govlake.ETIMEOUT) {
		err = kerr
	}
	if err != nil {
		return err
	}
	run.Rows, run.Validation = res.rows, res.summary
	run.Rejections = res.first

	if reason := gate(p, res.rows); reason != "" {
		run.Status = govlake.RunRejected
		if res.rejections > 0 {
			key := strings.TrimSuffix(govlake.RunKey(run.Pipeline, run.StartedAt, run.ID), ".json") + ".rejected.parquet"
			if err := r.putFile(ctx, key, res.rejectedPath); err != nil {
				return err
			}
			run.RejectedKey = key
		}
		return govlake.Errorf(govlake.EINVALID, "%s", reason)
	}

	return r.publish(ctx, p, run, schema, src.info, res, meta, process, latest, tmp, out)
}

// publish commits the version a run made, then the dataset's metadata.
func (r *Runner) publish(ctx context.Context, p *govlake.Pipeline, run *govlake.Run, schema Schema, src govlake.SourceInfo, res *result, meta govlake.Metadata, process string, latest *govlake.Manifest, tmp string, out *outcome) error {
	m := &govlake.Manifest{
		Dataset:      p.Dataset,
		RunID:        run.ID,
		Metadata:     meta,
		Schema:       json.RawMessage(compactJSON(schema.Raw())),
		SchemaSHA:    schema.SHA256(),
		ProcessSHA:   process,
		Columns:      schema.Columns(),
		Source:       src,
		Rows:         res.rows,
		Validation:   res.summary,
		StartedAt:    run.StartedAt,
		Draft:        len(p.Draft) > 0,
		DraftReasons: p.Draft,
	}
	r.describe(ctx, p, m, res, latest, tmp)
	n, err := r.commit(ctx, m, res)
	if err != nil {
		return err
	}
	run.Status, run.Version, run.Draft = govlake.RunSucceeded, n, p.Draft
	run.Notes = r.tableCommit(ctx, m)
	made := govlake.VersionOf(m)
	out.made = &made
	return r.keepMetadata(ctx, p.Dataset, meta, out)
}

// gate applies on_invalid and max_invalid_ratio; it returns why no version
// may be made, or "".
func gate(p *govlake.Pipeline, rows govlake.RowCounts) string {
	if rows.Valid == 0 && !p.AllowEmpty {
		what := "the source has no data rows"
		if rows.Read > 0 {
			what = fmt.Sprintf("none of its %d rows is valid", rows.Read)
		}
		return what + ": no version was made, and the latest version stays as it was (set allow_empty: true if an empty dataset is right)"
	}
	if rows.Rejected == 0 {
		return ""
	}
	if p.OnInvalid == govlake.OnInvalidReject {
		return fmt.Sprintf("%d of %d rows are invalid and on_invalid is %q: no version was made; fix the rows listed in the run record, or set on_invalid: quarantine", rows.Rejected, rows.Read, govlake.OnInvalidReject)
	}
	if ratio := rows.InvalidRatio(); ratio > p.MaxInvalidRatio {
		return fmt.Sprintf("%d of %d rows (%.2f%%) are invalid, more than max_invalid_ratio %g allows: no version was made", rows.Rejected, rows.Read, 100*ratio, p.MaxInvalidRatio)
	}
	return ""
}
