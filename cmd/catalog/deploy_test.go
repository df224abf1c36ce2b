package main

import (
	"context"
	"io"
	"os"
	"regexp"
	"strings"
	"testing"
)

// The deployment files (deploy/: systemd unit, Dockerfile, compose) start
// the catalogue with flags; each must be one the command knows, so the
// files cannot drift from it. (The image itself is not built here: this
// machine has no Docker engine.)
func TestDeployFilesUseKnownFlags(t *testing.T) {
	var help strings.Builder
	Main(context.Background(), []string{"-h"}, io.Discard, &help, nil)
	known := map[string]bool{}
	for _, m := range regexp.MustCompile(`(?m)^  -([a-z0-9-]+)`).FindAllStringSubmatch(help.String(), -1) {
		known[m[1]] = true
	}
	if len(known) < 30 {
		t.Fatalf("read %d flags from -h:\n%s", len(known), help.String())
	}
	for file, pattern := range map[string]string{
		"../../deploy/systemd/govlake-catalog.service": `(?m)^ExecStart=/usr/local/bin/catalog (.*)$`,
		"../../deploy/Dockerfile":                      `(?m)^CMD \[(.*)\]$`,
		"../../deploy/compose.yaml":                    `(?m)^    command: \[("-addr".*)\]$`,
	} {
		b, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		m := regexp.MustCompile(pattern).FindSubmatch(b)
		if m == nil {
			t.Errorf("%s: no catalogue command line", file)
			continue
		}
		flags := regexp.MustCompile(`(?:^|[\s"])-([a-z][a-z0-9-]*)`).FindAllStringSubmatch(string(m[1]), -1)
		if len(flags) < 3 {
			t.Errorf("%s: %d flags read from %q", file, len(flags), m[1])
		}
		for _, f := range flags {
			if !known[f[1]] {
				t.Errorf("%s: -%s is not a flag of catalog", file, f[1])
			}
		}
	}
}
