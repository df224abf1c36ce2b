package govlake

import (
	"encoding/json"
	"time"
)

// Metadata describes a dataset for people. The current copy lives in
// dataset.json and may change without a new data version; each manifest keeps
// the copy that was current when its version was made.
type Metadata struct {
	ID           string   `json:"id"`
	Title        string   `json:"title"`
	Description  string   `json:"description,omitempty"`
	Organization string   `json:"organization,omitempty"`
	License      string   `json:"license,omitempty"`
	Tags         []string `json:"tags,omitempty"`
	// TitleTranslated and DescriptionTranslated hold the texts in every
	// language given (ckanext-fluent's names); Title and Description are
	// the English (or only) ones.
	TitleTranslated       Text `json:"title_translated,omitempty"`
	DescriptionTranslated Text `json:"description_translated,omitempty"`
	// Frequency is how often a new version is due (daily, weekly,
	// monthly, quarterly, annual, irregular): the page says when one is
	// overdue.
	Frequency string `json:"frequency,omitempty"`
	Coverage
	// Access "restricted": the dataset exists only for its organisation.
	Access    string    `json:"access,omitempty"`
	UpdatedAt time.Time `json:"updated_at,omitzero"`
}

// AccessRestricted datasets, their versions, pages, tables and catalogue
// entries exist only for their organisation (and admins).
const AccessRestricted = "restricted"

// SameAs reports whether two metadata records describe the dataset alike,
// ignoring when they were written.
func (m Metadata) SameAs(o Metadata) bool {
	m.UpdatedAt, o.UpdatedAt = time.Time{}, time.Time{}
	a, _ := json.Marshal(m)
	b, _ := json.Marshal(o)
	return string(a) == string(b)
}

// Column types of stored data, derived from the JSON Schema.
const (
	TypeInt64     = "int64"
	TypeFloat64   = "float64"
	TypeBool      = "bool"
	TypeDate      = "date"      // date32, from string with format date
	TypeTimestamp = "timestamp" // microseconds, UTC, from string with format date-time
	TypeString    = "string"

	// Types that only query results have.
	TypeUint64         = "uint64"
	TypeDecimal        = "decimal"         // exact, with Precision and Scale
	TypeTime           = "time"            // time of day, microseconds
	TypeTimestampLocal = "timestamp_local" // microseconds, no time zone (DuckDB's naive TIMESTAMP)
	TypeTimestampNS    = "timestamp_ns"    // nanoseconds, no time zone
	TypeBinary         = "binary"
)

// JSON types a text cell is converted to before validation (the same
// names as tabular's).
const (
	JSONInteger = "integer"
	JSONNumber  = "number"
	JSONBoolean = "boolean"
	JSONString  = "string"
)

// Column is one stored column.
type Column struct {
	Name     string `json:"name"`
	Type     string `json:"type"`
	Nullable bool   `json:"nullable"`
	// JSONType is the JSON Schema type a text cell is converted to before
	// validation: integer, number, boolean or string.
	JSONType string `json:"json_type"`
	// Precision and Scale of a TypeDecimal column.
	Precision int `json:"precision,omitempty"`
	Scale     int `json:"scale,omitempty"`
	// Source names the type the column had in the query engine, where the
	// stored type alone does not say it (a HUGEINT kept as text).
	Source string `json:"source_type,omitempty"`
}

// Manifest describes one immutable version. Its presence in the store is what
// makes the version exist.
type Manifest struct {
	Dataset   string          `json:"dataset"`
	Version   int             `json:"version"`
	RunID     string          `json:"run_id"`
	Metadata  Metadata        `json:"metadata"`
	Schema    json.RawMessage `json:"schema"`
	SchemaSHA string          `json:"schema_sha256"`
	// ProcessSHA digests everything besides the source bytes that shapes the
	// data: schema, format options, transform. Same source and same process
	// means the run has nothing new to publish.
	ProcessSHA string            `json:"process_sha256"`
	Columns    []Column          `json:"columns"`
	Files      []FileInfo        `json:"files"`
	Rejected   *FileInfo         `json:"rejected,omitempty"`
	Source     SourceInfo        `json:"source"`
	Rows       RowCounts         `json:"rows"`
	Validation ValidationSummary `json:"validation"`
	StartedAt  time.Time         `json:"started_at"`
	CreatedAt  time.Time         `json:"created_at"`
	// Draft versions are seen only by their organisation until a publisher
	// publishes them (a published.json beside the manifest).
	Draft bool `json:"draft,omitempty"`
	// DraftReasons say why the version waits for review.
	DraftReasons []string `json:"draft_reasons,omitempty"`
	// Profile sums up each column; Diff compares the version with the
	// previous one. Both are computed when the version is made.
	Profile []ColumnProfile `json:"profile,omitempty"`
	Diff    *DiffSummary    `json:"diff,omitempty"`
}

// FileInfo is one stored file of a version.
type FileInfo struct {
	Key  string `json:"key"`
	Size int64  `json:"size"`
	Rows int64  `json:"rows"`
	// SHA256 of the file's bytes (versions made before it was kept have none).
	SHA256 string `json:"sha256,omitempty"`
}

// SourceInfo records where a version's bytes came from.
type SourceInfo struct {
	URL    string `json:"url"`
	Format string `json:"format"`
	SHA256 string `json:"sha256"`
	Size   int64  `json:"size"`
	RawKey string `json:"raw_key"`
	// Origin says where a portal resource was found (portal, dataset, resource).
	Origin string `json:"origin,omitempty"`
	// Validators of an http(s) source, for a conditional GET next time.
	ETag         string `json:"etag,omitempty"`
	LastModified string `json:"last_modified,omitempty"`
}

// RowCounts counts the records of a run.
type RowCounts struct {
	Read     int64 `json:"read"`
	Valid    int64 `json:"valid"`
	Rejected int64 `json:"rejected"`
}

// InvalidRatio is the share of read rows that were rejected.
func (c RowCounts) InvalidRatio() float64 {
	if c.Read == 0 {
		return 0
	}
	return float64(c.Rejected) / float64(c.Read)
}

// Summary is one line of the dataset list.
type Summary struct {
	ID              string    `json:"id"`
	Title           string    `json:"title"`
	TitleTranslated Text      `json:"title_translated,omitempty"`
	Organization    string    `json:"organization"`
	Version         int       `json:"version"`
	Rows            int64     `json:"rows"`
	Updated         time.Time `json:"updated"`
}

// Detail is everything the dataset page and API show.
type Detail struct {
	Metadata
	Version int       `json:"version"`
	Rows    int64     `json:"rows"`
	Updated time.Time `json:"updated"`
	Schema  any       `json:"schema"`
	Columns []Column  `json:"columns"`
	Tables  Tables    `json:"tables"`
	// Versions are the newest (VersionsShown), newest first; VersionCount
	// counts them all and FirstVersion is when the first was made.
	Versions     []VersionSummary `json:"versions"`
	VersionCount int              `json:"version_count"`
	FirstVersion time.Time        `json:"first_version,omitzero"`
	Runs         []*Run           `json:"runs"`
	// The most recent run that made a version, and the most recent that
	// failed or was rejected, however long ago.
	LastSuccess *Run `json:"last_success,omitempty"`
	LastFailure *Run `json:"last_failure,omitempty"`
	// Profile of the latest version's columns, and its freshness against
	// the declared frequency.
	Profile   []ColumnProfile `json:"profile,omitempty"`
	Freshness Freshness       `json:"freshness"`
	// Files of the latest version as stored, and its source as received.
	Files  []FileInfo  `json:"files,omitempty"`
	Source *SourceInfo `json:"source,omitempty"`
}

// Tables names the SQL tables of a dataset.
type Tables struct {
	Latest   string `json:"latest"`
	Version  string `json:"version"` // pattern, with N for the version number
	Rejected string `json:"rejected"`
	// LastRunRejected holds the rejections of the newest run, whether it
	// made a version or not.
	LastRunRejected string `json:"last_run_rejected"`
	// Ready statements over the latest version: every row, and a sample.
	SelectAll string `json:"select_all"`
	Sample    string `json:"sample"`
}

// VersionSummary is one line of a dataset's history.
type VersionSummary struct {
	Version int       `json:"version"`
	Created time.Time `json:"created"`
	Rows    RowCounts `json:"rows"`
	SHA256  string    `json:"source_sha256"`
	Table   string    `json:"table"`
	RunID   string    `json:"run_id"`
	// Withdrawn says when, by whom and why the version was withdrawn; its
	// data is gone and its table answers 410.
	Withdrawn *Withdrawal `json:"withdrawn,omitempty"`
	// Draft: only its organisation sees it, until it is published.
	Draft        bool     `json:"draft,omitempty"`
	DraftReasons []string `json:"draft_reasons,omitempty"`
	// Diff against the version before it, when it was computed.
	Diff *DiffSummary `json:"diff,omitempty"`
}
