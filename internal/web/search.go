package web

import (
	"html/template"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"govlake/internal/catalog"
	"govlake/internal/govlake"
)

// SearchAnswer is GET /api/v1/search: how many datasets match, one page
// of them, and the facets' counts over all matches.
type SearchAnswer struct {
	Count   int                             `json:"count"`
	Page    int                             `json:"page"`
	Results []govlake.Summary               `json:"results"`
	Facets  map[string][]govlake.FacetCount `json:"facets"`
}

// searchPage is how many results a page of search shows.
const searchPage = 20

// searchRequest reads ?q=&organization=&tag=&license=&format=&frequency=
// &language=&recency=&sort=&page=.
func searchRequest(r *http.Request) (catalog.SearchRequest, int, error) {
	q := r.URL.Query()
	req := catalog.SearchRequest{Words: strings.Fields(q.Get("q")), Prefix: true, Filters: map[string][]string{}, Rows: searchPage}
	for _, f := range facetParams {
		if v := q[f.param]; len(v) > 0 {
			req.Filters[f.field] = v
		}
	}
	switch sort := q.Get("sort"); sort {
	case "", "relevance":
	case "id", "title":
		req.Sort = sort
	case "modified":
		req.Sort, req.Desc = "modified", true
	default:
		return req, 0, govlake.Errorf(govlake.EINVALID, "sort %q must be relevance, id, title or modified", sort)
	}
	page := 1
	if v := q.Get("page"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > 10000 {
			return req, 0, govlake.Errorf(govlake.EINVALID, "page %q must be a number from 1", v)
		}
		page = n
	}
	req.Start = (page - 1) * searchPage
	return req, page, nil
}

// search runs the request's search, for the API and the page alike.
func (s *Server) search(r *http.Request) (*catalog.SearchResult, int, error) {
	req, page, err := searchRequest(r)
	if err != nil {
		return nil, 0, err
	}
	found, err := s.catalog.Search(r.Context(), req)
	return found, page, err
}

func (s *Server) apiSearch(w http.ResponseWriter, r *http.Request) {
	found, page, err := s.search(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	out := SearchAnswer{Count: found.Count, Page: page, Results: []govlake.Summary{}, Facets: found.Facets}
	if out.Facets == nil {
		out.Facets = map[string][]govlake.FacetCount{}
	}
	for _, d := range found.Datasets {
		out.Results = append(out.Results, govlake.Summary{ID: d.ID, Title: d.Title, Organization: d.Organization, Version: d.Version, Rows: d.Rows, Updated: d.Updated})
	}
	writeJSON(w, http.StatusOK, out)
}

// searchView is the search page: the box, the results with their
// matched words marked, and the facets as links that add or remove a
// filter (no JavaScript needed).
type searchView struct {
	Q      string
	Count  int
	Page   int
	Result []searchItem
	Facets []facetView
	Keep   []hidden // the filters in force, kept by a new search
	Sorts  []option
	Prev   string
	Next   string
}

type searchItem struct {
	ID, Organization   string
	Title, Description marked
}

// marked is a text with its matched words in <mark>, and its language.
type marked struct {
	HTML template.HTML
	Lang string
}

type hidden struct{ Name, Value string }

type facetView struct {
	Field, Title string // Title is a message key
	Items        []facetLink
}

type facetLink struct {
	Value, Label, Href string
	Count              int
	On                 bool
}

// facetParams are the facets the page shows, in order, with the message
// keys of their titles and, where the values are words, of the values.
var facetParams = []struct{ field, param, values string }{
	{"organization", "organization", ""}, {"tags", "tag", ""}, {"format", "format", ""}, {"frequency", "frequency", "frequency."},
	{"language", "language", ""}, {"recency", "recency", "recency."}, {"license", "license", ""},
}

func (s *Server) pageSearch(w http.ResponseWriter, r *http.Request) {
	l := s.locales.pick(r)
	req, page, err := searchRequest(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	req.Lang = l.Code
	found, err := s.catalog.Search(r.Context(), req)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	q := r.URL.Query()
	v := searchView{Q: q.Get("q"), Count: found.Count, Page: page}
	for _, d := range found.Datasets {
		m := found.Marked[d.ID]
		v.Result = append(v.Result, searchItem{ID: d.ID, Organization: d.Organization,
			Title: markHTML(m.Title, m.TitleLang), Description: markHTML(m.Description, m.DescriptionLang)})
	}
	for _, f := range facetParams {
		fv := facetView{Field: f.field, Title: "facet." + f.field}
		for _, c := range found.Facets[f.field] {
			item := facetItem(q, f.param, c, l, f.values)
			if o, ok := s.locales.byCode[c.Value]; ok && f.field == "language" {
				item.Label = o.Name // each language in its own name
			}
			fv.Items = append(fv.Items, item)
		}
		if len(fv.Items) > 0 {
			v.Facets = append(v.Facets, fv)
		}
		for _, val := range q[f.param] {
			v.Keep = append(v.Keep, hidden{f.param, val})
		}
	}
	for _, o := range []string{"relevance", "modified", "title"} {
		v.Sorts = append(v.Sorts, option{o, l.T("search.sort." + o), o == q.Get("sort") || (o == "relevance" && q.Get("sort") == "")})
	}
	if page > 1 {
		p := cloneValues(q)
		p.Set("page", strconv.Itoa(page-1))
		v.Prev = "/search?" + p.Encode()
	}
	if page*searchPage < found.Count {
		p := cloneValues(q)
		p.Set("page", strconv.Itoa(page+1))
		v.Next = "/search?" + p.Encode()
	}
	s.render(w, r, "search.html", v)
}

// facetItem is a facet value as a link that adds it to the filters, or
// removes it when it is on.
func facetItem(q url.Values, param string, c govlake.FacetCount, l *locale, values string) facetLink {
	link := cloneValues(q)
	link.Del("page")
	link.Del("lang")
	on := slices.Contains(q[param], c.Value)
	if on {
		link.Del(param)
		for _, v := range q[param] {
			if v != c.Value {
				link.Add(param, v)
			}
		}
	} else {
		link.Add(param, c.Value)
	}
	label := c.Value
	if values != "" {
		label = l.T(values + c.Value)
	}
	return facetLink{Value: c.Value, Label: label, Count: c.Count, On: on, Href: "/search?" + link.Encode()}
}

// markHTML writes pieces with the matched words in <mark>, the rest escaped.
func markHTML(pieces []govlake.TextPiece, lang string) marked {
	var b strings.Builder
	for _, p := range pieces {
		if p.Match {
			b.WriteString("<mark>" + template.HTMLEscapeString(p.Text) + "</mark>")
		} else {
			b.WriteString(template.HTMLEscapeString(p.Text))
		}
	}
	return marked{HTML: template.HTML(b.String()), Lang: lang}
}

func cloneValues(v map[string][]string) url.Values {
	out := url.Values{}
	for k, vs := range v {
		out[k] = append([]string(nil), vs...)
	}
	return out
}
