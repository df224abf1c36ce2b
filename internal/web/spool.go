package web

import (
	"errors"
	"io"
	"os"
	"sync"
	"sync/atomic"

	"govlake/internal/govlake"
)

// A spool holds a streamed result between the query that writes it and the
// client that reads it. The query never waits for the client: it runs at
// DuckDB's pace and gives its slot back when it ends, so a client that reads
// slowly, or not at all, holds a connection but no query slot. The first
// spoolMemory bytes stay in memory; the rest go to a file that is unlinked
// at once, so the disk is freed when the spool closes, even after a crash.
type spool struct {
	mu   sync.Mutex
	cond sync.Cond

	mem  []byte
	file *os.File
	size int64 // bytes written

	max   int64       // the result's byte budget
	pool  *spoolSpace // every spool's bytes on disk, bounded together
	dir   string
	taken int64 // bytes of pool this spool holds

	done bool  // the writer has finished
	err  error // why the writer stopped, if not at the end of the result
	gone error // why the reader stopped; the writer is told at its next write
}

// spoolMemory is what a result keeps in memory before it goes to disk.
const spoolMemory = 256 << 10

// spoolSpace bounds the disk all spools use together.
type spoolSpace struct {
	limit int64
	used  atomic.Int64
}

func (p *spoolSpace) take(n int64) bool {
	if p == nil || p.limit <= 0 {
		return true
	}
	if p.used.Add(n) > p.limit {
		p.used.Add(-n)
		return false
	}
	return true
}

func (p *spoolSpace) give(n int64) {
	if p != nil {
		p.used.Add(-n)
	}
}

func newSpool(dir string, max int64, pool *spoolSpace) *spool {
	s := &spool{dir: dir, max: max, pool: pool}
	s.cond.L = &s.mu
	return s
}

// Write appends p; it fails when the reader has gone, when the result
// passes its budget or when the server's spool space is full.
func (s *spool) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.gone != nil {
		return 0, s.gone
	}
	if s.max > 0 && s.size+int64(len(p)) > s.max {
		return 0, govlake.Errorf(govlake.ETOOLARGE, "the result passed %s, the most one query may send (-max-download): add a LIMIT or a WHERE, or download the dataset's stored files", govlake.ByteSize(s.max))
	}
	if s.file == nil && s.size+int64(len(p)) <= spoolMemory {
		s.mem = append(s.mem, p...)
		s.size += int64(len(p))
		s.cond.Broadcast()
		return len(p), nil
	}
	if s.file == nil {
		f, err := os.CreateTemp(s.dir, "govlake-result-*")
		if err != nil {
			return 0, govlake.Errorf(govlake.EUNAVAILABLE, "make a spool file for the result: %w", err)
		}
		os.Remove(f.Name()) // unlinked: freed when closed, whatever happens
		s.file = f
	}
	if !s.pool.take(int64(len(p))) {
		return 0, govlake.Errorf(govlake.EBUSY, "the server holds as many results for slow clients as it may (-spool-limit): try again in a moment")
	}
	s.taken += int64(len(p))
	if _, err := s.file.WriteAt(p, s.size-int64(len(s.mem))); err != nil {
		return 0, govlake.Errorf(govlake.EUNAVAILABLE, "spool the result: %w", err)
	}
	s.size += int64(len(p))
	s.cond.Broadcast()
	return len(p), nil
}

// finish ends the writer's side; err says why, if the result is not whole.
func (s *spool) finish(err error) {
	s.mu.Lock()
	s.done, s.err = true, err
	s.cond.Broadcast()
	s.mu.Unlock()
}

// abandon ends the reader's side: the writer stops at its next write.
func (s *spool) abandon(err error) {
	s.mu.Lock()
	if s.gone == nil {
		s.gone = err
	}
	s.cond.Broadcast()
	s.mu.Unlock()
}

// readAt fills p from offset off, waiting for the writer; io.EOF when the
// writer has finished and everything was read.
func (s *spool) readAt(p []byte, off int64) (int, error) {
	s.mu.Lock()
	for s.size <= off && !s.done {
		s.cond.Wait()
	}
	size, file, mem := s.size, s.file, s.mem
	s.mu.Unlock()
	if off >= size {
		return 0, io.EOF
	}
	if off < int64(len(mem)) {
		return copy(p, mem[off:]), nil
	}
	n := min(int64(len(p)), size-off)
	return file.ReadAt(p[:n], off-int64(len(mem)))
}

// close frees the file and the space; the writer must have finished.
func (s *spool) close() {
	if s.file != nil {
		s.file.Close()
	}
	s.pool.give(s.taken)
	s.taken = 0
}

// result is why the writer stopped short, nil for a whole result.
func (s *spool) result() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.err
}

// copyTo sends what the writer writes to w until the writer finishes or w
// fails, and says how much it sent. A failure of w abandons the spool, which stops the writer.
func (s *spool) copyTo(w io.Writer) (int64, error) {
	buf := make([]byte, 64<<10)
	var off int64
	for {
		n, err := s.readAt(buf, off)
		if n > 0 {
			if _, werr := w.Write(buf[:n]); werr != nil {
				s.abandon(errClientGone)
				return off, werr
			}
			off += int64(n)
		}
		if errors.Is(err, io.EOF) {
			return off, nil
		}
		if err != nil {
			s.abandon(errClientGone)
			return off, err
		}
	}
}

// errClientGone stops a query whose client went away or stopped reading.
var errClientGone = errors.New("the client stopped reading the result")

// SpoolLimit bounds the disk that results waiting for slow clients take
// together; a query that would pass it stops with EBUSY. 0 is no bound.
func (s *Server) SpoolLimit(n int64) { s.spool.limit = n }

// SpoolBytes is the disk results waiting for clients take now (metrics).
func (s *Server) SpoolBytes() int64 { return s.spool.used.Load() }
