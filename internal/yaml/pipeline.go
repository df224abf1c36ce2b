// Package yaml reads pipeline files with goccy/go-yaml: defaults first, then
// a strict decode in which an unknown or repeated key is an error naming the
// file and line, then the pipeline's own Validate.
package yaml

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"time"

	goyaml "github.com/goccy/go-yaml"

	"govlake/internal/govlake"
)

// file mirrors the pipeline file format (README, "Pipeline file").
type file struct {
	Dataset         string              `yaml:"dataset"`
	Title           any                 `yaml:"title"`
	Description     any                 `yaml:"description"`
	Frequency       string              `yaml:"frequency"`
	PrimaryKey      []string            `yaml:"primary_key"`
	Organization    string              `yaml:"organization"`
	License         string              `yaml:"license"`
	Tags            []string            `yaml:"tags"`
	Schedule        string              `yaml:"schedule"`
	Source          source              `yaml:"source"`
	Schema          string              `yaml:"schema"`
	OnInvalid       string              `yaml:"on_invalid"`
	MaxInvalidRatio *float64            `yaml:"max_invalid_ratio"`
	AllowEmpty      bool                `yaml:"allow_empty"`
	PersonalData    string              `yaml:"personal_data"`
	Access          string              `yaml:"access"`
	Timeout         string              `yaml:"timeout"`
	Contact         *govlake.Contact    `yaml:"contact"`
	Keywords        map[string][]string `yaml:"keywords"`
	Themes          []string            `yaml:"themes"`
	Spatial         []string            `yaml:"spatial"`
	Temporal        *govlake.Period     `yaml:"temporal"`
	TemporalColumn  string              `yaml:"temporal_column"`
}

type source struct {
	URL        string            `yaml:"url"`
	CKAN       string            `yaml:"ckan"`
	Package    string            `yaml:"package"`
	Resource   string            `yaml:"resource"`
	Format     string            `yaml:"format"`
	Delimiter  string            `yaml:"delimiter"`
	Encoding   string            `yaml:"encoding"`
	SkipRows   int               `yaml:"skip_rows"`
	FooterRows int               `yaml:"footer_rows"`
	NAValues   []string          `yaml:"na_values"`
	Sheet      string            `yaml:"sheet"`
	Transform  string            `yaml:"transform"`
	Headers    map[string]string `yaml:"headers"`
	// allow_private_network sits where govlake.Source has it.
	AllowPrivateNetwork bool   `yaml:"allow_private_network"`
	MaxLineBytes        int    `yaml:"max_line_bytes"`
	MaxCellBytes        int    `yaml:"max_cell_bytes"`
	MaxColumns          int    `yaml:"max_columns"`
	MaxBytes            int64  `yaml:"max_bytes"`
	Zawgyi              string `yaml:"zawgyi"`
	Normalize           string `yaml:"normalize"`
	// decimal, thousands and percent, read by their json names.
	govlake.NumberStyle `yaml:",inline"`
	Columns             map[string]govlake.NumberStyle `yaml:"columns"`
	Shown               string                         `yaml:"-"`
	Records             string                         `yaml:"records"`
	HeaderRows          int                            `yaml:"header_rows"`
}

// LoadPipeline reads one pipeline file. Relative paths in it are resolved
// against the file's folder. The error, if any, lists every problem, each
// prefixed with the file name.
func LoadPipeline(path string) (*govlake.Pipeline, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, govlake.Errorf(govlake.EINVALID, "%s: %w", path, err)
	}
	p, err := ParsePipeline(data, path, filepath.Dir(path))
	if p != nil {
		p.File = path
	}
	return p, err
}

// ParsePipeline reads a pipeline definition (YAML, or JSON, which is YAML)
// named path in messages, with relative paths resolved against dir.
func ParsePipeline(data []byte, path, dir string) (*govlake.Pipeline, error) {
	p := govlake.NewPipeline()
	f := file{OnInvalid: p.OnInvalid, Source: source{Format: p.Source.Format}}
	if err := goyaml.UnmarshalWithOptions(data, &f, goyaml.Strict()); err != nil {
		return nil, govlake.Errorf(govlake.EINVALID, "%s: %s", path, decodeMessage(err, data))
	}
	p.Dataset, p.Frequency, p.PrimaryKey = f.Dataset, f.Frequency, f.PrimaryKey
	textErr := pipelineTexts(&p, f)
	p.Organization, p.License, p.Tags, p.Schedule = f.Organization, f.License, f.Tags, f.Schedule
	p.Schema, p.OnInvalid, p.AllowEmpty, p.PersonalData = f.Schema, f.OnInvalid, f.AllowEmpty, f.PersonalData
	p.Access = f.Access
	p.Keywords = f.Keywords
	p.Contact, p.Themes, p.Spatial, p.Temporal, p.TemporalColumn = f.Contact, f.Themes, f.Spatial, f.Temporal, f.TemporalColumn
	if f.MaxInvalidRatio != nil {
		p.MaxInvalidRatio = *f.MaxInvalidRatio
	}
	p.Source = govlake.Source(f.Source)
	if f.Timeout != "" {
		d, err := time.ParseDuration(f.Timeout)
		if err != nil {
			return nil, govlake.Errorf(govlake.EINVALID, "%s: timeout %q must be a duration such as 30m or 2h", path, f.Timeout)
		}
		p.Timeout = d
	}
	p.Source.Shown = p.Source.URL
	if p.Source.URL != "" && (!strings.Contains(p.Source.URL, "://") || strings.HasPrefix(p.Source.URL, "file://")) {
		p.Source.URL = resolve(dir, p.Source.URL)
		p.Source.Shown = shown(dir, p.Source.URL)
	}
	p.Schema = resolve(dir, p.Schema)
	var errs []error
	if textErr != nil {
		errs = append(errs, govlake.Errorf(govlake.EINVALID, "%s: %s", path, textErr.Error()))
	}
	if err := p.Validate(); err != nil {
		errs = append(errs, prefix(path, err))
	}
	if len(errs) > 0 {
		return &p, errors.Join(errs...)
	}
	return &p, nil
}

// resolve makes a relative local path absolute against dir; URLs with a
// scheme other than file:// are left alone.
func resolve(dir, ref string) string {
	if ref == "" {
		return ""
	}
	if rest, ok := strings.CutPrefix(ref, "file://"); ok {
		ref = rest
	} else if strings.Contains(ref, "://") {
		return ref
	}
	if !filepath.IsAbs(ref) {
		ref = filepath.Join(dir, ref)
	}
	if abs, err := filepath.Abs(ref); err == nil {
		return abs
	}
	return ref
}

// shown names a local source by its path relative to the pipeline file's
// folder, or by its file name where no relative path leads to it.
func shown(dir, abs string) string {
	if absDir, err := filepath.Abs(dir); err == nil {
		if rel, err := filepath.Rel(absDir, abs); err == nil {
			return filepath.ToSlash(rel)
		}
	}
	return filepath.Base(abs)
}

func prefix(path string, err error) error {
	var out []error
	if j, ok := err.(interface{ Unwrap() []error }); ok {
		for _, e := range j.Unwrap() {
			out = append(out, govlake.Errorf(govlake.EINVALID, "%s: %s", path, govlake.ErrorMessage(e)))
		}
		return errors.Join(out...)
	}
	return govlake.Errorf(govlake.EINVALID, "%s: %s", path, govlake.ErrorMessage(err))
}

var (
	posPattern  = regexp.MustCompile(`^\[(\d+):(\d+)\]\s*`)
	typePattern = regexp.MustCompile(`cannot unmarshal (\w+) into Go struct field \S+ of type (\S+)`)
	keyPattern  = regexp.MustCompile(`([A-Za-z_]+)\s*:\s*$`)
)

// decodeMessage turns go-yaml's error into one line that names the line and
// the key: `line 3: unknown key "x"`, `line 4: skip_rows must be a whole number`.
func decodeMessage(err error, data []byte) string {
	msg := err.Error()
	if i := strings.IndexByte(msg, '\n'); i >= 0 {
		msg = msg[:i]
	}
	prefix, key := "", ""
	if m := posPattern.FindStringSubmatch(msg); m != nil {
		prefix = "line " + m[1] + ": "
		msg = msg[len(m[0]):]
		line, _ := strconv.Atoi(m[1])
		col, _ := strconv.Atoi(m[2])
		if lines := strings.Split(string(data), "\n"); line >= 1 && line <= len(lines) {
			text := lines[line-1]
			if col >= 1 && col-1 <= len(text) {
				text = text[:col-1]
			}
			if k := keyPattern.FindStringSubmatch(text); k != nil {
				key = k[1]
			}
		}
	}
	if rest, ok := strings.CutPrefix(msg, "unknown field "); ok {
		return prefix + fmt.Sprintf("unknown key %s (check its spelling against the pipeline file format)", rest)
	}
	if m := typePattern.FindStringSubmatch(msg); m != nil && key != "" {
		want := map[string]string{"int": "a whole number", "float64": "a number", "string": "text", "[]string": "a list of text values"}[m[2]]
		if want == "" {
			want = m[2]
		}
		return prefix + fmt.Sprintf("%s must be %s, not a %s", key, want, m[1])
	}
	return prefix + msg
}

// LoadDir reads every *.yaml and *.yml file of dir, in name order. It returns
// the pipelines that loaded and one error per problem of the others. Two
// files naming the same dataset are both reported.
func LoadDir(dir string) ([]*govlake.Pipeline, error) {
	var names []string
	for _, pat := range []string{"*.yaml", "*.yml"} {
		m, err := filepath.Glob(filepath.Join(dir, pat))
		if err != nil {
			return nil, err
		}
		names = append(names, m...)
	}
	sort.Strings(names)
	if len(names) == 0 {
		if _, err := os.Stat(dir); err != nil {
			return nil, govlake.Errorf(govlake.EINVALID, "pipelines folder %s: %w", dir, err)
		}
		return nil, govlake.Errorf(govlake.EINVALID, "pipelines folder %s has no *.yaml files", dir)
	}
	return loadAll(names, LoadPipeline, func(p *govlake.Pipeline) string { return p.Dataset }, "dataset")
}

// loadAll loads each file, and refuses a second file for the same id. It
// returns what loaded and every problem of the rest.
func loadAll[T any](names []string, load func(string) (T, error), id func(T) string, what string) ([]T, error) {
	var out []T
	var errs []error
	seen := map[string]string{}
	for _, name := range names {
		v, err := load(name)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		if other, ok := seen[id(v)]; ok {
			errs = append(errs, govlake.Errorf(govlake.EINVALID, "%s: %s %q is already defined by %s", name, what, id(v), other))
			continue
		}
		seen[id(v)] = name
		out = append(out, v)
	}
	return out, errors.Join(errs...)
}

// queryFile mirrors a saved query file.
type queryFile struct {
	Name        string `yaml:"name"`
	Title       string `yaml:"title"`
	Description string `yaml:"description"`
	SQL         string `yaml:"sql"`
	Params      []struct {
		Name        string `yaml:"name"`
		Type        string `yaml:"type"`
		Required    bool   `yaml:"required"`
		Default     string `yaml:"default"`
		Description string `yaml:"description"`
	} `yaml:"params"`
}

// LoadQueries reads every *.yaml file of dir as a saved query. A missing
// folder means no saved queries.
func LoadQueries(dir string) ([]*govlake.SavedQuery, error) {
	names, _ := filepath.Glob(filepath.Join(dir, "*.yaml"))
	sort.Strings(names)
	var out []*govlake.SavedQuery
	var errs []error
	seen := map[string]string{}
	for _, name := range names {
		data, err := os.ReadFile(name)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		var f queryFile
		if err := goyaml.UnmarshalWithOptions(data, &f, goyaml.Strict()); err != nil {
			errs = append(errs, govlake.Errorf(govlake.EINVALID, "%s: %s", name, decodeMessage(err, data)))
			continue
		}
		q := &govlake.SavedQuery{Name: f.Name, Title: f.Title, Description: f.Description, SQL: f.SQL, File: name}
		for _, p := range f.Params {
			typ := p.Type
			if typ == "" {
				typ = "string"
			}
			q.Params = append(q.Params, govlake.QueryParam{Name: p.Name, Type: typ, Required: p.Required, Default: p.Default, Description: p.Description})
		}
		if err := q.Validate(); err != nil {
			errs = append(errs, prefix(name, err))
			continue
		}
		if other, ok := seen[q.Name]; ok {
			errs = append(errs, govlake.Errorf(govlake.EINVALID, "%s: query %q is already defined by %s", name, q.Name, other))
			continue
		}
		seen[q.Name] = name
		out = append(out, q)
	}
	return out, errors.Join(errs...)
}

// pipelineTexts reads the title and description, each a string or a map
// of languages: the English text (or the only one) is the plain field.
func pipelineTexts(p *govlake.Pipeline, f file) error {
	title, err := govlake.TextOf(f.Title, "title")
	if err != nil {
		return err
	}
	desc, err := govlake.TextOf(f.Description, "description")
	if err != nil {
		return err
	}
	p.Title, p.Description = title.In("en"), desc.In("en")
	if len(title) > 1 || (len(title) == 1 && title["en"] == "") {
		p.TitleTranslated = title
	}
	if len(desc) > 1 || (len(desc) == 1 && desc["en"] == "") {
		p.DescriptionTranslated = desc
	}
	return nil
}
