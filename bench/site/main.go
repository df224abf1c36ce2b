// Command site benchmarks the catalogue's search and pages with 10,000
// datasets, each titled in English, Burmese, Lao, Vietnamese, Thai and
// Khmer (two words of a vocabulary, a space between them as between
// phrases; the words themselves are compounds ICU must keep whole), from 20
// organisations, in several formats and frequencies.
//
// One dataset is loaded by the real ingest runner; the others are copies
// of its stored version under their own ids and metadata, written to the
// store as the runner writes them. The search baseline is bare DuckDB
// scanning the same titles with LIKE (what a portal without an index
// does), after checking that both find the same number of datasets for
// every query; the page baseline is net/http serving the same page's
// bytes from memory.
//
//	go run ./bench/site [-datasets 10000] [-runs 200] [-dir DIR]
package main

import (
	"context"
	"database/sql"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"runtime/pprof"
	"strings"
	"time"

	duckdb "github.com/duckdb/duckdb-go/v2"

	"govlake/bench/internal/bare"
	"govlake/internal/file"
	"govlake/internal/govlake"
	"govlake/internal/wire"
)

// vocab are the title words per language: no word is a prefix or a part
// of another, so a LIKE scan and the index must count the same datasets.
var vocab = map[string][]string{
	"en": {"hospitals", "schools", "roads", "rainfall", "harvest", "tourism", "exports", "imports", "salaries", "budget", "elections", "forests"},
	"vi": {"bệnh viện", "trường học", "đường bộ", "lượng mưa", "thu hoạch", "du lịch", "xuất khẩu", "nhập khẩu", "tiền lương", "ngân sách", "bầu cử", "rừng"},
	"my": {"ဆေးရုံ", "ကျောင်း", "လမ်း", "မိုးရေ", "ရိတ်သိမ်း", "ခရီးသွား", "ပို့ကုန်", "သွင်းကုန်", "လစာ", "ဘတ်ဂျက်", "ရွေးကောက်ပွဲ", "သစ်တော"},
	"th": {"โรงพยาบาล", "โรงเรียน", "ถนน", "ปริมาณฝน", "การเก็บเกี่ยว", "การท่องเที่ยว", "การส่งออก", "การนำเข้า", "เงินเดือน", "งบประมาณ", "การเลือกตั้ง", "ป่าไม้"},
	"lo": {"ໂຮງໝໍ", "ໂຮງຮຽນ", "ທາງ", "ຝົນ", "ການເກັບກ່ຽວ", "ທ່ອງທ່ຽວ", "ສົ່ງອອກ", "ນຳເຂົ້າ", "ເງິນເດືອນ", "ງົບປະມານ", "ເລືອກຕັ້ງ", "ປ່າໄມ້"},
	"km": {"មន្ទីរពេទ្យ", "សាលារៀន", "ផ្លូវ", "ទឹកភ្លៀង", "ការប្រមូលផល", "ទេសចរណ៍", "នាំចេញ", "នាំចូល", "ប្រាក់ខែ", "ថវិកា", "ការបោះឆ្នោត", "ព្រៃឈើ"},
}

var languages = []string{"en", "my", "lo", "vi", "th", "km"}

func main() {
	n := flag.Int("datasets", 10000, "datasets to generate")
	runs := flag.Int("runs", 200, "timed requests of each kind")
	dir := flag.String("dir", filepath.Join(os.TempDir(), "govlake-bench-site"), "work folder")
	check := flag.Bool("check-words", false, "print both counts for every vocabulary word first")
	profile := flag.String("cpuprofile", "", "write a CPU profile of the timed requests to this file")
	flag.Parse()
	if *profile != "" {
		f, err := os.Create(*profile)
		if err == nil {
			pprof.StartCPUProfile(f)
			defer pprof.StopCPUProfile()
		}
	}
	if err := run(*n, *runs, *dir, *check); err != nil {
		fmt.Fprintln(os.Stderr, "bench:", err)
		pprof.StopCPUProfile()
		os.Exit(1)
	}
}

// title is dataset i's title in lang: two words of the vocabulary and the
// dataset's number.
func title(i int, lang string) string {
	w := vocab[lang]
	a, b := w[i%len(w)], w[(i/len(w)+1+i)%len(w)]
	if a == b {
		b = w[(i+5)%len(w)]
	}
	return a + " " + b + " " + fmt.Sprint(i)
}

func run(n, runs int, dir string, check bool) error {
	ctx := context.Background()
	os.RemoveAll(dir)
	storeDir := filepath.Join(dir, "store")
	store, err := file.NewStore(storeDir)
	if err != nil {
		return err
	}
	logger := slog.New(slog.NewTextHandler(io.Discard, nil))
	start := time.Now()
	if err := generate(ctx, store, dir, n, logger); err != nil {
		return err
	}
	fmt.Fprintf(os.Stderr, "%d datasets written in %s\n", n, time.Since(start).Round(time.Millisecond))

	start = time.Now()
	cfg := wire.CatalogConfig{Store: storeDir, Memory: "2GB", Refresh: time.Hour, CacheDir: filepath.Join(dir, "cache"),
		Queries: filepath.Join(dir, "none"), KPIs: filepath.Join(dir, "none"), MaxRows: 10000, Timeout: time.Minute, Running: 4, Queued: 32}
	cat, err := wire.NewCatalog(ctx, cfg, logger)
	if err != nil {
		return err
	}
	startup := time.Since(start)
	// A second start finds the index kept and indexes nothing again.
	cat.Close()
	start = time.Now()
	if cat, err = wire.NewCatalog(ctx, cfg, logger); err != nil {
		return err
	}
	defer cat.Close()
	restart := time.Since(start)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	go http.Serve(ln, cat.Handler)
	base := "http://" + ln.Addr().String()

	db, err := titlesDB(n)
	if err != nil {
		return err
	}
	defer db.Close()
	fmt.Printf("bench/site: %d datasets, titles in %s; catalogue start (store read, index built) %s, restart with the index kept %s\n",
		n, strings.Join(languages, ", "), startup.Round(time.Millisecond), restart.Round(time.Millisecond))
	if err := searches(base, db, runs, check); err != nil {
		return err
	}
	return pages(base, runs)
}

// get fetches u and returns its body and how long it took.
func get(u string) ([]byte, float64, error) {
	start := time.Now()
	resp, err := http.Get(u)
	if err != nil {
		return nil, 0, err
	}
	b, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	took := float64(time.Since(start).Microseconds()) / 1000
	if resp.StatusCode != 200 {
		return nil, 0, fmt.Errorf("GET %s: %d %.200s", u, resp.StatusCode, b)
	}
	return b, took, err
}

// searches times the search API on a word of each language (and
// Vietnamese without its marks), checks each count against DuckDB's scan,
// and times the scan.
func searches(base string, db *sql.DB, runs int, checkWords bool) error {
	type query struct{ q, like string }
	var qs []query
	for _, l := range languages {
		qs = append(qs, query{vocab[l][3], vocab[l][3]})
	}
	qs = append(qs, query{"ngan sach", "ngân sách"})
	if checkWords {
		for _, l := range languages {
			for _, w := range vocab[l] {
				b, _, _ := get(base + "/api/v1/search?q=" + url.QueryEscape(w))
				var a struct{ Count int }
				json.Unmarshal(b, &a)
				var count int
				db.QueryRow("SELECT count(*) FROM titles WHERE contains(text, ?)", w).Scan(&count)
				fmt.Println(l, w, a.Count, count)
			}
		}
	}
	var api, scan []float64
	for i := 0; i < runs; i++ {
		q := qs[i%len(qs)]
		b, took, err := get(base + "/api/v1/search?q=" + url.QueryEscape(q.q))
		if err != nil {
			return err
		}
		var a struct{ Count int }
		json.Unmarshal(b, &a)
		api = append(api, took)
		start := time.Now()
		var count int
		if err := db.QueryRow("SELECT count(*) FROM titles WHERE contains(text, ?)", q.like).Scan(&count); err != nil {
			return err
		}
		scan = append(scan, float64(time.Since(start).Microseconds())/1000)
		if count != a.Count || count == 0 {
			return fmt.Errorf("q=%s: the index finds %d datasets, the scan %d", q.q, a.Count, count)
		}
	}
	as, ss := bare.Stats(api), bare.Stats(scan)
	fmt.Printf("search API (%d queries in 7 forms, counts checked equal): p50 %.1f ms, p99 %.1f ms (aim: p50 under 20 ms); DuckDB LIKE scan of the titles: p50 %.1f ms, p99 %.1f ms\n",
		runs, as.P50, as.P99, ss.P50, ss.P99)
	return nil
}

// pages times /, a dataset page and the search page in several languages
// against serving the same bytes from memory.
func pages(base string, runs int) error {
	for _, p := range []string{"/", "/datasets/ds00042", "/search?q=" + url.QueryEscape(vocab["en"][1]) + "&lang=my", "/search?tag=tag07&format=json&lang=th"} {
		var ours, floor []float64
		body, _, err := get(base + p)
		if err != nil {
			return err
		}
		static := httptestServer(body)
		for i := 0; i < runs/4; i++ {
			b, took, err := get(base + p)
			if err != nil {
				return err
			}
			ours = append(ours, took)
			sb, stook, err := get(static)
			if err != nil {
				return err
			}
			if len(sb) != len(body) || len(b) == 0 {
				return fmt.Errorf("%s: the static copy differs", p)
			}
			floor = append(floor, stook)
		}
		o, f := bare.Stats(ours), bare.Stats(floor)
		fmt.Printf("page %s (%d bytes): p50 %.1f ms, p99 %.1f ms (aim: under 50 ms); the same bytes from memory: p50 %.2f ms, p99 %.2f ms\n",
			p, len(body), o.P50, o.P99, f.P50, f.P99)
	}
	return nil
}

// httptestServer serves body at its root, for the floor of a page's time.
func httptestServer(body []byte) string {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		panic(err)
	}
	go http.Serve(ln, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.Write(body)
	}))
	return "http://" + ln.Addr().String() + "/"
}

// titlesDB holds every dataset's titles, joined, for the scan baseline.
func titlesDB(n int) (*sql.DB, error) {
	c, err := duckdb.NewConnector("", nil)
	if err != nil {
		return nil, err
	}
	db := sql.OpenDB(c)
	if _, err := db.Exec("CREATE TABLE titles (id VARCHAR, text VARCHAR)"); err != nil {
		return nil, err
	}
	tx, _ := db.Begin()
	stmt, _ := tx.Prepare("INSERT INTO titles VALUES (?, ?)")
	for i := range n {
		var all []string
		for _, l := range languages {
			all = append(all, title(i, l))
		}
		stmt.Exec(fmt.Sprintf("ds%05d", i), strings.Join(all, " | "))
	}
	stmt.Close()
	return db, tx.Commit()
}

// generate loads one dataset with the runner and copies its version to
// n datasets with their own metadata.
func generate(ctx context.Context, store *file.Store, dir string, n int, logger *slog.Logger) error {
	pdir := filepath.Join(dir, "pipelines")
	os.MkdirAll(pdir, 0o755)
	os.WriteFile(filepath.Join(pdir, "t.csv"), []byte("township,beds\nBahan,120\nDagon,80\nMayangon,40\n"), 0o644)
	os.WriteFile(filepath.Join(pdir, "t.schema.json"), []byte(`{"type":"object","properties":{"township":{"type":"string","description":"Township"},"beds":{"type":"integer","minimum":0}}}`), 0o644)
	os.WriteFile(filepath.Join(pdir, "template.yaml"), []byte("dataset: template\ntitle: Template\nschema: t.schema.json\nsource: {url: t.csv, format: csv}\n"), 0o644)
	ps, err := wire.LoadPipelines(pdir)
	if err != nil {
		return err
	}
	if r := wire.NewRunner(store, logger).Run(ctx, ps[0]); r.Failed() {
		return fmt.Errorf("ingest the template: %s", r.Error)
	}
	m, err := govlake.LatestManifest(ctx, store, "template")
	if err != nil {
		return err
	}
	part, err := read(ctx, store, m.Files[0].Key)
	if err != nil {
		return err
	}
	rejected, err := read(ctx, store, m.Rejected.Key)
	if err != nil {
		return err
	}
	formats, freqs := []string{"csv", "json", "xlsx"}, govlake.Frequencies
	now := time.Now().UTC()
	for i := range n {
		id := fmt.Sprintf("ds%05d", i)
		t := govlake.Text{}
		for _, l := range languages {
			t[l] = title(i, l)
		}
		meta := govlake.Metadata{ID: id, Title: t["en"], TitleTranslated: t, Organization: fmt.Sprintf("org%02d", i%20),
			License: "CC-BY-4.0", Tags: []string{fmt.Sprintf("tag%02d", i%30)}, Frequency: freqs[i%len(freqs)], UpdatedAt: now}
		v := *m
		v.Dataset, v.Metadata, v.Version = id, meta, 1
		v.Source.Format = formats[i%len(formats)]
		v.CreatedAt = now.Add(-time.Duration(i) * time.Hour)
		v.Files = []govlake.FileInfo{{Key: govlake.PartKey(id, 1, 0), Size: m.Files[0].Size, Rows: m.Files[0].Rows}}
		v.Rejected = &govlake.FileInfo{Key: govlake.RejectedKey(id, 1), Size: m.Rejected.Size}
		mj, _ := json.Marshal(v)
		dj, _ := json.Marshal(meta)
		for key, body := range map[string][]byte{v.Files[0].Key: part, v.Rejected.Key: rejected, govlake.ManifestKey(id, 1): mj, govlake.DatasetKey(id): dj} {
			if err := store.Put(ctx, key, strings.NewReader(string(body))); err != nil {
				return err
			}
		}
	}
	return nil
}

func read(ctx context.Context, store *file.Store, key string) ([]byte, error) {
	rc, err := store.Get(ctx, key)
	if err != nil {
		return nil, err
	}
	defer rc.Close()
	return io.ReadAll(rc)
}
