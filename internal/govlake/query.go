package govlake

import (
	"strconv"
	"time"
)

// Table is one SQL table (a view over Parquet files) that the query engine
// offers: a dataset's latest version, an older version, or rejected rows.
type Table struct {
	Name    string
	Files   []string // local paths
	Columns []Column // used when there are no files, to give an empty table its shape
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
}

// SQL names of a dataset's tables. The latest version is the dataset id;
// "__" cannot occur in ids, so these never collide with one.
func VersionTable(id string, n int) string         { return id + "__v" + strconv.Itoa(n) }
func RejectedTable(id string) string               { return id + "__rejected" }
func VersionRejectedTable(id string, n int) string { return VersionTable(id, n) + "__rejected" }
func AsOfTable(id string, day time.Time) string    { return id + "__asof_" + day.Format("20060102") }
