package web

import (
	"encoding/json"
	"io"
	"net/http"
	"slices"
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
			help := s.baseURL(r) + "/api/3/action/help_show?name=" + name
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
	d, err := s.datasetByRef(r.Context(), s.baseURL(r), id)
	if err != nil {
		if govlake.ErrorCode(err) == govlake.ENOTFOUND {
			return nil, govlake.Errorf(govlake.ENOTFOUND, "Not found")
		}
		return nil, err
	}
	orgs := s.catalog.DefinedOrganizations()
	p := s.ckanPackage(r, d, orgs[d.Organization])
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

// ckanFacetFields maps facet.field's names to the catalogue's facets.
var ckanFacetFields = map[string]string{"organization": "organization", "tags": "tags", "groups": "groups", "license_id": "license",
	"res_format": "format", "frequency": "frequency", "language": "language"}

// ckanPackageSearch answers package_search: q and fq in the Solr subset
// that clients and harvesters send (ckansolr.go), sort, rows and start,
// facet.field.
func ckanPackageSearch(s *Server, r *http.Request) (*CKANSearch, error) {
	ns := s.baseURL(r)
	req := catalog.SearchRequest{Filters: map[string][]string{}, Namespace: ns}
	var err error
	if req.Rows, err = intParam(r, "rows", 10, 1000); err != nil {
		return nil, err
	}
	if req.Start, err = intParam(r, "start", 0, 1<<30); err != nil {
		return nil, err
	}
	q := solrQuery{Filters: req.Filters}
	if err := parseSolr("q", ckanParam(r, "q"), &q); err != nil {
		return nil, err
	}
	if err := parseSolr("fq", ckanParam(r, "fq"), &q); err != nil {
		return nil, err
	}
	req.Words, req.Clauses = q.Words, q.Clauses
	sortSpec := ckanParam(r, "sort")
	if sortSpec == "" {
		sortSpec = "score desc, metadata_modified desc"
	}
	if req.Sort, req.Desc, err = solrSort(sortSpec, len(req.Words) > 0); err != nil {
		return nil, err
	}
	facets, err := ckanFacetList(r)
	if err != nil {
		return nil, err
	}
	req.CountMatches = slices.Contains(facets, "groups")
	found, err := s.catalog.Search(r.Context(), req)
	if err != nil {
		return nil, err
	}
	out := &CKANSearch{Count: found.Count, Results: []CKANPackage{}, Sort: sortSpec, Facets: map[string]map[string]int{}, SearchFacets: map[string]CKANSearchFacet{}}
	orgs := s.catalog.DefinedOrganizations()
	for _, d := range found.Datasets {
		out.Results = append(out.Results, s.ckanPackage(r, d, orgs[d.Organization]))
	}
	for _, f := range facets {
		counts, sf := map[string]int{}, CKANSearchFacet{Title: f, Items: []CKANFacetItem{}}
		for _, c := range found.Facets[ckanFacetFields[f]] {
			counts[c.Value] = c.Count
			sf.Items = append(sf.Items, CKANFacetItem{c.Value, c.Value, c.Count})
		}
		out.Facets[f], out.SearchFacets[f] = counts, sf
	}
	return out, nil
}

// ckanFacetList reads facet.field, a JSON list of field names.
func ckanFacetList(r *http.Request) ([]string, error) {
	ff := ckanParam(r, "facet.field")
	if ff == "" {
		return nil, nil
	}
	var fields []string
	if err := json.Unmarshal([]byte(ff), &fields); err != nil {
		return nil, govlake.Errorf(govlake.EINVALID, "facet.field: %q must be a JSON list such as [\"organization\", \"tags\"]", ff)
	}
	for _, f := range fields {
		if _, ok := ckanFacetFields[f]; !ok {
			return nil, govlake.Errorf(govlake.EINVALID, "facet.field: %q is not supported (organization, tags, groups, license_id, res_format, frequency, language)", f)
		}
	}
	return fields, nil
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
	base := s.baseURL(r)
	if uuidPattern.MatchString(id) {
		if all, err := s.catalog.Organizations(r.Context()); err == nil {
			for _, o := range all {
				if orgID(base, o.ID) == id {
					id = o.ID
				}
			}
		}
	}
	o, err := s.catalog.Organization(r.Context(), id)
	if govlake.ErrorCode(err) == govlake.ENOTFOUND {
		return nil, govlake.Errorf(govlake.ENOTFOUND, "Not found")
	} else if err != nil {
		return nil, err
	}
	out := &CKANOrganization{ID: orgID(base, o.ID), Name: o.ID, Title: o.Name.In("en"), Description: o.Description.In("en"),
		Type: "organization", IsOrganization: true, ApprovalStatus: "approved", State: "active",
		PackageCount: len(o.Datasets), Packages: []CKANPackage{}}
	if o.Logo != "" {
		out.ImageURL = base + "/organizations/" + o.ID + "/logo"
	}
	if !o.Created.IsZero() {
		out.Created = o.Created.UTC().Format(ckanTime)
	}
	for _, d := range o.Datasets {
		det, err := s.catalog.Dataset(r.Context(), d.ID)
		if err != nil {
			return nil, err
		}
		out.Packages = append(out.Packages, s.ckanPackage(r, det, o.Organization))
	}
	return out, nil
}

// ckanUnversioned serves /api/action/NAME, /api/1/action/NAME and
// /api/2/action/NAME as /api/3/action/NAME: the action API answers alike
// at every version.
func (s *Server) ckanUnversioned(w http.ResponseWriter, r *http.Request) {
	if v := r.PathValue("ver"); v != "" && v != "1" && v != "2" {
		writeJSON(w, http.StatusBadRequest, CKANReply[*struct{}]{Help: s.baseURL(r) + "/api/3/action/help_show?name=" + r.PathValue("action"),
			Error: &CKANError{Type: "Validation Error", Message: "API version " + v + " is not supported: use /api/3/action/"}})
		return
	}
	r2 := r.Clone(r.Context())
	r2.URL.Path = "/api/3/action/" + r.PathValue("action")
	r2.URL.RawPath = ""
	s.mux.ServeHTTP(w, r2)
}

// ckanUnknown answers an action govlake does not have as CKAN does.
func (s *Server) ckanUnknown(w http.ResponseWriter, r *http.Request) {
	name := r.PathValue("action")
	writeJSON(w, http.StatusBadRequest, CKANReply[*struct{}]{Help: s.baseURL(r) + "/api/3/action/help_show?name=" + name,
		Error: &CKANError{Type: "Not Found Error", Message: "Action name not known: " + name}})
}
