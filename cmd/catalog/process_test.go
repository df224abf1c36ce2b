package main

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// The attack tests measure the catalogue's memory from /proc, so it runs
// in a process of its own: this test binary, started again with
// GOVLAKE_TEST_CATALOG holding its arguments (TestMain sends it here).
func runChild(argsJSON string) int {
	var args []string
	if err := json.Unmarshal([]byte(argsJSON), &args); err != nil {
		fmt.Fprintln(os.Stderr, "GOVLAKE_TEST_CATALOG:", err)
		return 2
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	ready := make(chan string, 1)
	go func() { fmt.Printf("listening %s\n", <-ready) }()
	return Main(ctx, args, io.Discard, os.Stderr, ready)
}

// catalogProcess is a catalogue serving in its own process.
type catalogProcess struct {
	url string
	pid int
	cmd *exec.Cmd
	log string // the file its standard error goes to
}

// startCatalogProcess serves storeDir from a child process until the test
// ends; its log goes to the test's log when the test fails.
func startCatalogProcess(t *testing.T, storeDir string, args ...string) *catalogProcess {
	t.Helper()
	all, _ := json.Marshal(append(append([]string{"-store", storeDir, "-addr", "127.0.0.1:0", "-refresh", "0", "-cache", t.TempDir()}, noClientLimits...), args...))
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), "GOVLAKE_TEST_CATALOG="+string(all), "TMPDIR="+t.TempDir())
	stdout, _ := cmd.StdoutPipe()
	logFile := filepath.Join(t.TempDir(), "catalog.log")
	lf, err := os.Create(logFile)
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stderr = lf
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		cmd.Process.Signal(syscall.SIGTERM)
		done := make(chan struct{})
		go func() { cmd.Wait(); close(done) }()
		select {
		case <-done:
		case <-time.After(20 * time.Second):
			cmd.Process.Kill()
			<-done
		}
		lf.Close()
		if t.Failed() || os.Getenv("GOVLAKE_TEST_LOG") != "" {
			b, _ := os.ReadFile(logFile)
			t.Logf("catalogue log:\n%s", tail(string(b), 4000))
		}
	})
	addr := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			if a, ok := strings.CutPrefix(sc.Text(), "listening "); ok {
				addr <- a
			}
		}
		io.Copy(io.Discard, stdout)
	}()
	select {
	case a := <-addr:
		return &catalogProcess{url: "http://" + a, pid: cmd.Process.Pid, cmd: cmd, log: logFile}
	case <-time.After(60 * time.Second):
		t.Fatal("the catalogue process did not start")
	}
	return nil
}

func tail(s string, n int) string {
	if len(s) > n {
		return s[len(s)-n:]
	}
	return s
}

// status reads one field of /proc/PID/status in bytes (VmHWM, VmRSS).
func (p *catalogProcess) status(t *testing.T, field string) int64 {
	t.Helper()
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", p.pid))
	if err != nil {
		t.Fatal(err)
	}
	for _, line := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(line, field+":"); ok {
			kb, err := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(v), " kB"), 10, 64)
			if err != nil {
				t.Fatal(err)
			}
			return kb << 10
		}
	}
	t.Fatalf("no %s in /proc/%d/status", field, p.pid)
	return 0
}

// deletedFiles counts the files the process holds open that were unlinked
// (spooled results).
func (p *catalogProcess) deletedFiles(t *testing.T) int {
	t.Helper()
	dir := fmt.Sprintf("/proc/%d/fd", p.pid)
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, e := range entries {
		if target, err := os.Readlink(filepath.Join(dir, e.Name())); err == nil && strings.HasSuffix(target, "(deleted)") && strings.Contains(target, "govlake-result-") {
			n++
		}
	}
	return n
}
