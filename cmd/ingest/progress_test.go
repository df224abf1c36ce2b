package main

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"govlake/internal/govlake"
)

func TestProgress(t *testing.T) {
	at := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	now := func() time.Time { return at }
	var plain bytes.Buffer
	p := newProgress(&plain, now)
	p.report(govlake.Progress{Dataset: "survey", Bytes: 1 << 20, Size: 4 << 20, Rows: 10000})
	at = at.Add(11 * time.Second)
	p.report(govlake.Progress{Dataset: "survey", Bytes: 2 << 20, Size: 4 << 20, Rows: 1100000, Rejected: 12})
	at = at.Add(time.Second)
	p.report(govlake.Progress{Dataset: "survey", Bytes: 3 << 20, Size: 4 << 20, Rows: 1200000}) // too soon for another line
	want := "progress: survey  50.0%  2.0 MB of 4.0 MB, 1,100,000 rows (12 rejected), 100,000 rows/s\n"
	if plain.String() != want {
		t.Errorf("plain output %q, want %q", plain.String(), want)
	}
	var term bytes.Buffer
	p = newProgress(&term, now)
	p.terminal = true
	p.report(govlake.Progress{Dataset: "survey", Bytes: 1 << 20, Size: 4 << 20, Rows: 5})
	p.report(govlake.Progress{Dataset: "survey", Bytes: 4 << 20, Size: 4 << 20, Rows: 9, Done: true})
	out := term.String()
	if !strings.Contains(out, "\r\033[K[######..................] survey  25.0%") || !strings.HasSuffix(out, "\r\033[K") {
		t.Errorf("terminal output %q", out)
	}
}

// ingest run on a pipe prints no bar.
func TestRunWithoutTerminalHasNoBar(t *testing.T) {
	p := newPipeline(t, "people", "id,name\n1,Aung\n", peopleSchema, "")
	_, out, errs := runIngest(t, "run", "-pipelines", p.dir, "-store", t.TempDir())
	if strings.Contains(out+errs, "\r") || strings.Contains(errs, "progress:") {
		t.Errorf("output %q %q", out, errs)
	}
}
