package web

import (
	"context"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"

	"govlake/internal/catalog"
	"govlake/internal/dcat"
	"govlake/internal/govlake"
)

// CKANPackage is a dataset as a CKAN 2.10 package, with the fields CKAN
// clients and ckanext-dcat read.
type CKANPackage struct {
	ID               string         `json:"id"`
	Name             string         `json:"name"`
	Title            string         `json:"title"`
	TitleTranslated  govlake.Text   `json:"title_translated,omitempty"`
	Notes            string         `json:"notes"`
	Type             string         `json:"type"`
	State            string         `json:"state"`
	Private          bool           `json:"private"`
	Version          string         `json:"version"`
	LicenseID        string         `json:"license_id"`
	LicenseTitle     string         `json:"license_title"`
	LicenseURL       string         `json:"license_url"`
	IsOpen           bool           `json:"isopen"`
	Author           string         `json:"author"`
	AuthorEmail      string         `json:"author_email"`
	Maintainer       string         `json:"maintainer"`
	MaintainerEmail  string         `json:"maintainer_email"`
	Organization     CKANOrgRef     `json:"organization"`
	OwnerOrg         string         `json:"owner_org"`
	Groups           []CKANGroupRef `json:"groups"`
	Tags             []CKANTag      `json:"tags"`
	NumTags          int            `json:"num_tags"`
	Extras           []CKANExtra    `json:"extras"`
	MetadataCreated  string         `json:"metadata_created"`
	MetadataModified string         `json:"metadata_modified"`
	Resources        []CKANResource `json:"resources"`
	NumResources     int            `json:"num_resources"`
	URL              string         `json:"url"`
}

// CKANOrgRef is a package's organization, with CKAN's fields.
type CKANOrgRef struct {
	ID             string `json:"id"`
	Name           string `json:"name"`
	Title          string `json:"title"`
	Type           string `json:"type"`
	Description    string `json:"description"`
	ImageURL       string `json:"image_url"`
	Created        string `json:"created"`
	IsOrganization bool   `json:"is_organization"`
	ApprovalStatus string `json:"approval_status"`
	State          string `json:"state"`
}

// CKANGroupRef is a group a package is in: govlake's groups are the EU
// data themes.
type CKANGroupRef struct {
	ID          string `json:"id"`
	Name        string `json:"name"`
	Title       string `json:"title"`
	DisplayName string `json:"display_name"`
	Description string `json:"description"`
	ImageURL    string `json:"image_display_url"`
}

// CKANTag is one tag of a package.
type CKANTag struct {
	Name        string `json:"name"`
	DisplayName string `json:"display_name"`
}

// CKANExtra is a key and value CKAN keeps beside a package's fields.
type CKANExtra struct {
	Key   string `json:"key"`
	Value string `json:"value"`
}

// CKANResource is one way to get a package's latest version. The first,
// whose id is the dataset id, is the one the datastore actions read.
type CKANResource struct {
	ID              string `json:"id"`
	PackageID       string `json:"package_id"`
	Name            string `json:"name"`
	Description     string `json:"description"`
	Format          string `json:"format"`
	Mimetype        string `json:"mimetype"`
	Size            *int64 `json:"size"`
	Hash            string `json:"hash"`
	URL             string `json:"url"`
	URLType         string `json:"url_type"`
	DatastoreActive bool   `json:"datastore_active"`
	State           string `json:"state"`
	Created         string `json:"created"`
	LastModified    string `json:"last_modified"`
	Position        int    `json:"position"`
	Version         int    `json:"govlake_version"`
	Versions        int    `json:"govlake_versions"`
}

const ckanTime = "2006-01-02T15:04:05.000000"

// openLicenses are the licence ids CKAN counts as open (isopen), besides
// every Creative Commons and Open Data Commons licence that permits reuse.
var openLicenses = []string{"cc-by", "cc-by-sa", "cc-zero", "odc-pddl", "odc-odbl", "odc-by", "uk-ogl", "other-open", "other-pd", "other-at", "gfdl"}

func isOpen(id string) bool {
	l := strings.ToLower(id)
	for _, o := range openLicenses {
		if l == o {
			return true
		}
	}
	return (strings.HasPrefix(l, "cc-") && !strings.Contains(l, "-nc") && !strings.Contains(l, "-nd")) || strings.HasPrefix(l, "odc-") || strings.HasPrefix(l, "pddl") || strings.HasPrefix(l, "odbl") ||
		strings.HasPrefix(l, "cc0") || strings.HasPrefix(l, "ogl") || strings.HasPrefix(l, "singapore open data licence")
}

// orgID is an organisation's CKAN id.
func orgID(base, org string) string { return govlake.PackageUUID(base, "organization/"+org) }

// ckanOrgRef is an organisation as CKAN shows it inside a package.
func ckanOrgRef(base, id string, o *govlake.Organization) CKANOrgRef {
	ref := CKANOrgRef{ID: orgID(base, id), Name: id, Title: id, Type: "organization", IsOrganization: true, ApprovalStatus: "approved", State: "active"}
	if o != nil {
		ref.Title, ref.Description = o.Name.In("en"), o.Description.In("en")
		if o.Logo != "" {
			ref.ImageURL = base + "/organizations/" + o.ID + "/logo"
		}
		if !o.Created.IsZero() {
			ref.Created = o.Created.UTC().Format(ckanTime)
		}
	}
	return ref
}

func (s *Server) ckanPackage(r *http.Request, d *govlake.Detail, org *govlake.Organization) CKANPackage {
	base := s.baseURL(r)
	tags := []CKANTag{}
	for _, t := range d.Tags {
		tags = append(tags, CKANTag{t, t})
	}
	groups := []CKANGroupRef{}
	for _, t := range d.Themes {
		groups = append(groups, ckanGroup(base, t))
	}
	lic := govlake.LicenseOf(d.License)
	p := CKANPackage{
		ID: govlake.PackageUUID(base, d.ID), Name: d.ID, Title: d.Title, TitleTranslated: d.TitleTranslated, Notes: d.Description,
		Type: "dataset", State: "active", Private: d.Access == govlake.AccessRestricted, LicenseID: d.License, LicenseTitle: lic.Name, LicenseURL: lic.URL,
		IsOpen: isOpen(d.License), Organization: ckanOrgRef(base, d.Organization, org), OwnerOrg: orgID(base, d.Organization),
		Groups: groups, Tags: tags, NumTags: len(tags), Extras: ckanExtras(d), MetadataModified: d.Updated.UTC().Format(ckanTime),
		Resources: []CKANResource{}, URL: base + "/datasets/" + d.ID,
	}
	if org != nil {
		p.Author, p.AuthorEmail = org.Name.In("en"), org.Email
	}
	if c, ok := govlake.ContactOf(&d.Metadata, org); ok {
		p.Maintainer, p.MaintainerEmail = c.Name, c.Email
	}
	if d.VersionCount > 0 {
		p.MetadataCreated = d.FirstVersion.UTC().Format(ckanTime)
	} else {
		p.MetadataCreated = p.MetadataModified
	}
	if d.Version > 0 {
		p.Version = strconv.Itoa(d.Version)
		p.Resources = ckanResources(base, d)
	}
	p.NumResources = len(p.Resources)
	return p
}

// ckanExtras carry what CKAN has no field for: frequency, coverage,
// themes, languages, as ckanext-dcat names them.
func ckanExtras(d *govlake.Detail) []CKANExtra {
	extras := []CKANExtra{{"identifier", d.ID}}
	if d.Frequency != "" {
		extras = append(extras, CKANExtra{"frequency", d.Frequency})
	}
	if len(d.Spatial) > 0 {
		extras = append(extras, CKANExtra{"spatial_uri", strings.Join(d.Spatial, " ")})
	}
	if p, ok := d.TemporalCoverage(); ok {
		extras = append(extras, CKANExtra{"temporal_start", p.Start}, CKANExtra{"temporal_end", p.End})
	}
	if len(d.Themes) > 0 {
		extras = append(extras, CKANExtra{"theme", strings.Join(d.Themes, " ")})
	}
	if langs := d.TitleTranslated.Languages(); len(langs) > 0 {
		extras = append(extras, CKANExtra{"language", strings.Join(langs, " ")})
	}
	return extras
}

// ckanResources: the datastore resource (the latest version, as CSV by
// the query API; its id is the dataset id), each stored Parquet file and
// the source as received, with their sizes and SHA-256.
func ckanResources(base string, d *govlake.Detail) []CKANResource {
	created := d.Updated.UTC().Format(ckanTime)
	pkg := govlake.PackageUUID(base, d.ID)
	common := CKANResource{PackageID: pkg, State: "active", Created: created, LastModified: created, Version: d.Version, Versions: d.VersionCount}
	main := common
	main.ID, main.Name, main.Format, main.Mimetype, main.DatastoreActive, main.URLType = d.ID, d.Title, "CSV", "text/csv", true, "datastore"
	main.URL = base + "/api/v1/query?" + url.Values{"format": {"csv"}, "sql": {catalog.SelectAll(d.ID)}}.Encode()
	main.Description = "Version " + strconv.Itoa(d.Version) + ", " + strconv.FormatInt(d.Rows, 10) + " rows; query it with datastore_search or datastore_search_sql."
	out := []CKANResource{main}
	api := dcat.VersionURL(base, d.ID, d.Version)
	for k, f := range d.Files {
		r := common
		size := f.Size
		r.ID, r.Name, r.Format, r.Mimetype, r.Size = govlake.PackageUUID(base, d.ID+"/files/"+strconv.Itoa(k)), d.ID+" (Parquet)", "Parquet", "application/vnd.apache.parquet", &size
		r.URL, r.Description = api+"/files/"+strconv.Itoa(k), "Version "+strconv.Itoa(d.Version)+" as stored, "+strconv.FormatInt(f.Rows, 10)+" rows"
		if f.SHA256 != "" {
			r.Hash = "sha256:" + f.SHA256
		}
		out = append(out, r)
	}
	if src := d.Source; src != nil && src.Size > 0 {
		r := common
		size := src.Size
		r.ID, r.Name, r.Format, r.Size, r.Hash = govlake.PackageUUID(base, d.ID+"/source"), d.ID+" (source)", strings.ToUpper(src.Format), &size, "sha256:"+src.SHA256
		r.Mimetype, r.URL, r.Description = dcat.MediaType(src.Format), api+"/source", "The source of version "+strconv.Itoa(d.Version)+" as it was received"
		out = append(out, r)
	}
	for i := range out {
		out[i].Position = i
	}
	return out
}

// ckanGroup is an EU data theme as a CKAN group.
func ckanGroup(base, code string) CKANGroupRef {
	name := strings.ToLower(code)
	return CKANGroupRef{ID: govlake.PackageUUID(base, "group/"+name), Name: name, Title: govlake.Themes[code], DisplayName: govlake.Themes[code],
		Description: "EU data theme " + code + " (http://publications.europa.eu/resource/authority/data-theme/" + code + ")"}
}

var uuidPattern = regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$`)

// datasetByRef finds a dataset by its name or its package id.
func (s *Server) datasetByRef(ctx context.Context, base, ref string) (*govlake.Detail, error) {
	if uuidPattern.MatchString(ref) {
		sums, err := s.catalog.Datasets(ctx)
		if err != nil {
			return nil, err
		}
		for _, d := range sums {
			if govlake.PackageUUID(base, d.ID) == ref {
				ref = d.ID
				break
			}
		}
	}
	return s.catalog.Dataset(ctx, ref)
}

// ckanName is the dataset a write names, by name or package id; an id
// that names none is left as it is, for the action's own message.
func (s *Server) ckanName(r *http.Request, ref string) string {
	if !uuidPattern.MatchString(ref) {
		return ref
	}
	if d, err := s.datasetByRef(r.Context(), s.baseURL(r), ref); err == nil {
		return d.ID
	}
	return ref
}
