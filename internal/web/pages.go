package web

import (
	"fmt"
	"html/template"
	"io"
	"net/http"
	"strings"
	"time"

	"govlake/internal/catalog"
	"govlake/internal/govlake"
)

var funcs = template.FuncMap{
	"dur":     func(r *govlake.Run) string { return r.Duration().Round(time.Millisecond).String() },
	"pct":     func(c govlake.RowCounts) string { return fmt.Sprintf("%.2f%%", 100*c.InvalidRatio()) },
	"bars":    bars,
	"binSpan": binSpan,
	"join":    func(s []string) string { return strings.Join(s, ", ") },
}

// render writes a page in the request's language.
func (s *Server) render(w http.ResponseWriter, r *http.Request, name string, view any) {
	var b strings.Builder
	c := s.chrome(w, r)
	if h, ok := view.(headed); ok {
		c.Head = h.head()
	}
	if err := s.pages.ExecuteTemplate(&b, name, page{c, view}); err != nil {
		s.fail(w, r, fmt.Errorf("render %s: %w", name, err))
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	io.WriteString(w, b.String())
}

// indexView is the home page: the search box, the KPI headlines, the
// recently updated datasets and the organisations.
type indexView struct {
	Total  int
	Recent []govlake.Summary
	Orgs   []Org
	KPIs   []kpiCard
}

// homeRecent is how many recently updated datasets the home page lists.
const homeRecent = 10

func (s *Server) pageIndex(w http.ResponseWriter, r *http.Request) {
	l := s.locales.pick(r)
	found, err := s.catalog.Search(r.Context(), catalog.SearchRequest{Sort: "modified", Desc: true, Rows: homeRecent, NoFacets: true})
	if err != nil {
		s.fail(w, r, err)
		return
	}
	v := indexView{Total: found.Count}
	for _, d := range found.Datasets {
		v.Recent = append(v.Recent, govlake.Summary{ID: d.ID, Title: d.Title, TitleTranslated: d.TitleTranslated,
			Organization: d.Organization, Version: d.Version, Rows: d.Rows, Updated: d.Updated})
	}
	orgs, err := s.catalog.Organizations(r.Context())
	if err != nil {
		s.fail(w, r, err)
		return
	}
	for _, o := range orgs {
		v.Orgs = append(v.Orgs, orgOf(o, l.Code))
	}
	if s.KPIs != nil {
		for _, k := range s.KPIs.Reports(r.Context(), l.Code, catalog.AsOf{}) {
			v.KPIs = append(v.KPIs, card(k, l))
		}
	}
	s.render(w, r, "index.html", v)
}

// versionView is a version's page.
type versionView struct {
	V *VersionReport
}

func (s *Server) pageVersion(w http.ResponseWriter, r *http.Request) {
	v, err := s.version(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.render(w, r, "version.html", versionView{v})
}
