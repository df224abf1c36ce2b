package main

import (
	"context"
	"io"
	"strings"
	"testing"

	"govlake/internal/deploytest"
)

// The deployment files (deploy/: systemd unit, Dockerfile, compose) start
// the catalogue with flags; each must be one the command knows, so the
// files cannot drift from it. (The image itself is not built here: this
// machine has no Docker engine.)
func TestDeployFilesUseKnownFlags(t *testing.T) {
	var help strings.Builder
	Main(context.Background(), []string{"-h"}, io.Discard, &help, nil)
	if n := strings.Count(help.String(), "\n  -"); n < 30 {
		t.Fatalf("read %d flags from -h:\n%s", n, help.String())
	}
	deploytest.CheckFlags(t, "catalog", help.String(), map[string]string{
		"../../deploy/systemd/govlake-catalog.service": `(?m)^ExecStart=/usr/local/bin/catalog (.*)$`,
		"../../deploy/Dockerfile":                      `(?m)^CMD \[(.*)\]$`,
		"../../deploy/compose.yaml":                    `(?m)^    command: \[("-addr".*)\]$`,
		"../../deploy/kubernetes/catalog.yaml":         `(?m)^\s+args: \[("-addr".*)\]$`,
	})
}
