// Package prometheus exposes govlake's metrics in Prometheus' text format
// (prometheus/client_golang). Every name starts with govlake_. The other
// packages declare small observer interfaces; Metrics implements them, and
// wire connects the two.
package prometheus

import (
	"context"
	"net/http"
	"strconv"
	"time"

	prom "github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"govlake/internal/govlake"
)

// Metrics is one process's registry and the metrics it keeps itself.
type Metrics struct {
	reg *prom.Registry

	requests    *prom.CounterVec
	requestTime *prom.HistogramVec
	queryTime   *prom.HistogramVec
	limited     *prom.CounterVec
	runs        *prom.CounterVec
	runRows     *prom.CounterVec
	runBytes    *prom.CounterVec
	lastSuccess *prom.GaugeVec
	lastRun     *prom.GaugeVec
}

// New makes a registry with the Go runtime's and the process's metrics
// (memory, file descriptors, CPU) and govlake's own.
func New() *Metrics {
	reg := prom.NewRegistry()
	reg.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	m := &Metrics{reg: reg,
		requests: prom.NewCounterVec(prom.CounterOpts{Name: "govlake_http_requests_total",
			Help: "HTTP requests answered, by route pattern, method and status."}, []string{"route", "method", "status"}),
		requestTime: prom.NewHistogramVec(prom.HistogramOpts{Name: "govlake_http_request_duration_seconds",
			Help: "Time to answer an HTTP request, by route pattern.", Buckets: prom.ExponentialBuckets(0.001, 4, 9)}, []string{"route"}),
		queryTime: prom.NewHistogramVec(prom.HistogramOpts{Name: "govlake_query_duration_seconds",
			Help: "Time a query held its slot, by outcome (ok, error, timeout, busy).", Buckets: prom.ExponentialBuckets(0.001, 4, 9)}, []string{"outcome"}),
		limited: prom.NewCounterVec(prom.CounterOpts{Name: "govlake_rate_limited_total",
			Help: "Requests answered 429 by a rate limit, by class (queries, pages, writes, token)."}, []string{"class"}),
		runs: prom.NewCounterVec(prom.CounterOpts{Name: "govlake_ingest_runs_total",
			Help: "Ingest runs finished, by dataset and status."}, []string{"dataset", "status"}),
		runRows: prom.NewCounterVec(prom.CounterOpts{Name: "govlake_ingest_rows_total",
			Help: "Rows read by ingest runs, by dataset and outcome (valid, rejected)."}, []string{"dataset", "outcome"}),
		runBytes: prom.NewCounterVec(prom.CounterOpts{Name: "govlake_ingest_source_bytes_total",
			Help: "Bytes of source read by ingest runs, by dataset."}, []string{"dataset"}),
		lastSuccess: prom.NewGaugeVec(prom.GaugeOpts{Name: "govlake_ingest_last_success_timestamp_seconds",
			Help: "When a run of the dataset last succeeded (made a version or found the source unchanged), Unix time."}, []string{"dataset"}),
		lastRun: prom.NewGaugeVec(prom.GaugeOpts{Name: "govlake_ingest_last_run_timestamp_seconds",
			Help: "When a run of the dataset last finished, whatever its status, Unix time."}, []string{"dataset"}),
	}
	reg.MustRegister(m.requests, m.requestTime, m.queryTime, m.limited, m.runs, m.runRows, m.runBytes, m.lastSuccess, m.lastRun)
	return m
}

// Handler serves the registry at /metrics.
func (m *Metrics) Handler() http.Handler {
	return promhttp.HandlerFor(m.reg, promhttp.HandlerOpts{Timeout: 10 * time.Second})
}

// ObserveRequest counts an answered request.
func (m *Metrics) ObserveRequest(route, method string, status int, d time.Duration) {
	m.requests.WithLabelValues(route, method, strconv.Itoa(status)).Inc()
	m.requestTime.WithLabelValues(route).Observe(d.Seconds())
}

// ObserveLimited counts a request refused by a rate limit.
func (m *Metrics) ObserveLimited(class string) { m.limited.WithLabelValues(class).Inc() }

// ObserveQuery records how long a query held its slot and how it ended.
func (m *Metrics) ObserveQuery(d time.Duration, err error) {
	outcome := "ok"
	switch {
	case err == nil:
	case govlake.ErrorCode(err) == govlake.ETIMEOUT:
		outcome = "timeout"
	case govlake.ErrorCode(err) == govlake.EBUSY || govlake.ErrorCode(err) == govlake.EUNAVAILABLE:
		outcome = "busy"
	default:
		outcome = "error"
	}
	m.queryTime.WithLabelValues(outcome).Observe(d.Seconds())
}

// ObserveRun counts a finished ingest run.
func (m *Metrics) ObserveRun(run *govlake.Run) {
	m.runs.WithLabelValues(run.Dataset, run.Status).Inc()
	m.runRows.WithLabelValues(run.Dataset, "valid").Add(float64(run.Rows.Valid))
	m.runRows.WithLabelValues(run.Dataset, "rejected").Add(float64(run.Rows.Rejected))
	m.runBytes.WithLabelValues(run.Dataset).Add(float64(run.Source.Size))
	m.lastRun.WithLabelValues(run.Dataset).Set(float64(run.FinishedAt.UnixMilli()) / 1000)
	if !run.Failed() {
		m.lastSuccess.WithLabelValues(run.Dataset).Set(float64(run.FinishedAt.UnixMilli()) / 1000)
	}
}

// Gauge registers a metric read from f at every scrape (slots in use,
// cache bytes ...). Counter is the same for a value that only grows.
func (m *Metrics) Gauge(name, help string, f func() float64) {
	m.reg.MustRegister(prom.NewGaugeFunc(prom.GaugeOpts{Name: name, Help: help}, f))
}

// Counter registers a counter read from f at every scrape.
func (m *Metrics) Counter(name, help string, f func() float64) {
	m.reg.MustRegister(prom.NewCounterFunc(prom.CounterOpts{Name: name, Help: help}, f))
}

// Datasets registers the store's view of every public dataset, read at
// each scrape: when its latest version was made, its rows and version.
func (m *Metrics) Datasets(list func(ctx context.Context) ([]govlake.Summary, error)) {
	m.reg.MustRegister(&datasets{list: list,
		updated: prom.NewDesc("govlake_dataset_updated_timestamp_seconds", "When the dataset's latest version was made, Unix time (alert on freshness with it).", []string{"dataset"}, nil),
		rows:    prom.NewDesc("govlake_dataset_rows", "Rows in the dataset's latest version.", []string{"dataset"}, nil),
		version: prom.NewDesc("govlake_dataset_version", "The dataset's latest version number.", []string{"dataset"}, nil),
		failed:  prom.NewDesc("govlake_dataset_scrape_errors_total", "Scrapes that could not read the store's dataset list.", nil, nil),
	})
}

type datasets struct {
	list                           func(ctx context.Context) ([]govlake.Summary, error)
	updated, rows, version, failed *prom.Desc
	errors                         float64
}

func (d *datasets) Describe(ch chan<- *prom.Desc) {
	ch <- d.updated
	ch <- d.rows
	ch <- d.version
	ch <- d.failed
}

func (d *datasets) Collect(ch chan<- prom.Metric) {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	list, err := d.list(ctx)
	if err != nil {
		d.errors++
	}
	ch <- prom.MustNewConstMetric(d.failed, prom.CounterValue, d.errors)
	for _, s := range list {
		ch <- prom.MustNewConstMetric(d.updated, prom.GaugeValue, float64(s.Updated.UnixMilli())/1000, s.ID)
		ch <- prom.MustNewConstMetric(d.rows, prom.GaugeValue, float64(s.Rows), s.ID)
		ch <- prom.MustNewConstMetric(d.version, prom.GaugeValue, float64(s.Version), s.ID)
	}
}
