package web

import (
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"govlake/internal/catalog"
	"govlake/internal/govlake"
)

// CKAN's read API (action API version 3), so that CKAN clients and
// harvesters can read govlake: each dataset is a package with one resource,
// its latest version, whose id is the dataset id. This file holds shapes
// only: the catalogue searches and queries.

// CKANReply is the envelope of every CKAN action's answer.
type CKANReply[T any] struct {
	Help    string     `json:"help"`
	Success bool       `json:"success"`
	Result  T          `json:"result,omitempty"`
	Error   *CKANError `json:"error,omitempty"`
}

// CKANError is a failed action's error.
type CKANError struct {
	Type    string `json:"__type"`
	Message string `json:"message"`
}

// ckanAction answers one action with fn's result in CKAN's envelope.
// CKAN answers a validation error with 409, and names the error's kind.
func ckanAction[T any](name string, fn func(s *Server, r *http.Request) (T, error)) func(s *Server) http.HandlerFunc {
	return func(s *Server) http.HandlerFunc {
		return func(w http.ResponseWriter, r *http.Request) {
			help := "http://" + r.Host + "/api/3/action/help_show?name=" + name
			result, err := fn(s, r)
			if err == nil {
				writeJSON(w, http.StatusOK, CKANReply[T]{Help: help, Success: true, Result: result})
				return
			}
			st, typ := status(govlake.ErrorCode(err)), "Validation Error"
			switch {
			case st == http.StatusNotFound:
				typ = "Not Found Error"
			case st == http.StatusUnauthorized || st == http.StatusForbidden:
				typ = "Authorization Error"
			case st == http.StatusBadRequest:
				st = http.StatusConflict
			case st >= 500 || st == http.StatusTooManyRequests:
				typ = http.StatusText(st)
				if st >= 500 {
					s.logger.Error("request failed", "method", r.Method, "path", r.URL.Path, "err", err)
				}
			}
			if st == http.StatusTooManyRequests || st == http.StatusServiceUnavailable {
				w.Header().Set("Retry-After", "1")
			}
			writeJSON(w, st, CKANReply[*struct{}]{Help: help, Error: &CKANError{Type: typ, Message: govlake.ErrorMessage(err)}})
		}
	}
}

// ckanParam reads a parameter from the query string or a JSON body, as CKAN does.
func ckanParam(r *http.Request, name string) string {
	if v := r.URL.Query().Get(name); v != "" {
		return v
	}
	if r.Method != http.MethodPost || !strings.HasPrefix(r.Header.Get("Content-Type"), "application/json") {
		return ""
	}
	if r.Form == nil {
		var body map[string]any
		json.NewDecoder(io.LimitReader(r.Body, 1<<20)).Decode(&body)
		r.Form = map[string][]string{}
		for k, v := range body {
			switch x := v.(type) {
			case string:
				r.Form[k] = []string{x}
			default:
				b, _ := json.Marshal(x)
				r.Form[k] = []string{string(b)}
			}
		}
	}
	return r.Form.Get(name)
}

func intParam(r *http.Request, name string, def, max int) (int, error) {
	v := ckanParam(r, name)
	if v == "" {
		return def, nil
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < 0 {
		return 0, govlake.Errorf(govlake.EINVALID, "%s: %q is not a whole number", name, v)
	}
	return min(n, max), nil
}

func required(r *http.Request, name string) (string, error) {
	v := ckanParam(r, name)
	if v == "" {
		return "", govlake.Errorf(govlake.EINVALID, "%s: Missing value", name)
	}
	return v, nil
}

// CKANPackage is a dataset as a CKAN package.
type CKANPackage struct {
	ID               string         `json:"id"`
	Name             string         `json:"name"`
	Title            string         `json:"title"`
	Notes            string         `json:"notes"`
	Type             string         `json:"type"`
	State            string         `json:"state"`
	LicenseID        string         `json:"license_id"`
	LicenseTitle     string         `json:"license_title"`
	Organization     CKANOrgRef     `json:"organization"`
	OwnerOrg         string         `json:"owner_org"`
	Tags             []CKANTag      `json:"tags"`
	NumTags          int            `json:"num_tags"`
	MetadataModified string         `json:"metadata_modified"`
	Resources        []CKANResource `json:"resources"`
	NumResources     int            `json:"num_resources"`
	URL              string         `json:"url"`
}

// CKANOrgRef names a package's organization.
type CKANOrgRef struct {
	ID    string `json:"id"`
	Name  string `json:"name"`
	Title string `json:"title"`
}

// CKANTag is one tag of a package.
type CKANTag struct {
	Name        string `json:"name"`
	DisplayName string `json:"display_name"`
}

// CKANResource is a dataset's latest version as a CKAN resource.
type CKANResource struct {
	ID              string `json:"id"`
	PackageID       string `json:"package_id"`
	Name            string `json:"name"`
	Format          string `json:"format"`
	DatastoreActive bool   `json:"datastore_active"`
	URL             string `json:"url"`
	Description     string `json:"description"`
	LastModified    string `json:"last_modified"`
	Position        int    `json:"position"`
	Version         int    `json:"govlake_version"`
	Versions        int    `json:"govlake_versions"`
}

const ckanTime = "2006-01-02T15:04:05.000000"

func ckanPackage(r *http.Request, d *govlake.Detail) CKANPackage {
	tags := []CKANTag{}
	for _, t := range d.Tags {
		tags = append(tags, CKANTag{t, t})
	}
	modified := d.Updated.UTC().Format(ckanTime)
	res := CKANResource{
		ID: d.ID, PackageID: d.ID, Name: d.Title, Format: "CSV", DatastoreActive: true,
		URL:          "http://" + r.Host + "/api/v1/query?" + url.Values{"format": {"csv"}, "sql": {d.Tables.SelectAll}}.Encode(),
		Description:  "Version " + strconv.Itoa(d.Version) + ", " + strconv.FormatInt(d.Rows, 10) + " rows; query it with datastore_search or datastore_search_sql.",
		LastModified: modified, Version: d.Version, Versions: len(d.Versions),
	}
	return CKANPackage{
		ID: d.ID, Name: d.ID, Title: d.Title, Notes: d.Description, Type: "dataset", State: "active",
		LicenseID: d.License, LicenseTitle: d.License,
		Organization: CKANOrgRef{d.Organization, d.Organization, d.Organization}, OwnerOrg: d.Organization,
		Tags: tags, NumTags: len(tags), MetadataModified: modified,
		Resources: []CKANResource{res}, NumResources: 1, URL: "http://" + r.Host + "/datasets/" + d.ID,
	}
}

// ckanPackageList lists dataset names, paged by CKAN's limit and offset.
func ckanPackageList(s *Server, r *http.Request) ([]string, error) {
	limit, err := intParam(r, "limit", 1<<30, 1<<30)
	if err != nil {
		return nil, err
	}
	offset, err := intParam(r, "offset", 0, 1<<30)
	if err != nil {
		return nil, err
	}
	ds, err := s.catalog.Datasets(r.Context())
	if err != nil {
		return nil, err
	}
	ids := []string{}
	for i, d := range ds {
		if i >= offset && len(ids) < limit {
			ids = append(ids, d.ID)
		}
	}
	return ids, nil
}

// ckanTagList lists every tag of the datasets one sees, sorted, once.
func ckanTagList(s *Server, r *http.Request) ([]string, error) {
	return s.catalog.Tags(r.Context())
}

// CKANStatus is status_show: what CKAN says of itself, for clients that
// check the API before using it.
type CKANStatus struct {
	SiteTitle   string   `json:"site_title"`
	SiteURL     string   `json:"site_url"`
	CKANVersion string   `json:"ckan_version"`
	Locale      string   `json:"locale_default"`
	Extensions  []string `json:"extensions"`
}

// ckanCompatible is the CKAN version whose action API govlake answers as.
const ckanCompatible = "2.10.4"

func ckanStatusShow(s *Server, r *http.Request) (*CKANStatus, error) {
	return &CKANStatus{SiteTitle: s.Portal.Title, SiteURL: s.baseURL(r), CKANVersion: ckanCompatible, Locale: "en", Extensions: []string{"datastore"}}, nil
}

func ckanPackageShow(s *Server, r *http.Request) (*CKANPackage, error) {
	id, err := required(r, "id")
	if err != nil {
		return nil, err
	}
	d, err := s.catalog.Dataset(r.Context(), id)
	if err != nil {
		if govlake.ErrorCode(err) == govlake.ENOTFOUND {
			return nil, govlake.Errorf(govlake.ENOTFOUND, "Not found")
		}
		return nil, err
	}
	p := ckanPackage(r, d)
	return &p, nil
}

// CKANSearch is package_search's result.
type CKANSearch struct {
	Count        int                        `json:"count"`
	Results      []CKANPackage              `json:"results"`
	Sort         string                     `json:"sort"`
	Facets       map[string]map[string]int  `json:"facets"`
	SearchFacets map[string]CKANSearchFacet `json:"search_facets"`
}

// CKANSearchFacet is one facet.field's counts, as CKAN lists them.
type CKANSearchFacet struct {
	Title string          `json:"title"`
	Items []CKANFacetItem `json:"items"`
}

// CKANFacetItem is one value of a facet and how many packages have it.
type CKANFacetItem struct {
	Name        string `json:"name"`
	DisplayName string `json:"display_name"`
	Count       int    `json:"count"`
}

// ckanFilterFields maps fq's field names to the catalogue's.
var ckanFilterFields = map[string]string{"organization": "organization", "owner_org": "organization", "tags": "tags", "license_id": "license",
	"res_format": "format", "frequency": "frequency", "language": "language"}

// ckanFieldList names the fields fq and facet.field take, for messages.
const ckanFieldList = "organization, tags, license_id, res_format, frequency, language"

// ckanSortFields maps sort's field names to the catalogue's.
var ckanSortFields = map[string]string{"name": "id", "title": "title", "title_string": "title", "metadata_modified": "modified"}

// ckanPackageSearch supports q (words in id, title, notes, tags), fq with
// organization:NAME, tags:TAG, license_id:ID, res_format:F, frequency:F
// and language:L terms, facet.field over the same, rows, start and sort.
func ckanPackageSearch(s *Server, r *http.Request) (*CKANSearch, error) {
	req := catalog.SearchRequest{Filters: map[string][]string{}}
	var err error
	if req.Rows, err = intParam(r, "rows", 10, 1000); err != nil {
		return nil, err
	}
	if req.Start, err = intParam(r, "start", 0, 1<<30); err != nil {
		return nil, err
	}
	for _, w := range strings.Fields(ckanParam(r, "q")) {
		if w != "*:*" {
			req.Words = append(req.Words, w)
		}
	}
	for _, term := range strings.Fields(ckanParam(r, "fq")) {
		k, v, ok := strings.Cut(term, ":")
		if !ok {
			return nil, govlake.Errorf(govlake.EINVALID, "fq: %q must be field:value (organization or tags)", term)
		}
		field, known := ckanFilterFields[k]
		if !known {
			return nil, govlake.Errorf(govlake.EINVALID, "fq: field %q is not supported (%s)", k, ckanFieldList)
		}
		req.Filters[field] = append(req.Filters[field], strings.Trim(v, `"`))
	}
	sortSpec := ckanParam(r, "sort")
	if sortSpec == "" {
		sortSpec = "name asc"
	}
	field, dir, _ := strings.Cut(sortSpec, " ")
	if req.Sort = ckanSortFields[field]; req.Sort == "" {
		return nil, govlake.Errorf(govlake.EINVALID, "sort: %q is not supported (name, title_string, metadata_modified; asc or desc)", sortSpec)
	}
	req.Desc = dir == "desc"
	found, err := s.catalog.Search(r.Context(), req)
	if err != nil {
		return nil, err
	}
	out := &CKANSearch{Count: found.Count, Results: []CKANPackage{}, Sort: sortSpec, Facets: map[string]map[string]int{}, SearchFacets: map[string]CKANSearchFacet{}}
	for _, d := range found.Datasets {
		out.Results = append(out.Results, ckanPackage(r, d))
	}
	if ff := ckanParam(r, "facet.field"); ff != "" {
		var fields []string
		if err := json.Unmarshal([]byte(ff), &fields); err != nil {
			return nil, govlake.Errorf(govlake.EINVALID, "facet.field: %q must be a JSON list such as [\"organization\", \"tags\"]", ff)
		}
		for _, f := range fields {
			ours, ok := ckanFilterFields[f]
			if !ok {
				return nil, govlake.Errorf(govlake.EINVALID, "facet.field: %q is not supported (%s)", f, ckanFieldList)
			}
			counts, sf := map[string]int{}, CKANSearchFacet{Title: f, Items: []CKANFacetItem{}}
			for _, c := range found.Facets[ours] {
				counts[c.Value] = c.Count
				sf.Items = append(sf.Items, CKANFacetItem{c.Value, c.Value, c.Count})
			}
			out.Facets[f], out.SearchFacets[f] = counts, sf
		}
	}
	return out, nil
}

func ckanOrganizationList(s *Server, r *http.Request) ([]string, error) {
	orgs, err := s.catalog.Organizations(r.Context())
	if err != nil {
		return nil, err
	}
	names := []string{}
	for _, o := range orgs {
		names = append(names, o.ID)
	}
	return names, nil
}

// CKANOrganization is organization_show's result.
type CKANOrganization struct {
	ID             string        `json:"id"`
	Name           string        `json:"name"`
	Title          string        `json:"title"`
	Description    string        `json:"description"`
	ImageURL       string        `json:"image_url"`
	Created        string        `json:"created"`
	Type           string        `json:"type"`
	IsOrganization bool          `json:"is_organization"`
	ApprovalStatus string        `json:"approval_status"`
	State          string        `json:"state"`
	PackageCount   int           `json:"package_count"`
	Packages       []CKANPackage `json:"packages"`
}

func ckanOrganizationShow(s *Server, r *http.Request) (*CKANOrganization, error) {
	id, err := required(r, "id")
	if err != nil {
		return nil, err
	}
	o, err := s.catalog.Organization(r.Context(), id)
	if govlake.ErrorCode(err) == govlake.ENOTFOUND {
		return nil, govlake.Errorf(govlake.ENOTFOUND, "Not found")
	} else if err != nil {
		return nil, err
	}
	out := &CKANOrganization{ID: o.ID, Name: o.ID, Title: o.Name.In("en"), Description: o.Description.In("en"),
		Type: "organization", IsOrganization: true, ApprovalStatus: "approved", State: "active",
		PackageCount: len(o.Datasets), Packages: []CKANPackage{}}
	if o.Logo != "" {
		out.ImageURL = "http://" + r.Host + "/organizations/" + o.ID + "/logo"
	}
	if !o.Created.IsZero() {
		out.Created = o.Created.UTC().Format(ckanTime)
	}
	for _, d := range o.Datasets {
		det, err := s.catalog.Dataset(r.Context(), d.ID)
		if err != nil {
			return nil, err
		}
		out.Packages = append(out.Packages, ckanPackage(r, det))
	}
	return out, nil
}

// ckanUnversioned serves /api/action/NAME as /api/3/action/NAME.
func (s *Server) ckanUnversioned(w http.ResponseWriter, r *http.Request) {
	r2 := r.Clone(r.Context())
	r2.URL.Path = "/api/3/action/" + r.PathValue("action")
	r2.URL.RawPath = ""
	s.mux.ServeHTTP(w, r2)
}

// ckanUnknown answers an action govlake does not have as CKAN does.
func (s *Server) ckanUnknown(w http.ResponseWriter, r *http.Request) {
	name := r.PathValue("action")
	writeJSON(w, http.StatusBadRequest, CKANReply[*struct{}]{Help: "http://" + r.Host + "/api/3/action/help_show?name=" + name,
		Error: &CKANError{Type: "Not Found Error", Message: "Action name not known: " + name}})
}
