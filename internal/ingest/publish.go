package ingest

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"govlake/internal/govlake"
)

// Store keys of a dataset defined through the API: its definition (the
// pipeline file's fields as JSON) and its JSON Schema. A dataset without
// them was defined by a pipeline file on a server, and is changed there.
func DefinitionKey(id string) string { return govlake.DatasetPrefix(id) + "definition.json" }
func SchemaKey(id string) string     { return govlake.DatasetPrefix(id) + "schema.json" }

// uploadPlaceholder stands for the uploaded file in a definition that
// fetches nothing.
const uploadPlaceholder = "upload"

// Publisher makes datasets and versions from the publishing API, through
// the same parsing, validation, conversion, commit protocol and run
// records as ingest run.
type Publisher struct {
	runner *Runner
	// Parse reads a pipeline definition (JSON) named name in messages, with
	// relative paths resolved against dir.
	Parse func(data []byte, name, dir string) (*govlake.Pipeline, error)
	// Check finds what Parse cannot: a schema that does not compile, a
	// schedule that does not parse.
	Check func(p *govlake.Pipeline) []error
	// TempDir holds uploads while they are loaded.
	TempDir string
	// Infer proposes a JSON Schema from a file, for a dataset defined
	// without one.
	Infer func(ctx context.Context, path, format string) (map[string]any, error)
	// Review says whether an organisation reviews every upload: then each
	// is a draft until a publisher publishes it.
	Review func(org string) bool
}

// NewPublisher returns a publisher that runs loads with runner.
func NewPublisher(runner *Runner, parse func([]byte, string, string) (*govlake.Pipeline, error), check func(*govlake.Pipeline) []error) *Publisher {
	return &Publisher{runner: runner, Parse: parse, Check: check}
}

// Owner returns the organisation of dataset id, and whether the API
// defined it (false: a pipeline file on a server did, or it does not
// exist: then exists is false too).
func (p *Publisher) Owner(ctx context.Context, id string) (org string, api, exists bool, err error) {
	var meta govlake.Metadata
	err = govlake.ReadJSON(ctx, p.runner.Store, govlake.DatasetKey(id), &meta)
	if govlake.ErrorCode(err) == govlake.ENOTFOUND {
		return "", false, false, nil
	} else if err != nil {
		return "", false, false, err
	}
	objs, err := p.runner.Store.List(ctx, DefinitionKey(id))
	if err != nil {
		return "", false, false, err
	}
	return meta.Organization, len(objs) > 0, true, nil
}

// Define creates or updates dataset id from body, a JSON object of the
// pipeline file's fields with "schema" as the JSON Schema itself and "url"
// for a source the daemon fetches. org owns it. A change of metadata makes
// no data version. It returns the definition as it was stored.
func (p *Publisher) Define(ctx context.Context, id, org string, body []byte) (*govlake.Pipeline, error) {
	var fields map[string]any
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	if err := dec.Decode(&fields); err != nil || fields == nil {
		return nil, govlake.Errorf(govlake.EINVALID, "the body must be a JSON object of the dataset's fields (title, organization, license, schema, source ...)")
	}
	schema, ok := fields["schema"].(map[string]any)
	if !ok && fields["schema"] != nil {
		return nil, govlake.Errorf(govlake.EINVALID, "schema: the JSON Schema of a record, as a JSON object")
	}
	var schemaBytes []byte
	if ok {
		schemaBytes, _ = json.MarshalIndent(schema, "", "  ")
	} else if cur, err := p.read(ctx, SchemaKey(id)); err == nil {
		schemaBytes = cur // a PUT without a schema keeps the current one
	}
	if o, given := fields["organization"]; given && o != org {
		return nil, govlake.Errorf(govlake.EFORBIDDEN, "organization %v: this token publishes for %s", o, org)
	}
	if d, given := fields["dataset"]; given && d != id {
		return nil, govlake.Errorf(govlake.EINVALID, "dataset %v: the path names %s", d, id)
	}
	src, _ := fields["source"].(map[string]any)
	if src == nil {
		src = map[string]any{}
	}
	if u, ok := fields["url"]; ok {
		src["url"] = u
		delete(fields, "url")
	}
	if src["url"] == nil || src["url"] == "" {
		src["url"] = uploadPlaceholder
	}
	fields["source"], fields["dataset"], fields["organization"], fields["schema"] = src, id, org, "schema.json"
	def, _ := json.MarshalIndent(fields, "", "  ")
	pl, err := p.load(def, schemaBytes, "")
	if err != nil {
		return nil, err
	}
	store := p.runner.Store
	if schemaBytes != nil {
		if err := store.Put(ctx, SchemaKey(id), bytes.NewReader(schemaBytes)); err != nil {
			return nil, fmt.Errorf("store the schema of %s: %w", id, err)
		}
	}
	if err := store.Put(ctx, DefinitionKey(id), bytes.NewReader(def)); err != nil {
		return nil, fmt.Errorf("store the definition of %s: %w", id, err)
	}
	if err := p.runner.updateMetadata(ctx, id, pl.MetadataWith(nil)); err != nil {
		return nil, fmt.Errorf("store the metadata of %s: %w", id, err)
	}
	return pl, nil
}

// pendingSchema stands in for the schema of a dataset defined without one,
// until its first upload gives DuckDB a file to infer one from.
var pendingSchema = []byte(`{"type": "object"}`)

// load parses a definition with its schema in a scratch folder, with the
// upload (if any) as its source, and checks it whole; without a schema
// only the fields are checked.
func (p *Publisher) load(def, schema []byte, upload string) (*govlake.Pipeline, error) {
	check := p.Check
	if schema == nil {
		schema, check = pendingSchema, nil
	}
	dir, err := os.MkdirTemp(p.TempDir, "govlake-define-")
	if err != nil {
		return nil, fmt.Errorf("make a scratch folder: %w", err)
	}
	defer os.RemoveAll(dir)
	if err := os.WriteFile(filepath.Join(dir, "schema.json"), schema, 0o600); err != nil {
		return nil, fmt.Errorf("write the schema: %w", err)
	}
	pl, err := p.Parse(def, "the dataset definition", dir)
	if err != nil {
		return nil, govlake.Errorf(govlake.EINVALID, "%s", strings.ReplaceAll(govlake.ErrorMessage(err), dir+string(filepath.Separator), ""))
	}
	if upload != "" {
		pl.Source.URL, pl.Source.Shown = upload, "upload"
	}
	if check != nil {
		var msgs []string
		for _, e := range check(pl) {
			msgs = append(msgs, strings.ReplaceAll(govlake.ErrorMessage(e), dir+string(filepath.Separator), ""))
		}
		if len(msgs) > 0 {
			return nil, govlake.Errorf(govlake.EINVALID, "%s", strings.Join(msgs, "; "))
		}
	}
	return pl, nil
}

// Upload loads body as the next version of dataset id, defined through the
// API; format, when given, overrides the definition's. Nothing is stored
// half-way: the run commits a version whole, or records why not. A body
// over max bytes is refused before any of it is loaded.
func (p *Publisher) Upload(ctx context.Context, id, format string, body io.Reader, max int64) (*govlake.Run, error) {
	def, err := p.read(ctx, DefinitionKey(id))
	if govlake.ErrorCode(err) == govlake.ENOTFOUND {
		return nil, govlake.Errorf(govlake.ENOTFOUND, "dataset %s is not defined through the API: PUT /api/v1/datasets/%s defines it first", id, id)
	} else if err != nil {
		return nil, err
	}
	schema, err := p.read(ctx, SchemaKey(id))
	inferring := govlake.ErrorCode(err) == govlake.ENOTFOUND
	if err != nil && !inferring {
		return nil, err
	}
	if format != "" {
		var fields map[string]any
		if err := json.Unmarshal(def, &fields); err != nil {
			return nil, fmt.Errorf("read the definition of %s: %w", id, err)
		}
		src, _ := fields["source"].(map[string]any)
		src["format"] = format
		def, _ = json.Marshal(fields)
	}
	dir, err := os.MkdirTemp(p.TempDir, "govlake-upload-")
	if err != nil {
		return nil, fmt.Errorf("make a folder for the upload: %w", err)
	}
	defer os.RemoveAll(dir)
	path := filepath.Join(dir, uploadPlaceholder)
	f, err := os.Create(path)
	if err != nil {
		return nil, fmt.Errorf("keep the upload: %w", err)
	}
	n, err := io.Copy(f, io.LimitReader(body, max+1))
	f.Close()
	if err != nil {
		return nil, govlake.Errorf(govlake.EINVALID, "the upload was cut off after %d bytes; send it again", n)
	}
	if n > max {
		return nil, govlake.Errorf(govlake.ETOOLARGE, "the upload is over %d bytes, this server's limit; split it, or compress it with gzip", max)
	}
	if n == 0 {
		return nil, govlake.Errorf(govlake.EINVALID, "the upload is empty: send the file as the request body")
	}
	if inferring {
		if schema, err = p.infer(ctx, id, def, path); err != nil {
			return nil, err
		}
	}
	if err := os.WriteFile(filepath.Join(dir, "schema.json"), schema, 0o600); err != nil {
		return nil, fmt.Errorf("write the schema: %w", err)
	}
	pl, err := p.Parse(def, "the dataset definition", dir)
	if err != nil {
		return nil, govlake.Errorf(govlake.EINVALID, "%s", strings.ReplaceAll(govlake.ErrorMessage(err), dir+string(filepath.Separator), ""))
	}
	pl.Source.URL, pl.Source.Shown = path, "upload"
	if p.Review != nil && p.Review(pl.Organization) {
		pl.Draft = append(pl.Draft, "the organization "+pl.Organization+" reviews every upload")
	}
	if pl.PersonalData != "expected" {
		for _, f := range p.personalData(pl, dir) {
			pl.Draft = append(pl.Draft, "personal data? "+f.Text()+"; publish it if it may be public, or set personal_data: expected")
		}
	}
	return p.runner.Run(ctx, pl), nil
}

// personalSample is how many records of an upload are looked at for
// personal data.
const personalSample = 1000

// personalData reads the first records of an upload, as the load will
// read them, and names the columns that look like personal data. A file
// that cannot be read is left to the load, which says why.
func (p *Publisher) personalData(pl *govlake.Pipeline, dir string) []govlake.PersonalFinding {
	if p.runner.Decode == nil {
		return nil
	}
	path, name, err := unpack(pl.Source.URL, "upload", pl.Source.Format, dir, pl.Source.MaxBytes)
	if err != nil {
		return nil
	}
	f, err := os.Open(path)
	if err != nil {
		return nil
	}
	defer f.Close()
	rd, err := p.runner.Decode(f, name, pl.Source)
	if err != nil {
		return nil
	}
	defer rd.Close()
	var rows [][]string
	var nums []int64
	for len(rows) < personalSample {
		rec, err := rd.Read()
		if err != nil {
			break
		}
		rows = append(rows, append([]string(nil), rec.Cells...))
		nums = append(nums, rec.Row)
	}
	return govlake.FindPersonalData(rd.Header(), rows, nums)
}

// Publish makes draft version n of dataset id public. Publishing twice
// keeps the first record.
func (p *Publisher) Publish(ctx context.Context, id string, n int, by, org string) (*govlake.Publication, error) {
	store := p.runner.Store
	m, err := p.manifest(ctx, id, n)
	if err != nil {
		return nil, err
	}
	if !m.Draft {
		return nil, govlake.Errorf(govlake.ECONFLICT, "version %d of %s is not a draft: it was public from the start", n, id)
	}
	if gone, err := govlake.Withdrawn(ctx, store, id); err == nil && gone[n] != nil {
		return nil, govlake.Errorf(govlake.EGONE, "version %d of %s was %s", n, id, gone[n].Text())
	}
	pub := &govlake.Publication{At: p.runner.Now().UTC(), By: by, Org: org}
	b, _ := json.MarshalIndent(pub, "", "  ")
	if err := store.Create(ctx, govlake.PublishedKey(id, n), bytes.NewReader(b)); govlake.ErrorCode(err) == govlake.ECONFLICT {
		if err := govlake.ReadJSON(ctx, store, govlake.PublishedKey(id, n), pub); err != nil {
			return nil, err
		}
	} else if err != nil {
		return nil, fmt.Errorf("publish %s version %d: %w", id, n, err)
	}
	// Logged again when published twice: a first call killed before its
	// change is mended by the second.
	p.runner.logChange(ctx, &govlake.Change{Kind: govlake.ChangePublished, Dataset: id, Number: n})
	p.runner.tableSync(ctx, id)
	return pub, nil
}

// infer proposes the schema of a dataset defined without one from its
// first upload, and keeps it: later uploads are checked against it.
func (p *Publisher) infer(ctx context.Context, id string, def []byte, path string) ([]byte, error) {
	if p.Infer == nil {
		return nil, govlake.Errorf(govlake.EINVALID, "dataset %s has no schema: PUT it with one", id)
	}
	var fields struct {
		Source struct{ Format string } `json:"source"`
	}
	json.Unmarshal(def, &fields)
	if fields.Source.Format == "" {
		fields.Source.Format = "csv"
	}
	s, err := p.Infer(ctx, path, fields.Source.Format)
	if err != nil {
		return nil, err
	}
	b, _ := json.MarshalIndent(s, "", "  ")
	if err := p.runner.Store.Put(ctx, SchemaKey(id), bytes.NewReader(b)); err != nil {
		return nil, fmt.Errorf("store the inferred schema of %s: %w", id, err)
	}
	return b, nil
}

func (p *Publisher) read(ctx context.Context, key string) ([]byte, error) {
	rc, err := p.runner.Store.Get(ctx, key)
	if err != nil {
		return nil, err
	}
	defer rc.Close()
	return io.ReadAll(io.LimitReader(rc, 4<<20))
}

// Definition returns the stored definition of a dataset defined through
// the API, as its fields.
func (p *Publisher) Definition(ctx context.Context, id string) (map[string]any, error) {
	b, err := p.read(ctx, DefinitionKey(id))
	if err != nil {
		return nil, err
	}
	var fields map[string]any
	if err := json.Unmarshal(b, &fields); err != nil {
		return nil, fmt.Errorf("read the definition of %s: %w", id, err)
	}
	return fields, nil
}

// manifest reads version n of dataset id, or says it has none.
func (p *Publisher) manifest(ctx context.Context, id string, n int) (*govlake.Manifest, error) {
	m, err := govlake.ReadManifest(ctx, p.runner.Store, id, n)
	if govlake.ErrorCode(err) == govlake.ENOTFOUND {
		return nil, govlake.Errorf(govlake.ENOTFOUND, "dataset %s has no version %d", id, n)
	}
	return m, err
}

// Scheduled returns the datasets defined through the API that a daemon
// fetches: those with a source URL and a schedule. Their schemas are
// written under dir, where the runs read them. The fingerprint changes
// when any definition does.
func (p *Publisher) Scheduled(ctx context.Context, dir string) ([]*govlake.Pipeline, string, error) {
	objs, err := p.runner.Store.List(ctx, "datasets/")
	if err != nil {
		return nil, "", fmt.Errorf("list the datasets' definitions: %w", err)
	}
	var out []*govlake.Pipeline
	var print strings.Builder
	for _, o := range objs {
		id, ok := strings.CutSuffix(strings.TrimPrefix(o.Key, "datasets/"), "/definition.json")
		if !ok || strings.Contains(id, "/") {
			continue
		}
		fmt.Fprintf(&print, "%s %d %s;", o.Key, o.Size, o.ModTime.UTC().Format(time.RFC3339Nano))
		def, err := p.read(ctx, o.Key)
		if err != nil {
			return nil, "", err
		}
		var fields struct {
			Schedule string `json:"schedule"`
			Source   struct {
				URL string `json:"url"`
			} `json:"source"`
		}
		if json.Unmarshal(def, &fields) != nil || fields.Schedule == "" || fields.Source.URL == uploadPlaceholder {
			continue
		}
		schema, err := p.read(ctx, SchemaKey(id))
		if err != nil {
			continue // a dataset awaiting its first upload has no schema to check against
		}
		fmt.Fprintf(&print, "%x;", sha256.Sum256(schema))
		d := filepath.Join(dir, id)
		if err := os.MkdirAll(d, 0o700); err != nil {
			return nil, "", err
		}
		if err := os.WriteFile(filepath.Join(d, "schema.json"), schema, 0o600); err != nil {
			return nil, "", err
		}
		pl, err := p.Parse(def, "the definition of "+id, d)
		if err != nil {
			return nil, "", err
		}
		out = append(out, pl)
	}
	return out, print.String(), nil
}
