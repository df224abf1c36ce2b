package main

import (
	"encoding/json"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// hostile is SQL a member of the public might send to an open endpoint.
// Each must be refused with a clear 400 (or, for the ones that only burn
// time or memory, stopped with 504 or 413), and none may take effect.
var hostile = []string{
	// reading the host's files, by every function that reads
	"SELECT * FROM read_csv('/etc/passwd')",
	"SELECT * FROM read_csv_auto('/etc/passwd')",
	"SELECT * FROM read_text('/etc/passwd')",
	"SELECT * FROM read_blob('/etc/shadow')",
	"SELECT * FROM read_json('/etc/passwd')",
	"SELECT * FROM read_json_auto('/proc/self/environ')",
	"SELECT * FROM read_ndjson('/etc/passwd')",
	"SELECT * FROM read_parquet('/etc/passwd')",
	"SELECT * FROM parquet_scan('/etc/passwd')",
	"SELECT * FROM parquet_metadata('/etc/passwd')",
	"SELECT * FROM parquet_schema('/etc/passwd')",
	"SELECT * FROM sniff_csv('/etc/passwd')",
	"SELECT * FROM glob('/etc/*')",
	"SELECT * FROM '/etc/passwd'",
	"SELECT * FROM 'https://example.com/data.csv'",
	"SELECT * FROM read_csv('https://example.com/data.csv')",
	"SELECT * FROM read_csv('s3://bucket/key.csv')",
	"SELECT * FROM read_csv(['/etc/hostname', '/etc/hosts'])",
	// writing files
	"COPY (SELECT 1) TO '/tmp/govlake-hostile-copy.csv'",
	"COPY population TO '/tmp/govlake-hostile-pop.parquet' (FORMAT parquet)",
	"EXPORT DATABASE '/tmp/govlake-hostile-export'",
	// changing the catalogue
	"CREATE TABLE evil AS SELECT 1",
	"CREATE VIEW population AS SELECT 1",
	"DROP TABLE population",
	"INSERT INTO population VALUES ('x', 'XXX', 1, 1)",
	"UPDATE population SET \"Value\" = 0",
	"DELETE FROM population",
	"ALTER TABLE population RENAME TO p2",
	"CREATE MACRO evil() AS 1",
	// other databases
	"ATTACH '/tmp/govlake-hostile.db' AS evil",
	"ATTACH 'postgres:dbname=x' AS pg (TYPE postgres)",
	"DETACH memory",
	"USE system",
	// settings
	"SET enable_external_access = true",
	"SET memory_limit = '100GB'",
	"RESET memory_limit",
	"PRAGMA threads = 64",
	"SELECT current_setting('temp_directory')",
	"SELECT * FROM duckdb_settings()",
	"CALL pragma_database_list()",
	"SELECT * FROM duckdb_temporary_files()",
	"SELECT * FROM duckdb_secrets()",
	"CREATE SECRET s (TYPE s3, KEY_ID 'x', SECRET 'y')",
	// extensions
	"INSTALL httpfs",
	"LOAD httpfs",
	"FORCE INSTALL spatial FROM core",
	"SELECT * FROM duckdb_extensions()",
	// SQL by string, several statements, transactions
	"SELECT * FROM query('COPY (SELECT 1) TO ''/tmp/govlake-hostile-q.csv''')",
	"SELECT * FROM query_table('population')",
	"SELECT 1; DROP TABLE population",
	"BEGIN TRANSACTION",
	"CHECKPOINT",
	"VACUUM",
	"PREPARE p AS SELECT 1",
}

func TestHostileQueriesAreRefused(t *testing.T) {
	if len(hostile) < 40 {
		t.Fatalf("the corpus has %d queries", len(hostile))
	}
	base := bundledCatalog(t)
	for _, q := range hostile {
		resp, err := http.Post(base+"/api/v1/query", "application/json", strings.NewReader(`{"sql": `+jsonString(q)+`}`))
		if err != nil {
			t.Fatal(err)
		}
		var e struct {
			Error struct{ Code, Message string }
		}
		json.NewDecoder(resp.Body).Decode(&e)
		resp.Body.Close()
		if resp.StatusCode != 400 || e.Error.Code != "invalid" || e.Error.Message == "" {
			t.Errorf("%s: status %d, %+v", q, resp.StatusCode, e.Error)
		}
		if strings.Contains(e.Error.Message, bundled.store) {
			t.Errorf("%s: the message shows a server path: %s", q, e.Error.Message)
		}
	}
	// Nothing took effect: no file written, the data and settings as before.
	for _, f := range []string{"/tmp/govlake-hostile-copy.csv", "/tmp/govlake-hostile-pop.parquet", "/tmp/govlake-hostile-export", "/tmp/govlake-hostile.db", "/tmp/govlake-hostile-q.csv"} {
		if _, err := os.Stat(f); err == nil {
			t.Errorf("%s was written", f)
			os.RemoveAll(f)
		}
	}
	res := sqlQuery(t, base, `SELECT count(*), sum("Value") FROM population`)
	if res.Rows[0][0] != float64(17195) {
		t.Errorf("population after the corpus: %v", res.Rows)
	}
	entries, _ := os.ReadDir(filepath.Join(bundled.store, "datasets"))
	if len(entries) != 7 {
		t.Errorf("store has %d datasets", len(entries))
	}
}

func jsonString(s string) string {
	r := strings.NewReplacer(`\`, `\\`, `"`, `\"`)
	return `"` + r.Replace(s) + `"`
}

// A query that runs too long is stopped, really: the next one is answered
// at once.
func TestQueryTimeoutStopsDuckDB(t *testing.T) {
	base := startCatalog(t, bundled.storeOr(t), "-query-timeout", "1s")
	start := time.Now()
	var e struct {
		Error struct{ Code, Message string }
	}
	getJSON(t, "GET", base+"/api/v1/query?sql="+url.QueryEscape("SELECT count(*) FROM range(100000000) a, range(100000000) b"), "", 504, &e)
	if d := time.Since(start); d > 5*time.Second {
		t.Errorf("the cross join ran %v", d)
	}
	if e.Error.Code != "timeout" {
		t.Errorf("error %+v", e.Error)
	}
	start = time.Now()
	getJSON(t, "GET", base+"/api/v1/query?sql="+url.QueryEscape("WITH RECURSIVE r(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM r) SELECT count(*) FROM r"), "", 504, &e)
	if d := time.Since(start); d > 5*time.Second {
		t.Errorf("the endless recursion ran %v", d)
	}
	start = time.Now()
	res := sqlQuery(t, base, "SELECT count(*) FROM gdp")
	if d := time.Since(start); d > 3*time.Second || res.Rows[0][0] != float64(13979) {
		t.Errorf("after the timeouts: %v in %v", res.Rows, d)
	}
}

// Too many queries at once: the one over the queue gets 429 with Retry-After.
func TestConcurrencyLimit(t *testing.T) {
	base := startCatalog(t, bundled.storeOr(t), "-max-concurrent", "1", "-max-queue", "0", "-query-timeout", "3s")
	slow := base + "/api/v1/query?sql=" + url.QueryEscape("SELECT count(*) FROM range(100000000) a, range(100000000) b")
	// Once the slow query holds the only slot, the next is turned away. The
	// slow one may itself lose the race to a probe; then it is sent again.
	got := 0
	for attempt := 0; attempt < 3 && got != http.StatusTooManyRequests; attempt++ {
		var wg sync.WaitGroup
		var slowStatus atomic.Int32
		wg.Add(1)
		go func() {
			defer wg.Done()
			if resp, err := http.Get(slow); err == nil {
				slowStatus.Store(int32(resp.StatusCode))
				resp.Body.Close()
			}
		}()
		time.Sleep(200 * time.Millisecond)
		for deadline := time.Now().Add(2 * time.Second); time.Now().Before(deadline) && slowStatus.Load() == 0; time.Sleep(50 * time.Millisecond) {
			resp, err := http.Get(base + "/api/v1/query?sql=SELECT+1")
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			if got = resp.StatusCode; got == http.StatusTooManyRequests {
				if resp.Header.Get("Retry-After") == "" {
					t.Error("429 without Retry-After")
				}
				break
			}
		}
		wg.Wait()
	}
	if got != http.StatusTooManyRequests {
		t.Errorf("last status %d, want 429 while the slot is taken", got)
	}
	if res := sqlQuery(t, base, "SELECT 1 AS one"); res.Rows[0][0] != float64(1) {
		t.Errorf("after: %v", res.Rows)
	}
}

// A query that wants more memory than allowed is stopped with a clear error,
// and the server goes on.
func TestMemoryLimit(t *testing.T) {
	base := startCatalog(t, bundled.storeOr(t), "-memory-limit", "300MB", "-query-timeout", "20s")
	resp, err := http.Get(base + "/api/v1/query?sql=" + url.QueryEscape("SELECT list(range) AS l FROM range(400000000)"))
	if err != nil {
		t.Fatal(err)
	}
	var e struct {
		Error struct{ Code, Message string }
	}
	json.NewDecoder(resp.Body).Decode(&e)
	resp.Body.Close()
	if resp.StatusCode != 413 || e.Error.Code != "too_large" || !strings.Contains(e.Error.Message, "more memory than allowed") {
		t.Errorf("status %d, %+v", resp.StatusCode, e.Error)
	}
	if res := sqlQuery(t, base, "SELECT count(*) FROM egdi"); res.Rows[0][0] != float64(965) {
		t.Errorf("after: %v", res.Rows)
	}
}
