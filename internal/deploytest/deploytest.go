// Package deploytest checks, for the commands' tests, that the deployment
// files in deploy/ (systemd units, Dockerfile, compose) start a command
// only with flags it knows, so the files cannot drift from the code.
package deploytest

import (
	"os"
	"regexp"
	"testing"
)

// CheckFlags reads the flags a command prints for -h (help) and checks
// every flag on the command lines that each file's pattern captures.
func CheckFlags(t *testing.T, command, help string, files map[string]string) {
	t.Helper()
	known := map[string]bool{}
	for _, m := range regexp.MustCompile(`(?m)^  -([a-z0-9-]+)`).FindAllStringSubmatch(help, -1) {
		known[m[1]] = true
	}
	if len(known) < 3 {
		t.Fatalf("read %d flags of %s from -h:\n%s", len(known), command, help)
	}
	for file, pattern := range files {
		b, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		m := regexp.MustCompile(pattern).FindSubmatch(b)
		if m == nil {
			t.Errorf("%s: no %s command line", file, command)
			continue
		}
		flags := regexp.MustCompile(`(?:^|[\s"])-([a-z][a-z0-9-]*)`).FindAllStringSubmatch(string(m[1]), -1)
		if len(flags) < 3 {
			t.Errorf("%s: %d flags read from %q", file, len(flags), m[1])
		}
		for _, f := range flags {
			if !known[f[1]] {
				t.Errorf("%s: -%s is not a flag of %s", file, f[1], command)
			}
		}
	}
}
