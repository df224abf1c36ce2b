package web

import (
	"bytes"
	"encoding/json"
	"html/template"
	"math"
	"net/http"
	"strconv"
	"strings"

	"govlake/internal/dcat"
	"govlake/internal/govlake"
	"govlake/internal/rdf"
)

// DCAT-AP for harvesters: the catalogue and each dataset in the three RDF
// syntaxes, by extension or by Accept, as ckanext-dcat serves them.

// rdfSyntax is one way to write a graph.
type rdfSyntax struct {
	ext, mediaType string
	write          func(g *rdf.Graph, b *bytes.Buffer) error
}

var rdfSyntaxes = []rdfSyntax{
	{"jsonld", "application/ld+json", func(g *rdf.Graph, b *bytes.Buffer) error { return g.WriteJSONLD(b) }},
	{"ttl", "text/turtle", func(g *rdf.Graph, b *bytes.Buffer) error { return g.WriteTurtle(b) }},
	{"rdf", "application/rdf+xml", func(g *rdf.Graph, b *bytes.Buffer) error { return g.WriteRDFXML(b) }},
}

// rdfMediaTypes are the syntaxes' media types, for the route table.
func rdfMediaTypes() []string {
	var out []string
	for _, x := range rdfSyntaxes {
		out = append(out, x.mediaType)
	}
	return out
}

// CatalogPageSize is how many datasets a page of the DCAT catalogue holds
// unless the server says otherwise (ckanext-dcat's default).
const CatalogPageSize = 100

// syntaxByExt finds a syntax by its extension.
func syntaxByExt(ext string) (rdfSyntax, bool) {
	for _, x := range rdfSyntaxes {
		if x.ext == ext || (ext == "xml" && x.ext == "rdf") {
			return x, true
		}
	}
	return rdfSyntax{}, false
}

// negotiated picks the RDF syntax the Accept header prefers, if it
// prefers one to HTML.
func negotiated(r *http.Request) (rdfSyntax, bool) {
	best, bestQ := rdfSyntax{}, 0.0
	html := 0.0
	for _, part := range strings.Split(r.Header.Get("Accept"), ",") {
		name, params, _ := strings.Cut(strings.TrimSpace(part), ";")
		q := 1.0
		for _, p := range strings.Split(params, ";") {
			if v, ok := strings.CutPrefix(strings.TrimSpace(p), "q="); ok {
				q, _ = strconv.ParseFloat(v, 64)
			}
		}
		name = strings.ToLower(strings.TrimSpace(name))
		if name == "text/html" || name == "application/xhtml+xml" {
			html = max(html, q)
		}
		for _, x := range rdfSyntaxes {
			if (name == x.mediaType || (x.ext == "jsonld" && name == "application/json") || (x.ext == "rdf" && name == "application/xml")) && q > bestQ {
				best, bestQ = x, q
			}
		}
	}
	return best, bestQ > 0 && bestQ > html
}

// site is the portal as DCAT states it.
func (s *Server) site(r *http.Request, orgs map[string]*govlake.Organization) dcat.Site {
	_, modified, _ := s.catalog.State(r.Context())
	return dcat.Site{Base: s.baseURL(r), Title: s.Portal.Title, Description: s.Portal.Description,
		Publisher: orgs[s.Portal.Publisher], Modified: modified}
}

// dcatCatalog answers /catalog.{ext} (and /catalog by Accept): one page of
// the catalogue.
func (s *Server) dcatCatalog(w http.ResponseWriter, r *http.Request) {
	x, ok := syntaxByExt(strings.TrimPrefix(strings.TrimPrefix(r.URL.Path, "/catalog"), "."))
	if !ok {
		if x, ok = negotiated(r); !ok {
			x = rdfSyntaxes[0]
		}
	}
	n, err := pageNumber(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	per := s.DCATPageSize
	if per <= 0 {
		per = CatalogPageSize
	}
	entries, total, orgs, err := s.dcatEntries(r, (n-1)*per, per)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if last := max(1, (total+per-1)/per); n > last {
		s.fail(w, r, govlake.Errorf(govlake.ENOTFOUND, "page %d: the catalogue has %d page(s) of %d datasets", n, last, per))
		return
	}
	site := s.site(r, orgs)
	g := rdf.NewGraph()
	dcat.Catalog(g, site, dcat.Page{URL: site.Base + r.URL.Path, Number: n, Per: per, Total: total}, entries)
	s.writeGraph(w, r, g, x)
}

// dcatEntries are at most n of the datasets one may see, from the from-th
// in id order, with their organisations; total counts them all.
func (s *Server) dcatEntries(r *http.Request, from, n int) (entries []dcat.Entry, total int, orgs map[string]*govlake.Organization, err error) {
	sums, err := s.catalog.Datasets(r.Context())
	if err != nil {
		return nil, 0, nil, err
	}
	orgs = s.catalog.DefinedOrganizations()
	for i := from; i < len(sums) && i < from+n; i++ {
		d, err := s.catalog.Dataset(r.Context(), sums[i].ID)
		if err != nil {
			return nil, 0, nil, err
		}
		entries = append(entries, dcat.Entry{Detail: d, Org: orgs[d.Organization]})
	}
	return entries, len(sums), orgs, nil
}

func pageNumber(r *http.Request) (int, error) {
	v := r.URL.Query().Get("page")
	if v == "" {
		return 1, nil
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < 1 {
		return 0, govlake.Errorf(govlake.EINVALID, "page: %q must be a page number from 1", v)
	}
	return n, nil
}

// dcatDataset answers /datasets/{id}.{ext}, or the page's address when
// Accept asks for RDF.
func (s *Server) dcatDataset(w http.ResponseWriter, r *http.Request, id string, x rdfSyntax) {
	d, err := s.catalog.Dataset(r.Context(), id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	orgs := s.catalog.DefinedOrganizations()
	g := rdf.NewGraph()
	dcat.Dataset(g, s.site(r, orgs), dcat.Entry{Detail: d, Org: orgs[d.Organization]})
	s.writeGraph(w, r, g, x)
}

func (s *Server) writeGraph(w http.ResponseWriter, r *http.Request, g *rdf.Graph, x rdfSyntax) {
	var b bytes.Buffer
	if err := x.write(g, &b); err != nil {
		s.fail(w, r, govlake.Errorf(govlake.EINTERNAL, "write the catalogue as %s: %w", x.mediaType, err))
		return
	}
	w.Header().Set("Content-Type", x.mediaType+"; charset=utf-8")
	w.Header().Set("Content-Length", strconv.Itoa(b.Len()))
	w.WriteHeader(http.StatusOK)
	w.Write(b.Bytes()) // a HEAD's writer drops it (headWriter)
}

// linkedDataRoutes are the DCAT catalogue's addresses.
func linkedDataRoutes() []route {
	page := param{name: "page", in: "query", desc: "page number from 1, " + strconv.Itoa(CatalogPageSize) + " datasets a page unless the server is told otherwise (hydra:PagedCollection links the others)", typ: "integer"}
	rs := []route{{method: "GET", path: "/catalog", summary: "The catalogue as DCAT-AP 3.0.1, in the syntax Accept asks for (JSON-LD when it names none)",
		params: []param{page}, media: rdfMediaTypes(), handle: func(s *Server) http.HandlerFunc { return s.dcatCatalog }}}
	for _, x := range rdfSyntaxes {
		rs = append(rs, route{method: "GET", path: "/catalog." + x.ext, summary: "The catalogue as DCAT-AP 3.0.1 (" + x.mediaType + "), paged",
			params: []param{page}, media: []string{x.mediaType}, handle: func(s *Server) http.HandlerFunc { return s.dcatCatalog }})
	}
	rs = append(rs, route{method: "GET", path: "/data.json", summary: "The catalogue as DCAT-US 1.1 (Project Open Data's data.json)", reply: typeOf[dcat.USCatalog](),
		handle: func(s *Server) http.HandlerFunc { return s.dataJSON }},
		route{method: "GET", path: "/sitemap.xml", summary: "Every dataset and organization page for search engines (sitemaps.org; a sitemap index of pages past 50,000 addresses)",
			params: []param{{name: "page", in: "query", desc: "a page of a sitemap index", typ: "integer"}}, media: []string{"application/xml; charset=utf-8"},
			handle: func(s *Server) http.HandlerFunc { return s.sitemap }},
		route{method: "GET", path: "/robots.txt", summary: "What crawlers may read, and where the sitemap is", media: []string{"text/plain; charset=utf-8"},
			handle: func(s *Server) http.HandlerFunc { return s.robots }})
	return rs
}

// dataJSON answers /data.json: every dataset one may see, as DCAT-US 1.1.
func (s *Server) dataJSON(w http.ResponseWriter, r *http.Request) {
	entries, _, orgs, err := s.dcatEntries(r, 0, math.MaxInt)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, dcat.US(s.site(r, orgs), s.Portal.Email, entries))
}

// datasetHead is the dataset page's schema.org Dataset, for search
// engines, and links to its DCAT documents, for harvesters.
func (s *Server) datasetHead(r *http.Request, d *govlake.Detail, dict []govlake.ColumnDoc) (Head, error) {
	orgs := s.catalog.DefinedOrganizations()
	site := s.site(r, orgs)
	// Marshal escapes <, > and &, so the block cannot end the script early.
	b, err := json.Marshal(dcat.SchemaOrgDataset(site, dcat.Entry{Detail: d, Org: orgs[d.Organization]}, dict))
	if err != nil {
		return Head{}, govlake.Errorf(govlake.EINTERNAL, "describe %s for search engines: %w", d.ID, err)
	}
	h := Head{JSONLD: template.JS(b)}
	for _, x := range rdfSyntaxes {
		h.Alternates = append(h.Alternates, Alternate{Type: x.mediaType, Href: "/datasets/" + d.ID + "." + x.ext})
	}
	return h, nil
}
