package csv

import (
	"bytes"
	"io"
	"strings"
	"unicode/utf8"
	"unsafe"

	"govlake/internal/tabular"
)

// chunkSize is about how many bytes of records a chunk holds.
const chunkSize = 256 << 10

// Chunks reports whether ReadChunk may be used: not with footer_rows, whose
// records are only known at the end.
func (r *Reader) Chunks() bool {
	return r.held.Footer == 0 && r.delim != '"' && r.delim != '\n' && r.delim != '\r'
}

// ReadChunk returns the text of the next whole records, to be parsed by the
// chunk's Records on any goroutine, or io.EOF. It finds where records end
// as the parser would (a quoted cell may hold line breaks), and counts rows
// and lines, so that each chunk's row numbers are the file's. Do not mix it
// with Read.
func (r *Reader) ReadChunk() (tabular.Chunk, error) {
	if r.chunkBytes == 0 {
		r.chunkBytes = chunkSize
	}
	if r.want == 0 {
		r.want = r.chunkBytes
		// A new buffer costs its clearing, about as much as parsing the
		// chunk's numbers: parsed chunks give theirs back.
		r.buffers = newFreeList[byte](r.chunkBytes + r.chunkBytes/4)
		r.lists = &recordLists{recs: newFreeList[tabular.Record](0), cells: newFreeList[string](0)}
	}
	for {
		if r.eof && len(r.carry) == 0 {
			return nil, io.EOF
		}
		if !r.eof && len(r.carry) < r.want {
			if cap(r.carry) < r.want {
				grown := make([]byte, len(r.carry), max(r.want+r.chunkBytes/4, r.chunkBytes+r.chunkBytes/4))
				copy(grown, r.carry)
				r.carry = grown
			}
			buf := r.carry
			for len(buf) < r.want && !r.eof {
				n, err := r.br.Read(buf[len(buf):cap(buf)])
				buf = buf[:len(buf)+n]
				if err == io.EOF {
					r.eof = true
				} else if err != nil {
					return nil, err
				}
			}
			r.carry = buf
		}
		cut, rows := r.boundary(r.carry, r.eof)
		if cut == 0 {
			// Not one whole record yet: read more, up to the line limit.
			if len(r.carry) > r.limits.LineBytes+2 {
				return nil, r.nextTooLong()
			}
			r.want = min(2*max(r.want, len(r.carry)), r.limits.LineBytes+r.chunkBytes)
			continue
		}
		r.want = r.chunkBytes
		c := &chunk{pool: r.buffers, lists: r.lists, pooled: r.chunkBytes + r.chunkBytes/4, data: r.carry[:cut], row: r.row, line: r.line, name: r.name, delim: r.delim, na: r.na, limits: r.limits}
		r.row += rows
		r.line += int64(bytes.Count(c.data, []byte{'\n'}))
		// The chunk owns its buffer (it goes back to the pool once
		// parsed); the rest moves to a buffer of its own.
		next := r.buffers.get(0)
		r.carry = append(next, r.carry[cut:]...)
		return c, nil
	}
}

// boundary returns the length of the whole records at the start of buf and
// their number. At the end of the input the rest is a record too, even an
// unclosed one, whose error the chunk's parse gives.
func (r *Reader) boundary(buf []byte, atEOF bool) (cut int, rows int64) {
	if atEOF {
		return len(buf), 0 // the last chunk: nothing follows to number
	}
	pos := 0
	for pos < len(buf) {
		rest := buf[pos:]
		q := bytes.IndexByte(rest, '"')
		if q < 0 {
			// No quote left: every line break ends a record.
			last := bytes.LastIndexByte(rest, '\n')
			if last < 0 {
				break
			}
			return pos + last + 1, rows + int64(bytes.Count(rest[:last+1], []byte{'\n'}))
		}
		// Lines before the quote's are records of their own.
		if ls := bytes.LastIndexByte(rest[:q], '\n'); ls >= 0 {
			rows += int64(bytes.Count(rest[:ls+1], []byte{'\n'}))
			pos += ls + 1
			continue
		}
		end, ok := recordEnd(buf, pos, r.delim)
		if !ok {
			break
		}
		pos = end
		rows++
	}
	return pos, rows
}

// recordEnd finds the end of the record that starts at pos, past its line
// break, as next parses it: a cell that starts with a quote runs to the
// closing quote, line breaks included, and then to the delimiter; any other
// cell runs to the delimiter or the line's end. ok is false when buf ends
// first.
func recordEnd(buf []byte, pos int, delim byte) (int, bool) {
	i, lineEnd := pos, -1
	for {
		if i < len(buf) && buf[i] == '"' {
			i++
			for {
				j := bytes.IndexByte(buf[i:], '"')
				if j < 0 {
					return 0, false
				}
				i += j + 1
				if i == len(buf) {
					return 0, false // a quote may follow
				}
				if buf[i] == '"' {
					i++
					continue
				}
				break
			}
		}
		// To the delimiter or the line's end.
		if lineEnd < i {
			nl := bytes.IndexByte(buf[i:], '\n')
			if nl < 0 {
				return 0, false
			}
			lineEnd = i + nl
		}
		d := bytes.IndexByte(buf[i:lineEnd], delim)
		if d < 0 {
			return lineEnd + 1, true
		}
		i += d + 1
	}
}

// freeList keeps the buffers of parsed chunks for the next ones. It is
// not a sync.Pool: the runtime lists every sync.Pool until two garbage
// collections have passed, so a pool inside a Reader kept the whole Reader
// (its 1 MB read buffer, its chunk buffers) alive that long; with ingest's
// GOGC of 200 the live heap, and the time between collections, grew with
// every pipeline run: `ingest run` over 2,000 small pipelines reached
// 2.6 GB.
type freeList[T any] struct {
	free chan []T
	size int // the capacity of a new buffer
}

// freeBuffers is enough for the chunks in flight from the reader through
// the parsing workers to the writer.
const freeBuffers = 16

func newFreeList[T any](size int) *freeList[T] {
	return &freeList[T]{free: make(chan []T, freeBuffers), size: size}
}

// get returns a kept buffer, or a new one of at least want.
func (f *freeList[T]) get(want int) []T {
	select {
	case b := <-f.free:
		if cap(b) >= want {
			return b
		}
	default:
	}
	return make([]T, 0, max(f.size, want))
}

func (f *freeList[T]) put(b []T) {
	select {
	case f.free <- b[:0]:
	default:
	}
}

// recordLists keeps the records and cells of released chunks: they hold
// pointers, so a new one is cleared when made and scanned by every garbage
// collection while it lives; for a large file they were a third of what
// parsing allocated.
type recordLists struct {
	recs  *freeList[tabular.Record]
	cells *freeList[string]
}

// chunk is whole records of a CSV file with where they start.
type chunk struct {
	pool      *freeList[byte] // where data goes once parsed, if its capacity is pooled
	pooled    int
	lists     *recordLists
	recs      []tabular.Record // given out by Records, kept again by Release
	cells     []string
	data      []byte
	row, line int64 // rows and lines before the chunk
	name      string
	delim     byte
	na        map[string]bool
	limits    Limits
}

// Release gives the chunk's text and records to the next chunks: nothing
// Records returned, the text and its cells included, may be used after
// it, so what outlives a batch is copied (strings.Clone).
func (c *chunk) Release() {
	if c.recs != nil {
		c.lists.recs.put(c.recs)
		c.lists.cells.put(c.cells)
		c.recs, c.cells = nil, nil
	}
	if c.data != nil && cap(c.data) == c.pooled {
		c.pool.put(c.data)
	}
	c.data = nil
}

// Records parses the chunk as Read would, record by record: blank rows are
// records with no cells, na_values are empty. Cells are cut from one string
// where they can be (most cells), so a chunk costs a few allocations.
func (c *chunk) Records() ([]tabular.Record, string, error) {
	// The text is the chunk's buffer itself, not a copy (a new megabyte per
	// chunk, cleared and copied, was a quarter of parsing): the buffer goes
	// back to the reader only at Release, once nothing uses its strings.
	text := unsafe.String(unsafe.SliceData(c.data), len(c.data))
	p := &parser{name: c.name, delim: c.delim, row: c.row, line: c.line, src: &stringLines{text: text}, limits: c.limits,
		quoteFree: strings.IndexByte(text, '"') < 0}
	n := strings.Count(text, "\n") + 1
	recs := c.lists.recs.get(n)
	cells := c.lists.cells.get(0)
	for {
		line, ok, _ := p.readLine()
		if !ok {
			break
		}
		start := len(cells)
		var err error
		if cells, err = p.record(cells, line); err != nil {
			// A bad byte in an earlier record is the first error, as in Read.
			if uerr := c.firstBadUTF8(recs); uerr != nil {
				return nil, "", uerr
			}
			return nil, "", err
		}
		if start == 0 && cap(cells) < n*(len(cells)+1) {
			// Room for every record as wide as the first.
			grown := c.lists.cells.get(n * (len(cells) + 1))[:len(cells)]
			copy(grown, cells)
			cells = grown
		}
		rec := cells[start:len(cells):len(cells)]
		if blank(rec) {
			cells = cells[:start]
			recs = append(recs, tabular.Record{Row: p.row})
			continue
		}
		emptyNA(rec, c.na)
		recs = append(recs, tabular.Record{Row: p.row, Cells: rec, Note: note(p.kept)})
	}
	if !utf8.ValidString(text) {
		if err := c.firstBadUTF8(recs); err != nil {
			return nil, "", err
		}
	}
	c.recs, c.cells = recs, cells
	return recs, text, nil
}

// firstBadUTF8 finds the first cell that is not UTF-8, in file order: the
// same error as Read's.
func (c *chunk) firstBadUTF8(recs []tabular.Record) error {
	for _, rec := range recs {
		if err := checkUTF8(c.name, rec.Row, rec.Cells); err != nil {
			return err
		}
	}
	return nil
}

// stringLines gives the parser the lines of a chunk.
type stringLines struct {
	text string
	pos  int
}

func (s *stringLines) nextLine() (string, bool, error) {
	if s.pos >= len(s.text) {
		return "", false, nil
	}
	rest := s.text[s.pos:]
	i := strings.IndexByte(rest, '\n')
	var line string
	if i < 0 {
		line, s.pos = rest, len(s.text)
	} else {
		line, s.pos = rest[:i], s.pos+i+1
	}
	return strings.TrimSuffix(line, "\r"), true, nil
}
