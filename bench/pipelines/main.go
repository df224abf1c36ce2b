// Command pipelines measures `ingest run` over many pipelines in one
// process: the repository's real pipelines, copied under new dataset ids
// until there are -n of them. It runs the ingest command twice, over a
// tenth of them (the baseline) and over all of them, each in its own
// process and store, checks that every pipeline made its version, and
// prints the time and the peak resident memory of each: memory must not
// grow with the number of pipelines.
//
//	go run ./bench/pipelines [-n 2000] [-dir DIR]
package main

import (
	"bufio"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"time"
)

func main() {
	n := flag.Int("n", 2000, "pipelines in the large run")
	dir := flag.String("dir", filepath.Join(os.TempDir(), "govlake-bench-pipelines"), "work folder")
	flag.Parse()
	if err := run(*n, *dir); err != nil {
		fmt.Fprintln(os.Stderr, "bench/pipelines:", err)
		os.Exit(1)
	}
}

func run(n int, dir string) error {
	repo, err := filepath.Abs(".")
	if err != nil {
		return err
	}
	if _, err := os.Stat(filepath.Join(repo, "pipelines")); err != nil {
		return fmt.Errorf("run from the repository's root: %w", err)
	}
	os.RemoveAll(dir)
	bin := filepath.Join(dir, "ingest")
	if out, err := exec.Command("go", "build", "-o", bin, "./cmd/ingest").CombinedOutput(); err != nil {
		return fmt.Errorf("build ingest: %v: %s", err, out)
	}
	fmt.Printf("bench/pipelines: `ingest run` over the repository's %s pipelines copied under new ids\n", "real")
	fmt.Printf("%10s %10s %12s %14s\n", "pipelines", "seconds", "ms/pipeline", "peak RSS MB")
	var rss []int64
	for _, k := range []int{max(n/10, 1), n} {
		p := filepath.Join(dir, fmt.Sprintf("p%d", k))
		if err := copies(repo, p, k); err != nil {
			return err
		}
		took, peak, err := ingest(bin, p, filepath.Join(dir, fmt.Sprintf("store%d", k)), k)
		if err != nil {
			return err
		}
		rss = append(rss, peak)
		fmt.Printf("%10d %10.1f %12.1f %14d\n", k, took.Seconds(), float64(took.Milliseconds())/float64(k), peak>>10)
	}
	fmt.Printf("peak RSS over %d pipelines is %.2f times that over %d\n", n, float64(rss[1])/float64(rss[0]), max(n/10, 1))
	return nil
}

var relative = regexp.MustCompile(`(?m)^(\s*(?:url|schema):\s*)\.\./`)

// copies writes k pipeline files into dir: the repository's pipelines in
// turn, each under the id <id>_<i>, with their paths made absolute.
func copies(repo, dir string, k int) error {
	files, err := filepath.Glob(filepath.Join(repo, "pipelines", "*.yaml"))
	if err != nil || len(files) == 0 {
		return fmt.Errorf("no pipeline files in %s/pipelines", repo)
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	for i := range k {
		b, err := os.ReadFile(files[i%len(files)])
		if err != nil {
			return err
		}
		text := relative.ReplaceAllString(string(b), "${1}"+repo+"/")
		id := strings.TrimSuffix(filepath.Base(files[i%len(files)]), ".yaml")
		newID := fmt.Sprintf("%s_%05d", id, i)
		text = strings.Replace(text, "dataset: "+id+"\n", "dataset: "+newID+"\n", 1)
		text = strings.Replace(text, "schedule:", "# schedule:", 1)
		if err := os.WriteFile(filepath.Join(dir, newID+".yaml"), []byte(text), 0o644); err != nil {
			return err
		}
	}
	return nil
}

// ingest runs `ingest run` over dir, checks every pipeline succeeded and
// returns the time and the peak RSS in KB.
func ingest(bin, dir, store string, k int) (time.Duration, int64, error) {
	cmd := exec.Command(bin, "run", "-pipelines", dir, "-store", store)
	out, err := cmd.StdoutPipe()
	if err != nil {
		return 0, 0, err
	}
	cmd.Stderr = os.Stderr
	start := time.Now()
	if err := cmd.Start(); err != nil {
		return 0, 0, err
	}
	ok, lines := 0, 0
	sc := bufio.NewScanner(out)
	for sc.Scan() {
		lines++
		if f := strings.Fields(sc.Text()); len(f) > 1 && f[1] == "succeeded" {
			ok++
		}
	}
	err = cmd.Wait()
	took := time.Since(start)
	if err != nil || ok != k {
		return 0, 0, fmt.Errorf("ingest run over %d pipelines: %d succeeded of %d lines (%v)", k, ok, lines, err)
	}
	return took, cmd.ProcessState.SysUsage().(*syscall.Rusage).Maxrss, nil
}
