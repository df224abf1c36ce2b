package dcat

import (
	"slices"
	"strconv"
	"strings"
	"time"

	"govlake/internal/govlake"
)

// SchemaDataset is a dataset as schema.org's Dataset, the JSON-LD a
// dataset page embeds for search engines (Google Dataset Search reads it).
type SchemaDataset struct {
	Context             string             `json:"@context"`
	Type                string             `json:"@type"`
	ID                  string             `json:"@id"`
	Name                string             `json:"name"`
	AlternateName       []SchemaText       `json:"alternateName,omitempty"`
	Description         string             `json:"description"`
	URL                 string             `json:"url"`
	Identifier          string             `json:"identifier"`
	Keywords            []string           `json:"keywords,omitempty"`
	License             string             `json:"license,omitempty"`
	IsAccessibleForFree bool               `json:"isAccessibleForFree"`
	Creator             *SchemaOrg         `json:"creator,omitempty"`
	Publisher           *SchemaOrg         `json:"publisher,omitempty"`
	TemporalCoverage    string             `json:"temporalCoverage,omitempty"`
	SpatialCoverage     []SchemaPlace      `json:"spatialCoverage,omitempty"`
	DateModified        string             `json:"dateModified,omitempty"`
	DatePublished       string             `json:"datePublished,omitempty"`
	Version             string             `json:"version,omitempty"`
	InLanguage          []string           `json:"inLanguage,omitempty"`
	Distribution        []SchemaDownload   `json:"distribution,omitempty"`
	VariableMeasured    []SchemaVariable   `json:"variableMeasured,omitempty"`
	IncludedInCatalog   *SchemaCatalogRef  `json:"includedInDataCatalog,omitempty"`
	SameAs              []string           `json:"sameAs,omitempty"`
	Subject             []SchemaDefinedTag `json:"about,omitempty"`
}

// SchemaText is a name in a language.
type SchemaText struct {
	Value string `json:"@value"`
	Lang  string `json:"@language"`
}

// SchemaOrg is an organisation.
type SchemaOrg struct {
	Type string `json:"@type"`
	Name string `json:"name"`
	URL  string `json:"url,omitempty"`
}

// SchemaPlace is a place a dataset covers.
type SchemaPlace struct {
	Type   string `json:"@type"`
	Name   string `json:"name"`
	SameAs string `json:"sameAs,omitempty"`
}

// SchemaDownload is one way to download the dataset.
type SchemaDownload struct {
	Type           string `json:"@type"`
	Name           string `json:"name"`
	EncodingFormat string `json:"encodingFormat"`
	ContentURL     string `json:"contentUrl"`
	ContentSize    string `json:"contentSize,omitempty"`
	SHA256         string `json:"sha256,omitempty"`
}

// SchemaVariable is one column.
type SchemaVariable struct {
	Type        string `json:"@type"`
	Name        string `json:"name"`
	Description string `json:"description,omitempty"`
}

// SchemaCatalogRef names the portal.
type SchemaCatalogRef struct {
	Type string `json:"@type"`
	Name string `json:"name"`
	URL  string `json:"url"`
}

// SchemaDefinedTag is a theme, by its EU address.
type SchemaDefinedTag struct {
	Type string `json:"@type"`
	Name string `json:"name"`
	URL  string `json:"url"`
}

// SchemaOrgDataset maps a dataset, with its data dictionary, to schema.org.
func SchemaOrgDataset(site Site, e Entry, dict []govlake.ColumnDoc) SchemaDataset {
	d := e.Detail
	s := SchemaDataset{Context: "https://schema.org/", Type: "Dataset", ID: DatasetIRI(site.Base, d.ID), Name: d.Title,
		Description: description(d), URL: DatasetURL(site.Base, d.ID), Identifier: d.ID, Keywords: d.Tags,
		IsAccessibleForFree: true, DateModified: d.Updated.UTC().Format(time.RFC3339), InLanguage: d.TitleTranslated.Languages(),
		IncludedInCatalog: &SchemaCatalogRef{Type: "DataCatalog", Name: site.Title, URL: site.Base + "/"}}
	if s.Name == "" {
		s.Name = d.ID
	}
	for _, lang := range sortedKeys(d.Keywords) {
		s.Keywords = append(slices.Clone(s.Keywords), d.Keywords[lang]...)
	}
	for _, lang := range d.TitleTranslated.Languages() {
		if t := d.TitleTranslated[lang]; t != s.Name {
			s.AlternateName = append(s.AlternateName, SchemaText{t, lang})
		}
	}
	if l := govlake.LicenseOf(d.License); l.URL != "" {
		s.License = l.URL
	} else {
		s.License = d.License
	}
	if org := orgOrID(e); org != nil {
		s.Creator = &SchemaOrg{Type: "Organization", Name: org.Name.In("en"), URL: org.Website}
		s.Publisher = s.Creator
	}
	if p, ok := d.TemporalCoverage(); ok {
		s.TemporalCoverage = firstOf(p.Start, "..") + "/" + firstOf(p.End, "..")
	}
	for _, sp := range d.Spatial {
		s.SpatialCoverage = append(s.SpatialCoverage, SchemaPlace{Type: "Place", Name: sp, SameAs: spatialIRI(sp)})
	}
	for _, t := range d.Themes {
		s.Subject = append(s.Subject, SchemaDefinedTag{Type: "DefinedTerm", Name: govlake.Themes[t], URL: dataTheme + "/" + t})
	}
	if d.VersionCount > 0 {
		s.DatePublished = d.FirstVersion.UTC().Format(time.RFC3339)
	}
	if d.Version > 0 {
		s.Version = strconv.Itoa(d.Version)
		s.Distribution = schemaDownloads(site, d)
	}
	for _, c := range dict {
		v := SchemaVariable{Type: "PropertyValue", Name: c.Name, Description: strings.TrimSpace(c.Title + " " + c.Description)}
		s.VariableMeasured = append(s.VariableMeasured, v)
	}
	return s
}

func schemaDownloads(site Site, d *govlake.Detail) []SchemaDownload {
	var out []SchemaDownload
	api := VersionURL(site.Base, d.ID, d.Version)
	for k, f := range d.Files {
		out = append(out, SchemaDownload{Type: "DataDownload", Name: "Version " + strconv.Itoa(d.Version) + " as stored (Parquet)", EncodingFormat: "application/vnd.apache.parquet",
			ContentURL: api + "/files/" + strconv.Itoa(k), ContentSize: strconv.FormatInt(f.Size, 10) + " B", SHA256: f.SHA256})
	}
	for _, f := range Formats {
		out = append(out, SchemaDownload{Type: "DataDownload", Name: "Latest version as " + f.Name, EncodingFormat: f.MediaType, ContentURL: queryURL(site.Base, f.Name, d.ID)})
	}
	return out
}
