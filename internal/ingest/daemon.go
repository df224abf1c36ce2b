package ingest

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"time"

	"govlake/internal/govlake"
)

// Clock is the daemon's time, so tests can drive it.
type Clock interface {
	Now() time.Time
	// After delivers once d has passed.
	After(d time.Duration) <-chan time.Time
}

// Schedule gives the next time a pipeline is due.
type Schedule interface {
	Next(time.Time) time.Time
}

// Daemon runs pipelines on their schedules until stopped. Several daemons
// may share a store: a lease per scheduled time, taken with a conditional
// create, makes each scheduled run happen once.
type Daemon struct {
	Runner *Runner
	Store  govlake.Store
	Clock  Clock
	Logger *slog.Logger
	// Parse reads a pipeline's schedule.
	Parse func(spec string) (Schedule, error)
	// Holder names this daemon in leases.
	Holder string
	// SweepEvery is how often the daemon sweeps the store (see Sweep),
	// starting when it starts; zero never.
	SweepEvery time.Duration
	// SweepGrace is the sweep's grace period.
	SweepGrace time.Duration

	mu      sync.Mutex
	entries map[string]*scheduled // by dataset
	reload  chan struct{}
	wg      sync.WaitGroup
}

type scheduled struct {
	p       *govlake.Pipeline
	sched   Schedule
	next    time.Time
	running bool
}

// NewDaemon returns a daemon over a runner; its clock is the runner's.
func NewDaemon(r *Runner, clock Clock, parse func(string) (Schedule, error), holder string) *Daemon {
	return &Daemon{Runner: r, Store: r.Store, Clock: clock, Logger: r.Logger, Parse: parse, Holder: holder,
		entries: map[string]*scheduled{}, reload: make(chan struct{}, 1)}
}

// Set replaces the pipelines the daemon schedules. A pipeline whose schedule
// does not parse is reported and left out; the others go on. A pipeline
// that keeps its schedule keeps its next time.
func (d *Daemon) Set(pipelines []*govlake.Pipeline) []error {
	var errs []error
	now := d.Clock.Now()
	d.mu.Lock()
	defer d.mu.Unlock()
	seen := map[string]bool{}
	for _, p := range pipelines {
		if p.Schedule == "" {
			continue // run only when asked
		}
		s, err := d.Parse(p.Schedule)
		if err != nil {
			errs = append(errs, fmt.Errorf("%s: %w", p.File, err))
			continue
		}
		seen[p.Dataset] = true
		e, ok := d.entries[p.Dataset]
		if ok && e.p.Schedule == p.Schedule {
			e.p = p
			continue
		}
		if ok {
			e.p, e.sched, e.next = p, s, s.Next(now)
			continue
		}
		d.entries[p.Dataset] = &scheduled{p: p, sched: s, next: s.Next(now)}
	}
	for id := range d.entries {
		if !seen[id] {
			delete(d.entries, id)
		}
	}
	select {
	case d.reload <- struct{}{}:
	default:
	}
	return errs
}

// Next returns when each scheduled pipeline is next due.
func (d *Daemon) Next() map[string]time.Time {
	d.mu.Lock()
	defer d.mu.Unlock()
	out := map[string]time.Time{}
	for id, e := range d.entries {
		out[id] = e.next
	}
	return out
}

// Serve runs due pipelines until ctx ends, then stops the runs in progress
// (they record a failure and leave no half version) and waits for them.
func (d *Daemon) Serve(ctx context.Context) error {
	runCtx, stopRuns := context.WithCancel(context.WithoutCancel(ctx))
	defer func() {
		stopRuns()
		d.wg.Wait()
	}()
	if d.SweepEvery > 0 {
		d.wg.Add(1)
		go d.sweepLoop(runCtx)
	}
	for {
		next := d.fireDue(runCtx)
		var timer <-chan time.Time
		if !next.IsZero() {
			// Measured from the clock now, not from when the due times were
			// read: time that passed in between is not waited twice.
			timer = d.Clock.After(next.Sub(d.Clock.Now()))
		}
		select {
		case <-ctx.Done():
			d.Logger.Info("stopping: runs in progress are cancelled")
			return nil
		case <-d.reload:
		case <-timer:
		}
	}
}

// fireDue starts every due pipeline and returns when the next is due (zero
// when nothing is scheduled).
func (d *Daemon) fireDue(ctx context.Context) time.Time {
	now := d.Clock.Now()
	d.mu.Lock()
	defer d.mu.Unlock()
	var next time.Time
	for _, e := range d.entries {
		if !e.next.After(now) {
			// Times missed while the daemon was not running collapse into
			// the latest one: a pipeline catches up once, not once per miss.
			at := e.next
			for n := e.sched.Next(at); !n.After(now); n = e.sched.Next(n) {
				at = n
			}
			e.next = e.sched.Next(at)
			if e.running {
				d.skip(ctx, e.p, at)
			} else {
				e.running = true
				d.wg.Add(1)
				go d.runAt(ctx, e, at)
			}
		}
		if next.IsZero() || e.next.Before(next) {
			next = e.next
		}
	}
	return next
}

// runAt runs one scheduled time if this daemon wins its lease.
func (d *Daemon) runAt(ctx context.Context, e *scheduled, at time.Time) {
	defer d.wg.Done()
	defer func() {
		d.mu.Lock()
		e.running = false
		d.mu.Unlock()
	}()
	p := e.p
	lease, _ := json.Marshal(map[string]any{"holder": d.Holder, "scheduled": at, "taken": d.Clock.Now(), "expires": at.Add(p.Timeout)})
	err := d.Store.Create(ctx, govlake.LeaseKey(p.Dataset, at), strings.NewReader(string(lease)))
	if govlake.ErrorCode(err) == govlake.ECONFLICT {
		d.Logger.Info("another daemon runs this time", "dataset", p.Dataset, "scheduled", at)
		return
	}
	if err != nil {
		d.Logger.Error("take lease", "dataset", p.Dataset, "scheduled", at, "err", err)
		return
	}
	rctx, cancel := context.WithTimeout(ctx, p.Timeout)
	defer cancel()
	r := d.Runner.RunScheduled(rctx, p, at)
	if r.Failed() {
		d.Logger.Warn("scheduled run", "dataset", p.Dataset, "status", r.Status, "err", r.Error)
	}
}

// skip records that a scheduled time came while the previous run was going.
func (d *Daemon) skip(ctx context.Context, p *govlake.Pipeline, at time.Time) {
	now := d.Clock.Now()
	r := &govlake.Run{ID: newRunID(), Pipeline: p.Dataset, Dataset: p.Dataset, Status: govlake.RunSkipped,
		StartedAt: now, FinishedAt: now, Scheduled: at,
		Error: fmt.Sprintf("skipped the run scheduled for %s: the previous run was still going", at.UTC().Format(time.RFC3339))}
	d.Logger.Warn("skipped", "dataset", p.Dataset, "scheduled", at)
	key := govlake.RunKey(r.Pipeline, r.StartedAt, r.ID)
	if err := d.Runner.putJSON(ctx, key, r, false); err != nil {
		d.Logger.Error("record skipped run", "dataset", p.Dataset, "err", err)
		return
	}
	d.Runner.logChange(ctx, runChange(r, key, nil))
}
