package dcat

import (
	"fmt"
	"net/url"
	"slices"
	"strconv"

	"govlake/internal/catalog"
	"govlake/internal/govlake"
	"govlake/internal/rdf"
)

// DatasetURL is a dataset's page, which is its landing page; the dataset's
// IRI is the page's #dataset, so that the page and the data it describes
// are not one resource.
func DatasetURL(base, id string) string { return base + "/datasets/" + id }

// VersionURL is where the API answers for version n of a dataset; its
// files are below it (/files/K, /source).
func VersionURL(base, id string, n int) string {
	return base + "/api/v1/datasets/" + id + "/versions/" + strconv.Itoa(n)
}

// DatasetIRI names a dataset in the graph.
func DatasetIRI(base, id string) string { return DatasetURL(base, id) + "#dataset" }

// Dataset adds one dataset, its distributions and its versions to g.
func Dataset(g *rdf.Graph, site Site, e Entry) rdf.Term {
	d := e.Detail
	ds := rdf.IRI(DatasetIRI(site.Base, d.ID))
	g.Add(ds, rdf.RDF+"type", rdf.IRI(rdf.DCAT+"Dataset"))
	g.Add(ds, rdf.DCT+"identifier", rdf.Literal(d.ID))
	texts(g, ds, rdf.DCT+"title", d.TitleTranslated, d.Title)
	texts(g, ds, rdf.DCT+"description", d.DescriptionTranslated, description(d))
	for _, t := range d.Tags {
		g.Add(ds, rdf.DCAT+"keyword", rdf.Literal(t))
	}
	for _, lang := range sortedKeys(d.Keywords) {
		for _, w := range d.Keywords[lang] {
			g.Add(ds, rdf.DCAT+"keyword", rdf.Lang(w, lang))
		}
	}
	for _, t := range d.Themes {
		g.Add(ds, rdf.DCAT+"theme", concept(g, dataTheme+"/"+t, rdf.SKOS+"Concept", govlake.Themes[t]))
	}
	g.Add(ds, rdf.DCT+"publisher", agent(g, site.Base, orgOrID(e), site.Title))
	if c, ok := govlake.ContactOf(&d.Metadata, e.Org); ok {
		g.Add(ds, rdf.DCAT+"contactPoint", contact(g, c))
	}
	if code := frequencies[d.Frequency]; code != "" {
		g.Add(ds, rdf.DCT+"accrualPeriodicity", rdf.IRI(euAuthority+"frequency/"+code))
		g.Add(rdf.IRI(euAuthority+"frequency/"+code), rdf.RDF+"type", rdf.IRI(rdf.DCT+"Frequency"))
	}
	for _, lang := range d.TitleTranslated.Languages() {
		if code := languages[lang]; code != "" {
			l := rdf.IRI(euAuthority + "language/" + code)
			g.Add(ds, rdf.DCT+"language", l)
			g.Add(l, rdf.RDF+"type", rdf.IRI(rdf.DCT+"LinguisticSystem"))
		}
	}
	for _, s := range d.Spatial {
		loc := rdf.IRI(spatialIRI(s))
		g.Add(ds, rdf.DCT+"spatial", loc)
		g.Add(loc, rdf.RDF+"type", rdf.IRI(rdf.DCT+"Location"))
	}
	if p, ok := d.TemporalCoverage(); ok {
		t := g.Blank()
		g.Add(ds, rdf.DCT+"temporal", t)
		g.Add(t, rdf.RDF+"type", rdf.IRI(rdf.DCT+"PeriodOfTime"))
		g.Add(t, rdf.DCAT+"startDate", periodEnd(p.Start))
		g.Add(t, rdf.DCAT+"endDate", periodEnd(p.End))
	}
	rights := "PUBLIC"
	if d.Access == govlake.AccessRestricted {
		rights = "RESTRICTED"
	}
	g.Add(ds, rdf.DCT+"accessRights", rdf.IRI(euAuthority+"access-right/"+rights))
	g.Add(rdf.IRI(euAuthority+"access-right/"+rights), rdf.RDF+"type", rdf.IRI(rdf.DCT+"RightsStatement"))
	g.Add(ds, rdf.DCAT+"landingPage", document(g, DatasetURL(site.Base, d.ID)))
	g.Add(ds, rdf.DCT+"modified", dateTime(d.Updated))
	versions(g, site, ds, d)
	if d.Version > 0 {
		distributions(g, site, ds, d)
	}
	return ds
}

// orgOrID is the dataset's organisation, or one known by its id alone.
func orgOrID(e Entry) *govlake.Organization {
	if e.Org != nil || e.Organization == "" {
		return e.Org
	}
	return &govlake.Organization{ID: e.Organization, Name: govlake.Text{"en": e.Organization}}
}

// description is the dataset's own, or what its latest version is, since
// DCAT-AP requires one.
func description(d *govlake.Detail) string {
	if d.Description != "" {
		return d.Description
	}
	if d.Version == 0 {
		return d.Title + ": no version published yet."
	}
	return fmt.Sprintf("%s: %d rows in %d columns (version %d).", d.Title, d.Rows, len(d.Columns), d.Version)
}

func contact(g *rdf.Graph, c govlake.Contact) rdf.Term {
	k := g.Blank()
	g.Add(k, rdf.RDF+"type", rdf.IRI(rdf.VCARD+"Kind"))
	g.Add(k, rdf.RDF+"type", rdf.IRI(rdf.VCARD+"Organization"))
	g.Add(k, rdf.VCARD+"fn", rdf.Literal(c.Name))
	if c.Email != "" {
		g.Add(k, rdf.VCARD+"hasEmail", rdf.IRI("mailto:"+c.Email))
	}
	g.Add(k, rdf.VCARD+"hasURL", rdf.IRI(c.URL))
	return k
}

func spatialIRI(s string) string {
	switch {
	case s == govlake.SpatialWorld:
		return earth
	case len(s) == 3:
		return euAuthority + "country/" + s
	}
	return s
}

// versions states each published version as a dataset of its own, linked
// from the dataset (dcat:hasVersion) and to the one before it.
func versions(g *rdf.Graph, site Site, ds rdf.Term, d *govlake.Detail) {
	var later rdf.Term
	for _, v := range d.Versions { // newest first
		if v.Draft {
			continue
		}
		n := strconv.Itoa(v.Version)
		vu := rdf.IRI(DatasetURL(site.Base, d.ID) + "/versions/" + n)
		g.Add(ds, rdf.DCAT+"hasVersion", vu)
		g.Add(vu, rdf.RDF+"type", rdf.IRI(rdf.DCAT+"Dataset"))
		g.Add(vu, rdf.DCT+"identifier", rdf.Literal(d.ID+"/"+n))
		g.Add(vu, rdf.DCT+"title", rdf.Literal(d.Title+", version "+n))
		desc := fmt.Sprintf("Version %s of %s: %d rows (%d read, %d rejected), source SHA-256 %s.", n, d.ID, v.Rows.Valid, v.Rows.Read, v.Rows.Rejected, v.SHA256)
		if w := v.Withdrawn; w != nil {
			desc = fmt.Sprintf("Version %s of %s was withdrawn on %s: %s", n, d.ID, w.At.UTC().Format("2006-01-02"), w.Reason)
		}
		g.Add(vu, rdf.DCT+"description", rdf.Literal(desc))
		g.Add(vu, rdf.DCAT+"version", rdf.Literal(n))
		g.Add(vu, rdf.DCT+"issued", dateTime(v.Created))
		g.Add(vu, rdf.DCT+"isVersionOf", ds)
		if later.Value != "" {
			g.Add(later, rdf.DCAT+"previousVersion", vu)
		}
		later = vu
		if v.Withdrawn != nil {
			continue
		}
		dist := rdf.IRI(VersionURL(site.Base, d.ID, v.Version) + "#parquet")
		g.Add(vu, rdf.DCAT+"distribution", dist)
		distribution(g, dist, d, "parquet", fmt.Sprintf("Version %s as Parquet", n),
			site.Base+"/api/v1/datasets/"+d.ID+"/versions/"+n,
			queryURL(site.Base, "parquet", govlake.VersionTable(d.ID, v.Version)))
	}
	if d.VersionCount > 0 {
		g.Add(ds, rdf.DCT+"issued", dateTime(d.FirstVersion))
	}
}

func queryURL(base, format, table string) string {
	return base + "/api/v1/query?" + url.Values{"format": {format}, "sql": {catalog.SelectAll(table)}}.Encode()
}

func sortedKeys(m map[string][]string) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}
