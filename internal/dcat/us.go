package dcat

import (
	"strconv"
	"strings"
	"time"

	"govlake/internal/govlake"
)

// USCatalog is DCAT-US 1.1, Project Open Data's data.json.
type USCatalog struct {
	Context     string      `json:"@context"`
	ID          string      `json:"@id"`
	Type        string      `json:"@type"`
	ConformsTo  string      `json:"conformsTo"`
	DescribedBy string      `json:"describedBy"`
	Dataset     []USDataset `json:"dataset"`
}

// USDataset is one dataset of data.json.
type USDataset struct {
	Type               string           `json:"@type"`
	Title              string           `json:"title"`
	Description        string           `json:"description"`
	Keyword            []string         `json:"keyword"`
	Modified           string           `json:"modified"`
	Publisher          USOrganization   `json:"publisher"`
	ContactPoint       USContact        `json:"contactPoint"`
	Identifier         string           `json:"identifier"`
	AccessLevel        string           `json:"accessLevel"`
	Rights             string           `json:"rights,omitempty"`
	License            string           `json:"license,omitempty"`
	Spatial            string           `json:"spatial,omitempty"`
	Temporal           string           `json:"temporal,omitempty"`
	Issued             string           `json:"issued,omitempty"`
	AccrualPeriodicity string           `json:"accrualPeriodicity,omitempty"`
	Language           []string         `json:"language,omitempty"`
	LandingPage        string           `json:"landingPage"`
	Theme              []string         `json:"theme,omitempty"`
	DescribedBy        string           `json:"describedBy"`
	DescribedByType    string           `json:"describedByType"`
	Distribution       []USDistribution `json:"distribution"`
}

// USOrganization is a publisher.
type USOrganization struct {
	Type string `json:"@type"`
	Name string `json:"name"`
}

// USContact is a contact point; DCAT-US requires its e-mail.
type USContact struct {
	Type     string `json:"@type"`
	FN       string `json:"fn"`
	HasEmail string `json:"hasEmail,omitempty"`
}

// USDistribution is one way to get a dataset.
type USDistribution struct {
	Type        string `json:"@type"`
	Title       string `json:"title"`
	Description string `json:"description,omitempty"`
	DownloadURL string `json:"downloadURL"`
	MediaType   string `json:"mediaType"`
	Format      string `json:"format"`
}

// usPeriods are DCAT-US's ISO 8601 repeating durations of govlake's frequencies.
var usPeriods = map[string]string{"daily": "R/P1D", "weekly": "R/P1W", "monthly": "R/P1M", "quarterly": "R/P3M", "annual": "R/P1Y", "irregular": "irregular"}

// US maps the catalogue to data.json. DCAT-US requires a contact e-mail
// and a keyword: a dataset without its own takes its organisation's
// e-mail, else the portal's (email); without tags, its themes' names, else
// its organisation's id.
func US(site Site, email string, entries []Entry) USCatalog {
	c := USCatalog{Context: "https://project-open-data.cio.gov/v1.1/schema/catalog.jsonld", ID: site.Base + "/data.json", Type: "dcat:Catalog",
		ConformsTo: "https://project-open-data.cio.gov/v1.1/schema", DescribedBy: "https://project-open-data.cio.gov/v1.1/schema/catalog.json",
		Dataset: []USDataset{}}
	for _, e := range entries {
		c.Dataset = append(c.Dataset, usDataset(site, email, e))
	}
	return c
}

func usDataset(site Site, email string, e Entry) USDataset {
	d := e.Detail
	org := orgOrID(e)
	ds := USDataset{Type: "dcat:Dataset", Title: d.Title, Description: description(d), Keyword: d.Tags,
		Modified: d.Updated.UTC().Format(time.RFC3339), Identifier: DatasetIRI(site.Base, d.ID), AccessLevel: "public",
		LandingPage: DatasetURL(site.Base, d.ID), AccrualPeriodicity: usPeriods[d.Frequency],
		DescribedBy: site.Base + "/api/v1/datasets/" + d.ID, DescribedByType: "application/json", Distribution: []USDistribution{}}
	ds.Publisher = USOrganization{Type: "org:Organization", Name: site.Title}
	if org != nil {
		ds.Publisher.Name = org.Name.In("en")
	}
	if d.Access == govlake.AccessRestricted {
		ds.AccessLevel, ds.Rights = "non-public", "Restricted to "+d.Organization+": only its members see this dataset."
	}
	if l := govlake.LicenseOf(d.License); l.URL != "" {
		ds.License = l.URL
	}
	for _, t := range d.Themes {
		ds.Theme = append(ds.Theme, govlake.Themes[t])
	}
	if len(ds.Keyword) == 0 {
		ds.Keyword = ds.Theme
	}
	if len(ds.Keyword) == 0 && d.Organization != "" {
		ds.Keyword = []string{d.Organization}
	}
	ds.Spatial = strings.Join(d.Spatial, ", ")
	if p, ok := d.TemporalCoverage(); ok && p.Start != "" && p.End != "" {
		ds.Temporal = p.Start + "/" + p.End
	}
	if d.VersionCount > 0 {
		ds.Issued = d.FirstVersion.UTC().Format(time.RFC3339)
	}
	ds.Language = d.TitleTranslated.Languages()
	ds.ContactPoint = usContact(site, email, d, e.Org)
	if d.Version > 0 {
		ds.Distribution = usDistributions(site, d)
	}
	return ds
}

func usContact(site Site, portalEmail string, d *govlake.Detail, org *govlake.Organization) USContact {
	c := USContact{Type: "vcard:Contact", FN: site.Title}
	var mail string
	if k, ok := govlake.ContactOf(&d.Metadata, org); ok {
		c.FN, mail = firstOf(k.Name, site.Title), k.Email
	}
	if mail == "" && org != nil {
		mail = org.Email
	}
	if mail = firstOf(mail, portalEmail); mail != "" {
		c.HasEmail = "mailto:" + mail
	}
	return c
}

func firstOf(a, b string) string {
	if a != "" {
		return a
	}
	return b
}

func usDistributions(site Site, d *govlake.Detail) []USDistribution {
	var out []USDistribution
	api := VersionURL(site.Base, d.ID, d.Version)
	if d.Source != nil && d.Source.Size > 0 {
		if mt := mediaType(d.Source.Format); mt != "" {
			out = append(out, USDistribution{Type: "dcat:Distribution", Title: "Source of version " + strconv.Itoa(d.Version), DownloadURL: api + "/source", MediaType: mt, Format: strings.ToUpper(d.Source.Format),
				Description: "As received, " + strconv.FormatInt(d.Source.Size, 10) + " bytes, SHA-256 " + d.Source.SHA256})
		}
	}
	for _, f := range Formats {
		out = append(out, USDistribution{Type: "dcat:Distribution", Title: "Latest version as " + f.Name, DownloadURL: queryURL(site.Base, f.Name, d.ID), MediaType: f.MediaType, Format: strings.ToUpper(f.Name)})
	}
	return out
}
