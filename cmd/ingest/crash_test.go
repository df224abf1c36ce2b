package main

import (
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/apache/iceberg-go/table"

	"govlake/internal/govlake"
	"govlake/internal/s3"
	"govlake/internal/vgwtest"
)

// crash is one store that ingest runs are killed against.
type crash struct {
	t         *testing.T
	storeURL  string
	store     govlake.Store
	p         *pipelineDir
	work      string // the runs' TMPDIR
	csv       string
	timeout   time.Duration
	records   []string        // the run records of the killed runs
	wholeRuns map[string]bool // the run records of the runs not killed
	// uploads lists the store's unfinished uploads (nil for a folder).
	uploads func() []string
}

const crashTimeout = 20 * time.Second

func newCrash(t *testing.T, storeURL string, store govlake.Store, rows int) *crash {
	// Distinct names make parts of megabytes, so that uploading them, the
	// commit window, takes a while.
	var b strings.Builder
	b.WriteString("id,name\n")
	for i := range rows {
		fmt.Fprintf(&b, "%d,some name %d\n", i+1, i*7919%1000003)
	}
	csv := b.String()
	return &crash{t: t, storeURL: storeURL, store: store, csv: csv, timeout: crashTimeout, work: t.TempDir(),
		p: newPipeline(t, "people", csv, peopleSchema, fmt.Sprintf("timeout: %s\n", crashTimeout))}
}

func (c *crash) command(args ...string) *exec.Cmd {
	cmd := exec.Command(os.Args[0], append(args, "-pipelines", c.p.dir, "-store", c.storeURL)...)
	cmd.Env = append(os.Environ(), "GOVLAKE_AS_INGEST=1", "TMPDIR="+c.work)
	return cmd
}

// source makes round's source differ from every other round's, so that
// each run has something new to commit.
func (c *crash) source(round int) {
	c.p.write("data.csv", strings.Replace(c.csv, "some name", fmt.Sprintf("round %d", round), 1))
}

// whole runs ingest to its end and returns how long it took.
func (c *crash) whole(round int) time.Duration {
	c.t.Helper()
	c.source(round)
	start := time.Now()
	if out, err := c.command("run").CombinedOutput(); err != nil || !strings.Contains(string(out), "succeeded") {
		c.t.Fatalf("round %d: %v: %s", round, err, out)
	}
	return time.Since(start)
}

// killAt runs ingest and kills it with SIGKILL once its running record
// is there and then when point returns.
func (c *crash) killAt(round int, point func(started time.Time)) {
	c.t.Helper()
	ctx := context.Background()
	c.source(round)
	cmd := c.command("run")
	started := time.Now()
	if err := cmd.Start(); err != nil {
		c.t.Fatal(err)
	}
	var key string
	for end := time.Now().Add(20 * time.Second); key == "" && time.Now().Before(end); time.Sleep(2 * time.Millisecond) {
		objs, _ := c.store.List(ctx, govlake.RunsPrefix("people"))
		for _, o := range objs {
			if strings.HasSuffix(o.Key, ".json") && !slices.Contains(c.records, o.Key) && !c.seenBefore(o.Key) {
				key = o.Key
			}
		}
	}
	if key == "" {
		cmd.Process.Kill()
		cmd.Wait()
		c.t.Fatalf("round %d: no run record appeared", round)
	}
	point(started)
	cmd.Process.Kill()
	cmd.Wait()
	c.records = append(c.records, key)
}

func (c *crash) seenBefore(key string) bool { return c.wholeRuns[key] }

// noteWholeRuns notes the records there before the kills.
func (c *crash) noteWholeRuns() {
	c.wholeRuns = map[string]bool{}
	objs, _ := c.store.List(context.Background(), govlake.RunsPrefix("people"))
	for _, o := range objs {
		c.wholeRuns[o.Key] = true
	}
}

// random waits for a random point of a run that takes about d.
func random(d time.Duration) func(time.Time) {
	return func(started time.Time) { time.Sleep(time.Until(started.Add(rand.N(d)))) }
}

// inCommit waits until the run has claimed a version number: the window
// between the claim and the manifest.
func (c *crash) inCommit(started time.Time) {
	for end := time.Now().Add(30 * time.Second); time.Now().Before(end); time.Sleep(time.Millisecond) {
		objs, _ := c.store.List(context.Background(), govlake.VersionsPrefix("people"))
		for _, o := range objs {
			if strings.HasSuffix(o.Key, "claim.json") && o.ModTime.After(started.Add(-time.Second)) {
				time.Sleep(rand.N(5 * time.Millisecond))
				return
			}
		}
	}
}

// afterManifest waits until the run's manifest is there: the window
// between the manifest and the change to the index.
func (c *crash) afterManifest(started time.Time) {
	for end := time.Now().Add(30 * time.Second); time.Now().Before(end); time.Sleep(200 * time.Microsecond) {
		objs, _ := c.store.List(context.Background(), govlake.VersionsPrefix("people"))
		for _, o := range objs {
			if strings.HasSuffix(o.Key, "manifest.json") && o.ModTime.After(started.Add(-time.Second)) {
				return
			}
		}
	}
}

// inUpload waits until the run has an unfinished multipart upload.
func (c *crash) inUpload(time.Time) {
	for end := time.Now().Add(30 * time.Second); time.Now().Before(end); time.Sleep(time.Millisecond) {
		if len(c.uploads()) > 0 {
			return
		}
	}
	c.t.Error("no multipart upload appeared")
}

// sweepAndCheck waits until the killed runs' deadlines have passed, sweeps
// once, and checks that nothing they left remains and that every run has
// its record; then one more run takes the next number.
func (c *crash) sweepAndCheck() {
	t := c.t
	t.Helper()
	ctx := context.Background()
	// The claims expire at the runs' deadlines: the latest is the last
	// record's start plus the timeout.
	var last govlake.Run
	govlake.ReadJSON(ctx, c.store, c.records[len(c.records)-1], &last)
	time.Sleep(time.Until(last.StartedAt.Add(c.timeout + time.Second)))
	dirs, _ := filepath.Glob(filepath.Join(c.work, "govlake-run-*"))
	var uploads []string
	if c.uploads != nil {
		uploads = c.uploads()
	}
	// Kills between a manifest and its change leave the index behind the
	// store until the next change of the dataset (here the sweep's).
	behind := indexBehind(t, c.store)
	statuses := map[string]int{}
	for _, key := range c.records {
		var r govlake.Run
		govlake.ReadJSON(ctx, c.store, key, &r)
		statuses[r.Status]++
	}
	objs, _ := c.store.List(ctx, govlake.VersionsPrefix("people"))
	var folders []string
	for _, f := range govlake.VersionFolders("people", objs) {
		folders = append(folders, fmt.Sprintf("%d: manifest %v, %d claims, data in %d generations", f.Version, f.Manifest != nil, len(f.Claims), len(f.Data)))
	}
	t.Logf("before the sweep: the index lacks %d of the committed versions; the Iceberg table: %q", behind, tableBehind(t, c.store))
	t.Logf("before the sweep: killed runs %v; %d work folders and locks; unfinished uploads %v; version folders:\n%s", statuses, len(dirs), uploads, strings.Join(folders, "\n"))
	out, err := c.command("sweep", "-grace", "0s").CombinedOutput()
	if err != nil {
		t.Fatalf("ingest sweep: %v: %s", err, out)
	}
	t.Logf("ingest sweep:\n%s", out)
	if dirs, _ := filepath.Glob(filepath.Join(c.work, "govlake-run-*")); len(dirs) != 0 {
		t.Errorf("work folders left after the sweep: %v", dirs)
	}
	if c.uploads != nil {
		if left := c.uploads(); len(left) != 0 {
			t.Errorf("unfinished uploads left after the sweep: %v", left)
		}
	}
	latest := checkSwept(t, c.store)
	// Every killed run has its record: running with its deadline (reading
	// as died once it passed), or finished if the kill came after its end.
	for _, key := range c.records {
		var r govlake.Run
		if err := govlake.ReadJSON(ctx, c.store, key, &r); err != nil {
			t.Errorf("record %s: %v", key, err)
			continue
		}
		switch r.Status {
		case govlake.RunRunning:
			if !r.Deadline.Equal(r.StartedAt.Add(c.timeout)) || r.At(r.Deadline.Add(2*time.Minute)).Status != govlake.RunDied {
				t.Errorf("record %s: running with deadline %s for a start at %s", key, r.Deadline, r.StartedAt)
			}
		case govlake.RunSucceeded, govlake.RunDied:
		default:
			t.Errorf("record %s of a killed run says %s: %s", key, r.Status, r.Error)
		}
	}
	objs, _ = c.store.List(ctx, govlake.RunsPrefix("people"))
	n := 0
	for _, o := range objs {
		if strings.HasSuffix(o.Key, ".json") {
			n++
		}
	}
	if want := len(c.records) + len(c.wholeRuns); n != want {
		t.Errorf("%d run records for %d runs", n, want)
	}
	// The next run takes the number after the latest version: the numbers
	// that dead runs claimed above it are reused, not skipped.
	c.whole(1000)
	vs, _ := govlake.Versions(ctx, c.store, "people")
	if vs[len(vs)-1] != latest+1 {
		t.Errorf("the run after the sweep made version %d; the latest before it was %d", vs[len(vs)-1], latest)
	}
	checkSwept(t, c.store)
	// The index agrees with the manifests after the next commit, and
	// after a rebuild.
	if n := indexBehind(t, c.store); n != 0 {
		t.Errorf("after the next commit the index disagrees with the store on %d versions", n)
	}
	if d := tableBehind(t, c.store); d != "" {
		t.Errorf("after the next commit the Iceberg table disagrees with the store: %s", d)
	}
	if out, err := c.command("reindex").CombinedOutput(); err != nil || !strings.Contains(string(out), "index rebuilt") {
		t.Fatalf("ingest reindex: %v: %s", err, out)
	}
	if n := indexBehind(t, c.store); n != 0 {
		t.Errorf("after ingest reindex the index disagrees with the store on %d versions", n)
	}
	if d := tableBehind(t, c.store); d != "" {
		t.Errorf("after ingest reindex the Iceberg table disagrees with the store: %s", d)
	}
}

// tableBehind compares the snapshots of the dataset's Iceberg table with
// its versions, and the files of the newest with its manifest's.
func tableBehind(t *testing.T, store govlake.Store) string {
	t.Helper()
	ctx := context.Background()
	_, data, err := govlake.TableMetadata(ctx, store, "people")
	if err != nil || data == nil {
		return fmt.Sprintf("no table (%v)", err)
	}
	md, err := table.ParseMetadataBytes(data)
	if err != nil {
		return err.Error()
	}
	var snaps []int
	for _, s := range md.Snapshots() {
		snaps = append(snaps, int(s.SnapshotID))
	}
	vs, _ := govlake.Versions(ctx, store, "people")
	if !slices.Equal(snaps, vs) {
		return fmt.Sprintf("snapshots %v, versions %v", snaps, vs)
	}
	var m govlake.Manifest
	govlake.ReadJSON(ctx, store, govlake.ManifestKey("people", vs[len(vs)-1]), &m)
	if got := md.CurrentSnapshot().Summary.Properties["total-records"]; got != strconv.FormatInt(m.Rows.Valid, 10) {
		return fmt.Sprintf("the current snapshot has %s records, the latest version %d", got, m.Rows.Valid)
	}
	return ""
}

// indexBehind reads the catalogue index as a catalogue would and lists
// the store, and counts the versions in which they differ; the metadata,
// tombstones and publications must agree.
func indexBehind(t *testing.T, store govlake.Store) int {
	t.Helper()
	ctx := context.Background()
	read := govlake.StoreManifests(store)
	x, found, err := govlake.LoadIndex(ctx, store, read)
	if err != nil || !found {
		t.Fatalf("read the index: %v (found %v)", err, found)
	}
	scan, err := govlake.ScanIndex(ctx, store, read)
	if err != nil {
		t.Fatal(err)
	}
	d, s := x.Datasets["people"], scan.Datasets["people"]
	if d == nil || s == nil {
		t.Fatalf("people in the index: %v, in the store: %v", d != nil, s != nil)
	}
	differ := 0
	for _, v := range s.Versions {
		if got, ok := d.Find(v.N); !ok || !got.Created().Equal(v.Created()) || got.Rows != v.Rows || got.Draft != v.Draft {
			differ++
		}
	}
	differ += max(0, len(d.Versions)-len(s.Versions))
	if len(d.Versions) > 0 && !reflect.DeepEqual(d.Meta, s.Meta) {
		t.Errorf("metadata: index %+v, store %+v", d.Meta, s.Meta)
	}
	if !reflect.DeepEqual(d.Withdrawn, s.Withdrawn) || len(d.Published) != len(s.Published) {
		t.Errorf("tombstones or publications differ: %v %v / %v %v", d.Withdrawn, s.Withdrawn, d.Published, s.Published)
	}
	return differ
}

// checkSwept checks that no version folder holds data without a manifest
// (only the expired claims that make a reused number's next generation),
// that no committed version holds data its manifest does not list, and
// returns the latest version.
func checkSwept(t *testing.T, store govlake.Store) int {
	t.Helper()
	ctx := context.Background()
	objs, err := store.List(ctx, govlake.VersionsPrefix("people"))
	if err != nil {
		t.Fatal(err)
	}
	latest := 0
	for _, f := range govlake.VersionFolders("people", objs) {
		if f.Manifest == nil {
			if len(f.Data) > 0 {
				t.Errorf("version %d: no manifest, but data %v", f.Version, f.Data)
			}
			for _, c := range f.Claims {
				var claim govlake.Claim
				if err := govlake.ReadJSON(ctx, store, c.Key, &claim); err != nil || !claim.Expired(time.Now()) || f.Version < latest {
					t.Errorf("version %d: claim %s kept (%v, %+v; latest version %d)", f.Version, c.Key, err, claim, latest)
				}
			}
			continue
		}
		latest = f.Version
		m, err := govlake.ReadManifest(ctx, store, "people", f.Version)
		if err != nil {
			t.Fatal(err)
		}
		listed := map[string]bool{m.Rejected.Key: true}
		for _, file := range m.Files {
			listed[file.Key] = true
		}
		for _, files := range f.Data {
			for _, o := range files {
				if !listed[o.Key] {
					t.Errorf("version %d holds %s, which its manifest does not list", f.Version, o.Key)
				}
				delete(listed, o.Key)
			}
		}
		if len(listed) > 0 {
			t.Errorf("version %d: its manifest lists missing files %v", f.Version, listed)
		}
	}
	return latest
}

// Twenty kills of `ingest run` against a folder store, at random points,
// in the commit window and right after the manifest, then one sweep; the
// index must agree with the manifests after the next commit and after a
// rebuild.
func TestCrashesThenSweepFolder(t *testing.T) {
	storeDir := t.TempDir()
	c := newCrash(t, storeDir, testStore(t, storeDir), 400000)
	d := c.whole(0)
	c.noteWholeRuns()
	for round := 1; round <= 20; round++ {
		switch round % 3 {
		case 0:
			c.killAt(round, c.inCommit)
		case 1:
			c.killAt(round, random(d))
		default:
			c.killAt(round, c.afterManifest)
		}
	}
	c.sweepAndCheck()
	filepath.Walk(storeDir, func(p string, _ os.FileInfo, _ error) error {
		if strings.HasPrefix(filepath.Base(p), ".tmp-") {
			t.Errorf("unfinished write left: %s", p)
		}
		return nil
	})
}

// Five kills of `ingest run` against versitygw: two during the upload of
// the source (leaving multipart uploads), one in the commit window, two at
// random points; then one sweep.
func TestCrashesThenSweepS3(t *testing.T) {
	srv := vgwtest.Start(t)
	u := s3Bucket(t, srv, "crash")
	cfg, _ := s3.ParseURL(u)
	st, err := s3.New(context.Background(), cfg, discardLogger())
	if err != nil {
		t.Fatal(err)
	}
	// Over 8 MB, so the source goes up in parts.
	c := newCrash(t, u, openS3(t, u), 1200000)
	c.uploads = func() []string {
		keys, err := st.Uploads(context.Background(), "")
		if err != nil {
			t.Fatal(err)
		}
		return keys
	}
	d := c.whole(0)
	c.noteWholeRuns()
	points := []func(time.Time){c.inUpload, c.inUpload, c.inCommit, random(d), random(d)}
	for round, point := range points {
		c.killAt(round+1, point)
	}
	if len(c.uploads()) == 0 {
		t.Error("the kills left no multipart upload to sweep")
	}
	c.sweepAndCheck()
}
