package ingest

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"govlake/internal/file"
	"govlake/internal/govlake"
)

// What killed runs leave, laid out by hand as they would have left it,
// and what one sweep must remove and keep.
func TestSweepRemovesWhatDeadRunsLeft(t *testing.T) {
	ctx := context.Background()
	root := t.TempDir()
	fs, _ := file.NewStore(root)
	e := newEnv(t, fs)
	now := time.Now().UTC().Truncate(time.Second)
	r := e.runner(&fakeClock{now: now}, nil)
	first := r.Run(ctx, e.pipeline(""))
	if first.Version != 1 {
		t.Fatalf("first run: %s %s", first.Status, first.Error)
	}
	put := func(key, body string) {
		if err := fs.Put(ctx, key, strings.NewReader(body)); err != nil {
			t.Fatal(err)
		}
	}
	claim := func(key string, expires time.Time) {
		b, _ := json.Marshal(govlake.Claim{RunID: "x", ClaimedAt: expires.Add(-time.Hour), ExpiresAt: expires})
		put(key, string(b))
	}
	dead, live := now.Add(-2*time.Hour), now.Add(30*time.Minute)
	// 2: a dead run's number, below a later version: everything goes.
	claim(govlake.ClaimKey("sched", 2), dead)
	put(govlake.PartKey("sched", 2, 0), "dead parquet")
	// 3: committed by generation 2; generation 1 died after one part.
	claim(govlake.ClaimKey("sched", 3), dead)
	put(govlake.PartKey("sched", 3, 0), "loser's parquet")
	claim(govlake.GenClaimKey("sched", 3, 2), dead)
	put(govlake.GenPartKey("sched", 3, 2, 0), "winner's parquet")
	m, _ := govlake.ReadManifest(ctx, fs, "sched", 1)
	m.Version, m.Files = 3, []govlake.FileInfo{{Key: govlake.GenPartKey("sched", 3, 2, 0)}}
	b, _ := json.Marshal(m)
	put(govlake.ManifestKey("sched", 3), string(b))
	put(govlake.WithdrawnKey("sched", 3), `{"reason":"kept"}`)
	// 4: dead, above the latest version: its files go, its claim stays.
	claim(govlake.ClaimKey("sched", 4), dead)
	put(govlake.PartKey("sched", 4, 0), "dead parquet")
	put(govlake.RejectedKey("sched", 4), "dead rejections")
	// 5: a run that is alive: untouched.
	claim(govlake.ClaimKey("sched", 5), live)
	put(govlake.PartKey("sched", 5, 0), "live parquet")
	// Runs: one died, one still running, one finished long ago.
	record := func(id string, started, deadline time.Time, status string) string {
		key := govlake.RunKey("sched", started, id)
		b, _ := json.Marshal(govlake.Run{ID: id, Pipeline: "sched", Dataset: "sched", StartedAt: started, Status: status, Deadline: deadline})
		put(key, string(b))
		return key
	}
	died := record("died", now.Add(-3*time.Hour), now.Add(-2*time.Hour), govlake.RunRunning)
	running := record("live", now.Add(-time.Minute), now.Add(time.Hour), govlake.RunRunning)
	// Killed after its manifest, before its record's end: the first run.
	committed := record(first.ID, now.Add(-4*time.Hour), now.Add(-3*time.Hour), govlake.RunRunning)
	put(govlake.LeaseKey("sched", now.Add(-10*24*time.Hour)), "{}")
	put(govlake.LeaseKey("sched", now.Add(-24*time.Hour)), "{}")
	// Every file is three hours old, as a dead run's would be.
	filepath.Walk(root, func(p string, _ os.FileInfo, _ error) error {
		return os.Chtimes(p, now.Add(-3*time.Hour), now.Add(-3*time.Hour))
	})
	os.Chtimes(filepath.Join(root, govlake.PartKey("sched", 5, 0)), now, now)

	rep := r.Sweep(ctx, SweepOptions{Grace: time.Hour})
	if len(rep.Errors) > 0 {
		t.Fatalf("sweep errors: %v", rep.Errors)
	}
	// 2's claim and part, 3's generation 1 (claim and part), 4's two files.
	if rep.Folders != 2 || rep.Files != 6 || rep.Runs != 2 || rep.Leases != 1 {
		t.Errorf("report %+v, want 2 folders, 6 files, 2 finished runs, 1 lease", rep)
	}
	var left []string
	objs, _ := fs.List(ctx, "")
	for _, o := range objs {
		if !strings.Contains(o.Key, "/versions/00000001/") {
			left = append(left, strings.TrimPrefix(o.Key, "datasets/sched/"))
		}
	}
	want := []string{
		"dataset.json",
		"versions/00000003/g2/claim.json", "versions/00000003/g2/part-00000.parquet",
		"versions/00000003/manifest.json", "versions/00000003/withdrawn.json",
		"versions/00000004/claim.json",
		"versions/00000005/claim.json", "versions/00000005/part-00000.parquet",
	}
	for _, k := range want {
		if !slices.Contains(left, k) {
			t.Errorf("the sweep removed %s", k)
		}
	}
	for _, k := range left {
		if strings.HasPrefix(k, "versions/") && !slices.Contains(want, k) {
			t.Errorf("the sweep left %s", k)
		}
	}
	var d, rn, c govlake.Run
	govlake.ReadJSON(ctx, fs, died, &d)
	govlake.ReadJSON(ctx, fs, running, &rn)
	govlake.ReadJSON(ctx, fs, committed, &c)
	if c.Status != govlake.RunSucceeded || c.Version != 1 || c.Rows.Valid != 1 || c.Error != "" {
		t.Errorf("the record of a run killed after its commit: %s version %d rows %d %s", c.Status, c.Version, c.Rows.Valid, c.Error)
	}
	if d.Status != govlake.RunDied || !d.FinishedAt.Equal(now.Add(-2*time.Hour)) || rn.Status != govlake.RunRunning {
		t.Errorf("records after the sweep: died run %s finished %s, live run %s", d.Status, d.FinishedAt, rn.Status)
	}
	leases, _ := fs.List(ctx, "leases/")
	if len(leases) != 1 || !strings.Contains(leases[0].Key, now.Add(-24*time.Hour).Format("20060102")) {
		t.Errorf("leases left: %v", leases)
	}
	// A second sweep finds nothing more.
	if again := r.Sweep(ctx, SweepOptions{Grace: time.Hour}); again.Files != 0 || again.Runs != 0 || again.Leases != 0 {
		t.Errorf("second sweep %+v", again)
	}
}

// Numbers that dead runs left above the latest version are reused, lowest
// first, each by a new generation, once every claim on them expired.
func TestDeadNumbersAreReusedInOrder(t *testing.T) {
	ctx := context.Background()
	fs, _ := file.NewStore(t.TempDir())
	e := newEnv(t, fs)
	t0 := time.Date(2026, 12, 1, 8, 0, 0, 0, time.UTC)
	for _, n := range []int{1, 2} { // two runs that died after claiming
		b, _ := json.Marshal(govlake.Claim{RunID: "dead", ClaimedAt: t0, ExpiresAt: t0.Add(time.Hour)})
		fs.Put(ctx, govlake.ClaimKey("sched", n), strings.NewReader(string(b)))
		fs.Put(ctx, govlake.PartKey("sched", n, 0), strings.NewReader("half"))
	}
	var got []string
	for i, at := range []time.Duration{2 * time.Hour, 2 * time.Hour, 2 * time.Hour} {
		os.WriteFile(filepath.Join(e.dir, "d.csv"), []byte("id,name\n"+strings.Repeat("1,x\n", i+1)), 0o644)
		run := e.runner(&fakeClock{now: t0.Add(at)}, nil).Run(ctx, e.pipeline(""))
		if run.Status != govlake.RunSucceeded {
			t.Fatalf("run %d: %s %s", i, run.Status, run.Error)
		}
		m, _ := govlake.ReadManifest(ctx, fs, "sched", run.Version)
		got = append(got, strings.TrimPrefix(m.Files[0].Key, "datasets/sched/versions/"))
	}
	// Past the claims' deadline, 1 and 2 are taken over by generation 2,
	// then 3 follows.
	want := []string{"00000001/g2/part-00000.parquet", "00000002/g2/part-00000.parquet", "00000003/part-00000.parquet"}
	if !slices.Equal(got, want) {
		t.Errorf("files %v, want %v", got, want)
	}
}
