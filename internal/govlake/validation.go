package govlake

import "sort"

// Keywords for problems found before the JSON Schema sees a row. They follow
// Frictionless' error names.
const (
	KeywordBlankRow   = "blank-row"
	KeywordExtraCell  = "extra-cell"
	KeywordEncoding   = "encoding"
	KeywordBlankLabel = "blank-label"
	KeywordDupLabel   = "duplicate-label"
	KeywordSource     = "source-error" // a record the reader could not read (a broken NDJSON line)
)

// Rejection is one reason one source row was rejected. A row with several
// problems has several rejections.
type Rejection struct {
	Row     int64  `json:"row"` // 1-based; the CSV header is row 1, as in a spreadsheet
	Column  string `json:"column"`
	Keyword string `json:"keyword"`
	Value   string `json:"value"`
	Message string `json:"message"`
}

// Warning is a problem of the file as a whole that did not stop the run,
// such as a blank header label.
type Warning struct {
	Row     int64  `json:"row"`
	Column  string `json:"column,omitempty"`
	Keyword string `json:"keyword"`
	Message string `json:"message"`
}

// ErrorCount counts rejections of one column and keyword.
type ErrorCount struct {
	Column  string `json:"column"`
	Keyword string `json:"keyword"`
	Count   int64  `json:"count"`
	// Example is the first rejection of this kind, so a report can show one.
	Example Rejection `json:"example"`
}

// ValidationSummary is what a manifest or run keeps of validation: counts per
// column and keyword, with an example of each, and file-level warnings.
type ValidationSummary struct {
	Valid    bool         `json:"valid"`
	Errors   int64        `json:"errors"`
	ByColumn []ErrorCount `json:"by_column,omitempty"`
	Warnings []Warning    `json:"warnings,omitempty"`
}

// Tally accumulates a ValidationSummary.
type Tally struct {
	errors int64
	counts map[[2]string]*ErrorCount
	warns  []Warning
}

// Add counts one rejection.
func (t *Tally) Add(r Rejection) {
	if t.counts == nil {
		t.counts = make(map[[2]string]*ErrorCount)
	}
	t.errors++
	k := [2]string{r.Column, r.Keyword}
	c, ok := t.counts[k]
	if !ok {
		c = &ErrorCount{Column: r.Column, Keyword: r.Keyword, Example: r}
		t.counts[k] = c
	}
	c.Count++
}

// Warn records a file-level warning.
func (t *Tally) Warn(w Warning) { t.warns = append(t.warns, w) }

// Summary returns the counts, most frequent first.
func (t *Tally) Summary() ValidationSummary {
	s := ValidationSummary{Valid: t.errors == 0, Errors: t.errors, Warnings: t.warns}
	for _, c := range t.counts {
		s.ByColumn = append(s.ByColumn, *c)
	}
	sort.Slice(s.ByColumn, func(i, j int) bool {
		a, b := s.ByColumn[i], s.ByColumn[j]
		if a.Count != b.Count {
			return a.Count > b.Count
		}
		if a.Column != b.Column {
			return a.Column < b.Column
		}
		return a.Keyword < b.Keyword
	})
	return s
}

// Violation is one failed schema keyword for one record, before it is tied
// to a source row.
type Violation struct {
	Column  string // the property, or "" for the record as a whole
	Keyword string
	Message string
}

// RejectedColumns are the columns of a rejected-rows file: one row per
// rejection, with the source record as JSON so that nothing is lost.
var RejectedColumns = []Column{
	{Name: "row", Type: TypeInt64, JSONType: JSONInteger},
	{Name: "column", Type: TypeString, JSONType: JSONString, Nullable: true},
	{Name: "keyword", Type: TypeString, JSONType: JSONString},
	{Name: "value", Type: TypeString, JSONType: JSONString, Nullable: true},
	{Name: "message", Type: TypeString, JSONType: JSONString},
	{Name: "record", Type: TypeString, JSONType: JSONString, Nullable: true},
}
