package main

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"govlake/internal/govlake"
)

// An ingest run killed with SIGKILL mid-run leaves its record, written at
// the start as running with its deadline, which reads as died once the
// deadline is past; no half version; and its work folder, which the next
// run removes before committing a whole version.
func TestKilledRunLeavesARecord(t *testing.T) {
	storeDir := t.TempDir()
	csv := manyPeople(1500000)
	p := newPipeline(t, "people", csv, peopleSchema, "timeout: 10m\n")
	store := testStore(t, storeDir)
	work := t.TempDir() // the runs' TMPDIR, where their work folders go
	ingest := func() *exec.Cmd {
		cmd := exec.Command(os.Args[0], "run", "-pipelines", p.dir, "-store", storeDir)
		cmd.Env = append(os.Environ(), "GOVLAKE_AS_INGEST=1", "TMPDIR="+work)
		return cmd
	}
	left, seen := 0, map[string]bool{}
	for round := 1; round <= 3; round++ {
		cmd := ingest()
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		// Kill it at a different point each round: after its record
		// appears, then a little later (a run of these rows takes about a
		// second on a 2-core machine: every kill lands inside it).
		var key string
		for end := time.Now().Add(20 * time.Second); key == "" && time.Now().Before(end); time.Sleep(time.Millisecond) {
			objs, _ := store.List(context.Background(), govlake.RunsPrefix("people"))
			for _, o := range objs {
				var r govlake.Run
				if strings.HasSuffix(o.Key, ".json") && !seen[o.Key] && govlake.ReadJSON(context.Background(), store, o.Key, &r) == nil && r.Status == govlake.RunRunning {
					key = o.Key
				}
			}
		}
		time.Sleep(time.Duration(round-1) * 60 * time.Millisecond)
		cmd.Process.Kill()
		cmd.Wait()
		if key == "" {
			t.Fatalf("round %d: no running record appeared", round)
		}
		seen[key] = true
		var r govlake.Run
		if err := govlake.ReadJSON(context.Background(), store, key, &r); err != nil {
			t.Fatal(err)
		}
		if r.Status != govlake.RunRunning && r.Status != govlake.RunSucceeded {
			t.Fatalf("round %d: the killed run's record says %s", round, r.Status)
		}
		if r.Status == govlake.RunRunning {
			if !r.Deadline.Equal(r.StartedAt.Add(10 * time.Minute)) {
				t.Errorf("round %d: deadline %s for a start at %s and a 10m timeout", round, r.Deadline, r.StartedAt)
			}
			if d := r.At(r.Deadline.Add(2 * time.Minute)); d.Status != govlake.RunDied || !strings.Contains(d.Error, "its process was killed or its machine stopped") || !d.Failed() {
				t.Errorf("round %d: past its deadline the record reads %s: %s", round, d.Status, d.Error)
			}
			if r.At(r.Deadline).Status != govlake.RunRunning {
				t.Errorf("round %d: died before its deadline", round)
			}
		}
		checkNoHalfVersions(t, store, "people")
		dirs, _ := filepath.Glob(filepath.Join(work, "govlake-run-*"))
		left = len(dirs)
	}
	// The killed runs left their work folders; the next run removes them.
	if left == 0 {
		t.Errorf("the killed runs left no work folder to sweep")
	}
	if out, err := ingest().CombinedOutput(); err != nil || !strings.Contains(string(out), "succeeded") {
		t.Fatalf("the run after the kills: %v: %s", err, out)
	}
	if dirs, _ := filepath.Glob(filepath.Join(work, "govlake-run-*")); len(dirs) != 0 {
		t.Errorf("work folders left after the next run: %v", dirs)
	}
	checkNoHalfVersions(t, store, "people")
	runs, _ := filepath.Glob(filepath.Join(storeDir, "runs", "people", "*.json"))
	if len(runs) != 4 {
		t.Errorf("%d run records for 3 killed runs and 1 whole one", len(runs))
	}
}

// manyPeople is a people CSV of n rows, enough for a run that takes a while.
func manyPeople(n int) string {
	var b strings.Builder
	b.WriteString("id,name\n")
	for range n {
		b.WriteString("1,some name for row\n")
	}
	return b.String()
}
