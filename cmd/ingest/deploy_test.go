package main

import (
	"os"
	"regexp"
	"testing"
)

// The deployment files start ingest serve with flags the command knows
// (see cmd/catalog's TestDeployFilesUseKnownFlags).
func TestDeployFilesUseKnownFlags(t *testing.T) {
	_, _, help := runIngest(t, "serve", "-h")
	known := map[string]bool{}
	for _, m := range regexp.MustCompile(`(?m)^  -([a-z0-9-]+)`).FindAllStringSubmatch(help, -1) {
		known[m[1]] = true
	}
	if !known["metrics-addr"] || !known["pipelines"] {
		t.Fatalf("flags read from -h: %v\n%s", known, help)
	}
	for file, pattern := range map[string]string{
		"../../deploy/systemd/govlake-ingest.service": `(?m)^ExecStart=/usr/local/bin/ingest serve (.*)$`,
		"../../deploy/compose.yaml":                   `(?m)^    command: \["serve", (.*)\]$`,
	} {
		b, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		m := regexp.MustCompile(pattern).FindSubmatch(b)
		if m == nil {
			t.Errorf("%s: no ingest serve command line", file)
			continue
		}
		flags := regexp.MustCompile(`(?:^|[\s"])-([a-z][a-z0-9-]*)`).FindAllStringSubmatch(string(m[1]), -1)
		if len(flags) < 3 {
			t.Errorf("%s: %d flags read from %q", file, len(flags), m[1])
		}
		for _, f := range flags {
			if !known[f[1]] {
				t.Errorf("%s: -%s is not a flag of ingest serve", file, f[1])
			}
		}
	}
}
