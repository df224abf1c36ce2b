package main

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"

	"govlake/internal/file"
	"govlake/internal/govlake"
)

// A dataset of 23 versions: its page lists the newest 20 and pages back
// to the rest; the API counts them all and pages through them.
func TestVersionHistoryPages(t *testing.T) {
	storeDir, store, pdir, write := countsPipeline(t)
	for i := 1; i <= 23; i++ {
		var b strings.Builder
		b.WriteString("id\n")
		for j := 0; j < i; j++ {
			fmt.Fprintf(&b, "%d\n", j)
		}
		write("d.csv", b.String())
		ingestDir(t, store, pdir)
	}
	base := startCatalog(t, storeDir)
	var d struct {
		Versions     []struct{ Version int }
		VersionCount int `json:"version_count"`
		FirstVersion time.Time
	}
	getJSON(t, "GET", base+"/api/v1/datasets/counts", "", 200, &d)
	if len(d.Versions) != 20 || d.Versions[0].Version != 23 || d.Versions[19].Version != 4 || d.VersionCount != 23 {
		t.Fatalf("detail: %d versions, first %+v, count %d", len(d.Versions), d.Versions[0], d.VersionCount)
	}
	row := regexp.MustCompile(`<tr><td class="n"><a href="/datasets/counts/versions/(\d+)">`)
	page := get(t, base+"/datasets/counts")
	if got := len(row.FindAllString(page, -1)); got != 20 || !strings.Contains(page, "Versions 1 to 20 of 23, newest first.") ||
		!strings.Contains(page, `<a href="?versions=20#versions-heading" rel="next">Older versions</a>`) {
		t.Fatalf("first page: %d version rows; pager %q", got, regexp.MustCompile(`<p class="pager">.*</p>`).FindString(page))
	}
	page = get(t, base+"/datasets/counts?versions=20")
	rows := row.FindAllStringSubmatch(page, -1)
	if len(rows) != 3 || rows[0][1] != "3" || rows[2][1] != "1" || !strings.Contains(page, "Versions 21 to 23 of 23, newest first.") ||
		!strings.Contains(page, `<a href="?versions=0#versions-heading">Newer versions</a>`) || strings.Contains(page, "Older versions") {
		t.Fatalf("second page: %v; pager %q", rows, regexp.MustCompile(`<p class="pager">.*</p>`).FindString(page))
	}
	resp, err := http.Get(base + "/datasets/counts?versions=x")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 400 || !strings.Contains(string(body), "versions=x: give how many of the newest versions to skip, a whole number from 0") {
		t.Errorf("versions=x: %d", resp.StatusCode)
	}
	var all struct {
		Versions []struct{ Version int }
		Total    int
	}
	getJSON(t, "GET", base+"/api/v1/datasets/counts/versions?limit=1000", "", 200, &all)
	if len(all.Versions) != 23 || all.Total != 23 || all.Versions[22].Version != 1 {
		t.Errorf("all versions: %d of %d", len(all.Versions), all.Total)
	}
}

// The catalogue follows the store through its index in the background: a
// version committed after it started shows within a few refreshes, and
// the index holds what the manifests say.
func TestCatalogFollowsTheIndex(t *testing.T) {
	storeDir, store, pdir, write := countsPipeline(t)
	write("d.csv", "id\n1\n")
	ingestDir(t, store, pdir)
	base := startCatalog(t, storeDir, "-refresh", "200ms")
	count := func() int64 {
		res := sqlQuery(t, base, "SELECT count(*) FROM counts")
		return int64(res.Rows[0][0].(float64))
	}
	if n := count(); n != 1 {
		t.Fatalf("before: %d rows", n)
	}
	write("d.csv", "id\n1\n2\n3\n")
	ingestDir(t, store, pdir)
	committed := time.Now()
	for count() != 3 {
		if time.Since(committed) > 5*time.Second {
			t.Fatal("the new version did not show within 5 s")
		}
		time.Sleep(50 * time.Millisecond)
	}
	t.Logf("the new version showed %s after its commit", time.Since(committed).Round(time.Millisecond))
	// The catalogue started from a store with a log and no snapshot: it
	// listed the store once and wrote the first snapshot.
	snaps, err := govlake.Snapshots(context.Background(), store)
	if err != nil || len(snaps) == 0 {
		t.Fatalf("snapshots %v, %v", snaps, err)
	}
}

// countsPipeline is a store and a folder with the pipeline of a dataset
// of ids, counts, whose source write replaces.
func countsPipeline(t *testing.T) (string, govlake.Store, string, func(name, body string)) {
	storeDir := t.TempDir()
	store, _ := file.NewStore(storeDir)
	pdir := t.TempDir()
	write := writer(t, pdir)
	write("s.json", `{"type":"object","properties":{"id":{"type":"integer"}}}`)
	write("m.yaml", "dataset: counts\ntitle: Counts\nlicense: CC-BY-4.0\nsource: {url: d.csv}\nschema: s.json\n")
	return storeDir, store, pdir, write
}
