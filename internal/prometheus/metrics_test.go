package prometheus

import (
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus/testutil"

	"govlake/internal/govlake"
)

func TestObserveRun(t *testing.T) {
	m := New()
	ok := time.Date(2026, 12, 5, 10, 0, 0, 0, time.UTC)
	m.ObserveRun(&govlake.Run{Dataset: "gdp", Status: govlake.RunSucceeded, FinishedAt: ok, Rows: govlake.RowCounts{Read: 10, Valid: 8, Rejected: 2}, Source: govlake.SourceInfo{Size: 1234}})
	m.ObserveRun(&govlake.Run{Dataset: "gdp", Status: govlake.RunFailed, FinishedAt: ok.Add(time.Hour)})
	want := `
# HELP govlake_ingest_last_success_timestamp_seconds When a run of the dataset last succeeded (made a version or found the source unchanged), Unix time.
# TYPE govlake_ingest_last_success_timestamp_seconds gauge
govlake_ingest_last_success_timestamp_seconds{dataset="gdp"} 1.7964648e+09
# HELP govlake_ingest_last_run_timestamp_seconds When a run of the dataset last finished, whatever its status, Unix time.
# TYPE govlake_ingest_last_run_timestamp_seconds gauge
govlake_ingest_last_run_timestamp_seconds{dataset="gdp"} 1.7964684e+09
# HELP govlake_ingest_rows_total Rows read by ingest runs, by dataset and outcome (valid, rejected).
# TYPE govlake_ingest_rows_total counter
govlake_ingest_rows_total{dataset="gdp",outcome="rejected"} 2
govlake_ingest_rows_total{dataset="gdp",outcome="valid"} 8
# HELP govlake_ingest_runs_total Ingest runs finished, by dataset and status.
# TYPE govlake_ingest_runs_total counter
govlake_ingest_runs_total{dataset="gdp",status="failed"} 1
govlake_ingest_runs_total{dataset="gdp",status="succeeded"} 1
# HELP govlake_ingest_source_bytes_total Bytes of source read by ingest runs, by dataset.
# TYPE govlake_ingest_source_bytes_total counter
govlake_ingest_source_bytes_total{dataset="gdp"} 1234
`
	if err := testutil.GatherAndCompare(m.reg, strings.NewReader(want), "govlake_ingest_last_success_timestamp_seconds", "govlake_ingest_last_run_timestamp_seconds", "govlake_ingest_rows_total", "govlake_ingest_runs_total", "govlake_ingest_source_bytes_total"); err != nil {
		t.Error(err)
	}
}
