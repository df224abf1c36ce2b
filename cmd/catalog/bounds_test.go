package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// The attacks of issue #17, each against a catalogue process whose memory
// is read from /proc. DuckDB may use -memory-limit; the rest of the process
// must stay within a fixed margin above it.
const (
	attackMemory = 512 << 20 // -memory-limit 512MB
	attackMargin = 768 << 20 // everything else: Go, DuckDB's vectors, buffers
)

func queryGet(base, sql, format string) string {
	v := url.Values{"sql": {sql}}
	if format != "" {
		v.Set("format", format)
	}
	return base + "/api/v1/query?" + v.Encode()
}

// A JSON result is held in memory: its cells are bounded by
// -max-result-bytes (64 MB), whatever the row limit would allow.
func TestAttackJSONResultBytes(t *testing.T) {
	p := startCatalogProcess(t, bundled.storeOr(t), "-memory-limit", "512MB")
	before := p.status(t, "VmHWM")
	resp, err := http.Get(queryGet(p.url, "SELECT repeat('x', 100000) AS s FROM range(10000)", ""))
	if err != nil {
		t.Fatal(err)
	}
	var res struct {
		Rows        [][]string
		Truncated   bool
		TruncatedBy string `json:"truncated_by"`
		Next        string
	}
	if err := json.NewDecoder(resp.Body).Decode(&res); err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	// Each row counts its 100,000 bytes and 16 for the value: 670 rows fit
	// in 64 MB (67,108,864 / 100,016), the 671st does not.
	if resp.StatusCode != 200 || len(res.Rows) != 670 || !res.Truncated || res.TruncatedBy != "bytes" {
		t.Fatalf("status %d, %d rows, truncated %v by %q; want 200, 670 rows truncated by bytes", resp.StatusCode, len(res.Rows), res.Truncated, res.TruncatedBy)
	}
	if len(res.Rows[669][0]) != 100000 || !strings.Contains(res.Next, "offset=670") {
		t.Errorf("last row %d bytes, next %q", len(res.Rows[669][0]), res.Next)
	}
	hwm := p.status(t, "VmHWM")
	t.Logf("peak RSS %d MB before, %d MB after the JSON attack", before>>20, hwm>>20)
	if hwm > attackMemory+attackMargin {
		t.Errorf("peak RSS %d MB, over the 512 MB memory limit + 768 MB margin", hwm>>20)
	}

	// A row that alone passes the bound cannot be paged: 413, saying what to do.
	var bad struct {
		Error struct{ Code, Message string }
	}
	getJSON(t, "GET", queryGet(p.url, "SELECT repeat('x', 70000000) AS s", ""), "", 413, &bad)
	if bad.Error.Code != "too_large" || !strings.Contains(bad.Error.Message, "one row of this result holds 66.8 MB, more than the 64 MB") {
		t.Errorf("one huge row: %+v", bad.Error)
	}
}

// A streamed result flows through: memory stays flat however large it is,
// and -max-download cuts it (the client sees a cut transfer, not a whole
// file). The spool that held it is freed.
func TestAttackCSVStream(t *testing.T) {
	p := startCatalogProcess(t, bundled.storeOr(t), "-memory-limit", "512MB", "-max-download", "300MB")
	resp, err := http.Get(queryGet(p.url, "SELECT i, repeat('x', 200) AS s FROM range(100000000) t(i)", "csv"))
	if err != nil {
		t.Fatal(err)
	}
	br := bufio.NewReaderSize(resp.Body, 1<<20)
	first, _ := br.ReadString('\n')
	n, err := io.Copy(io.Discard, br)
	resp.Body.Close()
	n += int64(len(first))
	if resp.StatusCode != 200 || first != "i,s\n" {
		t.Fatalf("status %d, first line %q", resp.StatusCode, first)
	}
	if err == nil {
		t.Errorf("the cut result ended like a whole one (%d bytes)", n)
	}
	// Every row is "i,x...x\n": the cut comes within one 64 KB piece of 300 MB.
	if limit := int64(300 << 20); n > limit || n < limit-(1<<20) {
		t.Errorf("received %d bytes, want just under 300 MB (%d)", n, limit)
	}
	hwm := p.status(t, "VmHWM")
	t.Logf("peak RSS %d MB after streaming %d MB", hwm>>20, n>>20)
	if hwm > attackMemory+attackMargin {
		t.Errorf("peak RSS %d MB, over the 512 MB memory limit + 768 MB margin", hwm>>20)
	}
	waitFor(t, 5*time.Second, func() bool { return p.deletedFiles(t) == 0 }, "the spool file to be freed")
}

// Twenty clients that ask for results and never read them hold
// connections, not query slots: anyone else's count answers within a second,
// and -write-idle cuts the idle clients off.
func TestAttackSlowReaders(t *testing.T) {
	p := startCatalogProcess(t, bundled.storeOr(t), "-write-idle", "3s")
	u, _ := url.Parse(queryGet(p.url, "SELECT i, repeat('x', 100) AS s FROM range(200000) t(i)", "csv"))
	// A tiny receive buffer, set before connecting (so the window is
	// small from the start): the server's writes block at once.
	dialer := net.Dialer{Control: func(_, _ string, rc syscall.RawConn) error {
		return rc.Control(func(fd uintptr) { syscall.SetsockoptInt(int(fd), syscall.SOL_SOCKET, syscall.SO_RCVBUF, 4096) })
	}}
	var conns []net.Conn
	for range 20 {
		c, err := dialer.Dial("tcp", u.Host)
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close()
		fmt.Fprintf(c, "GET %s HTTP/1.1\r\nHost: %s\r\n\r\n", u.RequestURI(), u.Host)
		conns = append(conns, c)
	}
	for i, c := range conns { // each has its answer started, and reads no more
		c.SetReadDeadline(time.Now().Add(30 * time.Second))
		line, err := bufio.NewReader(io.LimitReader(c, 64)).ReadString('\n')
		if err != nil || !strings.HasPrefix(line, "HTTP/1.1 200") {
			t.Fatalf("slow client %d: %q %v", i, line, err)
		}
	}
	time.Sleep(time.Second)
	want := len(sourceRows(t, "../../datasets/worldbank/population.csv")) - 1
	start := time.Now()
	res := sqlQuery(t, p.url, "SELECT count(*) FROM population")
	took := time.Since(start)
	if got := res.Rows[0][0]; got != float64(want) || took > time.Second {
		t.Errorf("count %v in %s while 20 clients do not read; want %d within 1s", got, took, want)
	}
	t.Logf("count(*) answered in %s beside 20 idle readers", took)

	// Past -write-idle (3s) without reading, each is cut off: reading now
	// ends well before the 20.7 MB result.
	time.Sleep(5 * time.Second)
	var wg sync.WaitGroup
	sizes := make([]int64, len(conns))
	for i, c := range conns {
		wg.Add(1)
		go func() {
			defer wg.Done()
			c.SetReadDeadline(time.Now().Add(20 * time.Second))
			var err error
			if sizes[i], err = io.Copy(io.Discard, c); err != nil {
				t.Errorf("slow client %d: the server did not close the connection: %v", i, err)
			}
		}()
	}
	wg.Wait()
	for i, n := range sizes {
		if n > 10<<20 {
			t.Errorf("slow client %d received %d bytes after its idle limit", i, n)
		}
	}
	waitFor(t, 5*time.Second, func() bool { return p.deletedFiles(t) == 0 }, "the spooled results to be freed")
}

// Bodies: 413 for one announced or grown past the bound, and a body that
// stops arriving is answered after -read-idle instead of holding a handler.
func TestRequestBodies(t *testing.T) {
	base := startCatalog(t, bundled.storeOr(t), "-read-idle", "1s")
	big := `{"sql": "SELECT 1 -- ` + strings.Repeat("x", 2<<20) + `"}`
	for _, chunked := range []bool{false, true} {
		var body io.Reader = strings.NewReader(big)
		if chunked {
			body = io.MultiReader(body) // no length: sent chunked
		}
		req, _ := http.NewRequest("POST", base+"/api/v1/query", body)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		var e struct {
			Error struct{ Code, Message string }
		}
		json.NewDecoder(resp.Body).Decode(&e)
		resp.Body.Close()
		if resp.StatusCode != 413 || e.Error.Code != "too_large" || e.Error.Message != "the request body is larger than 1 MB, the most this address takes" {
			t.Errorf("chunked %v: %d %+v", chunked, resp.StatusCode, e.Error)
		}
	}

	u, _ := url.Parse(base)
	c, err := net.Dial("tcp", u.Host)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	fmt.Fprintf(c, "POST /api/v1/query HTTP/1.1\r\nHost: %s\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{\"sql\": ", u.Host)
	start := time.Now()
	c.SetReadDeadline(time.Now().Add(10 * time.Second))
	resp, err := http.ReadResponse(bufio.NewReader(c), nil)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != 400 || !strings.Contains(string(b), "the request body stopped arriving: nothing came for 1s") || time.Since(start) > 5*time.Second {
		t.Errorf("a stalled body: %d after %s: %s", resp.StatusCode, time.Since(start), b)
	}
}

// waitFor polls ok until it holds or the time is up.
func waitFor(t *testing.T, d time.Duration, ok func() bool, what string) {
	t.Helper()
	for end := time.Now().Add(d); time.Now().Before(end); time.Sleep(50 * time.Millisecond) {
		if ok() {
			return
		}
	}
	t.Errorf("waited %s for %s", d, what)
}
