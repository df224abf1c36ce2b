package main

import (
	"net/http"
	"strings"
	"testing"

	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"
)

// /metrics is Prometheus' text format, read back with Prometheus' own
// parser: requests by route and status, queries, refusals, slots, and each
// dataset's freshness and size from the store.
func TestMetrics(t *testing.T) {
	base := startCatalog(t, bundled.storeOr(t), "-ip-query-rate", "1")
	q := queryGet(base, "SELECT count(*) FROM population", "")
	for _, want := range []int{200, 200, 429} {
		resp, err := http.Get(q)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != want {
			t.Fatalf("query: %d, want %d", resp.StatusCode, want)
		}
	}
	http.Get(base + "/no/such/page")
	resp, err := http.Get(base + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	parser := expfmt.NewTextParser(model.UTF8Validation)
	families, err := parser.TextToMetricFamilies(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	value := func(name string, labels map[string]string) float64 {
		t.Helper()
		f, ok := families[name]
		if !ok {
			t.Fatalf("no %s", name)
		}
	next:
		for _, m := range f.Metric {
			for k, v := range labels {
				found := false
				for _, l := range m.Label {
					found = found || (l.GetName() == k && l.GetValue() == v)
				}
				if !found {
					continue next
				}
			}
			switch {
			case m.Counter != nil:
				return m.Counter.GetValue()
			case m.Gauge != nil:
				return m.Gauge.GetValue()
			case m.Histogram != nil:
				return float64(m.Histogram.GetSampleCount())
			}
		}
		t.Fatalf("no %s%v", name, labels)
		return 0
	}
	rows := float64(len(sourceRows(t, "../../datasets/worldbank/population.csv")) - 1)
	for _, c := range []struct {
		name   string
		labels map[string]string
		want   float64
	}{
		{"govlake_http_requests_total", map[string]string{"route": "GET /api/v1/query", "method": "GET", "status": "200"}, 2},
		{"govlake_http_requests_total", map[string]string{"route": "GET /api/v1/query", "method": "GET", "status": "429"}, 1},
		{"govlake_http_requests_total", map[string]string{"route": "other", "method": "GET", "status": "404"}, 1},
		{"govlake_rate_limited_total", map[string]string{"class": "queries"}, 1},
		{"govlake_query_duration_seconds", map[string]string{"outcome": "ok"}, 2},
		{"govlake_query_slots", nil, 4},
		{"govlake_query_slots_in_use", nil, 0},
		{"govlake_dataset_rows", map[string]string{"dataset": "population"}, rows},
		{"govlake_dataset_version", map[string]string{"dataset": "population"}, 1},
	} {
		if got := value(c.name, c.labels); got != c.want {
			t.Errorf("%s%v = %g, want %g", c.name, c.labels, got, c.want)
		}
	}
	if v := value("govlake_dataset_updated_timestamp_seconds", map[string]string{"dataset": "population"}); v < 1.7e9 {
		t.Errorf("population updated at %g", v)
	}
	if v := value("process_resident_memory_bytes", nil); v < 1<<20 {
		t.Errorf("resident memory %g", v)
	}
	for name := range families {
		if !strings.HasPrefix(name, "govlake_") && !strings.HasPrefix(name, "go_") && !strings.HasPrefix(name, "process_") {
			t.Errorf("metric %s: not govlake_, go_ or process_", name)
		}
	}
}
