package main

import (
	"testing"

	"govlake/internal/deploytest"
)

// The deployment files start ingest serve with flags the command knows
// (see cmd/catalog's TestDeployFilesUseKnownFlags).
func TestDeployFilesUseKnownFlags(t *testing.T) {
	_, _, help := runIngest(t, "serve", "-h")
	deploytest.CheckFlags(t, "ingest serve", help, map[string]string{
		"../../deploy/systemd/govlake-ingest.service": `(?m)^ExecStart=/usr/local/bin/ingest serve (.*)$`,
		"../../deploy/compose.yaml":                   `(?m)^    command: \["serve", (.*)\]$`,
		"../../deploy/kubernetes/ingest-serve.yaml":   `(?m)^\s+args: \["serve", (.*)\]$`,
		"../../deploy/kubernetes/ingest-cronjob.yaml": `(?m)^\s+args: \["run", (.*)\]$`,
	})
}
