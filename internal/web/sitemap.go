package web

import (
	"encoding/xml"
	"io"
	"net/http"
	"strconv"
	"time"

	"govlake/internal/govlake"
)

// Sitemaps and robots.txt, so that search engines find every dataset page
// (and its schema.org description) and leave the query API alone.

// SitemapMax is the most addresses one sitemap holds (the protocol's limit);
// a larger site answers a sitemap index of pages.
const SitemapMax = 50000

// Sitemap is the sitemaps.org urlset.
type Sitemap struct {
	XMLName xml.Name     `xml:"http://www.sitemaps.org/schemas/sitemap/0.9 urlset"`
	URLs    []SitemapURL `xml:"url"`
}

// SitemapURL is one page.
type SitemapURL struct {
	Loc     string `xml:"loc"`
	LastMod string `xml:"lastmod,omitempty"`
}

// SitemapIndex lists the pages of a large sitemap.
type SitemapIndex struct {
	XMLName  xml.Name     `xml:"http://www.sitemaps.org/schemas/sitemap/0.9 sitemapindex"`
	Sitemaps []SitemapURL `xml:"sitemap"`
}

func (s *Server) sitemap(w http.ResponseWriter, r *http.Request) {
	base := s.baseURL(r)
	sums, err := s.catalog.Datasets(r.Context())
	if err != nil {
		s.fail(w, r, err)
		return
	}
	orgs, err := s.catalog.Organizations(r.Context())
	if err != nil {
		s.fail(w, r, err)
		return
	}
	urls := []SitemapURL{{Loc: base + "/"}, {Loc: base + "/search"}, {Loc: base + "/organizations"}, {Loc: base + "/kpis"}}
	for _, d := range sums {
		urls = append(urls, SitemapURL{Loc: base + "/datasets/" + d.ID, LastMod: lastMod(d.Updated)})
	}
	for _, o := range orgs {
		urls = append(urls, SitemapURL{Loc: base + "/organizations/" + o.ID})
	}
	var doc any = Sitemap{URLs: urls}
	if v := r.URL.Query().Get("page"); v != "" || len(urls) > SitemapMax {
		pages := (len(urls) + SitemapMax - 1) / SitemapMax
		if v == "" {
			idx := SitemapIndex{}
			for p := 1; p <= pages; p++ {
				idx.Sitemaps = append(idx.Sitemaps, SitemapURL{Loc: base + "/sitemap.xml?page=" + strconv.Itoa(p)})
			}
			doc = idx
		} else {
			n, err := strconv.Atoi(v)
			if err != nil || n < 1 || n > pages {
				s.fail(w, r, govlake.Errorf(govlake.ENOTFOUND, "sitemap page %q: there are %d page(s)", v, pages))
				return
			}
			doc = Sitemap{URLs: urls[(n-1)*SitemapMax : min(len(urls), n*SitemapMax)]}
		}
	}
	w.Header().Set("Content-Type", "application/xml; charset=utf-8")
	io.WriteString(w, xml.Header)
	enc := xml.NewEncoder(w)
	enc.Indent("", " ")
	enc.Encode(doc)
}

func lastMod(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format(time.RFC3339)
}

// robots lets crawlers read the pages and the catalogue's descriptions,
// not the query API or the publishing pages, and names the sitemap.
func (s *Server) robots(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	io.WriteString(w, "User-agent: *\nAllow: /\nDisallow: /api/\nDisallow: /query\nDisallow: /my\nDisallow: /signin\nDisallow: /signout\n\nSitemap: "+s.baseURL(r)+"/sitemap.xml\n")
}
