package wire

import (
	"net/http"

	"govlake/internal/cache"
	"govlake/internal/catalog"
	"govlake/internal/govlake"
	"govlake/internal/ingest"
	"govlake/internal/prometheus"
	"govlake/internal/web"
)

// catalogMetrics connects the catalogue's parts to one Prometheus registry
// and serves it at /metrics.
func catalogMetrics(srv *web.Server, queries *catalog.Queries, cat *catalog.Catalog, local govlake.Localizer, runner *ingest.Runner, limits catalog.Limits) *prometheus.Metrics {
	m := prometheus.New()
	srv.Observer, srv.Metrics = m, m.Handler()
	queries.Observer = m
	runner.Observer = m
	m.Gauge("govlake_query_slots", "Queries that may run at once (-max-concurrent).", func() float64 { return float64(limits.Running) })
	m.Gauge("govlake_query_slots_in_use", "Queries running now.", func() float64 { return float64(queries.SlotsInUse()) })
	m.Gauge("govlake_query_waiting", "Queries waiting for a slot.", func() float64 { return float64(queries.Waiting()) })
	m.Gauge("govlake_spool_bytes", "Disk taken by streamed results waiting for slow clients.", func() float64 { return float64(srv.SpoolBytes()) })
	if c, ok := local.(*cache.Cache); ok {
		m.Counter("govlake_cache_hits_total", "Reads of a stored file served from the local cache.", func() float64 { return float64(c.Stats().Hits) })
		m.Counter("govlake_cache_misses_total", "Reads of a stored file that fetched it from the store.", func() float64 { return float64(c.Stats().Misses) })
		m.Counter("govlake_cache_evictions_total", "Files dropped from the cache to stay within -cache-size.", func() float64 { return float64(c.Stats().Evictions) })
		m.Gauge("govlake_cache_bytes", "Bytes in the local cache.", func() float64 { return float64(c.Stats().Bytes) })
	}
	m.Datasets(cat.Datasets)
	return m
}

// DaemonMetrics keeps the ingest daemon's metrics (its runs, the process)
// and returns the handler that serves them.
func DaemonMetrics(d *ingest.Daemon) http.Handler {
	m := prometheus.New()
	d.Runner.Observer = m
	return m.Handler()
}
