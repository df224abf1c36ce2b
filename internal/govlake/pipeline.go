package govlake

import (
	"errors"
	"fmt"
	"io"
	"regexp"
	"slices"
	"strings"
	"time"
)

// DatasetIDPattern is the contract for dataset ids: they are also SQL table names.
var DatasetIDPattern = regexp.MustCompile(`^[a-z][a-z0-9_]{0,62}$`)

// What to do with rows that fail validation.
const (
	OnInvalidReject     = "reject"     // no new version if any row is invalid
	OnInvalidQuarantine = "quarantine" // keep valid rows, store the rest with reasons
)

// Frequencies a dataset may declare, and how long each gives before a new
// version is overdue (FrequencyDue).
var Frequencies = []string{"daily", "weekly", "monthly", "quarterly", "annual", "irregular"}

// FrequencyDue is how long after a version the next one is due; zero for
// irregular or undeclared.
func FrequencyDue(f string) time.Duration {
	const day = 24 * time.Hour
	switch f {
	case "daily":
		return day
	case "weekly":
		return 7 * day
	case "monthly":
		return 31 * day
	case "quarterly":
		return 92 * day
	case "annual":
		return 366 * day
	}
	return 0
}

// Pipeline is one dataset's definition, read from a pipeline file.
type Pipeline struct {
	Dataset      string   `json:"dataset"`
	Title        string   `json:"title"`
	Description  string   `json:"description,omitempty"`
	Organization string   `json:"organization,omitempty"`
	License      string   `json:"license,omitempty"`
	Tags         []string `json:"tags,omitempty"`
	// The title and description in every language given (Title and
	// Description are the English ones, or the only ones).
	TitleTranslated       Text   `json:"title_translated,omitempty"`
	DescriptionTranslated Text   `json:"description_translated,omitempty"`
	Frequency             string `json:"frequency,omitempty"`
	Coverage
	// PrimaryKey names the columns that identify a row, for the diff of a
	// version against the one before it.
	PrimaryKey      []string `json:"primary_key,omitempty"`
	Schedule        string   `json:"schedule,omitempty"`
	Source          Source   `json:"source"`
	Schema          string   `json:"schema"`
	OnInvalid       string   `json:"on_invalid"`
	MaxInvalidRatio float64  `json:"max_invalid_ratio"`
	// AllowEmpty lets a run with no valid row make a version; without it
	// such a run fails and the latest version stays as it was.
	AllowEmpty bool `json:"allow_empty,omitempty"`
	// Timeout is the hard limit of one run; a run still going is stopped
	// and recorded as failed, and no half version is left.
	Timeout time.Duration `json:"timeout"`

	// Access "restricted" shows the dataset to its organisation only.
	Access string `json:"access,omitempty"`
	// PersonalData "expected" lets an upload with columns that look like
	// personal data be published without review.
	PersonalData string `json:"personal_data,omitempty"`
	// Draft makes the version a draft, for these reasons (review required,
	// personal data found); set by the publisher, never by a file.
	Draft []string `json:"-"`

	// File is the pipeline file the definition came from; Source.URL and
	// Schema are already resolved against its folder.
	File string `json:"-"`
}

// Source says where a dataset's bytes come from and how to decode them.
type Source struct {
	URL string `json:"url"`
	// CKAN, Package and Resource name a CKAN portal's dataset instead of a
	// URL: the resource is found through package_show, and the portal's
	// metadata is kept with each version.
	CKAN       string   `json:"ckan,omitempty"`
	Package    string   `json:"package,omitempty"`
	Resource   string   `json:"resource,omitempty"`
	Format     string   `json:"format"`
	Delimiter  string   `json:"delimiter,omitempty"`
	Encoding   string   `json:"encoding,omitempty"`
	SkipRows   int      `json:"skip_rows,omitempty"`
	FooterRows int      `json:"footer_rows,omitempty"`
	NAValues   []string `json:"na_values,omitempty"`
	Sheet      string   `json:"sheet,omitempty"`
	Transform  string   `json:"transform,omitempty"`
	// Headers are sent with an http(s) request. A value may name environment
	// variables as ${NAME}; secrets must come that way, never written here.
	Headers map[string]string `json:"headers,omitempty"`
	// AllowPrivateNetwork lets an http(s) or CKAN source reach loopback,
	// link-local and private addresses, which are refused by default.
	AllowPrivateNetwork bool `json:"allow_private_network,omitempty"`
	// MaxLineBytes, MaxCellBytes and MaxColumns bound one record of a
	// delimited source (0: the defaults, 32 MB, 16 MB and 16,384).
	MaxLineBytes int `json:"max_line_bytes,omitempty"`
	MaxCellBytes int `json:"max_cell_bytes,omitempty"`
	MaxColumns   int `json:"max_columns,omitempty"`
	// MaxBytes bounds the size of the fetched source, and what a compressed
	// one unpacks to (0: DefaultMaxBytes).
	MaxBytes int64 `json:"max_bytes,omitempty"`
	// Zawgyi says what to do with Burmese text in the Zawgyi encoding:
	// detect (report it, the default), convert (to Unicode) or off.
	Zawgyi string `json:"zawgyi,omitempty"`
	// Normalize says whether text is put in Unicode NFC: "" (the default,
	// NFC) or NormalizeNone.
	Normalize string `json:"normalize,omitempty"`
	// How numbers are written: the decimal mark ("." or ","), the
	// thousands separator, and what a trailing % means (fraction, number or
	// off); Columns overrides them for some columns.
	NumberStyle
	Columns map[string]NumberStyle `json:"columns,omitempty"`
	// Shown is how the source is named to people, in records, pages and
	// messages: a URL as it is, a local file by its path relative to the
	// pipeline file's folder; never an absolute path on the server.
	Shown string `json:"-"`
	// Records is the path to the array of records in a JSON document that
	// wraps it, such as data.items for {"data": {"items": [...]}}.
	Records string `json:"records,omitempty"`
	// HeaderRows is how many rows of a workbook make its header (merged
	// cells across them), joined into one label per column.
	HeaderRows int `json:"header_rows,omitempty"`
}

// NumberStyle says how a file writes the numbers of a column.
type NumberStyle struct {
	Decimal   string `json:"decimal,omitempty"`
	Thousands string `json:"thousands,omitempty"`
	Percent   string `json:"percent,omitempty"`
}

// Merge returns s with the fields o sets.
func (s NumberStyle) Merge(o NumberStyle) NumberStyle {
	if o.Decimal != "" {
		s.Decimal = o.Decimal
	}
	if o.Thousands != "" {
		s.Thousands = o.Thousands
	}
	if o.Percent != "" {
		s.Percent = o.Percent
	}
	return s
}

// validate names what is wrong with a number style.
func (s NumberStyle) validate(where string, add func(format string, args ...any)) {
	switch s.Decimal {
	case "", ".", ",":
	default:
		add("%sdecimal: %q must be \".\" or \",\"", where, s.Decimal)
	}
	switch s.Thousands {
	case "", ",", ".", " ", "'", "\u00a0", "\u202f":
	default:
		add("%sthousands: %q must be \",\", \".\", \" \", \"'\" or a no-break space", where, s.Thousands)
	}
	if s.Thousands != "" && s.Thousands == s.Decimal {
		add("%sthousands: %q is also the decimal mark", where, s.Thousands)
	}
	switch s.Percent {
	case "", "fraction", "number", "off":
	default:
		add("%spercent: %q must be fraction (45%% is 0.45), number (45%% is 45) or off", where, s.Percent)
	}
}

// Unicode normalisation of text cells and header labels.
const (
	NormalizeNFC  = "nfc"
	NormalizeNone = "none"
)

// Zawgyi handling.
const (
	ZawgyiDetect  = "detect"
	ZawgyiConvert = "convert"
	ZawgyiOff     = "off"
)

// DefaultMaxBytes bounds a fetched source when the pipeline does not say.
const DefaultMaxBytes = 4 << 30

// secretHeaders must take their values from the environment.
var secretHeaders = map[string]bool{"authorization": true, "proxy-authorization": true, "cookie": true,
	"x-api-key": true, "x-ckan-api-key": true, "api-key": true, "x-auth-token": true}

// Fetched is a source as fetched: its bytes, or word that it has not changed.
type Fetched struct {
	Body         io.ReadCloser // nil when NotModified
	NotModified  bool
	ETag         string
	LastModified string
	URL          string // after redirects
	// Metadata is what a portal says of the dataset, when it says anything.
	Metadata *Metadata
	// Origin describes where a portal resource was found, for the manifest.
	Origin string
}

// DefaultRunTimeout bounds a run when the pipeline does not say.
const DefaultRunTimeout = time.Hour

// DefaultMaxInvalidRatio is the share of invalid rows above which a run
// makes no version, unless the pipeline says otherwise: a file that is
// mostly wrong must not replace good data.
const DefaultMaxInvalidRatio = 0.1

// NewPipeline returns a pipeline with the defaults that apply before a file
// is decoded over it.
func NewPipeline() Pipeline {
	return Pipeline{
		OnInvalid:       OnInvalidQuarantine,
		MaxInvalidRatio: DefaultMaxInvalidRatio,
		Timeout:         DefaultRunTimeout,
		Source:          Source{Format: "csv"},
	}
}

// MetadataWith returns the pipeline's metadata, with fields it leaves empty
// taken from a portal's.
func (p *Pipeline) MetadataWith(portal *Metadata) Metadata {
	m := p.Metadata()
	if portal == nil {
		return m
	}
	if m.Title == "" {
		m.Title, m.TitleTranslated = portal.Title, portal.TitleTranslated
	}
	if m.Description == "" {
		m.Description, m.DescriptionTranslated = portal.Description, portal.DescriptionTranslated
	}
	if m.Organization == "" {
		m.Organization = portal.Organization
	}
	if m.License == "" {
		m.License = portal.License
	}
	if len(m.Tags) == 0 {
		m.Tags = portal.Tags
	}
	return m
}

// Metadata returns the dataset metadata that the pipeline declares.
func (p *Pipeline) Metadata() Metadata {
	return Metadata{
		ID:           p.Dataset,
		Title:        p.Title,
		Description:  p.Description,
		Organization: p.Organization,
		License:      p.License,
		Tags:         p.Tags,
		Access:       p.Access,
		Frequency:    p.Frequency,

		Coverage: p.Coverage,

		TitleTranslated:       p.TitleTranslated,
		DescriptionTranslated: p.DescriptionTranslated,
	}
}

// Validate reports every problem of the definition at once, each naming the
// field, so that a data officer can fix a file in one pass. The result, when
// not nil, is an errors.Join of *Error values.
func (p *Pipeline) Validate() error {
	var errs []error
	add := func(format string, args ...any) {
		errs = append(errs, &Error{Code: EINVALID, Message: fmt.Sprintf(format, args...)})
	}

	switch {
	case p.Dataset == "":
		add("dataset: required")
	case !DatasetIDPattern.MatchString(p.Dataset):
		add("dataset: %q must match %s (lower-case letters, digits, underscore; it is also the SQL table name)", p.Dataset, DatasetIDPattern)
	case strings.Contains(p.Dataset, "__"):
		// "__" separates a table from its version in SQL names (population__v2).
		add("dataset: %q must not contain \"__\" (reserved for version names such as %s__v1)", p.Dataset, strings.ReplaceAll(p.Dataset, "__", "_"))
	}
	if strings.TrimSpace(p.Title) == "" && p.Source.CKAN == "" {
		add("title: required (a CKAN source may leave it to the portal)")
	}
	if p.Frequency != "" && !slices.Contains(Frequencies, p.Frequency) {
		add("frequency: %q must be one of %s", p.Frequency, strings.Join(Frequencies, ", "))
	}
	p.validateDescription(add)
	switch {
	case p.Source.CKAN != "" && p.Source.URL != "":
		add("source: give either url or ckan (with package), not both")
	case p.Source.CKAN != "":
		if !strings.HasPrefix(p.Source.CKAN, "http://") && !strings.HasPrefix(p.Source.CKAN, "https://") {
			add("source.ckan: %q must be the portal's http(s) address", p.Source.CKAN)
		}
		if p.Source.Package == "" {
			add("source.package: required with source.ckan (the CKAN dataset's name or id)")
		}
	case p.Source.URL == "":
		add("source.url: required (or source.ckan and source.package)")
	}
	p.Source.validateFormat(add)
	if p.Schema == "" {
		add("schema: required (path to the dataset's JSON Schema)")
	}
	switch p.OnInvalid {
	case OnInvalidReject, OnInvalidQuarantine:
	default:
		add("on_invalid: %q must be %q or %q", p.OnInvalid, OnInvalidReject, OnInvalidQuarantine)
	}
	if p.MaxInvalidRatio < 0 || p.MaxInvalidRatio > 1 {
		add("max_invalid_ratio: %g must be between 0 and 1", p.MaxInvalidRatio)
	}
	if p.Access != "" && p.Access != "public" && p.Access != AccessRestricted {
		add("access: %q must be public or restricted", p.Access)
	}
	if p.PersonalData != "" && p.PersonalData != "expected" {
		add("personal_data: %q must be expected (or left out, to have uploads checked for it)", p.PersonalData)
	}
	for name, v := range p.Source.Headers {
		if secretHeaders[strings.ToLower(name)] && !strings.Contains(v, "${") {
			add("source.headers.%s: a secret must not be written in the pipeline file; name an environment variable, such as %s: \"Bearer ${MY_TOKEN}\"", name, name)
		}
	}
	p.Source.NumberStyle.validate("source.", add)
	for name, st := range p.Source.Columns {
		st.validate("source.columns."+name+".", add)
	}
	switch p.Source.Normalize {
	case "", NormalizeNFC, NormalizeNone:
	default:
		add("source.normalize: %q must be nfc or none", p.Source.Normalize)
	}
	switch p.Source.Zawgyi {
	case "", ZawgyiDetect, ZawgyiConvert, ZawgyiOff:
	default:
		add("source.zawgyi: %q must be detect, convert or off", p.Source.Zawgyi)
	}
	if p.Source.MaxBytes < 0 {
		add("source.max_bytes: %d must not be negative", p.Source.MaxBytes)
	}
	if p.Timeout <= 0 {
		add("timeout: %s must be positive, such as 30m or 2h", p.Timeout)
	}
	return errors.Join(errs...)
}

// validateFormat checks the format and the options that belong to it.
func (src Source) validateFormat(add func(format string, args ...any)) {
	switch src.Format {
	case "csv", "json", "ndjson", "xlsx":
	case "":
		add("source.format: required (csv, json, ndjson or xlsx)")
	default:
		add("source.format: %q is not supported (supported: csv, json, ndjson, xlsx; gzip and zip files of these are opened too)", src.Format)
	}
	if f := src.Format; f != "csv" && f != "" {
		for key, set := range map[string]bool{"delimiter": src.Delimiter != "", "encoding": src.Encoding != ""} {
			if set {
				add("source.%s: applies to csv sources only", key)
			}
		}
		if f != "xlsx" && (src.SkipRows != 0 || len(src.NAValues) > 0 || src.FooterRows != 0) {
			add("source.skip_rows, source.footer_rows and source.na_values apply to csv and xlsx sources only")
		}
	}
	if d := src.Delimiter; d != "" && (len([]rune(d)) != 1 || d == "\"" || d == "\n" || d == "\r") {
		add("source.delimiter: %q must be one character other than a quote or a line break", d)
	}
	if src.SkipRows < 0 {
		add("source.skip_rows: %d must not be negative", src.SkipRows)
	}
	if src.FooterRows < 0 {
		add("source.footer_rows: %d must not be negative", src.FooterRows)
	}
	if src.Records != "" && src.Format != "json" {
		add("source.records: applies to json sources only (the path to the array of records)")
	}
	if src.Sheet != "" && src.Format != "xlsx" {
		add("source.sheet: applies to xlsx sources only")
	}
	if src.HeaderRows != 0 && src.Format != "xlsx" {
		add("source.header_rows: applies to xlsx sources only")
	}
	if src.HeaderRows < 0 || src.HeaderRows > 20 {
		add("source.header_rows: %d must be from 1 to 20", src.HeaderRows)
	}
}
