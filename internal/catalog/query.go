package catalog

import (
	"context"
	"slices"
	"strings"
	"time"

	"govlake/internal/govlake"
)

// Engine runs SQL over the catalogue's tables; the DuckDB adapter is one.
// Values in args are bound to the statement's parameters, never pasted
// into its text.
type Engine interface {
	// Stream hands each row to row as it arrives.
	Stream(ctx context.Context, sql string, header func([]govlake.ResultColumn) error, row func([]any) error, args ...any) error
}

// Limits bound the queries that run at once and how long each may take.
type Limits struct {
	Running   int           // queries that may run at once
	Queued    int           // queries that may wait for a slot; more are turned away
	QueueWait time.Duration // longest wait for a slot
	Timeout   time.Duration // longest a query may run
	MaxRows   int           // most rows a result held in memory returns
	// MaxResultBytes bounds the cells of a result held in memory (JSON,
	// pages); 0 is DefaultMaxResultBytes.
	MaxResultBytes int64
}

// DefaultLimits are the limits of a catalogue nobody configured.
var DefaultLimits = Limits{Running: 4, Queued: 16, QueueWait: 10 * time.Second, Timeout: 30 * time.Second, MaxRows: 10000}

// Queries is the query layer: every SQL the server runs goes through it,
// and so through the limiter and the timeout.
type Queries struct {
	cat    *Catalog
	engine Engine
	limits Limits
	slots  chan struct{} // one per query allowed to run
	queue  chan struct{} // one per query allowed to run or wait

	derived []*derived // tables the catalogue computes (kpi_values)
	meta    MetaEngine // catalogue questions (pg_catalog), when set

	// Observer, when set, is told how long each query held its slot.
	Observer QueryObserver
}

// QueryObserver records queries (metrics).
type QueryObserver interface {
	ObserveQuery(d time.Duration, err error)
}

// SlotsInUse is how many queries run now; Waiting how many wait for a slot.
func (q *Queries) SlotsInUse() int { return len(q.slots) }
func (q *Queries) Waiting() int    { return len(q.queue) - len(q.slots) }

// NewQueries returns the query layer over cat's tables.
func NewQueries(cat *Catalog, engine Engine, limits Limits) *Queries {
	if limits.Running < 1 {
		limits.Running = 1
	}
	if limits.MaxRows < 1 {
		limits.MaxRows = DefaultLimits.MaxRows
	}
	return &Queries{cat: cat, engine: engine, limits: limits,
		slots: make(chan struct{}, limits.Running),
		queue: make(chan struct{}, limits.Running+max(limits.Queued, 0))}
}

// Limits returns the limits in force.
func (q *Queries) Limits() Limits { return q.limits }

// acquire waits for a query slot; release gives it back.
func (q *Queries) acquire(ctx context.Context) (release func(), err error) {
	select {
	case q.queue <- struct{}{}:
	default:
		return nil, govlake.Errorf(govlake.EBUSY, "too many queries at once; try again in a moment")
	}
	select {
	case q.slots <- struct{}{}: // a free slot is taken without waiting
		return func() { <-q.slots; <-q.queue }, nil
	default:
	}
	t := time.NewTimer(q.limits.QueueWait)
	defer t.Stop()
	select {
	case q.slots <- struct{}{}:
		return func() { <-q.slots; <-q.queue }, nil
	case <-t.C:
		<-q.queue
		return nil, govlake.Errorf(govlake.EUNAVAILABLE, "the server is busy: no query slot came free within %s", q.limits.QueueWait)
	case <-ctx.Done():
		<-q.queue
		return nil, govlake.Errorf(govlake.ETIMEOUT, "the request ended while waiting for a query slot")
	}
}

// begin readies a query: fresh tables, a slot within the concurrency
// limit, and the timeout. done gives them back.
func (q *Queries) begin(ctx context.Context) (context.Context, func(), error) {
	if err := q.cat.Refresh(ctx); err != nil {
		return nil, nil, err
	}
	release, err := q.acquire(ctx)
	if err != nil {
		return nil, nil, err
	}
	if q.limits.Timeout <= 0 {
		return ctx, release, nil
	}
	ctx, cancel := context.WithTimeout(ctx, q.limits.Timeout)
	return ctx, func() { cancel(); release() }, nil
}

// Stream runs sql and hands each row to row as it arrives, holding a slot
// until the last row; a result of any size flows through.
func (q *Queries) Stream(ctx context.Context, sql string, header func([]govlake.ResultColumn) error, row func([]any) error, args ...any) error {
	if err := q.prepare(ctx, sql); err != nil {
		return err
	}
	ctx, done, err := q.begin(ctx)
	if err != nil {
		q.observe(time.Time{}, err)
		return err
	}
	defer done()
	start := time.Now()
	err = q.engine.Stream(ctx, sql, header, row, args...)
	q.observe(start, err)
	return err
}

// Page asks for part of a result: at most Limit rows after Offset.
type Page struct {
	Limit, Offset int
}

// Run runs sql and returns one page of its result, held in memory: at most
// the page's limit and never more than MaxRows. Truncated says more rows
// follow.
func (q *Queries) Run(ctx context.Context, sql string, page Page, args ...any) (*govlake.Result, error) {
	if page.Offset < 0 {
		return nil, govlake.Errorf(govlake.EINVALID, "offset must not be negative")
	}
	if page.Limit <= 0 || page.Limit > q.limits.MaxRows {
		page.Limit = q.limits.MaxRows
	}
	if page.Offset > 0 {
		// The user's statement stays one SELECT, inside another; the line
		// break ends a trailing comment in it.
		sql = "SELECT * FROM (" + strings.TrimRight(strings.TrimSpace(sql), ";") + "\n) AS page OFFSET ?"
		args = append(args, page.Offset)
	}
	if err := q.prepare(ctx, sql); err != nil {
		return nil, err
	}
	ctx, done, err := q.begin(ctx)
	if err != nil {
		q.observe(time.Time{}, err)
		return nil, err
	}
	defer done()
	start := time.Now()
	res, err := q.collect(ctx, sql, page.Limit, args...)
	q.observe(start, err)
	return res, err
}

// quoteIdent quotes a name for SQL text. Only names the catalogue checked
// (dataset ids, column names of a schema) are quoted into a statement;
// values are always bound.
func quoteIdent(s string) string { return `"` + strings.ReplaceAll(s, `"`, `""`) + `"` }

// SelectAll is the statement that reads every row of a dataset.
func SelectAll(id string) string { return "SELECT * FROM " + id }

// SampleSQL is a statement that reads a sample of a dataset, for people to
// start a query from.
func SampleSQL(id string) string { return SelectAll(id) + " LIMIT 100" }

// PreviewRows is how many rows a dataset page shows.
const PreviewRows = 20

// PreviewOptions filter and sort a dataset's preview: rows whose Column
// contains the text (any case), ordered by Sort.
type PreviewOptions struct {
	Column, Contains, Sort string
	Desc                   bool
}

// Preview returns the first rows of a dataset's latest version, filtered
// and sorted as asked; cols are its columns, which the options must name.
func (q *Queries) Preview(ctx context.Context, id string, cols []govlake.Column, opt PreviewOptions) (*govlake.Result, error) {
	if !govlake.DatasetIDPattern.MatchString(id) {
		return nil, govlake.Errorf(govlake.ENOTFOUND, "no dataset %q", id)
	}
	known := func(name string) bool {
		return slices.ContainsFunc(cols, func(c govlake.Column) bool { return c.Name == name })
	}
	sql, args := "SELECT * FROM "+quoteIdent(id), []any{}
	if opt.Contains != "" {
		if !known(opt.Column) {
			return nil, govlake.Errorf(govlake.EINVALID, "column %q: filter on one of the dataset's columns", opt.Column)
		}
		sql += " WHERE contains(lower(CAST(" + quoteIdent(opt.Column) + " AS VARCHAR)), lower(?))"
		args = append(args, opt.Contains)
	}
	if opt.Sort != "" {
		if !known(opt.Sort) {
			return nil, govlake.Errorf(govlake.EINVALID, "sort %q: sort by one of the dataset's columns", opt.Sort)
		}
		sql += " ORDER BY " + quoteIdent(opt.Sort)
		if opt.Desc {
			sql += " DESC"
		}
		sql += " NULLS LAST"
	}
	ctx, done, err := q.begin(ctx)
	if err != nil {
		return nil, err
	}
	defer done()
	return q.collect(ctx, sql+" LIMIT ?", PreviewRows, append(args, PreviewRows)...)
}

// Rejections returns the first limit rejections of version n of dataset id,
// in row order, and whether they are all of them.
func (q *Queries) Rejections(ctx context.Context, id string, n, limit int) ([]govlake.Rejection, bool, error) {
	if !govlake.DatasetIDPattern.MatchString(id) {
		return nil, false, govlake.Errorf(govlake.ENOTFOUND, "no dataset %q", id)
	}
	ctx, done, err := q.begin(ctx)
	if err != nil {
		return nil, false, err
	}
	defer done()
	table := quoteIdent(govlake.VersionRejectedTable(id, n))
	res, err := q.collect(ctx, `SELECT "row", "column", keyword, value, message FROM `+table+` ORDER BY "row" LIMIT ?`, limit, limit+1)
	if err != nil {
		return nil, false, err
	}
	out := make([]govlake.Rejection, 0, len(res.Rows))
	for _, row := range res.Rows {
		var rj govlake.Rejection
		rj.Row, _ = row[0].(int64)
		rj.Column, _ = row[1].(string)
		rj.Keyword, _ = row[2].(string)
		rj.Value, _ = row[3].(string)
		rj.Message, _ = row[4].(string)
		out = append(out, rj)
	}
	return out, !res.Truncated, nil
}

// Ping says whether the catalogue can answer: the store's listing is read
// afresh and DuckDB runs a statement, within the usual limits.
func (q *Queries) Ping(ctx context.Context) error {
	if err := q.cat.Refresh(ctx); err != nil {
		return err
	}
	ctx, done, err := q.begin(ctx)
	if err != nil {
		return err
	}
	defer done()
	_, err = q.collect(ctx, "SELECT 1", 1)
	return err
}

// observe tells the observer about a query that started at start (zero:
// it never got a slot).
func (q *Queries) observe(start time.Time, err error) {
	if q.Observer == nil {
		return
	}
	var d time.Duration
	if !start.IsZero() {
		d = time.Since(start)
	}
	q.Observer.ObserveQuery(d, err)
}
