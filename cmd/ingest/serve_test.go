package main

import (
	"context"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"

	"govlake/internal/govlake"
)

// checkNoHalfVersions asserts the commit protocol's promise: every version
// folder either has a manifest whose files all exist, or is empty.
func checkNoHalfVersions(t *testing.T, store govlake.Store, id string) {
	t.Helper()
	ctx := context.Background()
	objs, err := store.List(ctx, govlake.VersionsPrefix(id))
	if err != nil {
		t.Fatal(err)
	}
	have := map[string]bool{}
	folders := map[int]bool{}
	for _, o := range objs {
		have[o.Key] = true
		if n, _, ok := govlake.ParseVersionKey(id, o.Key); ok {
			folders[n] = true
		}
	}
	for n := range folders {
		if !have[govlake.ManifestKey(id, n)] {
			var left []string
			for k := range have {
				if strings.HasPrefix(k, govlake.VersionPrefix(id, n)) {
					left = append(left, k)
				}
			}
			t.Errorf("version %d has no manifest but these objects: %v", n, left)
			continue
		}
		m := manifest(t, store, id, n)
		for _, f := range m.Files {
			if !have[f.Key] {
				t.Errorf("version %d: manifest names missing %s", n, f.Key)
			}
		}
	}
}

// A real `ingest serve` process: it runs on schedule, reloads a changed
// pipeline file, and on SIGTERM stops without leaving a half version.
func TestServeProcess(t *testing.T) {
	storeDir := t.TempDir()
	csv := manyPeople(600000)
	p := newPipeline(t, "people", csv, peopleSchema, "schedule: \"@every 1s\"\n")
	logPath := filepath.Join(t.TempDir(), "serve.log")
	logf, _ := os.Create(logPath)
	cmd := exec.Command(os.Args[0], "serve", "-pipelines", p.dir, "-store", storeDir, "-reload", "200ms", "-metrics-addr", "127.0.0.1:0")
	cmd.Env = append(os.Environ(), "GOVLAKE_AS_INGEST=1")
	cmd.Stdout, cmd.Stderr = logf, logf
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	store := testStore(t, storeDir)
	waitFor := func(what string, ok func() bool) {
		t.Helper()
		deadline := time.Now().Add(20 * time.Second)
		for !ok() {
			if time.Now().After(deadline) {
				log, _ := os.ReadFile(logPath)
				cmd.Process.Kill()
				t.Fatalf("timed out waiting for %s\n%s", what, log)
			}
			time.Sleep(50 * time.Millisecond)
		}
	}
	waitFor("version 1", func() bool { vs, _ := govlake.Versions(context.Background(), store, "people"); return len(vs) == 1 })
	// The daemon's metrics count the run that made it: 600,000 valid rows.
	log, _ := os.ReadFile(logPath)
	m := regexp.MustCompile(`msg="serving metrics" url=(\S+)`).FindSubmatch(log)
	if m == nil {
		t.Fatalf("no metrics address in the log:\n%s", log)
	}
	waitFor("the run in the metrics", func() bool {
		resp, err := http.Get(string(m[1]))
		if err != nil {
			return false
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return strings.Contains(string(b), `govlake_ingest_runs_total{dataset="people",status="succeeded"} 1`) &&
			strings.Contains(string(b), `govlake_ingest_rows_total{dataset="people",outcome="valid"} 600000`)
	})
	// A changed pipeline file is picked up without a restart.
	p.write("people.yaml", strings.Replace(p.yaml, "title: Test people", "title: Renamed by reload", 1))
	waitFor("the reload", func() bool {
		var m govlake.Metadata
		return govlake.ReadJSON(context.Background(), store, govlake.DatasetKey("people"), &m) == nil && m.Title == "Renamed by reload"
	})
	// A new source starts a long run; SIGTERM lands while it is going.
	p.write("data.csv", csv+"2,new row\n")
	waitFor("a run to start on the new source", func() bool {
		objs, _ := store.List(context.Background(), "datasets/people/raw/")
		return len(objs) == 2
	})
	cmd.Process.Signal(syscall.SIGTERM)
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	select {
	case err := <-done:
		if err != nil {
			log, _ := os.ReadFile(logPath)
			t.Fatalf("serve exited with %v\n%s", err, log)
		}
	case <-time.After(20 * time.Second):
		cmd.Process.Kill()
		t.Fatal("serve did not stop on SIGTERM")
	}
	log, _ = os.ReadFile(logPath)
	if !strings.Contains(string(log), "reloading pipeline files (changed)") || !strings.Contains(string(log), "the service is shutting down") || !strings.Contains(string(log), "msg=stopped") {
		t.Errorf("log lacks the reload or the stop:\n%s", log)
	}
	checkNoHalfVersions(t, store, "people")
}

// ingest serve also fetches the datasets a ministry defined through the
// catalogue's API with a URL and a schedule (definition.json and
// schema.json in the store, as PUT /api/v1/datasets/{id} writes them).
func TestServeFetchesAPIDefinedDatasets(t *testing.T) {
	storeDir, srcDir := t.TempDir(), t.TempDir()
	src := filepath.Join(srcDir, "cases.csv")
	os.WriteFile(src, []byte("week,cases\n2024-W01,12\n2024-W02,15\n"), 0o644)
	store := testStore(t, storeDir)
	ctx := context.Background()
	def := `{"dataset": "cases", "title": "Cases", "organization": "moh", "schedule": "@every 1s", "schema": "schema.json",
  "source": {"url": "` + src + `", "format": "csv"}}`
	schema := `{"type": "object", "properties": {"week": {"type": "string"}, "cases": {"type": "integer"}}}`
	store.Put(ctx, "datasets/cases/definition.json", strings.NewReader(def))
	store.Put(ctx, "datasets/cases/schema.json", strings.NewReader(schema))
	empty := t.TempDir()
	logPath := filepath.Join(t.TempDir(), "serve.log")
	logf, _ := os.Create(logPath)
	cmd := exec.Command(os.Args[0], "serve", "-pipelines", empty, "-store", storeDir, "-reload", "200ms")
	cmd.Env = append(os.Environ(), "GOVLAKE_AS_INGEST=1")
	cmd.Stdout, cmd.Stderr = logf, logf
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() { cmd.Process.Signal(syscall.SIGTERM); cmd.Wait() }()
	deadline := time.Now().Add(20 * time.Second)
	for {
		if vs, _ := govlake.Versions(ctx, store, "cases"); len(vs) == 1 {
			break
		}
		if time.Now().After(deadline) {
			log, _ := os.ReadFile(logPath)
			t.Fatalf("no version of the API-defined dataset:\n%s", log)
		}
		time.Sleep(50 * time.Millisecond)
	}
	m := manifest(t, store, "cases", 1)
	if m.Rows.Valid != 2 || m.Metadata.Organization != "moh" {
		t.Errorf("version 1: %+v %+v", m.Rows, m.Metadata)
	}
}
