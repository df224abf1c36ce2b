package web

import (
	"context"
	"encoding/json"
	"io"
	"mime"
	"net/http"
	"strconv"

	"govlake/internal/govlake"
)

// Publisher makes datasets and versions from the API; the ingest package's
// is the one.
type Publisher interface {
	Owner(ctx context.Context, id string) (org string, api, exists bool, err error)
	Define(ctx context.Context, id, org string, body []byte) (*govlake.Pipeline, error)
	Upload(ctx context.Context, id, format string, body io.Reader, max int64) (*govlake.Run, error)
	Withdraw(ctx context.Context, id string, n int, by, org, reason string) (*govlake.Withdrawal, error)
	WithdrawAll(ctx context.Context, id, by, org, reason string) (int, error)
	Definition(ctx context.Context, id string) (map[string]any, error)
	Publish(ctx context.Context, id string, n int, by, org string) (*govlake.Publication, error)
}

// Published answers the publication of a draft.
type Published struct {
	Dataset string `json:"dataset"`
	Version int    `json:"version"`
	*govlake.Publication
}

func (s *Server) apiPublish(w http.ResponseWriter, r *http.Request) {
	n, pub, err := s.publish(r, r.PathValue("id"), r.PathValue("n"))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, Published{Dataset: r.PathValue("id"), Version: n, Publication: pub})
}

// publish publishes draft version ver of dataset id for the request's
// principal and puts it on record.
func (s *Server) publish(r *http.Request, id, ver string) (int, *govlake.Publication, error) {
	n, err := versionOf(ver)
	if err == nil {
		err = s.writer(r, id)
	}
	var pub *govlake.Publication
	if err == nil {
		p := govlake.PrincipalFrom(r.Context())
		pub, err = s.Publisher.Publish(r.Context(), id, n, p.Who, p.Org)
	}
	if govlake.PrincipalFrom(r.Context()) != nil && govlake.ErrorCode(err) != govlake.EFORBIDDEN {
		s.audit(r, govlake.AuditEvent{Action: "version.publish", Target: id + " version " + ver, Result: resultOf(err)})
	}
	return n, pub, err
}

// WithdrawRequest is the body of a withdrawal: why, shown to everyone.
type WithdrawRequest struct {
	Reason string `json:"reason"`
}

// Withdrawn answers a withdrawal.
type Withdrawn struct {
	Dataset string `json:"dataset"`
	Version int    `json:"version"`
	*govlake.Withdrawal
}

func (s *Server) apiWithdraw(w http.ResponseWriter, r *http.Request) {
	var req WithdrawRequest
	err := json.NewDecoder(io.LimitReader(r.Body, 64<<10)).Decode(&req)
	if err != nil {
		err = govlake.Errorf(govlake.EINVALID, "the body must be JSON: {\"reason\": \"why the version is withdrawn\"}")
	}
	var wd *govlake.Withdrawal
	n := 0
	if err == nil {
		n, wd, err = s.withdraw(r, r.PathValue("id"), r.PathValue("n"), req.Reason)
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, Withdrawn{Dataset: r.PathValue("id"), Version: n, Withdrawal: wd})
}

// versionOf reads a version number from a path.
func versionOf(v string) (int, error) {
	n, err := strconv.Atoi(v)
	if err != nil || n < 1 {
		return 0, govlake.Errorf(govlake.EINVALID, "version %q must be a number from 1", v)
	}
	return n, nil
}

// writer finds the organisation of an existing dataset and checks that
// the request's principal is its publisher.
func (s *Server) writer(r *http.Request, id string) error {
	if s.Publisher == nil {
		return govlake.Errorf(govlake.ENOTFOUND, "this server does not publish: it serves a read-only catalogue")
	}
	org, _, exists, err := s.Publisher.Owner(r.Context(), id)
	if err == nil && !exists {
		err = govlake.Errorf(govlake.ENOTFOUND, "no dataset %s", id)
	}
	if err == nil {
		err = s.require(r, govlake.RolePublisher, org)
	}
	return err
}

// withdraw withdraws version ver of dataset id for the request's principal
// and puts it on record.
func (s *Server) withdraw(r *http.Request, id, ver, reason string) (int, *govlake.Withdrawal, error) {
	n, err := versionOf(ver)
	if err == nil {
		err = s.writer(r, id)
	}
	var wd *govlake.Withdrawal
	if err == nil {
		p := govlake.PrincipalFrom(r.Context())
		wd, err = s.Publisher.Withdraw(r.Context(), id, n, p.Who, p.Org, reason)
	}
	if govlake.PrincipalFrom(r.Context()) != nil && govlake.ErrorCode(err) != govlake.EFORBIDDEN {
		if e := s.audit(r, govlake.AuditEvent{Action: "version.withdraw", Target: id + " version " + ver, Result: resultOf(err), Detail: reason}); e != nil && err == nil {
			err = govlake.Errorf(govlake.EUNAVAILABLE, "the version was withdrawn but its audit record was not: %w", e)
		}
	}
	return n, wd, err
}

// DatasetDefinition is a PUT /api/v1/datasets/{id} body: the pipeline
// file's fields, with the JSON Schema itself.
type DatasetDefinition struct {
	Title           string         `json:"title"`
	Description     string         `json:"description,omitempty"`
	Organization    string         `json:"organization,omitempty"`
	License         string         `json:"license,omitempty"`
	Tags            []string       `json:"tags,omitempty"`
	Schema          map[string]any `json:"schema"`
	Source          map[string]any `json:"source,omitempty"`
	URL             string         `json:"url,omitempty"`
	Schedule        string         `json:"schedule,omitempty"`
	OnInvalid       string         `json:"on_invalid,omitempty"`
	MaxInvalidRatio *float64       `json:"max_invalid_ratio,omitempty"`
	PersonalData    string         `json:"personal_data,omitempty"` // expected: no review for columns that look like personal data
	Access          string         `json:"access,omitempty"`        // restricted: only the organisation sees the dataset
}

// Defined answers PUT /api/v1/datasets/{id}.
type Defined struct {
	Dataset      string `json:"dataset"`
	Organization string `json:"organization"`
	Title        string `json:"title"`
	Created      bool   `json:"created"`
}

// Uploaded answers POST /api/v1/datasets/{id}/versions: the run, with the
// version it made, its counts and its validation report.
type Uploaded struct {
	Run *govlake.Run `json:"run"`
}

// owner finds who may write dataset id: its organisation, or for a new
// dataset the one the caller publishes for.
func (s *Server) owner(r *http.Request, id string, body []byte) (org string, exists bool, err error) {
	if s.Publisher == nil {
		return "", false, govlake.Errorf(govlake.ENOTFOUND, "this server does not publish: it serves a read-only catalogue")
	}
	if !govlake.DatasetIDPattern.MatchString(id) {
		return "", false, govlake.Errorf(govlake.EINVALID, "dataset id %q must match %s", id, govlake.DatasetIDPattern)
	}
	org, api, exists, err := s.Publisher.Owner(r.Context(), id)
	if err != nil {
		return "", false, err
	}
	if exists && !api {
		return "", true, govlake.Errorf(govlake.ECONFLICT, "dataset %s is defined by a pipeline file on the server; change it there", id)
	}
	if !exists {
		if p := govlake.PrincipalFrom(r.Context()); p != nil {
			org = p.Org
			var asked struct{ Organization string }
			if json.Unmarshal(body, &asked) == nil && asked.Organization != "" && p.Role == govlake.RoleAdmin {
				org = asked.Organization
			}
		}
	}
	return org, exists, nil
}

func (s *Server) apiDefine(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("id")
	body, err := io.ReadAll(r.Body)
	if err != nil {
		err = bodyError(err, "the definition could not be read")
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	p, exists, err := s.define(r, id, body, nil, "")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	code := http.StatusOK
	if !exists {
		code = http.StatusCreated
	}
	writeJSON(w, code, Defined{Dataset: id, Organization: p.Organization, Title: p.Title, Created: !exists})
}

// define stores body as dataset id's definition for the request's
// principal (an editor of the dataset's organisation), and puts it on
// record. taken, when not nil, refuses a dataset that exists already.
func (s *Server) define(r *http.Request, id string, body []byte, taken error, detail string) (*govlake.Pipeline, bool, error) {
	org, exists, err := s.owner(r, id, body)
	if err == nil && exists && taken != nil {
		err = taken
	}
	if err == nil {
		err = s.require(r, govlake.RoleEditor, org)
	}
	var p *govlake.Pipeline
	if err == nil {
		p, err = s.Publisher.Define(r.Context(), id, org, body)
	}
	action := "dataset.create"
	if exists && taken == nil {
		action = "dataset.update"
	}
	if govlake.PrincipalFrom(r.Context()) != nil && govlake.ErrorCode(err) != govlake.EFORBIDDEN {
		if e := s.audit(r, govlake.AuditEvent{Action: action, Target: id, Result: resultOf(err), Detail: detail}); e != nil && err == nil {
			err = govlake.Errorf(govlake.EUNAVAILABLE, "the dataset was saved but its audit record was not: %w", e)
		}
	}
	return p, exists, err
}

// uploadFormats maps a body's media type to a source format.
var uploadFormats = map[string]string{
	"text/csv": "csv", "application/json": "json", "application/x-ndjson": "ndjson", "application/ndjson": "ndjson",
	"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": "xlsx",
}

func (s *Server) apiUpload(w http.ResponseWriter, r *http.Request) {
	format := r.URL.Query().Get("format")
	if mt, _, e := mime.ParseMediaType(r.Header.Get("Content-Type")); format == "" && e == nil {
		format = uploadFormats[mt]
	}
	run, err := s.upload(r, r.PathValue("id"), format, r.Body)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	code := http.StatusCreated
	switch {
	case run.Failed():
		code = http.StatusUnprocessableEntity
	case run.Status == govlake.RunUnchanged:
		code = http.StatusOK
	}
	writeJSON(w, code, Uploaded{Run: run})
}

// upload loads body as dataset id's next version for the request's
// principal, and puts it on record. A run that was rejected is a result,
// not an error.
func (s *Server) upload(r *http.Request, id, format string, body io.Reader) (*govlake.Run, error) {
	org, exists, err := s.owner(r, id, nil)
	if err == nil && !exists {
		err = govlake.Errorf(govlake.ENOTFOUND, "no dataset %s: PUT /api/v1/datasets/%s defines it first", id, id)
	}
	if err == nil {
		err = s.require(r, govlake.RolePublisher, org)
	}
	if err != nil {
		return nil, err
	}
	run, err := s.Publisher.Upload(r.Context(), id, format, body, s.MaxUpload)
	if err != nil {
		s.audit(r, govlake.AuditEvent{Action: "version.upload", Target: id, Result: govlake.ErrorCode(err), Detail: govlake.ErrorMessage(err)})
		return nil, err
	}
	result := "ok"
	if run.Failed() {
		result = run.Status
	}
	detail := run.Status
	if run.Version > 0 {
		detail += ", version " + strconv.Itoa(run.Version)
	}
	if err := s.audit(r, govlake.AuditEvent{Action: "version.upload", Target: id, Result: result, Detail: detail}); err != nil {
		return nil, govlake.Errorf(govlake.EUNAVAILABLE, "the upload was loaded (%s) but its audit record was not: %w", detail, err)
	}
	return run, nil
}
