package main

import (
	"bufio"
	"bytes"
	"database/sql"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/apache/arrow-go/v18/arrow/ipc"
	duckdb "github.com/duckdb/duckdb-go/v2"
)

func download(t *testing.T, u string) (*http.Response, []byte) {
	t.Helper()
	resp, err := http.Get(u)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	if resp.StatusCode != 200 {
		t.Fatalf("%s: %d %s", u, resp.StatusCode, b)
	}
	return resp, b
}

func TestResultFormats(t *testing.T) {
	base := bundledCatalog(t)
	q := url.QueryEscape(`SELECT "Country Code" AS code, "Year" AS year, "Value" AS value, DATE '2024-01-01' + "Year"::INT AS d FROM population WHERE "Country Code" IN ('MMR', 'LAO', 'VNM') ORDER BY 1, 2`)
	const rows = 3 * 65

	resp, b := download(t, base+"/api/v1/query?format=ndjson&sql="+q)
	if resp.Header.Get("Content-Type") != "application/x-ndjson" || !strings.Contains(resp.Header.Get("Content-Disposition"), `filename="result.ndjson"`) {
		t.Errorf("headers %v", resp.Header)
	}
	lines := strings.Split(strings.TrimSpace(string(b)), "\n")
	var first map[string]any
	json.Unmarshal([]byte(lines[0]), &first)
	if len(lines) != rows || first["code"] != "LAO" || first["year"] != float64(1960) {
		t.Errorf("ndjson: %d lines, first %v", len(lines), first)
	}

	resp, b = download(t, base+"/api/v1/query?format=parquet&sql="+q)
	if resp.Header.Get("Content-Type") != "application/vnd.apache.parquet" || !bytes.HasPrefix(b, []byte("PAR1")) {
		t.Fatalf("parquet: %v %q", resp.Header, b[:4])
	}
	path := filepath.Join(t.TempDir(), "r.parquet")
	os.WriteFile(path, b, 0o644)
	c, _ := duckdb.NewConnector("", nil)
	db := sql.OpenDB(c)
	defer db.Close()
	var n, sum int64
	var d string
	if err := db.QueryRow(fmt.Sprintf("SELECT count(*), sum(value)::BIGINT, max(d)::VARCHAR FROM '%s'", path)).Scan(&n, &sum, &d); err != nil {
		t.Fatal(err)
	}
	var want int64
	res := sqlQuery(t, base, `SELECT sum("Value")::BIGINT FROM population WHERE "Country Code" IN ('MMR', 'LAO', 'VNM')`)
	want = int64(res.Rows[0][0].(float64))
	if n != rows || sum != want || d != "2029-07-17" { // 2024-01-01 plus 2024 days
		t.Errorf("parquet: %d rows, sum %d (want %d), max date %s", n, sum, want, d)
	}

	resp, b = download(t, base+"/api/v1/query?format=arrow&sql="+q)
	rd, err := ipc.NewReader(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	var got int64
	for rd.Next() {
		got += rd.RecordBatch().NumRows()
	}
	if got != rows || resp.Header.Get("Content-Type") != "application/vnd.apache.arrow.stream" || rd.Schema().Field(0).Name != "code" {
		t.Errorf("arrow: %d rows, %v", got, resp.Header)
	}
}

func TestPagination(t *testing.T) {
	base := bundledCatalog(t)
	sqlText := `SELECT "Year", "Value" FROM population WHERE "Country Code" = 'MMR' ORDER BY "Year"`
	next := "/api/v1/query?limit=25&sql=" + url.QueryEscape(sqlText)
	var years []float64
	pages := 0
	for next != "" {
		var page struct {
			Rows      [][]any
			Truncated bool
			Next      string
		}
		getJSON(t, "GET", base+next, "", 200, &page)
		for _, r := range page.Rows {
			years = append(years, r[0].(float64))
		}
		next = page.Next
		pages++
	}
	if pages != 3 || len(years) != 65 || years[0] != 1960 || years[64] != 2024 || years[25] != 1985 {
		t.Errorf("%d pages, %d rows: %v", pages, len(years), years)
	}
}

// A result far larger than memory flows with a flat heap.
func TestStreamingKeepsMemoryFlat(t *testing.T) {
	base := bundledCatalog(t)
	var peak atomic.Uint64
	stop := make(chan struct{})
	go func() {
		var m runtime.MemStats
		for {
			select {
			case <-stop:
				return
			case <-time.After(20 * time.Millisecond):
				runtime.ReadMemStats(&m)
				if m.HeapInuse > peak.Load() {
					peak.Store(m.HeapInuse)
				}
			}
		}
	}()
	resp, err := http.Get(base + "/api/v1/query?format=csv&sql=" + url.QueryEscape("SELECT range AS n, range * 2 AS m, 'row ' || range AS label FROM range(8000000)"))
	if err != nil {
		t.Fatal(err)
	}
	sc := bufio.NewScanner(resp.Body)
	var lines, bytesRead int64
	for sc.Scan() {
		lines++
		bytesRead += int64(len(sc.Bytes()) + 1)
	}
	resp.Body.Close()
	close(stop)
	if lines != 8000001 {
		t.Fatalf("%d lines", lines)
	}
	if p := peak.Load(); p > 150<<20 {
		t.Errorf("heap peaked at %d MB streaming %d MB", p>>20, bytesRead>>20)
	} else {
		t.Logf("heap peaked at %d MB streaming %d MB", p>>20, bytesRead>>20)
	}
}
