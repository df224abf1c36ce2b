package main

import (
	"fmt"
	"io"
	"os"
	"strings"
	"sync"
	"time"

	"govlake/internal/govlake"
)

// progress shows how far runs have read: a bar redrawn in place on a
// terminal, a plain line now and then otherwise (logs, CI).
type progress struct {
	w        io.Writer
	terminal bool
	every    time.Duration // plain lines: at most one per interval
	now      func() time.Time

	mu      sync.Mutex
	start   time.Time
	last    time.Time
	dataset string
	drawn   bool
}

func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	st, err := f.Stat()
	return err == nil && st.Mode()&os.ModeCharDevice != 0
}

func newProgress(w io.Writer, now func() time.Time) *progress {
	return &progress{w: w, terminal: isTerminal(w), every: 10 * time.Second, now: now}
}

func (p *progress) report(pr govlake.Progress) {
	p.mu.Lock()
	defer p.mu.Unlock()
	now := p.now()
	if pr.Dataset != p.dataset {
		p.dataset, p.start, p.last, p.drawn = pr.Dataset, now, now, false
	}
	elapsed := now.Sub(p.start)
	rate := ""
	if s := elapsed.Seconds(); s > 0 {
		rate = fmt.Sprintf(", %s rows/s", count(int64(float64(pr.Rows)/s)))
	}
	pct := 100.0
	if pr.Size > 0 {
		pct = 100 * float64(pr.Bytes) / float64(pr.Size)
	}
	text := fmt.Sprintf("%s %5.1f%%  %s of %s, %s rows (%s rejected)%s", pr.Dataset, pct,
		bytesText(pr.Bytes), bytesText(pr.Size), count(pr.Rows), count(pr.Rejected), rate)
	if p.terminal {
		const width = 24
		fill := int(pct / 100 * width)
		bar := strings.Repeat("#", fill) + strings.Repeat(".", width-fill)
		fmt.Fprintf(p.w, "\r\033[K[%s] %s", bar, text)
		p.drawn = true
		if pr.Done {
			fmt.Fprint(p.w, "\r\033[K")
			p.drawn = false
		}
		return
	}
	// Plain lines only for runs long enough to need them.
	if now.Sub(p.last) >= p.every && !pr.Done {
		fmt.Fprintln(p.w, "progress:", text)
		p.last = now
	}
}

func bytesText(n int64) string {
	switch {
	case n >= 1<<30:
		return fmt.Sprintf("%.2f GB", float64(n)/(1<<30))
	case n >= 1<<20:
		return fmt.Sprintf("%.1f MB", float64(n)/(1<<20))
	case n >= 1<<10:
		return fmt.Sprintf("%.1f kB", float64(n)/(1<<10))
	}
	return fmt.Sprintf("%d B", n)
}

func count(n int64) string {
	s := fmt.Sprint(n)
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}
