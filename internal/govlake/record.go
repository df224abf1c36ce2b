package govlake

// Record is one decoded source row: text cells in header order.
type Record struct {
	Row   int64 // 1-based source row, counted as a spreadsheet counts them
	Cells []string
}

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
}
