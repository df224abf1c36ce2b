package govlake

import (
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"
)

// Table is one SQL table (a view over Parquet files) that the query engine
// offers: a dataset's latest version, an older version, or rejected rows.
type Table struct {
	Name    string
	Files   []string // local paths
	Columns []Column // used when there are no files, to give an empty table its shape
}

// TableSchema is a table as a database catalogue lists it: its name, its
// columns and what it holds (for BI tools, through the PostgreSQL endpoint).
type TableSchema struct {
	Name    string
	Columns []Column
	Comment string
}

// ResultColumn describes one column of a query result.
type ResultColumn struct {
	Name string `json:"name"`
	Type string `json:"type"`
}

// Result is a query result held in memory, capped at a row limit.
type Result struct {
	Columns   []ResultColumn `json:"columns"`
	Rows      [][]any        `json:"rows"`
	Truncated bool           `json:"truncated"`
	// TruncatedBy says which bound cut a truncated result: "rows" (the
	// page's row limit) or "bytes" (the bound on a held result's size).
	TruncatedBy string `json:"truncated_by,omitempty"`
}

// SQL names of a dataset's tables. The latest version is the dataset id;
// "__" cannot occur in ids, so these never collide with one.
func VersionTable(id string, n int) string         { return id + "__v" + strconv.Itoa(n) }
func RejectedTable(id string) string               { return id + "__rejected" }
func VersionRejectedTable(id string, n int) string { return VersionTable(id, n) + "__rejected" }
func AsOfTable(id string, day time.Time) string    { return id + "__asof_" + day.Format("20060102") }
func LastRunRejectedTable(id string) string        { return id + lastRunRejected }

// lastRunRejected ends the SQL name of a dataset's last run's rejections.
const lastRunRejected = "__last_run__rejected"

// CutLastRunRejected returns the dataset id of a last-run-rejections table
// name, and whether name is one.
func CutLastRunRejected(name string) (string, bool) { return strings.CutSuffix(name, lastRunRejected) }

// SavedQuery is SQL published under a name, with named parameters that
// callers fill in; values are bound, never pasted into the SQL.
type SavedQuery struct {
	Name        string       `json:"name"`
	Title       string       `json:"title"`
	Description string       `json:"description,omitempty"`
	SQL         string       `json:"sql"`
	Params      []QueryParam `json:"params,omitempty"`
	File        string       `json:"-"`
}

// QueryParam is one named parameter, written $name in the SQL.
type QueryParam struct {
	Name        string `json:"name"`
	Type        string `json:"type"` // string, integer, number, boolean, date
	Required    bool   `json:"required,omitempty"`
	Default     string `json:"default,omitempty"`
	Description string `json:"description,omitempty"`
}

var queryNamePattern = DatasetIDPattern

// Validate names every problem of a saved query.
func (q *SavedQuery) Validate() error {
	var errs []error
	add := func(format string, args ...any) {
		errs = append(errs, &Error{Code: EINVALID, Message: fmt.Sprintf(format, args...)})
	}
	if !queryNamePattern.MatchString(q.Name) {
		add("name: %q must match %s", q.Name, queryNamePattern)
	}
	if strings.TrimSpace(q.SQL) == "" {
		add("sql: required")
	}
	for _, p := range q.Params {
		switch p.Type {
		case "string", "integer", "number", "boolean", "date":
		default:
			add("params.%s.type: %q must be string, integer, number, boolean or date", p.Name, p.Type)
		}
		if !strings.Contains(q.SQL, "$"+p.Name) {
			add("params.%s: the sql does not use $%s", p.Name, p.Name)
		}
		if p.Default != "" {
			if _, err := p.Value(p.Default); err != nil {
				add("params.%s.default: %s", p.Name, ErrorMessage(err))
			}
		}
	}
	return errors.Join(errs...)
}

// Value converts a parameter's text to its type.
func (p QueryParam) Value(s string) (any, error) {
	switch p.Type {
	case "integer":
		if n, err := strconv.ParseInt(strings.TrimSpace(s), 10, 64); err == nil {
			return n, nil
		}
	case "number":
		if f, err := strconv.ParseFloat(strings.TrimSpace(s), 64); err == nil && !math.IsInf(f, 0) && !math.IsNaN(f) {
			return f, nil
		}
	case "boolean":
		if b, err := strconv.ParseBool(s); err == nil {
			return b, nil
		}
	case "date":
		if d, err := time.Parse(time.DateOnly, s); err == nil {
			return d, nil
		}
	default:
		return s, nil
	}
	return nil, Errorf(EINVALID, "%s: %q is not a valid %s", p.Name, s, p.Type)
}

// CellText writes a result value as text: numbers with every digit and no
// exponent, BLOBs in base64, nested values as JSON (the CSV writer's,
// CKAN's and the PostgreSQL endpoint's text of a value).
func CellText(v any) string {
	switch x := v.(type) {
	case nil:
		return ""
	case string:
		return x
	case json.Number:
		return string(x)
	case float64:
		// The shortest digits that read back as the same float.
		return strconv.FormatFloat(x, 'f', -1, 64)
	case []byte:
		return base64.StdEncoding.EncodeToString(x)
	case []any, map[string]any:
		b, _ := json.Marshal(x)
		return string(b)
	}
	return fmt.Sprint(v)
}
