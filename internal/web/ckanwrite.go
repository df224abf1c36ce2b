package web

import (
	"encoding/json"
	"io"
	"mime/multipart"
	"net/http"
	"path/filepath"
	"strconv"
	"strings"

	"govlake/internal/govlake"
)

// CKAN's write actions, so that a ministry's existing CKAN publishing
// scripts work: package_create, package_patch, package_update,
// resource_create (the upload), package_delete (every version withdrawn).
// They go through the same checks, runs and audit trail as the API.

// ckanWrite holds a write action's parameters: a JSON object, a form, or
// a multipart form whose "upload" part is the file (spooled to disk past
// a few MB, never held whole).
type ckanWrite struct {
	fields map[string]any
	file   multipart.File
	name   string
}

func (s *Server) ckanWriteParams(r *http.Request) (*ckanWrite, error) {
	if r.Method != http.MethodPost {
		return nil, govlake.Errorf(govlake.EINVALID, "write actions are POST only")
	}
	w := &ckanWrite{fields: map[string]any{}}
	ct := r.Header.Get("Content-Type")
	switch {
	case strings.HasPrefix(ct, "multipart/form-data"):
		r.Body = http.MaxBytesReader(nil, r.Body, s.MaxUpload+1<<20)
		if err := r.ParseMultipartForm(8 << 20); err != nil {
			return nil, govlake.Errorf(govlake.ETOOLARGE, "the form cannot be read (over %d bytes, or cut off)", s.MaxUpload)
		}
		for k, v := range r.MultipartForm.Value {
			w.fields[k] = v[0]
		}
		if fh := r.MultipartForm.File["upload"]; len(fh) > 0 {
			f, err := fh[0].Open()
			if err != nil {
				return nil, govlake.Errorf(govlake.EINVALID, "the upload cannot be read")
			}
			w.file, w.name = f, fh[0].Filename
		}
	case strings.HasPrefix(ct, "application/x-www-form-urlencoded"):
		r.Body = http.MaxBytesReader(nil, r.Body, s.MaxBody)
		if err := r.ParseForm(); err != nil {
			return nil, govlake.Errorf(govlake.EINVALID, "the form cannot be read")
		}
		for k, v := range r.PostForm {
			w.fields[k] = v[0]
		}
	default:
		if err := json.NewDecoder(io.LimitReader(r.Body, s.MaxBody)).Decode(&w.fields); err != nil && err != io.EOF {
			return nil, govlake.Errorf(govlake.EINVALID, "the body must be a JSON object of the action's parameters")
		}
	}
	return w, nil
}

func (w *ckanWrite) str(name string) string {
	v, _ := w.fields[name].(string)
	return strings.TrimSpace(v)
}

// definition turns CKAN's package fields into a dataset definition.
func (w *ckanWrite) definition(base map[string]any) map[string]any {
	def := map[string]any{}
	for k, v := range base {
		def[k] = v
	}
	for ckan, ours := range map[string]string{"title": "title", "notes": "description", "license_id": "license"} {
		if v, ok := w.fields[ckan]; ok {
			def[ours] = v
		}
	}
	if tags, ok := w.fields["tags"]; ok {
		var names []string
		switch x := tags.(type) {
		case []any:
			for _, t := range x {
				switch tt := t.(type) {
				case map[string]any:
					if n, ok := tt["name"].(string); ok {
						names = append(names, n)
					}
				case string:
					names = append(names, tt)
				}
			}
		case string:
			names = strings.Split(x, ",")
		}
		def["tags"] = names
	}
	switch sch := w.fields["govlake_schema"].(type) {
	case map[string]any:
		def["schema"] = sch
	case string:
		var m map[string]any
		if json.Unmarshal([]byte(sch), &m) == nil {
			def["schema"] = m
		}
	}
	return def
}

func ckanPackageCreate(s *Server, r *http.Request) (*CKANPackage, error) {
	w, err := s.ckanWriteParams(r)
	if err != nil {
		return nil, err
	}
	id := w.str("name")
	if id == "" {
		return nil, govlake.Errorf(govlake.EINVALID, "name: Missing value")
	}
	def := w.definition(nil)
	if org := w.str("owner_org"); org != "" {
		def["organization"] = org
	}
	body, _ := json.Marshal(def)
	p, _, err := s.define(r, id, body, govlake.Errorf(govlake.EINVALID, "name: That URL is already in use."), "CKAN package_create")
	if err != nil {
		return nil, err
	}
	return s.ckanDefined(r, p), nil
}

func ckanPackagePatch(s *Server, r *http.Request) (*CKANPackage, error) { return s.ckanUpdate(r, true) }
func ckanPackageUpdate(s *Server, r *http.Request) (*CKANPackage, error) {
	return s.ckanUpdate(r, false)
}

// ckanUpdate changes a package's metadata: patch keeps what is not given,
// update clears it, as CKAN does.
func (s *Server) ckanUpdate(r *http.Request, patch bool) (*CKANPackage, error) {
	w, err := s.ckanWriteParams(r)
	if err != nil {
		return nil, err
	}
	id := s.ckanName(r, w.str("id"))
	if id == "" {
		id = w.str("name")
	}
	org, exists, err := s.owner(r, id, nil)
	if err == nil && !exists {
		err = govlake.Errorf(govlake.ENOTFOUND, "Dataset not found")
	}
	if err == nil {
		err = s.require(r, govlake.RoleEditor, org)
	}
	var cur map[string]any
	if err == nil {
		cur, err = s.Publisher.Definition(r.Context(), id)
	}
	if err != nil {
		return nil, err
	}
	delete(cur, "schema")
	if !patch {
		for _, k := range []string{"description", "license", "tags"} {
			delete(cur, k)
		}
	}
	body, _ := json.Marshal(w.definition(cur))
	p, err := s.Publisher.Define(r.Context(), id, org, body)
	action := "package_update"
	if patch {
		action = "package_patch"
	}
	s.audit(r, govlake.AuditEvent{Action: "dataset.update", Target: id, Result: resultOf(err), Detail: "CKAN " + action})
	if err != nil {
		return nil, err
	}
	return s.ckanDefined(r, p), nil
}

// ckanDefined is a package as just defined: the catalogue lists it at its
// next read of the store.
func (s *Server) ckanDefined(r *http.Request, p *govlake.Pipeline) *CKANPackage {
	tags := []CKANTag{}
	for _, t := range p.Tags {
		tags = append(tags, CKANTag{t, t})
	}
	base := s.baseURL(r)
	lic := govlake.LicenseOf(p.License)
	return &CKANPackage{ID: govlake.PackageUUID(base, p.Dataset), Name: p.Dataset, Title: p.Title, Notes: p.Description, Type: "dataset", State: "active",
		LicenseID: p.License, LicenseTitle: lic.Name, LicenseURL: lic.URL, IsOpen: isOpen(p.License), Organization: ckanOrgRef(base, p.Organization, nil),
		OwnerOrg: orgID(base, p.Organization), Groups: []CKANGroupRef{}, Tags: tags, NumTags: len(tags), Extras: []CKANExtra{}, Resources: []CKANResource{},
		Private: p.Access == govlake.AccessRestricted, URL: base + "/datasets/" + p.Dataset}
}

func ckanResourceCreate(s *Server, r *http.Request) (*CKANResource, error) {
	w, err := s.ckanWriteParams(r)
	if err != nil {
		return nil, err
	}
	if w.file != nil {
		defer w.file.Close()
	}
	if w.file == nil {
		return nil, govlake.Errorf(govlake.EINVALID, "upload: send the file as the multipart field upload; a resource by url is fetched by a pipeline instead")
	}
	format := strings.ToLower(w.str("format"))
	if format == "" {
		format = strings.TrimPrefix(strings.ToLower(filepath.Ext(strings.TrimSuffix(w.name, ".gz"))), ".")
	}
	if _, ok := map[string]bool{"csv": true, "json": true, "ndjson": true, "xlsx": true}[format]; !ok {
		format = ""
	}
	id := s.ckanName(r, w.str("package_id"))
	run, err := s.upload(r, id, format, w.file)
	if err == nil && run.Failed() {
		err = govlake.Errorf(govlake.EINVALID, "upload: %s", run.Error)
	}
	if err != nil {
		return nil, err
	}
	name := w.str("name")
	if name == "" {
		name = w.name
	}
	return &CKANResource{ID: id, PackageID: govlake.PackageUUID(s.baseURL(r), id), Name: name, Format: strings.ToUpper(format), DatastoreActive: true,
		URL: s.baseURL(r) + "/api/v1/datasets/" + id, URLType: "datastore", State: "active",
		Version: run.Version, Description: "Version " + strconv.Itoa(run.Version) + ", loaded by run " + run.ID + " (" + run.Status + ")"}, nil
}

func ckanPackageDelete(s *Server, r *http.Request) (*struct{}, error) {
	w, err := s.ckanWriteParams(r)
	if err != nil {
		return nil, err
	}
	id := s.ckanName(r, w.str("id"))
	if err := s.writer(r, id); err != nil {
		return nil, err
	}
	p := govlake.PrincipalFrom(r.Context())
	n, err := s.Publisher.WithdrawAll(r.Context(), id, p.Who, p.Org, "deleted with CKAN's package_delete")
	s.audit(r, govlake.AuditEvent{Action: "dataset.withdraw", Target: id, Result: resultOf(err), Detail: "CKAN package_delete: " + strconv.Itoa(n) + " version(s) withdrawn"})
	return nil, err
}

func resultOf(err error) string {
	if err != nil {
		return govlake.ErrorCode(err)
	}
	return "ok"
}
