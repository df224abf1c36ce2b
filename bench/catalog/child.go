package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"net/url"
	"os"
	"runtime"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"govlake/internal/govlake"
	"govlake/internal/wire"
)

// figures are what one catalogue process measured.
type figures struct {
	Mode                string
	StartupMS           float64
	StartupRequests     int64
	IdleRefreshMS       float64
	IdleRefreshRequests int64
	ChangeRefreshMS     float64
	ChangeRequests      int64
	VisibleMS           float64 // the slowest of the commits watched
	SearchReadyMS       float64 // from the start until search finds every dataset (a fresh search index)
	RequestP50, P99     float64 // ms, every route, while versions land
	SearchP50           float64 // package_search
	Requests, Errors    int
	PeakRSSMB, EndRSSMB int64
	GoMB                int64 // what the Go runtime holds from the system at the end (the rest is DuckDB, ICU, the C heap)
	Datasets, Landed    int
	SlowestRoute        string
}

// counter is a store that counts the requests made of it; a listing
// counts as S3 would bill it, a request per 1,000 keys.
type counter struct {
	govlake.Store
	n atomic.Int64
}

func (c *counter) Get(ctx context.Context, key string) (io.ReadCloser, error) {
	c.n.Add(1)
	return c.Store.Get(ctx, key)
}

func (c *counter) List(ctx context.Context, prefix string) ([]govlake.ObjectInfo, error) {
	objs, err := c.Store.List(ctx, prefix)
	c.n.Add(int64(len(objs)/1000 + 1))
	return objs, err
}

func (c *counter) ListAfter(ctx context.Context, prefix, after string) ([]govlake.ObjectInfo, error) {
	la, ok := c.Store.(govlake.ListerAfter)
	if !ok {
		return nil, fmt.Errorf("store cannot list after a key")
	}
	objs, err := la.ListAfter(ctx, prefix, after)
	c.n.Add(int64(len(objs)/1000 + 1))
	return objs, err
}

var _ govlake.ListerAfter = (*counter)(nil)

// child starts a catalogue over storeURL in this process and measures it.
func child(storeURL, mode string, load time.Duration, clients int, duckMemory string) (*figures, error) {
	ctx := context.Background()
	f := &figures{Mode: mode}
	cnt := &counter{}
	cache, _ := os.MkdirTemp("", "bench-catalog-cache-")
	defer os.RemoveAll(cache)
	start := time.Now()
	cat, err := wire.NewCatalog(ctx, wire.CatalogConfig{Store: storeURL, Memory: duckMemory, Refresh: time.Second, CacheDir: cache, CacheBytes: 1 << 30,
		Listing: mode == "listing", MaxRows: 10000, Timeout: time.Minute, Running: 4, Queued: 64, MaxResultBytes: 1 << 28,
		WrapStore: func(s govlake.Store) govlake.Store { cnt.Store = s; return cnt }}, quiet)
	if err != nil {
		return nil, err
	}
	defer cat.Close()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	go http.Serve(ln, cat.Handler)
	base := "http://" + ln.Addr().String()
	var list struct {
		Datasets []struct {
			ID      string
			Version int
		}
		Total int
	}
	if err := getJSON(base+"/api/v1/datasets?limit=1000", &list); err != nil {
		return nil, err
	}
	f.StartupMS, f.StartupRequests, f.Datasets = ms(time.Since(start)), cnt.n.Load(), list.Total
	latest := map[string]int{}
	var ids []string
	for offset := 0; ; {
		for _, d := range list.Datasets {
			latest[d.ID] = d.Version
			ids = append(ids, d.ID)
		}
		if offset += len(list.Datasets); offset >= list.Total || len(list.Datasets) == 0 {
			break
		}
		if err := getJSON(fmt.Sprintf("%s/api/v1/datasets?limit=1000&offset=%d", base, offset), &list); err != nil {
			return nil, err
		}
	}
	for {
		var res struct{ Result struct{ Count int } }
		if err := getJSON(base+"/api/3/action/package_search?rows=0", &res); err != nil {
			return nil, err
		}
		if res.Result.Count >= list.Total {
			break
		}
		if time.Since(start) > 30*time.Minute {
			return nil, fmt.Errorf("search found %d of %d datasets after 30 minutes", res.Result.Count, list.Total)
		}
		time.Sleep(200 * time.Millisecond)
	}
	f.SearchReadyMS = ms(time.Since(start))
	writer, err := wire.OpenStore(ctx, storeURL, quiet)
	if err != nil {
		return nil, err
	}
	f.IdleRefreshMS, f.IdleRefreshRequests, err = refresh(ctx, cat, cnt)
	if err != nil {
		return nil, err
	}
	id := ids[0]
	if err := commit(ctx, writer, id, latest[id]); err != nil {
		return nil, err
	}
	latest[id]++
	if f.ChangeRefreshMS, f.ChangeRequests, err = refresh(ctx, cat, cnt); err != nil {
		return nil, err
	}
	// How soon a commit shows, watched from outside.
	for i := 0; i < 5; i++ {
		id := ids[rand.N(len(ids))]
		if err := commit(ctx, writer, id, latest[id]); err != nil {
			return nil, err
		}
		latest[id]++
		committed := time.Now()
		for {
			var d struct{ Version int }
			if err := getJSON(base+"/api/v1/datasets/"+id, &d); err != nil {
				return nil, err
			}
			if d.Version == latest[id] {
				break
			}
			if time.Since(committed) > 5*time.Minute {
				return nil, fmt.Errorf("version %d of %s did not show in 5 minutes", latest[id], id)
			}
			time.Sleep(20 * time.Millisecond)
		}
		f.VisibleMS = max(f.VisibleMS, ms(time.Since(committed)))
	}
	if err := under(ctx, f, base, ids, writer, latest, load, clients); err != nil {
		return nil, err
	}
	f.PeakRSSMB, f.EndRSSMB = memory("VmHWM"), memory("VmRSS")
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	f.GoMB = int64(ms.Sys-ms.HeapReleased) >> 20
	return f, nil
}

// refresh times one refresh and counts its requests.
func refresh(ctx context.Context, cat *wire.Catalog, cnt *counter) (float64, int64, error) {
	before, start := cnt.n.Load(), time.Now()
	err := cat.RefreshNow(ctx)
	return ms(time.Since(start)), cnt.n.Load() - before, err
}

// under sends requests from clients clients for d while a writer lands a
// version every 250 ms, and notes the latencies.
func under(ctx context.Context, f *figures, base string, ids []string, writer govlake.Store, latest map[string]int, d time.Duration, clients int) error {
	words := []string{"population", "gdp", "internet", "country", "price", "government"}
	routes := []func(r *rand.Rand) (string, string){
		func(*rand.Rand) (string, string) { return "home", "/" },
		func(*rand.Rand) (string, string) { return "datasets API", "/api/v1/datasets" },
		func(r *rand.Rand) (string, string) { return "dataset API", "/api/v1/datasets/" + ids[r.IntN(len(ids))] },
		func(r *rand.Rand) (string, string) { return "dataset page", "/datasets/" + ids[r.IntN(len(ids))] },
		func(r *rand.Rand) (string, string) {
			return "versions API", "/api/v1/datasets/" + ids[r.IntN(len(ids))] + "/versions?limit=20"
		},
		func(r *rand.Rand) (string, string) {
			return "package_search", "/api/3/action/package_search?" + url.Values{"q": {words[r.IntN(len(words))]}, "rows": {"10"}}.Encode()
		},
	}
	stop := time.Now().Add(d)
	var mu sync.Mutex
	byRoute := map[string][]float64{}
	var all []float64
	var wg sync.WaitGroup
	for c := 0; c < clients; c++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			r := rand.New(rand.NewPCG(uint64(c), 7))
			client := &http.Client{Timeout: 10 * time.Minute}
			for i := c; time.Now().Before(stop); i++ {
				name, path := routes[i%len(routes)](r)
				t0 := time.Now()
				resp, err := client.Get(base + path)
				ok := err == nil
				if ok {
					io.Copy(io.Discard, resp.Body)
					resp.Body.Close()
					ok = resp.StatusCode == 200
				}
				took := ms(time.Since(t0))
				mu.Lock()
				byRoute[name] = append(byRoute[name], took)
				all = append(all, took)
				if !ok {
					f.Errors++
				}
				mu.Unlock()
			}
		}()
	}
	for time.Now().Before(stop) {
		id := ids[rand.N(len(ids))]
		if err := commit(ctx, writer, id, latest[id]); err != nil {
			return err
		}
		latest[id]++
		f.Landed++
		time.Sleep(250 * time.Millisecond)
	}
	wg.Wait()
	f.Requests = len(all)
	f.RequestP50, f.P99 = pct(all, 50), pct(all, 99)
	f.SearchP50 = pct(byRoute["package_search"], 50)
	worst := 0.0
	for name, l := range byRoute {
		if p := pct(l, 99); p > worst {
			worst, f.SlowestRoute = p, fmt.Sprintf("%s p99 %.0f ms", name, p)
		}
	}
	return nil
}

func pct(l []float64, p int) float64 {
	if len(l) == 0 {
		return 0
	}
	s := append([]float64(nil), l...)
	sort.Float64s(s)
	return s[min(len(s)-1, len(s)*p/100)]
}

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }

func getJSON(u string, v any) error {
	resp, err := http.Get(u)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if resp.StatusCode != 200 {
		b, _ := io.ReadAll(resp.Body)
		return fmt.Errorf("GET %s: %d %s", u, resp.StatusCode, b)
	}
	return json.NewDecoder(resp.Body).Decode(v)
}

// memory reads a figure of /proc/self/status in MB.
func memory(field string) int64 {
	b, _ := os.ReadFile("/proc/self/status")
	for _, line := range strings.Split(string(b), "\n") {
		if rest, ok := strings.CutPrefix(line, field+":"); ok {
			kb, _ := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(rest), " kB"), 10, 64)
			return kb / 1024
		}
	}
	return 0
}
