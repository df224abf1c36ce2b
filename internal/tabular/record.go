package tabular

// Record is one decoded source row: text cells in header order.
type Record struct {
	Row   int64 // 1-based source row, counted as a spreadsheet counts them
	Cells []string
	// Problem, when set, says why the reader could not read this record
	// (a broken line of an NDJSON file): it is rejected as a whole, and
	// the reading goes on.
	Problem string
	// Note, when set, names something the reader did to read the record
	// that people should know (NoteQuoteKept); it is counted and reported.
	Note string
}

// NoteQuoteKept: a cell that began with a quote had text after its closing
// quote, so it was not a quoted cell: it is kept exactly as written.
const NoteQuoteKept = "quote-kept"

// RecordReader reads a decoded tabular source. The csv, xlsx and json
// decoders implement it; validation sees only this.
type RecordReader interface {
	// Header returns the column labels, as read (a later step names blank
	// or repeated labels).
	Header() []string
	// HeaderRow is the source row of the header (1 without skip_rows).
	HeaderRow() int64
	// Read returns the next record, or io.EOF. The Cells slice may be reused
	// by the next call.
	Read() (Record, error)
	// Close releases what the reader holds (a workbook, a database); it may
	// be called more than once, and after any error.
	Close() error
}

// Chunk is the text of whole records, cut from a source by one reader and
// parsed on any goroutine, so that parsing uses every core.
type Chunk interface {
	// Records parses the chunk. Blank rows are records with no cells, even
	// at the end: only the reader of the whole source knows what follows.
	// The cells are cut from text, one string, so a scan of text is a scan
	// of every cell.
	Records() (recs []Record, text string, err error)
	// Release gives the records' memory, and the text's, to later chunks:
	// nothing Records returned, text and cells included, may be used
	// after it; what must outlive it is copied (strings.Clone).
	Release()
}

// Held keeps records back while a reader cannot yet tell what they are:
// blank rows until data follows them (blank rows at the end of a file are
// only line endings), and the last Footer records, never given out.
type Held struct {
	Footer  int
	pending []Record
	blank   []int64
}

// Blank notes a blank row.
func (h *Held) Blank(row int64) { h.blank = append(h.blank, row) }

// Data adds a data record; the blank rows before it become records.
func (h *Held) Data(rec Record) {
	for _, b := range h.blank {
		h.pending = append(h.pending, Record{Row: b})
	}
	h.blank = h.blank[:0]
	h.pending = append(h.pending, rec)
}

// Next returns a record that may be given out, if there is one. A blank
// row waits for a data row that is not in the footer: blank rows between
// the data and the footer are not rows either.
func (h *Held) Next() (Record, bool) {
	out := len(h.pending) - h.Footer // records before the footer window
	if out <= 0 {
		return Record{}, false
	}
	rec := h.pending[0]
	if len(rec.Cells) == 0 && rec.Problem == "" {
		data := false
		for _, r := range h.pending[1:out] {
			data = data || len(r.Cells) > 0
		}
		if !data {
			return Record{}, false
		}
	}
	h.pending = h.pending[1:]
	return rec, true
}
