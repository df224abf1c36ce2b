// Package dcat describes the catalogue for harvesters: DCAT-AP 3.0.1 as an
// RDF graph (written as Turtle, RDF/XML or JSON-LD by package rdf), paged
// with Hydra as ckanext-dcat pages it, and DCAT-US 1.1 (Project Open Data's
// data.json). It maps what the catalogue knows; it reads nothing itself.
package dcat

import (
	"strconv"
	"strings"
	"time"

	"govlake/internal/govlake"
	"govlake/internal/rdf"
)

// Vocabularies of the EU Publications Office that DCAT-AP asks for.
const (
	euAuthority = "http://publications.europa.eu/resource/authority/"
	dataTheme   = euAuthority + "data-theme"
	iana        = "http://www.iana.org/assignments/media-types/"
	earth       = "http://sws.geonames.org/6295630/"
)

// Site is the portal as a whole.
type Site struct {
	// Base is where people reach the server, without a trailing slash.
	Base        string
	Title       string
	Description string
	// Publisher is the organisation that runs the portal, if one is named.
	Publisher *govlake.Organization
	Modified  time.Time
}

// Entry is one dataset with its organisation (nil when no file defines it).
type Entry struct {
	*govlake.Detail
	Org *govlake.Organization
}

// Page is a slice of the catalogue, for Hydra's paging.
type Page struct {
	// URL is the page's own address without its page parameter.
	URL         string
	Number, Per int
	Total       int
}

// Format is a generated download of the whole latest version.
type Format struct {
	Name, MediaType string
}

// Formats are the query API's result formats, each a distribution.
var Formats = []Format{
	{"csv", "text/csv"}, {"json", "application/json"}, {"ndjson", "application/x-ndjson"},
	{"parquet", "application/vnd.apache.parquet"}, {"arrow", "application/vnd.apache.arrow.stream"},
}

// fileTypes are the EU file-type codes of the formats.
var fileTypes = map[string]string{
	"csv": "CSV", "json": "JSON", "parquet": "PARQUET",
	"xlsx": "XLSX", "xls": "XLS", "tsv": "TSV", "xml": "XML", "zip": "ZIP",
}

// frequencies are the EU frequency codes of govlake's frequencies.
var frequencies = map[string]string{
	"daily": "DAILY", "weekly": "WEEKLY", "monthly": "MONTHLY", "quarterly": "QUARTERLY", "annual": "ANNUAL", "irregular": "IRREG",
}

// languages are the EU language codes of the languages pages speak.
var languages = map[string]string{"en": "ENG", "my": "MYA", "lo": "LAO", "vi": "VIE", "th": "THA", "km": "KHM"}

// Catalog adds the catalogue, one page of its datasets, the query service
// and the Hydra paging to g.
func Catalog(g *rdf.Graph, site Site, page Page, entries []Entry) {
	cat := rdf.IRI(site.Base + "/")
	g.Add(cat, rdf.RDF+"type", rdf.IRI(rdf.DCAT+"Catalog"))
	g.Add(cat, rdf.DCT+"title", rdf.Lang(site.Title, "en"))
	g.Add(cat, rdf.DCT+"description", rdf.Lang(site.Description, "en"))
	g.Add(cat, rdf.DCT+"publisher", agent(g, site.Base, site.Publisher, site.Title))
	g.Add(cat, rdf.FOAF+"homepage", document(g, site.Base+"/"))
	g.Add(cat, rdf.DCT+"modified", dateTime(site.Modified))
	g.Add(cat, rdf.DCAT+"themeTaxonomy", rdf.IRI(dataTheme))
	g.Add(rdf.IRI(dataTheme), rdf.RDF+"type", rdf.IRI(rdf.SKOS+"ConceptScheme"))
	g.Add(rdf.IRI(dataTheme), rdf.DCT+"title", rdf.Lang("Data theme", "en"))
	svc := rdf.IRI(site.Base + "/api/v1/query")
	g.Add(cat, rdf.DCAT+"service", svc)
	g.Add(svc, rdf.RDF+"type", rdf.IRI(rdf.DCAT+"DataService"))
	g.Add(svc, rdf.DCT+"title", rdf.Lang("SQL over every dataset and version (DuckDB)", "en"))
	g.Add(svc, rdf.DCAT+"endpointURL", resource(g, site.Base+"/api/v1/query"))
	g.Add(svc, rdf.DCAT+"endpointDescription", resource(g, site.Base+"/openapi.json"))
	for _, e := range entries {
		ds := Dataset(g, site, e)
		g.Add(cat, rdf.DCAT+"dataset", ds)
		g.Add(svc, rdf.DCAT+"servesDataset", ds)
	}
	paging(g, page)
}

// paging states Hydra's paged collection as ckanext-dcat does: the pages'
// addresses as literals, with the total and the page size.
func paging(g *rdf.Graph, p Page) {
	if p.Per <= 0 {
		return
	}
	last := max(1, (p.Total+p.Per-1)/p.Per)
	at := func(n int) rdf.Term { return rdf.Literal(pageURL(p.URL, n)) }
	self := rdf.IRI(pageURL(p.URL, p.Number))
	g.Add(self, rdf.RDF+"type", rdf.IRI(rdf.HYDRA+"PagedCollection"))
	g.Add(self, rdf.HYDRA+"totalItems", rdf.Typed(strconv.Itoa(p.Total), rdf.XSD+"integer"))
	g.Add(self, rdf.HYDRA+"itemsPerPage", rdf.Typed(strconv.Itoa(p.Per), rdf.XSD+"integer"))
	g.Add(self, rdf.HYDRA+"firstPage", at(1))
	g.Add(self, rdf.HYDRA+"lastPage", at(last))
	if p.Number < last {
		g.Add(self, rdf.HYDRA+"nextPage", at(p.Number+1))
	}
	if p.Number > 1 {
		g.Add(self, rdf.HYDRA+"previousPage", at(p.Number-1))
	}
}

func pageURL(u string, n int) string {
	sep := "?"
	if strings.Contains(u, "?") {
		sep = "&"
	}
	return u + sep + "page=" + strconv.Itoa(n)
}

// agent is an organisation as a foaf:Agent, or the portal itself when no
// organisation is named.
func agent(g *rdf.Graph, base string, o *govlake.Organization, fallback string) rdf.Term {
	if o == nil {
		a := rdf.IRI(base + "/")
		g.Add(a, rdf.RDF+"type", rdf.IRI(rdf.FOAF+"Agent"))
		g.Add(a, rdf.FOAF+"name", rdf.Lang(fallback, "en"))
		return a
	}
	a := rdf.IRI(base + "/organizations/" + o.ID)
	g.Add(a, rdf.RDF+"type", rdf.IRI(rdf.FOAF+"Agent"))
	g.Add(a, rdf.RDF+"type", rdf.IRI(rdf.FOAF+"Organization"))
	texts(g, a, rdf.FOAF+"name", o.Name, o.ID)
	if o.Website != "" {
		g.Add(a, rdf.FOAF+"homepage", document(g, o.Website))
	}
	if o.Email != "" {
		g.Add(a, rdf.FOAF+"mbox", rdf.IRI("mailto:"+o.Email))
	}
	return a
}

// resource types an address as rdfs:Resource, which DCAT-AP's range
// shapes check literally (SHACL infers nothing).
func resource(g *rdf.Graph, u string) rdf.Term {
	t := rdf.IRI(u)
	g.Add(t, rdf.RDF+"type", rdf.IRI(rdf.RDFS+"Resource"))
	return t
}

func document(g *rdf.Graph, u string) rdf.Term {
	d := rdf.IRI(u)
	g.Add(d, rdf.RDF+"type", rdf.IRI(rdf.FOAF+"Document"))
	return d
}

// texts states a text once per language it is given in, else the plain
// text untagged.
func texts(g *rdf.Graph, s rdf.Term, p string, t govlake.Text, plain string) {
	if len(t) == 0 {
		g.Add(s, p, rdf.Literal(plain))
		return
	}
	for _, lang := range t.Languages() {
		g.Add(s, p, rdf.Lang(t[lang], lang))
	}
}

func dateTime(t time.Time) rdf.Term {
	if t.IsZero() {
		return rdf.Term{}
	}
	return rdf.Typed(t.UTC().Format(time.RFC3339), rdf.XSD+"dateTime")
}

// periodEnd types a year, a month or a day.
func periodEnd(v string) rdf.Term {
	switch len(v) {
	case 4:
		return rdf.Typed(v, rdf.XSD+"gYear")
	case 7:
		return rdf.Typed(v, rdf.XSD+"gYearMonth")
	}
	return rdf.Typed(v, rdf.XSD+"date")
}

// concept states an EU vocabulary's entry with its label and type.
func concept(g *rdf.Graph, iri, class, label string) rdf.Term {
	c := rdf.IRI(iri)
	g.Add(c, rdf.RDF+"type", rdf.IRI(class))
	if label != "" {
		g.Add(c, rdf.SKOS+"prefLabel", rdf.Lang(label, "en"))
	}
	return c
}
