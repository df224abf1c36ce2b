// Package pg starts a throw-away PostgreSQL 15 cluster for the benchmarks
// and runs SQL in it with psql, reading psql's own timings.
package pg

import (
	"bufio"
	"fmt"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"strconv"
	"strings"
)

const bin = "/usr/lib/postgresql/15/bin"

// Server is a running cluster on a Unix socket.
type Server struct {
	data, sock string
}

func (s *Server) cmd(args ...string) *exec.Cmd {
	if os.Geteuid() == 0 { // initdb and postgres refuse root
		if _, err := user.Lookup("postgres"); err == nil {
			exec.Command("chown", "-R", "postgres", s.data, s.sock).Run()
			return exec.Command("runuser", append([]string{"-u", "postgres", "--"}, args...)...)
		}
	}
	return exec.Command(args[0], args[1:]...)
}

// Start makes a cluster below dir and starts it.
func Start(dir string) (*Server, error) {
	if _, err := os.Stat(filepath.Join(bin, "initdb")); err != nil {
		return nil, fmt.Errorf("PostgreSQL 15 is not installed (apt-get install postgresql-15)")
	}
	s := &Server{data: filepath.Join(dir, "pgdata"), sock: filepath.Join(dir, "pgsock")}
	os.RemoveAll(s.data)
	os.MkdirAll(s.data, 0o700)
	os.MkdirAll(s.sock, 0o777)
	os.Chmod(dir, 0o755)
	if out, err := s.cmd(filepath.Join(bin, "initdb"), "-D", s.data, "-A", "trust", "-U", "bench").CombinedOutput(); err != nil {
		return nil, fmt.Errorf("initdb: %v: %s", err, out)
	}
	opts := "-k " + s.sock + " -p 5499 -c listen_addresses='' -c shared_buffers=1GB -c work_mem=256MB -c max_parallel_workers_per_gather=2"
	if out, err := s.cmd(filepath.Join(bin, "pg_ctl"), "-D", s.data, "-w", "-l", filepath.Join(s.data, "log"), "-o", opts, "start").CombinedOutput(); err != nil {
		return nil, fmt.Errorf("start: %v: %s", err, out)
	}
	return s, nil
}

// Stop stops the cluster.
func (s *Server) Stop() {
	s.cmd(filepath.Join(bin, "pg_ctl"), "-D", s.data, "-m", "fast", "stop").Run()
}

// Exec runs SQL and returns psql's unaligned output.
func (s *Server) Exec(sql string) (string, error) {
	out, err := s.cmd("psql", "-h", s.sock, "-p", "5499", "-U", "bench", "-d", "postgres", "-v", "ON_ERROR_STOP=1", "-At", "-c", sql).CombinedOutput()
	if err != nil {
		return "", fmt.Errorf("%v: %s", err, out)
	}
	return strings.TrimSpace(string(out)), nil
}

// Timed runs the statements in one session and returns each one's time in
// milliseconds, as psql's \timing measures it.
func (s *Server) Timed(stmts []string) ([]float64, error) {
	script := "\\timing on\n" + strings.Join(stmts, ";\n") + ";\n"
	c := s.cmd("psql", "-h", s.sock, "-p", "5499", "-U", "bench", "-d", "postgres", "-v", "ON_ERROR_STOP=1", "-At")
	c.Stdin = strings.NewReader(script)
	out, err := c.StdoutPipe()
	if err != nil {
		return nil, err
	}
	var stderr strings.Builder
	c.Stderr = &stderr
	if err := c.Start(); err != nil {
		return nil, err
	}
	var ms []float64
	sc := bufio.NewScanner(out)
	sc.Buffer(make([]byte, 1<<20), 64<<20)
	for sc.Scan() {
		if v, ok := strings.CutPrefix(sc.Text(), "Time: "); ok {
			f, _ := strconv.ParseFloat(strings.Fields(v)[0], 64)
			ms = append(ms, f)
		}
	}
	if err := c.Wait(); err != nil {
		return nil, fmt.Errorf("%v: %s", err, stderr.String())
	}
	return ms, nil
}
