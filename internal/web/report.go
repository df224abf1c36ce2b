package web

import (
	"fmt"
	"net/http"
	"strconv"

	"govlake/internal/govlake"
)

// VersionReport is a version's manifest with its validation report.
type VersionReport struct {
	*govlake.Manifest
	Report Report `json:"report"`
}

// Report lists a version's first rejections.
type Report struct {
	Table    string              `json:"rejected_table"`
	Sample   []govlake.Rejection `json:"rejections"`
	Complete bool                `json:"complete"` // false when more rejections are in the table than listed
	// Errors are the same rejections in Frictionless' report terms, for
	// tools that read Frictionless validation reports.
	Errors []FrictionlessError `json:"errors"`
}

// FrictionlessError names a rejection with Frictionless' field names.
type FrictionlessError struct {
	Type       string `json:"type"`
	RowNumber  int64  `json:"rowNumber"`
	FieldName  string `json:"fieldName,omitempty"`
	Cell       string `json:"cell,omitempty"`
	Note       string `json:"note"`
	Message    string `json:"message"`
	Constraint string `json:"constraint,omitempty"` // the JSON Schema keyword
}

// frictionless maps a rejection to Frictionless' error types: cell
// conversion failures are type-error, other keywords constraint-error, and
// structure problems keep their own names (blank-row, extra-cell).
func frictionless(r govlake.Rejection) FrictionlessError {
	e := FrictionlessError{RowNumber: r.Row, FieldName: r.Column, Cell: r.Value, Note: r.Message, Constraint: r.Keyword}
	switch r.Keyword {
	case "type", "format":
		e.Type = "type-error"
	case govlake.KeywordBlankRow, govlake.KeywordExtraCell:
		e.Type, e.Constraint = r.Keyword, ""
	default:
		e.Type = "constraint-error"
	}
	where := fmt.Sprintf("row %d", r.Row)
	if r.Column != "" {
		where += fmt.Sprintf(", field %q", r.Column)
	}
	e.Message = fmt.Sprintf("%s: %s", where, r.Message)
	return e
}

// reportRows is how many rejections a version report lists.
const reportRows = 100

func (s *Server) version(r *http.Request) (*VersionReport, error) {
	id := r.PathValue("id")
	n, err := strconv.Atoi(r.PathValue("n"))
	if err != nil || n < 1 {
		return nil, govlake.Errorf(govlake.EINVALID, "version %q must be a positive whole number", r.PathValue("n"))
	}
	m, err := s.catalog.Version(r.Context(), id, n)
	if err != nil {
		return nil, err
	}
	v := &VersionReport{Manifest: m, Report: Report{Table: govlake.VersionRejectedTable(id, n), Sample: []govlake.Rejection{}, Errors: []FrictionlessError{}, Complete: true}}
	if m.Rejected == nil {
		return v, nil
	}
	rejs, complete, err := s.queries.Rejections(r.Context(), id, n, reportRows)
	if err != nil {
		return nil, err
	}
	v.Report.Sample, v.Report.Complete = rejs, complete
	for _, rj := range rejs {
		v.Report.Errors = append(v.Report.Errors, frictionless(rj))
	}
	return v, nil
}
