// Package ingest runs pipelines: fetch the source, decode it, validate every
// record, write Parquet, and commit a new version to the store. It works
// through interfaces only; cmd/ingest wires the adapters in.
package ingest

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"time"

	"govlake/internal/govlake"
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
	Decode func(r io.ReadSeeker, name string, src govlake.Source) (govlake.RecordReader, error)
	// Transform runs a pipeline's transform over the decoded source; tmp is
	// a work folder it may spill to.
	Transform func(ctx context.Context, in govlake.RecordReader, sql, name, tmp string) (govlake.RecordReader, error)
	// NewWriter starts a table file with the given columns.
	NewWriter func(w io.Writer, cols []govlake.Column) (RowWriter, error)

	// Burmese, when set, finds (and on request converts) Zawgyi-encoded text.
	Burmese Burmese

	// Reference forces the per-row reference validator even where the
	// schema offers column-batch checks (for comparisons and benchmarks).
	Reference bool

	// Progress, when set, hears how far a run has read, now and then.
	Progress func(Progress)

	// TempDir holds a run's work files; empty means the system default.
	TempDir string
	// MaxRunRejections is how many rejections a run record lists inline.
	MaxRunRejections int
	// PartRows is about how many rows a part file holds (the column-batch
	// path writes parts on several cores); 0 means the default.
	PartRows int64
}

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
	err := r.run(ctx, p, run)
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
	}
	run.FinishedAt = r.Now().UTC()
	// The record is written even when the run was cancelled.
	rctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 30*time.Second)
	defer cancel()
	if err := r.putJSON(rctx, govlake.RunKey(run.Pipeline, run.StartedAt, run.ID), run, false); err != nil {
		r.Logger.Error("record run", "dataset", p.Dataset, "run", run.ID, "err", err)
		if run.Error == "" {
			run.Status, run.Error = govlake.RunFailed, "the run finished but its record could not be written: "+err.Error()
		}
	}
	r.Logger.Info("run", "dataset", run.Dataset, "status", run.Status, "version", run.Version,
		"valid", run.Rows.Valid, "rejected", run.Rows.Rejected, "duration", run.Duration(), "err", run.Error)
	return run
}

func (r *Runner) run(ctx context.Context, p *govlake.Pipeline, run *govlake.Run) error {
	schema, err := r.LoadSchema(p.Schema)
	if err != nil {
		return err
	}
	tmp, err := os.MkdirTemp(r.TempDir, "govlake-run-")
	if err != nil {
		return fmt.Errorf("make work folder: %w", err)
	}
	defer os.RemoveAll(tmp)

	process := processDigest(p, schema)
	latest, err := govlake.LatestManifest(ctx, r.Store, p.Dataset)
	if err != nil {
		return err
	}
	// Ask only for changes when the processing is the same: otherwise the
	// bytes are needed again even if the server has nothing new.
	var prev *govlake.SourceInfo
	if latest != nil && latest.ProcessSHA == process && (latest.Source.URL == p.Source.URL || p.Source.CKAN != "") {
		prev = &latest.Source
	}
	src, err := r.fetch(ctx, p, prev, tmp)
	if err != nil {
		return err
	}
	meta := p.MetadataWith(src.portal())
	if src == nil { // not modified
		if latest == nil {
			return govlake.Errorf(govlake.EINTERNAL, "source %s answered not modified to an unconditional request", p.Source.URL)
		}
		run.Source = latest.Source
		run.Status, run.Version, run.Rows = govlake.RunUnchanged, latest.Version, latest.Rows
		return r.updateMetadata(ctx, p.Dataset, meta)
	}
	run.Source = src.info
	if latest != nil && latest.Source.SHA256 == src.info.SHA256 && latest.ProcessSHA == process {
		run.Status, run.Version, run.Rows = govlake.RunUnchanged, latest.Version, latest.Rows
		return r.updateMetadata(ctx, p.Dataset, meta)
	}
	// The source bytes are kept while they are processed: storing them is
	// mostly waiting on the disk or the network.
	kept := make(chan error, 1)
	go func() { kept <- r.keepRaw(ctx, p.Dataset, src) }()
	res, err := r.process(ctx, p, schema, src.path, tmp, run)
	if kerr := <-kept; kerr != nil && (err == nil || govlake.ErrorCode(err) == govlake.ETIMEOUT) {
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

	m := &govlake.Manifest{
		Dataset:    p.Dataset,
		RunID:      run.ID,
		Metadata:   meta,
		Schema:     json.RawMessage(compactJSON(schema.Raw())),
		SchemaSHA:  schema.SHA256(),
		ProcessSHA: process,
		Columns:    schema.Columns(),
		Source:     src.info,
		Rows:       res.rows,
		Validation: res.summary,
		StartedAt:  run.StartedAt,
	}
	n, err := r.commit(ctx, m, res)
	if err != nil {
		return err
	}
	run.Status, run.Version = govlake.RunSucceeded, n
	return r.updateMetadata(ctx, p.Dataset, meta)
}

// gate applies on_invalid and max_invalid_ratio; it returns why no version
// may be made, or "".
func gate(p *govlake.Pipeline, rows govlake.RowCounts) string {
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

// processDigest digests what, besides the source bytes, shapes a version.
func processDigest(p *govlake.Pipeline, schema Schema) string {
	h := sha256.New()
	opts := p.Source
	// Moving a file, rotating a token or raising a limit does not change the data.
	opts.URL, opts.Headers, opts.MaxBytes = "", nil, 0
	b, _ := json.Marshal(opts)
	fmt.Fprintf(h, "schema %s\nsource %s\n", schema.SHA256(), b)
	return hex.EncodeToString(h.Sum(nil))
}

type fetched struct {
	path     string
	info     govlake.SourceInfo
	metadata *govlake.Metadata // from a portal
}

// portal returns what a portal said of the dataset, if anything.
func (f *fetched) portal() *govlake.Metadata {
	if f == nil {
		return nil
	}
	return f.metadata
}

// fetch copies the source to a work file, hashing it on the way, so that it
// is read from the network once and can be decoded and kept. It returns nil
// when a conditional request says nothing changed.
func (r *Runner) fetch(ctx context.Context, p *govlake.Pipeline, prev *govlake.SourceInfo, tmp string) (*fetched, error) {
	got, err := r.Fetch(ctx, p.Source, prev)
	if err != nil {
		return nil, err
	}
	if got.NotModified {
		return nil, nil
	}
	url := p.Source.URL
	if url == "" {
		url = got.URL
	}
	defer got.Body.Close()
	path := filepath.Join(tmp, "source")
	f, err := os.Create(path)
	if err != nil {
		return nil, fmt.Errorf("make work file: %w", err)
	}
	defer f.Close()
	limit := p.Source.MaxBytes
	if limit <= 0 {
		limit = govlake.DefaultMaxBytes
	}
	h := sha256.New()
	var n int64
	if src, ok := got.Body.(*os.File); ok {
		// A local file: the kernel copies it, then the copy is hashed, so
		// the digest is of the bytes kept.
		if n, err = f.ReadFrom(io.LimitReader(src, limit+1)); err == nil {
			_, err = io.CopyBuffer(h, io.NewSectionReader(f, 0, n), make([]byte, 1<<20))
		}
	} else {
		n, err = io.Copy(io.MultiWriter(f, h), io.LimitReader(got.Body, limit+1))
	}
	if err != nil {
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		return nil, govlake.Errorf(govlake.EUNAVAILABLE, "read source %s: %w", url, err)
	}
	if n > limit {
		return nil, govlake.Errorf(govlake.ETOOLARGE, "source %s is larger than %d bytes; raise source.max_bytes if that is expected", url, limit)
	}
	if err := f.Close(); err != nil {
		return nil, fmt.Errorf("write work file: %w", err)
	}
	sum := hex.EncodeToString(h.Sum(nil))
	return &fetched{path: path, metadata: got.Metadata, info: govlake.SourceInfo{
		URL: url, Format: p.Source.Format, SHA256: sum, Size: n, RawKey: govlake.RawKey(p.Dataset, sum),
		ETag: got.ETag, LastModified: got.LastModified, Origin: got.Origin,
	}}, nil
}

// keepRaw stores the source bytes by digest, once. The key names the
// content, so a concurrent writer of the same key writes the same bytes; a
// plain upload (streamed, any size) is safe.
func (r *Runner) keepRaw(ctx context.Context, id string, src *fetched) error {
	objs, err := r.Store.List(ctx, src.info.RawKey)
	if err != nil {
		return fmt.Errorf("check raw source %s: %w", src.info.RawKey, err)
	}
	for _, o := range objs {
		if o.Key == src.info.RawKey && o.Size == src.info.Size {
			return nil
		}
	}
	if err := r.putFile(ctx, src.info.RawKey, src.path); err != nil {
		return fmt.Errorf("keep raw source: %w", err)
	}
	return nil
}

// commit claims the next version number, uploads the files under it, and
// creates the manifest last. The claim is a conditional create: of two
// writers, only one gets number n, so no writer ever overwrites another's
// files; the loser moves on to n+1.
func (r *Runner) commit(ctx context.Context, m *govlake.Manifest, res *result) (int, error) {
	id := m.Dataset
	for attempt := 0; attempt < 100; attempt++ {
		n, err := nextVersion(ctx, r.Store, id)
		if err != nil {
			return 0, err
		}
		claim, _ := json.Marshal(map[string]any{"run_id": m.RunID, "claimed_at": r.Now().UTC()})
		err = r.Store.Create(ctx, govlake.ClaimKey(id, n), strings.NewReader(string(claim)))
		if govlake.ErrorCode(err) == govlake.ECONFLICT {
			continue
		}
		if err != nil {
			return 0, fmt.Errorf("claim version %d of %s: %w", n, id, err)
		}
		if err := r.upload(ctx, m, n, res); err != nil {
			r.abandon(ctx, m.Dataset, n)
			return 0, err
		}
		return n, nil
	}
	return 0, govlake.Errorf(govlake.ECONFLICT, "could not claim a version number for %s after 100 attempts", id)
}

// upload writes a claimed version's files, then its manifest.
func (r *Runner) upload(ctx context.Context, m *govlake.Manifest, n int, res *result) error {
	id := m.Dataset
	m.Version = n
	m.Files = nil
	for k, p := range res.parts {
		key := govlake.PartKey(id, n, k)
		size, err := r.putFileSize(ctx, key, p.path)
		if err != nil {
			return err
		}
		m.Files = append(m.Files, govlake.FileInfo{Key: key, Size: size, Rows: p.rows})
	}
	key := govlake.RejectedKey(id, n)
	size, err := r.putFileSize(ctx, key, res.rejectedPath)
	if err != nil {
		return err
	}
	m.Rejected = &govlake.FileInfo{Key: key, Size: size, Rows: res.rejections}
	m.CreatedAt = r.Now().UTC()
	if err := r.putJSON(ctx, govlake.ManifestKey(id, n), m, true); err != nil {
		return fmt.Errorf("commit version %d of %s: %w", n, id, err)
	}
	return nil
}

// abandon removes what a failed commit left under its claimed number, files
// first and the claim last, so the number can be used again. If this fails
// too, the files are unreferenced garbage and the number is skipped: the
// version does not exist either way, since it has no manifest.
func (r *Runner) abandon(ctx context.Context, id string, n int) {
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 30*time.Second)
	defer cancel()
	objs, err := r.Store.List(ctx, govlake.VersionPrefix(id, n))
	if err != nil {
		r.Logger.Warn("clean up failed version", "dataset", id, "version", n, "err", err)
		return
	}
	claim := govlake.ClaimKey(id, n)
	for _, o := range objs {
		if o.Key == govlake.ManifestKey(id, n) {
			return // committed after all (the error came after the write)
		}
	}
	for _, o := range objs {
		if o.Key != claim {
			if err := r.Store.Delete(ctx, o.Key); err != nil {
				r.Logger.Warn("clean up failed version", "dataset", id, "version", n, "err", err)
				return
			}
		}
	}
	if err := r.Store.Delete(ctx, claim); err != nil {
		r.Logger.Warn("clean up failed version", "dataset", id, "version", n, "err", err)
	}
}

// nextVersion returns one more than the highest version claimed or committed.
func nextVersion(ctx context.Context, s govlake.Store, id string) (int, error) {
	objs, err := s.List(ctx, govlake.VersionsPrefix(id))
	if err != nil {
		return 0, err
	}
	max := 0
	for _, o := range objs {
		if n, _, ok := govlake.ParseVersionKey(id, o.Key); ok && n > max {
			max = n
		}
	}
	return max + 1, nil
}

// updateMetadata rewrites dataset.json when the metadata changed.
func (r *Runner) updateMetadata(ctx context.Context, id string, meta govlake.Metadata) error {
	var cur govlake.Metadata
	err := govlake.ReadJSON(ctx, r.Store, govlake.DatasetKey(id), &cur)
	if err == nil && cur.SameAs(meta) {
		return nil
	}
	if err != nil && govlake.ErrorCode(err) != govlake.ENOTFOUND {
		return err
	}
	meta.UpdatedAt = r.Now().UTC()
	return r.putJSON(ctx, govlake.DatasetKey(id), meta, false)
}

func (r *Runner) putJSON(ctx context.Context, key string, v any, create bool) error {
	b, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		return err
	}
	if create {
		return r.Store.Create(ctx, key, strings.NewReader(string(b)))
	}
	return r.Store.Put(ctx, key, strings.NewReader(string(b)))
}

func (r *Runner) putFile(ctx context.Context, key, path string) error {
	_, err := r.putFileSize(ctx, key, path)
	return err
}

// filePutter is a store that takes a finished work file whole, by a hard
// link where it can, instead of a copy.
type filePutter interface {
	PutFile(ctx context.Context, key, path string) error
}

func (r *Runner) putFileSize(ctx context.Context, key, path string) (int64, error) {
	if fp, ok := r.Store.(filePutter); ok {
		st, err := os.Stat(path)
		if err != nil {
			return 0, err
		}
		if err := fp.PutFile(ctx, key, path); err != nil {
			return 0, fmt.Errorf("upload %s: %w", key, err)
		}
		return st.Size(), nil
	}
	f, err := os.Open(path)
	if err != nil {
		return 0, err
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return 0, err
	}
	if err := r.Store.Put(ctx, key, f); err != nil {
		return 0, fmt.Errorf("upload %s: %w", key, err)
	}
	return st.Size(), nil
}

// compactJSON keeps the schema's key order, which a decode would lose.
func compactJSON(b []byte) []byte {
	var buf bytes.Buffer
	if json.Compact(&buf, b) != nil {
		return b
	}
	return buf.Bytes()
}
