// Package vgwtest starts a real S3-compatible server, versitygw, for tests:
// on a free loopback port, over a fresh folder, with known credentials. The
// test script installs versitygw; with CI=true a missing binary fails the
// test instead of skipping it.
package vgwtest

import (
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// Credentials of the servers started here.
const (
	AccessKey = "govlake-test"
	SecretKey = "govlake-test-secret-8f3a"
)

// Server is one running versitygw.
type Server struct {
	Endpoint string // http://127.0.0.1:port
	Addr     string
	root     string
	bin      string
	cmd      *exec.Cmd
	t        testing.TB
	external bool
}

// Binary finds versitygw: $VERSITYGW, the PATH, or $GOPATH/bin.
func Binary() string {
	if p := os.Getenv("VERSITYGW"); p != "" {
		return p
	}
	if p, err := exec.LookPath("versitygw"); err == nil {
		return p
	}
	gopath := os.Getenv("GOPATH")
	if gopath == "" {
		home, _ := os.UserHomeDir()
		gopath = filepath.Join(home, "go")
	}
	p := filepath.Join(strings.Split(gopath, string(os.PathListSeparator))[0], "bin", "versitygw")
	if _, err := os.Stat(p); err == nil {
		return p
	}
	return ""
}

// Start starts a server that stops when the test ends, and sets the AWS
// credential variables for the test. With GOVLAKE_S3_ENDPOINT set, the tests
// use that server instead (MinIO, say), with GOVLAKE_S3_ACCESS_KEY and
// GOVLAKE_S3_SECRET_KEY; tests that stop the server skip there.
func Start(t testing.TB) *Server {
	t.Helper()
	if ep := os.Getenv("GOVLAKE_S3_ENDPOINT"); ep != "" {
		s := &Server{Endpoint: ep, Addr: strings.TrimPrefix(strings.TrimPrefix(ep, "http://"), "https://"), root: t.TempDir(), t: t, external: true}
		t.Setenv("AWS_ACCESS_KEY_ID", os.Getenv("GOVLAKE_S3_ACCESS_KEY"))
		t.Setenv("AWS_SECRET_ACCESS_KEY", os.Getenv("GOVLAKE_S3_SECRET_KEY"))
		t.Setenv("AWS_REGION", "us-east-1")
		t.Setenv("AWS_CONFIG_FILE", filepath.Join(s.root, "no-config"))
		t.Setenv("AWS_SHARED_CREDENTIALS_FILE", filepath.Join(s.root, "no-credentials"))
		return s
	}
	bin := Binary()
	if bin == "" {
		if os.Getenv("CI") == "true" {
			t.Fatal("versitygw is not installed; the test script installs it (go install github.com/versity/versitygw/cmd/versitygw@v1.8.0)")
		}
		t.Skip("versitygw is not installed")
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	s := &Server{Endpoint: "http://" + addr, Addr: addr, root: t.TempDir(), bin: bin, t: t}
	t.Setenv("AWS_ACCESS_KEY_ID", AccessKey)
	t.Setenv("AWS_SECRET_ACCESS_KEY", SecretKey)
	t.Setenv("AWS_REGION", "us-east-1")
	// Keep the tests from reading a developer's own AWS files.
	t.Setenv("AWS_CONFIG_FILE", filepath.Join(s.root, "no-config"))
	t.Setenv("AWS_SHARED_CREDENTIALS_FILE", filepath.Join(s.root, "no-credentials"))
	s.Restart()
	t.Cleanup(s.Stop)
	return s
}

// Restart starts the server again on the same port and folder.
func (s *Server) Restart() {
	s.t.Helper()
	if s.external {
		s.t.Skip("the server under test is not started by the tests")
	}
	data := filepath.Join(s.root, "data")
	os.MkdirAll(data, 0o755)
	cmd := exec.Command(s.bin, "--port", s.Addr, "--quiet", "posix", data)
	cmd.Env = append(os.Environ(), "ROOT_ACCESS_KEY="+AccessKey, "ROOT_SECRET_KEY="+SecretKey)
	logf, _ := os.Create(filepath.Join(s.root, "versitygw.log"))
	cmd.Stdout, cmd.Stderr = logf, logf
	if err := cmd.Start(); err != nil {
		s.t.Fatalf("start versitygw: %v", err)
	}
	s.cmd = cmd
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) {
		c, err := net.DialTimeout("tcp", s.Addr, 200*time.Millisecond)
		if err == nil {
			c.Close()
			return
		}
		time.Sleep(20 * time.Millisecond)
	}
	log, _ := os.ReadFile(filepath.Join(s.root, "versitygw.log"))
	s.t.Fatalf("versitygw did not start on %s: %s", s.Addr, log)
}

// Stop stops the server and waits for it to exit.
func (s *Server) Stop() {
	if s.external {
		s.t.Skip("the server under test is not started by the tests")
	}
	if s.cmd == nil || s.cmd.Process == nil {
		return
	}
	s.cmd.Process.Signal(syscall.SIGKILL)
	s.cmd.Wait()
	s.cmd = nil
}

// Bucket returns a new bucket name, unique within the server.
func (s *Server) Bucket(name string) string {
	return fmt.Sprintf("%s-%d", name, time.Now().UnixNano()%1e9)
}

// URL is the store URL of a bucket on this server.
func (s *Server) URL(bucket, prefix string) string {
	return fmt.Sprintf("s3://%s/%s?endpoint=%s&region=us-east-1", bucket, prefix, s.Endpoint)
}
